/**
 * LINKTYPE_LINUX_SLL2 (276): Linux "cooked" capture, version 2 (`tcpdump -i any`, libpcap ≥ 1.10).
 *
 *   struct {
 *     u16 protocol;          // EtherType (as in SLL v1)
 *     u16 reserved;          // must be zero
 *     u32 interface_index;
 *     u16 arphrd_type;
 *     u8  packet_type;       // 0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing
 *     u8  address_length;
 *     u8  address[8];
 *   } Sll2Header;            // 20 bytes, all big-endian
 */
import { fail, ok, type Decoded } from '../util/decoded.js';
import { u16At, u32At, u8At } from '../util/wire-read.js';
import type { LinkHeader } from './link-header.js';
import { cookedPayload } from './sll.js';

/** A decoded Linux cooked v2 header. */
export interface Sll2Header extends LinkHeader {
  readonly interfaceIndex: number;
  readonly arphrd: number;
  readonly packetType: number;
}

/** Decodes a Linux cooked v2 header at `offset`. */
export function decodeSll2(bytes: Uint8Array, offset = 0): Decoded<Sll2Header> {
  const protocol = u16At(bytes, offset);
  const interfaceIndex = u32At(bytes, offset + 4);
  const arphrd = u16At(bytes, offset + 8);
  const packetType = u8At(bytes, offset + 10);
  // The last 8 bytes hold the link-layer address, which is not used; the header is whole with them.
  const addressTail = u32At(bytes, offset + 16);
  if (protocol === undefined || interfaceIndex === undefined || arphrd === undefined || packetType === undefined || addressTail === undefined) {
    return fail('decode.truncated_header', `Linux cooked v2 header truncated: ${Math.max(0, bytes.length - offset)} of 20 bytes captured.`, offset);
  }
  const payload = cookedPayload(bytes, offset + 20, protocol, arphrd);
  if (!payload.ok) return payload;
  const p = payload.value;
  return ok({
    etherType: p.etherType,
    payloadOffset: p.payloadOffset,
    vlans: p.vlans,
    other: p.other,
    interfaceIndex,
    arphrd,
    packetType,
  });
}
