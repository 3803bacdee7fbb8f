/**
 * LINKTYPE_LINUX_SLL (113): Linux "cooked" capture, version 1 (`tcpdump -i any` before libpcap 1.10).
 *
 *   struct {
 *     u16 packet_type;      // 0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing
 *     u16 arphrd_type;      // ARPHRD_* (1 Ethernet, 772 loopback, 776 SIT, 778 IP GRE, 824 netlink, …)
 *     u16 address_length;   // bytes of address used (0..8)
 *     u8  address[8];
 *     u16 protocol;         // EtherType for most ARPHRD types; 0x0004 = 802.2 LLC frame follows
 *   } SllHeader;            // 16 bytes, all big-endian
 */
import { fail, ok, type Decoded } from '../util/decoded.js';
import { u16At } from '../util/wire-read.js';
import { decodeVlanTags } from './ethernet.js';
import { NO_VLANS, type LinkHeader } from './link-header.js';

/** ARPHRD_NETLINK: the payload is a netlink message, not a network packet. */
export const ARPHRD_NETLINK = 824;

/** A decoded Linux cooked v1 header. */
export interface SllHeader extends LinkHeader {
  readonly packetType: number;
  readonly arphrd: number;
}

/**
 * Maps the cooked header's protocol field to an EtherType (shared with SLL2): for netlink it
 * is a netlink family; 0x0001/0x0004 mean Novell 802.3 or 802.2 LLC frames.
 */
export function cookedPayload(
  bytes: Uint8Array,
  payloadOffset: number,
  protocol: number,
  arphrd: number,
): Decoded<LinkHeader> {
  if (arphrd === ARPHRD_NETLINK) return ok({ etherType: -1, payloadOffset, vlans: NO_VLANS, other: 'netlink' });
  if (protocol < 0x0600) {
    return ok({ etherType: -1, payloadOffset, vlans: NO_VLANS, other: protocol === 0x0001 ? 'novell 802.3' : 'llc' });
  }
  return decodeVlanTags(bytes, payloadOffset, protocol);
}

/** Decodes a Linux cooked v1 header at `offset`. */
export function decodeSll(bytes: Uint8Array, offset = 0): Decoded<SllHeader> {
  const packetType = u16At(bytes, offset);
  const arphrd = u16At(bytes, offset + 2);
  // The link-layer address (bytes 4..14) is not used; the protocol field ends the header.
  const protocol = u16At(bytes, offset + 14);
  if (packetType === undefined || arphrd === undefined || protocol === undefined) {
    return fail('decode.truncated_header', `Linux cooked header truncated: ${Math.max(0, bytes.length - offset)} of 16 bytes captured.`, offset);
  }
  const payload = cookedPayload(bytes, offset + 16, protocol, arphrd);
  if (!payload.ok) return payload;
  const p = payload.value;
  return ok({ etherType: p.etherType, payloadOffset: p.payloadOffset, vlans: p.vlans, other: p.other, packetType, arphrd });
}
