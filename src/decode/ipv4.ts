/**
 * IPv4 header (RFC 791 §3.1).
 *
 *   struct {
 *     u4  version;            // 4
 *     u4  ihl;                // header length in 32-bit words, 5..15
 *     u8  dscp_ecn;
 *     u16 total_length;       // header + payload, ihl*4..65535 (0 = "unknown": TSO/GSO captures)
 *     u16 identification;
 *     u3  flags;              // reserved, DF, MF
 *     u13 fragment_offset;    // in 8-byte units
 *     u8  ttl;
 *     u8  protocol;
 *     u16 header_checksum;    // not verified: offloading makes captured checksums unreliable
 *     u8  source[4];
 *     u8  destination[4];
 *     u8  options[ihl*4 - 20];
 *   } Ipv4Header;
 *
 * The payload ends at total_length, not at the end of the frame: Ethernet pads short frames
 * to 60 bytes and some captures keep the FCS, and both must not become payload.
 */
import { fail, ok, type Decoded, type DecodeIssue } from '../util/decoded.js';
import { u16At, u8At } from '../util/wire-read.js';
import { plainAddressFormatter, type AddressFormatter } from './address.js';

/** A decoded IPv4 header, with where its payload lies in the input. */
export interface Ipv4Header {
  readonly version: 4;
  readonly headerLength: number;
  /** Total length as declared (or as captured when the header says 0; see `weird`). */
  readonly totalLength: number;
  readonly id: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  /** Fragment offset in bytes. */
  readonly fragmentOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly src: string;
  readonly dst: string;
  /** Offset of the option bytes, which run up to `payloadOffset` (none when ihl = 5). */
  readonly optionsOffset: number;
  /** Start and end (exclusive) of the captured payload within the input. */
  readonly payloadOffset: number;
  readonly payloadEnd: number;
  /** Payload bytes the header declares but the capture does not hold. */
  readonly missingBytes: number;
  /** Something odd that did not stop decoding (total length 0, or beyond the captured frame). */
  readonly weird?: DecodeIssue;
}

/**
 * Decodes an IPv4 header at `offset`; the captured packet ends at `bytes.length`.
 * @param addresses formats the addresses (pass an `AddressCache` on hot paths)
 */
export function decodeIpv4(bytes: Uint8Array, offset: number, addresses: AddressFormatter = plainAddressFormatter): Decoded<Ipv4Header> {
  const captured = bytes.length - offset;
  const b0 = u8At(bytes, offset);
  const declaredTotal = u16At(bytes, offset + 2);
  const id = u16At(bytes, offset + 4);
  const ff = u16At(bytes, offset + 6);
  const ttl = u8At(bytes, offset + 8);
  const protocol = u8At(bytes, offset + 9);
  const src = addresses.ipv4(bytes, offset + 12);
  const dst = addresses.ipv4(bytes, offset + 16);
  if (
    b0 === undefined ||
    declaredTotal === undefined ||
    id === undefined ||
    ff === undefined ||
    ttl === undefined ||
    protocol === undefined ||
    src === undefined ||
    dst === undefined
  ) {
    return fail('decode.truncated_header', `IPv4 header truncated: ${Math.max(0, captured)} of 20 bytes captured.`, offset);
  }
  if (b0 >> 4 !== 4) return fail('ipv4.bad_version', `IPv4 header has version ${b0 >> 4}.`, offset);
  const headerLength = (b0 & 0x0f) * 4;
  if (headerLength < 20) return fail('ipv4.bad_header_length', `IPv4 header length ${headerLength} is below 20.`, offset);
  if (captured < headerLength) {
    return fail('decode.truncated_header', `IPv4 header truncated: ${captured} of ${headerLength} bytes captured.`, offset);
  }
  let totalLength = declaredTotal;
  let weird: DecodeIssue | undefined;
  if (totalLength === 0) {
    // Segmentation offload: the stack hands the capture a packet before the NIC splits it and
    // fills in the length; take what was captured.
    totalLength = captured;
    weird = { code: 'ipv4.total_length_zero', message: 'IPv4 total length is 0 (segmentation offload?); using the captured length.', offset };
  } else if (totalLength < headerLength) {
    return fail('ipv4.bad_total_length', `IPv4 total length ${totalLength} is below the header length ${headerLength}.`, offset);
  }
  const payloadOffset = offset + headerLength;
  const declaredEnd = offset + totalLength;
  const payloadEnd = declaredEnd < bytes.length ? declaredEnd : bytes.length;
  const h: Ipv4Header = {
    version: 4,
    headerLength,
    totalLength,
    id,
    dontFragment: (ff & 0x4000) !== 0,
    moreFragments: (ff & 0x2000) !== 0,
    fragmentOffset: (ff & 0x1fff) * 8,
    ttl,
    protocol,
    src,
    dst,
    optionsOffset: offset + 20,
    payloadOffset,
    payloadEnd,
    missingBytes: declaredEnd - payloadEnd,
    weird,
  };
  return ok(h);
}
