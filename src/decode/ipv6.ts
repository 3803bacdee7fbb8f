/**
 * IPv6 header (RFC 8200 §3) and extension header chain (RFC 8200 §4, RFC 4302 for AH).
 *
 *   struct {
 *     u4  version;            // 6
 *     u8  traffic_class;
 *     u20 flow_label;
 *     u16 payload_length;     // bytes after this 40-byte header, extension headers included
 *                             // (0 = jumbogram or segmentation offload: the captured length is used)
 *     u8  next_header;
 *     u8  hop_limit;
 *     u8  source[16];
 *     u8  destination[16];
 *   } Ipv6Header;
 *
 *   Extension headers, each { u8 next_header; u8 hdr_ext_len; … }:
 *     Hop-by-Hop 0, Routing 43, Destination Options 60, Mobility 135, HIP 139, Shim6 140:
 *       length (hdr_ext_len + 1) * 8 bytes
 *     Authentication Header 51: length (payload_len + 2) * 4 bytes
 *     Fragment 44: { u8 next_header; u8 reserved; u13 offset (8-byte units); u2 res; u1 M; u32 id; }
 *   The walk stops at the first other value (TCP, UDP, ESP 50, No Next Header 59, …), at a
 *   Fragment header (what follows it is in the fragmentable part), or after
 *   MAX_EXTENSION_HEADERS headers.
 */
import { fail, ok, type Decoded, type DecodeIssue } from '../util/decoded.js';
import { u16At, u32At, u8At } from '../util/wire-read.js';
import { plainAddressFormatter, type AddressFormatter } from './address.js';

/** Longest extension header chain walked before the packet is called malformed. */
export const MAX_EXTENSION_HEADERS = 16;

/** IP protocol numbers of the extension headers walked. */
export const IPPROTO = {
  HOP_BY_HOP: 0,
  TCP: 6,
  UDP: 17,
  ROUTING: 43,
  FRAGMENT: 44,
  ESP: 50,
  AH: 51,
  NO_NEXT_HEADER: 59,
  DESTINATION: 60,
  MOBILITY: 135,
  HIP: 139,
  SHIM6: 140,
} as const;

/** What an IPv6 Fragment header says. */
interface Ipv6Fragment {
  /** Fragment offset in bytes. */
  readonly offset: number;
  readonly moreFragments: boolean;
  readonly id: number;
  /** Next header of the fragmentable part (only the offset-0 fragment's value counts). */
  readonly nextHeader: number;
}

/** Where an extension header chain ends. */
export interface ExtensionChain {
  /** The protocol after the last extension header walked (for a fragment: its next header). */
  readonly protocol: number;
  /** Offset of that protocol's header. */
  readonly offset: number;
  /** Extension headers walked. */
  readonly count: number;
  readonly fragment?: Ipv6Fragment;
  readonly weird?: DecodeIssue;
}

/**
 * Walks extension headers from `offset` with `nextHeader` naming the first one.
 * @param end end of the captured bytes
 * @param declaredEnd end of the bytes the IP header declares (> end when the capture cut them)
 * @param ipVersion 4 walks only AH (the one extension IPv4 carries); 6 walks all of them
 */
export function walkExtensionHeaders(
  bytes: Uint8Array,
  offset: number,
  end: number,
  declaredEnd: number,
  nextHeader: number,
  ipVersion: 4 | 6,
): Decoded<ExtensionChain> {
  let next = nextHeader;
  let o = offset;
  let count = 0;
  let weird: DecodeIssue | undefined;
  for (;;) {
    let generic = false;
    if (ipVersion === 6) {
      switch (next) {
        case IPPROTO.HOP_BY_HOP:
          if (count > 0 && weird === undefined) {
            weird = { code: 'ipv6.hop_by_hop_not_first', message: 'IPv6 Hop-by-Hop Options header is not the first extension header.', offset: o };
          }
          generic = true;
          break;
        case IPPROTO.ROUTING:
        case IPPROTO.DESTINATION:
        case IPPROTO.MOBILITY:
        case IPPROTO.HIP:
        case IPPROTO.SHIM6:
          generic = true;
          break;
        case IPPROTO.AH:
        case IPPROTO.FRAGMENT:
          break;
        default:
          return ok({ protocol: next, offset: o, count, weird });
      }
    } else if (next !== IPPROTO.AH) {
      return ok({ protocol: next, offset: o, count, weird });
    }
    if (count >= MAX_EXTENSION_HEADERS) {
      return fail('ip.too_many_extension_headers', `More than ${MAX_EXTENSION_HEADERS} extension headers.`, o);
    }
    // Every extension header starts { u8 next_header; u8 length; … }.
    const nextInChain = u8At(bytes, o, end);
    if (next === IPPROTO.FRAGMENT) {
      // { u8 next_header; u8 reserved; u16 offset_and_flags; u32 id; }, 8 bytes whatever the reserved byte says.
      const v = u16At(bytes, o + 2, end);
      const id = u32At(bytes, o + 4, end);
      if (nextInChain === undefined || v === undefined || id === undefined) return shortExtension(o, 8, end, declaredEnd);
      count++;
      const fragment: Ipv6Fragment = { offset: v & 0xfff8, moreFragments: (v & 1) !== 0, id, nextHeader: nextInChain };
      // An atomic fragment (offset 0, no more fragments; RFC 6946) is a whole datagram.
      if (fragment.offset === 0 && !fragment.moreFragments) {
        next = fragment.nextHeader;
        o += 8;
        continue;
      }
      return ok({ protocol: fragment.nextHeader, offset: o + 8, count, fragment, weird });
    }
    const lengthByte = u8At(bytes, o + 1, end);
    if (nextInChain === undefined || lengthByte === undefined) return shortExtension(o, 2, end, declaredEnd);
    const len = generic ? (lengthByte + 1) * 8 : (lengthByte + 2) * 4;
    if (end - o < len) return shortExtension(o, len, end, declaredEnd);
    count++;
    next = nextInChain;
    o += len;
  }
}

