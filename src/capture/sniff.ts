/**
 * Format detection from the first bytes of a file (never from its name), and the one
 * sentence that tells the user what a non-capture looks like.
 */
import { TlsAutopsyError } from '../util/errors.js';

/** What the first bytes announce. */
export type Sniffed =
  | { readonly kind: 'pcap'; readonly littleEndian: boolean; readonly nanosecond: boolean }
  | { readonly kind: 'pcapng' }
  | { readonly kind: 'gzip' };

/** Bytes the sniffer looks at (enough for the pcapng byte-order magic and a text excerpt). */
export const SNIFF_BYTES = 16;

const ADVICE = 'save the capture as pcap or pcapng (for example tcpdump -w capture.pcap, or File > Save As in Wireshark)';

/** Known non-capture formats by their leading bytes, to name them in the error. */
const KNOWN_SIGNATURES: readonly { readonly bytes: readonly number[]; readonly name: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], name: 'a ZIP archive' },
  { bytes: [0x50, 0x4b, 0x05, 0x06], name: 'an empty ZIP archive' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: 'an xz-compressed file (decompress it first)' },
  { bytes: [0x42, 0x5a, 0x68], name: 'a bzip2-compressed file (decompress it first)' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], name: 'a zstd-compressed file (decompress it first)' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], name: 'a 7-Zip archive' },
  { bytes: [0x73, 0x6e, 0x6f, 0x6f, 0x70, 0x00], name: 'a Solaris snoop capture' },
  { bytes: [0x47, 0x4d, 0x42, 0x55], name: 'a Microsoft Network Monitor capture' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], name: 'a PNG image' },
  { bytes: [0x25, 0x50, 0x44, 0x46], name: 'a PDF document' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], name: 'an ELF executable' },
];

function startsWith(head: Uint8Array, bytes: readonly number[]): boolean {
  if (head.length < bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (head[i] !== bytes[i]) return false;
  return true;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Recognizes pcap (µs and ns magic, both byte orders), pcapng (SHB with its byte-order
 * magic) and gzip; throws `not-a-capture` / `unsupported-capture` for anything else.
 *
 * @param head the first bytes (up to {@link SNIFF_BYTES}; fewer only when the input is shorter)
 * @param label how to call the input in the message
 * @param insideGzip the bytes were decompressed from a gzip file
 */
export function sniffFormat(head: Uint8Array, label: string, insideGzip = false): Sniffed {
  const b0 = head[0];
  const b1 = head[1];
  const b2 = head[2];
  const b3 = head[3];
  if (head.length >= 4) {
    // pcap magic 0xa1b2c3d4 (µs) / 0xa1b23c4d (ns), written in the writer's byte order.
    if (b0 === 0xa1 && b1 === 0xb2 && b2 === 0xc3 && b3 === 0xd4) return { kind: 'pcap', littleEndian: false, nanosecond: false };
    if (b0 === 0xd4 && b1 === 0xc3 && b2 === 0xb2 && b3 === 0xa1) return { kind: 'pcap', littleEndian: true, nanosecond: false };
    if (b0 === 0xa1 && b1 === 0xb2 && b2 === 0x3c && b3 === 0x4d) return { kind: 'pcap', littleEndian: false, nanosecond: true };
    if (b0 === 0x4d && b1 === 0x3c && b2 === 0xb2 && b3 === 0xa1) return { kind: 'pcap', littleEndian: true, nanosecond: true };
    if ((b0 === 0xa1 && b1 === 0xb2 && b2 === 0xcd && b3 === 0x34) || (b0 === 0x34 && b1 === 0xcd && b2 === 0xb2 && b3 === 0xa1)) {
      throw new TlsAutopsyError(
        'unsupported-capture',
        `${label} is a modified (Kuznetzov) pcap, which is not supported; convert it with "editcap -F pcap" or "editcap -F pcapng".`,
      );
    }
    if (b0 === 0x0a && b1 === 0x0d && b2 === 0x0d && b3 === 0x0a) {
      if (head.length < 12) {
        throw new TlsAutopsyError('not-a-capture', `${label} ends inside its pcapng section header (${head.length} bytes); the capture was cut before any packet was written.`);
      }
      const bom = hex(head.subarray(8, 12));
      if (bom === '1a 2b 3c 4d' || bom === '4d 3c 2b 1a') return { kind: 'pcapng' };
      throw new TlsAutopsyError('not-a-capture', `${label} starts like pcapng but its byte-order magic is ${bom} instead of 1a 2b 3c 4d; the file is damaged, ${ADVICE}.`);
    }
  }
  if (head.length >= 2 && b0 === 0x1f && b1 === 0x8b) {
    if (insideGzip) {
      throw new TlsAutopsyError('not-a-capture', `${label} is gzip inside gzip; decompress it once and try again.`);
    }
    return { kind: 'gzip' };
  }
  const where = insideGzip ? `${label} (after gzip decompression)` : label;
  if (head.length === 0) {
    throw new TlsAutopsyError('not-a-capture', `${where} is empty; ${ADVICE}.`);
  }
  if (startsWithPcapPrefix(head)) {
    throw new TlsAutopsyError('not-a-capture', `${where} ends inside its file header (${head.length} bytes); the capture was cut before any packet was written.`);
  }
  throw new TlsAutopsyError('not-a-capture', `${where} is not a packet capture: it ${describeBytes(head)}; ${ADVICE}.`);
}

/** True when a too-short input is a prefix of a capture magic (the file was cut in its first bytes). */
function startsWithPcapPrefix(head: Uint8Array): boolean {
  if (head.length >= 4) return false;
  const magics = [
    [0xa1, 0xb2, 0xc3, 0xd4],
    [0xd4, 0xc3, 0xb2, 0xa1],
    [0xa1, 0xb2, 0x3c, 0x4d],
    [0x4d, 0x3c, 0xb2, 0xa1],
    [0x0a, 0x0d, 0x0d, 0x0a],
  ];
  return magics.some((m) => startsWith(head, m.slice(0, head.length)));
}

/** "looks like text: 'GET / HTTP'", "looks like a ZIP archive", or the hex of the first 8 bytes. */
function describeBytes(head: Uint8Array): string {
  for (const sig of KNOWN_SIGNATURES) if (startsWith(head, sig.bytes)) return `looks like ${sig.name}`;
  const text = printablePrefix(head);
  if (text !== undefined) return `looks like text: '${text}'`;
  return `starts with the bytes ${hex(head.subarray(0, 8))}`;
}

/** The bytes as text when they are printable ASCII (tabs and line breaks allowed), else undefined. */
function printablePrefix(head: Uint8Array): string | undefined {
  let start = 0;
  // A UTF-8 byte-order mark still means text.
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) start = 3;
  let out = '';
  for (const [i, c] of head.subarray(start).entries()) {
    if (c === 0x09 || c === 0x0a || c === 0x0d) {
      out += ' ';
    } else if (c >= 0x20 && c < 0x7f) {
      out += String.fromCharCode(c);
    } else if (c >= 0x80 && i > 0) {
      // Non-ASCII UTF-8 after some text: stop the excerpt here rather than misjudge it.
      break;
    } else {
      return undefined;
    }
  }
  const trimmed = out.trim().slice(0, 10);
  return trimmed.length > 0 ? trimmed : undefined;
}
