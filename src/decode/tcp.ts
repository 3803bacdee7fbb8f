/**
 * TCP header (RFC 9293 §3.1) and options.
 *
 *   struct {
 *     u16 source_port;
 *     u16 destination_port;
 *     u32 sequence_number;
 *     u32 acknowledgment_number;
 *     u4  data_offset;        // header length in 32-bit words, 5..15
 *     u3  reserved;
 *     u1  ns;                 // RFC 3540 (historic), kept as TcpFlag.NS
 *     u8  flags;              // CWR ECE URG ACK PSH RST SYN FIN
 *     u16 window;
 *     u16 checksum;           // not verified: offloading makes captured checksums unreliable
 *     u16 urgent_pointer;
 *     u8  options[data_offset*4 - 20];
 *   } TcpHeader;
 *
 *   Options: kind 0 EOL (ends the list), 1 NOP; otherwise { u8 kind; u8 length (>= 2); … }:
 *     2 MSS (4: u16), 3 window scale (3: u8, RFC 7323), 4 SACK permitted (2, RFC 2018),
 *     5 SACK (2 + 8n: {u32 left; u32 right}[n]), 8 timestamps (10: u32 value, u32 echo, RFC 7323).
 *   Unknown kinds are skipped by their length. A known kind with the wrong length is ignored
 *   and noted.
 */
import { fail, ok, type Decoded, type DecodeIssue } from '../util/decoded.js';
import type { TcpOptions } from './types.js';

/** The options of a segment that carries none, shared so such segments allocate nothing for them. */
const NO_TCP_OPTIONS: TcpOptions = Object.freeze({});

/** A decoded TCP header. */
export interface TcpHeader {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  /** Bit set of TcpFlag values (NS in bit 8). */
  readonly flags: number;
  readonly window: number;
  readonly urgentPointer: number;
  readonly headerLength: number;
  readonly options: TcpOptions;
  /** A malformed option (decoding of the options stopped there). */
  readonly weird?: DecodeIssue;
}

interface MutableOptions {
  mss?: number;
  windowScale?: number;
  sackPermitted?: boolean;
  sack?: (readonly [number, number])[];
  timestamp?: readonly [number, number];
}

function u32(b: Uint8Array, o: number): number {
  return (b[o] as number) * 0x1000000 + (((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number));
}

/**
 * Decodes the options in `bytes[start, end)`. Returns what was read; `issue` is set when an
 * option was malformed.
 */
export function decodeTcpOptions(bytes: Uint8Array, start: number, end: number): { options: TcpOptions; issue?: DecodeIssue } {
  if (start >= end) return { options: NO_TCP_OPTIONS };
  const opts: MutableOptions = {};
  let o = start;
  let issue: DecodeIssue | undefined;
  while (o < end) {
    const kind = bytes[o] as number;
    if (kind === 0) break;
    if (kind === 1) {
      o++;
      continue;
    }
    if (end - o < 2) {
      issue = { code: 'tcp.option.malformed', message: `TCP option ${kind} has no length byte.`, offset: o };
      break;
    }
    const len = bytes[o + 1] as number;
    if (len < 2 || len > end - o) {
      issue = { code: 'tcp.option.malformed', message: `TCP option ${kind} has length ${len}, which does not fit the header.`, offset: o };
      break;
    }
    let sizeOk = true;
    switch (kind) {
      case 2:
        if ((sizeOk = len === 4)) opts.mss = ((bytes[o + 2] as number) << 8) | (bytes[o + 3] as number);
        break;
      case 3:
        if ((sizeOk = len === 3)) opts.windowScale = bytes[o + 2] as number;
        break;
      case 4:
        if ((sizeOk = len === 2)) opts.sackPermitted = true;
        break;
      case 5:
        if ((sizeOk = (len - 2) % 8 === 0 && len > 2)) {
          const blocks: (readonly [number, number])[] = [];
          for (let p = o + 2; p + 8 <= o + len; p += 8) blocks.push([u32(bytes, p), u32(bytes, p + 4)]);
          opts.sack = blocks;
        }
        break;
      case 8:
        if ((sizeOk = len === 10)) opts.timestamp = [u32(bytes, o + 2), u32(bytes, o + 6)];
        break;
      default:
        break;
    }
    if (!sizeOk && issue === undefined) {
      issue = { code: 'tcp.option.bad_length', message: `TCP option ${kind} has length ${len}; it was ignored.`, offset: o };
    }
    o += len;
  }
  return issue === undefined ? { options: opts } : { options: opts, issue };
}

/**
 * Decodes a TCP header in `bytes[offset, end)`.
 * @param declaredLength segment length the IP header declares (>= end - offset; larger when
 *   the capture cut the segment), used to tell a truncated header from a malformed one
 */
export function decodeTcp(bytes: Uint8Array, offset: number, end: number, declaredLength: number): Decoded<TcpHeader> {
  const captured = end - offset;
  if (captured < 20) {
    return declaredLength >= 20
      ? fail('decode.truncated_header', `TCP header truncated: ${Math.max(0, captured)} of 20 bytes captured.`, offset)
      : fail('tcp.too_short', `TCP segment of ${declaredLength} bytes is shorter than a TCP header.`, offset);
  }
  const headerLength = ((bytes[offset + 12] as number) >> 4) * 4;
  if (headerLength < 20 || headerLength > declaredLength) {
    return fail('tcp.bad_data_offset', `TCP data offset gives a header of ${headerLength} bytes in a segment of ${declaredLength}.`, offset);
  }
  if (headerLength > captured) {
    return fail('decode.truncated_header', `TCP header truncated: ${captured} of ${headerLength} bytes captured.`, offset);
  }
  const parsed = decodeTcpOptions(bytes, offset + 20, offset + headerLength);
  const h: TcpHeader = {
    srcPort: ((bytes[offset] as number) << 8) | (bytes[offset + 1] as number),
    dstPort: ((bytes[offset + 2] as number) << 8) | (bytes[offset + 3] as number),
    seq: u32(bytes, offset + 4),
    ack: u32(bytes, offset + 8),
    flags: (bytes[offset + 13] as number) | (((bytes[offset + 12] as number) & 1) << 8),
    window: ((bytes[offset + 14] as number) << 8) | (bytes[offset + 15] as number),
    urgentPointer: ((bytes[offset + 18] as number) << 8) | (bytes[offset + 19] as number),
    headerLength,
    options: parsed.options,
    weird: parsed.issue,
  };
  return ok(h);
}
