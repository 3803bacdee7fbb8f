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
import { u16At, u32At, u8At } from '../util/wire-read.js';
import type { TcpOptions } from './types.js';

/** The options of a segment that carries none, shared so such segments allocate nothing for them. */
const NO_TCP_OPTIONS: TcpOptions = Object.freeze({});
/** The result for a header without options, shared too (most segments after the SYN carry none). */
const NO_OPTIONS_RESULT: { readonly options: TcpOptions } = Object.freeze({ options: NO_TCP_OPTIONS });

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

/**
 * Decodes the options in `bytes[start, end)`. Returns what was read; `issue` is set when an
 * option was malformed.
 */
export function decodeTcpOptions(bytes: Uint8Array, start: number, end: number): { options: TcpOptions; issue?: DecodeIssue } {
  if (start >= end) return NO_OPTIONS_RESULT;
  const opts: MutableOptions = {};
  let o = start;
  let issue: DecodeIssue | undefined;
  for (;;) {
    const kind = u8At(bytes, o, end);
    if (kind === undefined || kind === 0) break;
    if (kind === 1) {
      o++;
      continue;
    }
    const len = u8At(bytes, o + 1, end);
    if (len === undefined) {
      issue = { code: 'tcp.option.malformed', message: `TCP option ${kind} has no length byte.`, offset: o };
      break;
    }
    if (len < 2 || len > end - o) {
      issue = { code: 'tcp.option.malformed', message: `TCP option ${kind} has length ${len}, which does not fit the header.`, offset: o };
      break;
    }
    // Reads below stay inside the option, which the check above put inside `end`.
    const optionEnd = o + len;
    let sizeOk = true;
    switch (kind) {
      case 2: {
        const mss = len === 4 ? u16At(bytes, o + 2, optionEnd) : undefined;
        if ((sizeOk = mss !== undefined)) opts.mss = mss;
        break;
      }
      case 3: {
        const shift = len === 3 ? u8At(bytes, o + 2, optionEnd) : undefined;
        if ((sizeOk = shift !== undefined)) opts.windowScale = shift;
        break;
      }
      case 4:
        if ((sizeOk = len === 2)) opts.sackPermitted = true;
        break;
      case 5:
        if ((sizeOk = (len - 2) % 8 === 0 && len > 2)) {
          const blocks: (readonly [number, number])[] = [];
          for (let p = o + 2; ; p += 8) {
            const left = u32At(bytes, p, optionEnd);
            const right = u32At(bytes, p + 4, optionEnd);
            if (left === undefined || right === undefined) break;
            blocks.push([left, right]);
          }
          opts.sack = blocks;
        }
        break;
      case 8: {
        const value = len === 10 ? u32At(bytes, o + 2, optionEnd) : undefined;
        const echo = u32At(bytes, o + 6, optionEnd);
        if ((sizeOk = value !== undefined && echo !== undefined)) opts.timestamp = [value, echo];
        break;
      }
      default:
        break;
    }
    if (!sizeOk && issue === undefined) {
      issue = { code: 'tcp.option.bad_length', message: `TCP option ${kind} has length ${len}; it was ignored.`, offset: o };
    }
    o = optionEnd;
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
  const srcPort = u16At(bytes, offset, end);
  const dstPort = u16At(bytes, offset + 2, end);
  const seq = u32At(bytes, offset + 4, end);
  const ack = u32At(bytes, offset + 8, end);
  const offsetAndNs = u8At(bytes, offset + 12, end);
  const flagBits = u8At(bytes, offset + 13, end);
  const window = u16At(bytes, offset + 14, end);
  const urgentPointer = u16At(bytes, offset + 18, end);
  if (
    srcPort === undefined ||
    dstPort === undefined ||
    seq === undefined ||
    ack === undefined ||
    offsetAndNs === undefined ||
    flagBits === undefined ||
    window === undefined ||
    urgentPointer === undefined
  ) {
    return declaredLength >= 20
      ? fail('decode.truncated_header', `TCP header truncated: ${Math.max(0, captured)} of 20 bytes captured.`, offset)
      : fail('tcp.too_short', `TCP segment of ${declaredLength} bytes is shorter than a TCP header.`, offset);
  }
  const headerLength = (offsetAndNs >> 4) * 4;
  if (headerLength < 20 || headerLength > declaredLength) {
    return fail('tcp.bad_data_offset', `TCP data offset gives a header of ${headerLength} bytes in a segment of ${declaredLength}.`, offset);
  }
  if (headerLength > captured) {
    return fail('decode.truncated_header', `TCP header truncated: ${captured} of ${headerLength} bytes captured.`, offset);
  }
  const parsed = decodeTcpOptions(bytes, offset + 20, offset + headerLength);
  const h: TcpHeader = {
    srcPort,
    dstPort,
    seq,
    ack,
    flags: flagBits | ((offsetAndNs & 1) << 8),
    window,
    urgentPointer,
    headerLength,
    options: parsed.options,
    weird: parsed.issue,
  };
  return ok(h);
}
