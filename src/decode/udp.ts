/**
 * UDP header (RFC 768).
 *
 *   struct {
 *     u16 source_port;
 *     u16 destination_port;
 *     u16 length;            // header + data, 8..65535 (0 only in IPv6 jumbograms, RFC 2675)
 *     u16 checksum;          // not verified
 *   } UdpHeader;
 */
import { fail, ok, type Decoded, type DecodeIssue } from '../util/decoded.js';
import { u16At } from '../util/wire-read.js';

/** A decoded UDP header. */
export interface UdpHeader {
  readonly srcPort: number;
  readonly dstPort: number;
  /** Length field as declared. */
  readonly length: number;
  /** End (exclusive) of the captured payload: the UDP length, bounded by what IP declares and was captured. */
  readonly payloadEnd: number;
  readonly weird?: DecodeIssue;
}

/**
 * Decodes a UDP header in `bytes[offset, end)`.
 * @param declaredLength datagram length the IP header declares
 */
export function decodeUdp(bytes: Uint8Array, offset: number, end: number, declaredLength: number): Decoded<UdpHeader> {
  const srcPort = u16At(bytes, offset, end);
  const dstPort = u16At(bytes, offset + 2, end);
  const length = u16At(bytes, offset + 4, end);
  // The checksum (bytes 6..8) is not used, but a header is only whole with it.
  const checksum = u16At(bytes, offset + 6, end);
  if (srcPort === undefined || dstPort === undefined || length === undefined || checksum === undefined) {
    const captured = end - offset;
    return declaredLength >= 8
      ? fail('decode.truncated_header', `UDP header truncated: ${Math.max(0, captured)} of 8 bytes captured.`, offset)
      : fail('udp.too_short', `UDP datagram of ${declaredLength} bytes is shorter than a UDP header.`, offset);
  }
  let weird: DecodeIssue | undefined;
  let usable = length;
  if (length === 0 && declaredLength > 0xffff) {
    usable = declaredLength;
  } else if (length < 8) {
    return fail('udp.bad_length', `UDP length ${length} is below 8.`, offset);
  } else if (length > declaredLength) {
    usable = declaredLength;
    weird = { code: 'udp.length_exceeds_ip', message: `UDP length ${length} exceeds the ${declaredLength} bytes IP carries.`, offset };
  } else if (length < declaredLength) {
    weird = { code: 'udp.length_below_ip', message: `UDP length ${length} is shorter than the ${declaredLength} bytes IP carries.`, offset };
  }
  const want = offset + usable;
  const h: UdpHeader = {
    srcPort,
    dstPort,
    length,
    payloadEnd: want < end ? want : end,
    weird,
  };
  return ok(h);
}
