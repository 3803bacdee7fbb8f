/**
 * The packet nearly every capture is made of, decoded in one pass: Ethernet without VLAN tags,
 * Linux cooked (v1 or v2), then IPv4 (not a fragment) or IPv6 (TCP as its first next header),
 * then a TCP header with well-formed options, every length consistent and the whole datagram
 * captured.
 *
 * Why a second path: the general decoders build a header object and a result for each layer,
 * ~420 bytes per packet that only the TCP segment outlives: on a capture of bulk data, ~40% of
 * what the analysis allocated. Anything this path does not fully check (tags,
 * fragments, extension headers, a length that disagrees, an option that does not fit, a frame
 * cut by the snap length) makes it answer null, and the general decoders take the packet and
 * say what is odd about it. A property test holds it to the general path's segment on every
 * packet it answers.
 */
import type { Packet } from '../capture/types.js';
import { u16At, u32At, u8At } from '../util/wire-read.js';
import type { AddressFormatter } from './address.js';
import { IPPROTO } from './ipv6.js';
import { ETHERTYPE, NO_VLANS, payloadView } from './link-header.js';
import { ARPHRD_NETLINK } from './sll.js';
import { decodeTcpOptions } from './tcp.js';
import type { TcpSegment } from './types.js';

/** The segment of an ordinary TCP/IP packet, or null when the general decoders must look at it. */
export function plainTcpSegment(packet: Packet, addresses: AddressFormatter): TcpSegment | null {
  const bytes = packet.bytes;
  let etherType: number | undefined;
  let ip: number;
  switch (packet.linkType) {
    case 1:
      etherType = u16At(bytes, 12);
      ip = 14;
      break;
    case 113:
      // The protocol field ends the 16-byte header; a netlink socket's capture carries no IP.
      etherType = u16At(bytes, 2) === ARPHRD_NETLINK ? undefined : u16At(bytes, 14);
      ip = 16;
      break;
    case 276:
      // A 20-byte header (the IP header's reads below need it whole).
      etherType = u16At(bytes, 8) === ARPHRD_NETLINK ? undefined : u16At(bytes, 0);
      ip = 20;
      break;
    default:
      return null;
  }
  if (etherType === ETHERTYPE.IPV4) return ipv4(packet, bytes, ip, addresses);
  if (etherType === ETHERTYPE.IPV6) return ipv6(packet, bytes, ip, addresses);
  return null;
}

function ipv4(packet: Packet, bytes: Uint8Array, at: number, addresses: AddressFormatter): TcpSegment | null {
  const b0 = u8At(bytes, at);
  const total = u16At(bytes, at + 2);
  const flagsAndOffset = u16At(bytes, at + 6);
  const protocol = u8At(bytes, at + 9);
  const src = addresses.ipv4(bytes, at + 12);
  const dst = addresses.ipv4(bytes, at + 16);
  if (b0 === undefined || total === undefined || flagsAndOffset === undefined || protocol === undefined || src === undefined || dst === undefined) return null;
  const headerLength = (b0 & 0x0f) * 4;
  const end = at + total;
  // A total length of 0 (offload), one below the header or past the frame, more fragments or a
  // fragment offset (reassembly): the general path says so.
  if (b0 >> 4 !== 4 || headerLength < 20 || total < headerLength || end > bytes.length) return null;
  if ((flagsAndOffset & 0x3fff) !== 0 || protocol !== IPPROTO.TCP) return null;
  return tcp(packet, bytes, 4, src, dst, at + headerLength, end);
}

function ipv6(packet: Packet, bytes: Uint8Array, at: number, addresses: AddressFormatter): TcpSegment | null {
  const b0 = u8At(bytes, at);
  const payloadLength = u16At(bytes, at + 4);
  const nextHeader = u8At(bytes, at + 6);
  const src = addresses.ipv6(bytes, at + 8);
  const dst = addresses.ipv6(bytes, at + 24);
  if (b0 === undefined || payloadLength === undefined || nextHeader === undefined || src === undefined || dst === undefined) return null;
  const end = at + 40 + payloadLength;
  // Extension headers, or a datagram past the frame. (A payload length of 0, a jumbogram or
  // offload, leaves no room for the TCP header below.)
  if (b0 >> 4 !== 6 || nextHeader !== IPPROTO.TCP || end > bytes.length) return null;
  return tcp(packet, bytes, 6, src, dst, at + 40, end);
}

function tcp(packet: Packet, bytes: Uint8Array, ipVersion: 4 | 6, src: string, dst: string, at: number, end: number): TcpSegment | null {
  const srcPort = u16At(bytes, at, end);
  const dstPort = u16At(bytes, at + 2, end);
  const seq = u32At(bytes, at + 4, end);
  const ack = u32At(bytes, at + 8, end);
  const offsetAndNs = u8At(bytes, at + 12, end);
  const flagBits = u8At(bytes, at + 13, end);
  const window = u16At(bytes, at + 14, end);
  // The urgent pointer, unused, ends the 20-byte header.
  const urgentPointer = u16At(bytes, at + 18, end);
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
    return null;
  }
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
    srcPort,
    dstPort,
    seq,
    ack,
    flags: flagBits | ((offsetAndNs & 1) << 8),
    window,
    options: parsed.options,
    payload: payloadView(bytes, at + headerLength, end),
    missingPayloadBytes: 0,
    vlans: NO_VLANS,
  };
}