function shortExtension(o: number, need: number, end: number, declaredEnd: number): Decoded<ExtensionChain> {
  if (declaredEnd - o >= need) {
    return fail('decode.truncated_header', `IP extension header truncated: ${Math.max(0, end - o)} of ${need} bytes captured.`, o);
  }
  return fail('ip.bad_extension_header', `IP extension header of ${need} bytes runs past the end of the packet.`, o);
}

/** A decoded IPv6 header and extension chain, with where the upper-layer data lies in the input. */
export interface Ipv6Header {
  readonly version: 6;
  readonly trafficClass: number;
  readonly flowLabel: number;
  /** Payload length as declared (or as captured when the header says 0; see `weird`). */
  readonly payloadLength: number;
  readonly hopLimit: number;
  readonly src: string;
  readonly dst: string;
  /** Upper-layer protocol after the extension headers (for a fragment: of the fragmentable part). */
  readonly protocol: number;
  /** Extension headers walked. */
  readonly extensionHeaders: number;
  /** Present when the packet is a fragment (not an atomic one). */
  readonly fragment?: Ipv6Fragment;
  /** Start of the upper-layer header (for a fragment: of the fragment data). */
  readonly payloadOffset: number;
  /** End (exclusive) of the captured payload within the input. */
  readonly payloadEnd: number;
  /** Payload bytes the header declares but the capture does not hold. */
  readonly missingBytes: number;
  readonly weird?: DecodeIssue;
}

/**
 * Decodes an IPv6 header and its extension headers at `offset`; the captured packet ends at
 * `bytes.length`.
 */
export function decodeIpv6(bytes: Uint8Array, offset: number, addresses: AddressFormatter = plainAddressFormatter): Decoded<Ipv6Header> {
  const captured = bytes.length - offset;
  const versionClassFlow = u32At(bytes, offset);
  const declaredPayload = u16At(bytes, offset + 4);
  const nextHeader = u8At(bytes, offset + 6);
  const hopLimit = u8At(bytes, offset + 7);
  const src = addresses.ipv6(bytes, offset + 8);
  const dst = addresses.ipv6(bytes, offset + 24);
  if (
    versionClassFlow === undefined ||
    declaredPayload === undefined ||
    nextHeader === undefined ||
    hopLimit === undefined ||
    src === undefined ||
    dst === undefined
  ) {
    return fail('decode.truncated_header', `IPv6 header truncated: ${Math.max(0, captured)} of 40 bytes captured.`, offset);
  }
  const version = versionClassFlow >>> 28;
  if (version !== 6) return fail('ipv6.bad_version', `IPv6 header has version ${version}.`, offset);
  let payloadLength = declaredPayload;
  let weird: DecodeIssue | undefined;
  if (payloadLength === 0 && nextHeader !== IPPROTO.NO_NEXT_HEADER && captured > 40) {
    payloadLength = captured - 40;
    weird = { code: 'ipv6.payload_length_zero', message: 'IPv6 payload length is 0 (jumbogram or segmentation offload?); using the captured length.', offset };
  }
  const declaredEnd = offset + 40 + payloadLength;
  const payloadEnd = declaredEnd < bytes.length ? declaredEnd : bytes.length;
  const chain = walkExtensionHeaders(bytes, offset + 40, payloadEnd, declaredEnd, nextHeader, 6);
  if (!chain.ok) return chain;
  const c = chain.value;
  const h: Ipv6Header = {
    version: 6,
    trafficClass: (versionClassFlow >>> 20) & 0xff,
    flowLabel: versionClassFlow & 0xfffff,
    payloadLength,
    hopLimit,
    src,
    dst,
    protocol: c.protocol,
    extensionHeaders: c.count,
    fragment: c.fragment,
    payloadOffset: c.offset,
    payloadEnd,
    missingBytes: declaredEnd - payloadEnd,
    weird: weird ?? c.weird,
  };
  return ok(h);
}
