/**
 * Ethernet II (DIX) with IEEE 802.1Q / 802.1ad VLAN tags, and IEEE 802.3 + LLC/SNAP.
 *
 *   struct {
 *     u8  destination[6];
 *     u8  source[6];
 *     // zero or more tags, outermost first (802.1ad S-tag 0x88a8, old QinQ 0x9100, C-tag 0x8100):
 *     struct { u16 tpid; u16 tci; } tags[0..MAX_VLAN_TAGS];   // tci: PCP(3) DEI(1) VID(12)
 *     u16 ether_type_or_length;   // >= 0x0600: EtherType; <= 1500: 802.3 length, LLC follows
 *   } EthernetHeader;              // 14 bytes + 4 per tag; no FCS (captures rarely keep it and
 *                                  // the IP total length cuts it off with any padding)
 *
 *   802.2 LLC: u8 dsap; u8 ssap; u8 control;  SNAP (dsap = ssap = 0xaa, control 3): u8 oui[3]; u16 ether_type;
 */
import { fail, ok, type Decoded } from '../util/decoded.js';
import { u16At, u8At } from '../util/wire-read.js';
import { ETHERTYPE, NO_VLANS, type LinkHeader } from './link-header.js';

/** Most VLAN tags read before the frame is called malformed (real stacks use 1–2). */
export const MAX_VLAN_TAGS = 8;

/** True for the TPIDs that introduce a VLAN tag. */
function isVlanTpid(etherType: number): boolean {
  return etherType === ETHERTYPE.VLAN || etherType === ETHERTYPE.QINQ || etherType === ETHERTYPE.QINQ_OLD;
}

/**
 * Reads VLAN tags starting at `offset`, where `etherType` (already read) is the first TPID.
 * Shared by Ethernet and Linux cooked captures (libpcap writes stripped tags back as 0x8100).
 */
export function decodeVlanTags(bytes: Uint8Array, offset: number, etherType: number): Decoded<LinkHeader> {
  if (!isVlanTpid(etherType)) return ok({ etherType, payloadOffset: offset, vlans: NO_VLANS });
  const vlans: number[] = [];
  let type = etherType;
  let o = offset;
  while (isVlanTpid(type)) {
    if (vlans.length >= MAX_VLAN_TAGS) {
      return fail('ethernet.too_many_vlan_tags', `More than ${MAX_VLAN_TAGS} stacked VLAN tags.`, o);
    }
    const tci = u16At(bytes, o);
    const inner = u16At(bytes, o + 2);
    if (tci === undefined || inner === undefined) {
      return fail('decode.truncated_header', `VLAN tag truncated: ${Math.max(0, bytes.length - o)} of 4 bytes captured.`, o);
    }
    vlans.push(tci & 0x0fff);
    type = inner;
    o += 4;
  }
  return ok({ etherType: type, payloadOffset: o, vlans });
}

/** Decodes an Ethernet header at `offset` (0 for LINKTYPE_ETHERNET). */
export function decodeEthernet(bytes: Uint8Array, offset = 0): Decoded<LinkHeader> {
  // The addresses (bytes 0..12) are not used; the type field ends the header.
  const typeOrLength = u16At(bytes, offset + 12);
  if (typeOrLength === undefined) {
    return fail('decode.truncated_header', `Ethernet header truncated: ${Math.max(0, bytes.length - offset)} of 14 bytes captured.`, offset);
  }
  const tagged = decodeVlanTags(bytes, offset + 14, typeOrLength);
  if (!tagged.ok) return tagged;
  const h = tagged.value;
  if (h.etherType >= 0x0600) return tagged;
  // IEEE 802.3 length field: an 802.2 LLC header follows.
  const o = h.payloadOffset;
  const dsap = u8At(bytes, o);
  const ssap = u8At(bytes, o + 1);
  const control = u8At(bytes, o + 2);
  if (dsap === undefined || ssap === undefined || control === undefined) {
    return fail('decode.truncated_header', `802.2 LLC header truncated: ${Math.max(0, bytes.length - o)} of 3 bytes captured.`, o);
  }
  if (dsap === 0xaa && ssap === 0xaa && control === 0x03) {
    const snapType = u16At(bytes, o + 6);
    if (snapType === undefined) {
      return fail('decode.truncated_header', `SNAP header truncated: ${Math.max(0, bytes.length - o)} of 8 bytes captured.`, o);
    }
    return ok({ etherType: snapType, payloadOffset: o + 8, vlans: h.vlans });
  }
  return ok({ etherType: -1, payloadOffset: o + 3, vlans: h.vlans, other: dsap === 0x42 ? 'stp' : 'llc' });
}
