/**
 * The packet nearly every capture is made of, decoded in one pass: Ethernet without VLAN tags,
 * Linux cooked (v1 or v2), then IPv4 (not a fragment) or IPv6 (TCP as its first next header),
 * then a TCP header with well-formed options, every length consistent and the whole datagram
 * captured.
 *
 * Why a second path: the general decoders build a header object and a result for each layer,
 * ~600 bytes per packet that only the TCP segment outlives. On a capture of bulk data that is
 * most of what the analysis allocates. Anything this path does not fully check (tags,
 * fragments, extension headers, a length that disagrees, an option that does not fit, a frame
 * cut by the snap length) makes it answer null, and the general decoders take the packet and
 * say what is odd about it. A property test holds it to the general path's segment on every
 * packet it answers.
 */
import type { Packet } from '../capture/types.js';
import type { AddressFormatter } from './address.js';
import { NO_VLANS } from './link-header.js';
import { decodeTcpOptions } from './tcp.js';
import type { TcpSegment } from './types.js';

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const IPPROTO_TCP = 6;
/** Linux cooked captures of netlink sockets carry no IP (decode/sll.ts). */
const ARPHRD_NETLINK = 824;

/** The segment of an ordinary TCP/IP packet, or null when the general decoders must look at it. */
export function plainTcpSegment(packet: Packet, addresses: AddressFormatter): TcpSegment | null {
  const bytes = packet.bytes;
  const length = bytes.length;
  let etherType: number;
  let ip: number;
  switch (packet.linkType) {
    case 1:
      if (length < 14) return null;
      etherType = u16(bytes, 12);
      ip = 14;
      break;
    case 113:
      if (length < 16 || u16(bytes, 2) === ARPHRD_NETLINK) return null;
      etherType = u16(bytes, 14);
      ip = 16;
      break;
    case 276:
      if (length < 20 || u16(bytes, 8) === ARPHRD_NETLINK) return null;
      etherType = u16(bytes, 0);
      ip = 20;
      break;
    default:
      return null;
  }
  if (etherType === ETHERTYPE_IPV4) return ipv4(packet, bytes, ip, addresses);
  if (etherType === ETHERTYPE_IPV6) return ipv6(packet, bytes, ip, addresses);
  return null;
}

function ipv4(packet: Packet, bytes: Uint8Array, at: number, addresses: AddressFormatter): TcpSegment | null {
  if (bytes.length - at < 20) return null;
  const b0 = bytes[at] as number;
  const headerLength = (b0 & 0x0f) * 4;
  if (b0 >> 4 !== 4 || headerLength < 20 || bytes.length - at < headerLength) return null;
  const total = u16(bytes, at + 2);
  const end = at + total;
  // A total length of 0 (offload), one below the header or past the frame: the general path says so.
  if (total < headerLength || end > bytes.length) return null;
  // More-fragments or a fragment offset: reassembly.
  if ((u16(bytes, at + 6) & 0x3fff) !== 0 || bytes[at + 9] !== IPPROTO_TCP) return null;
  const src = addresses.ipv4(bytes, at + 12);
  const dst = addresses.ipv4(bytes, at + 16);
  if (src === undefined || dst === undefined) return null;
  return tcp(packet, bytes, 4, src, dst, at + headerLength, end);
}

function ipv6(packet: Packet, bytes: Uint8Array, at: number, addresses: AddressFormatter): TcpSegment | null {
  if (bytes.length - at < 40 || (bytes[at] as number) >> 4 !== 6) return null;
  const payloadLength = u16(bytes, at + 4);
  const end = at + 40 + payloadLength;
  // Extension headers, or a datagram past the frame. (A payload length of 0, a jumbogram or
  // offload, leaves no room for the TCP header below.)
  if (bytes[at + 6] !== IPPROTO_TCP || end > bytes.length) return null;
  const src = addresses.ipv6(bytes, at + 8);
  const dst = addresses.ipv6(bytes, at + 24);
  if (src === undefined || dst === undefined) return null;
  return tcp(packet, bytes, 6, src, dst, at + 40, end);
}

function tcp(packet: Packet, bytes: Uint8Array, ipVersion: 4 | 6, src: string, dst: string, at: number, end: number): TcpSegment | null {
  if (end - at < 20) return null;
  const offsetAndNs = bytes[at + 12] as number;
  const headerLength = (offsetAndNs >> 4) * 4;
  if (headerLength < 20 || headerLength > end - at) return null;
  const parsed = decodeTcpOptions(bytes, at + 20, at + headerLength);
  if (parsed.issue !== undefined) return null;
  return {
    frame: packet.frame,
    time: packet.time,
    ipVersion,
    src,
    dst,
    srcPort: u16(bytes, at),
    dstPort: u16(bytes, at + 2),
    seq: u32(bytes, at + 4),
    ack: u32(bytes, at + 8),
    flags: (bytes[at + 13] as number) | ((offsetAndNs & 1) << 8),
    window: u16(bytes, at + 14),
    options: parsed.options,
    payload: bytes.subarray(at + headerLength, end),
    missingPayloadBytes: 0,
    vlans: NO_VLANS,
  };
}

/** Big-endian reads at offsets the caller has checked are inside `bytes`. */
function u16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
}

function u32(bytes: Uint8Array, at: number): number {
  return (((bytes[at] as number) << 24) | ((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number)) >>> 0;
}
