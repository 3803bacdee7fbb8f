/**
 * MPLS label stack (RFC 3032) inside Ethernet (EtherType 0x8847 unicast, 0x8848 multicast).
 *
 *   struct { u20 label; u3 traffic_class; u1 bottom_of_stack; u8 ttl; } entries[1..MAX_MPLS_LABELS];
 *
 * After the bottom entry the payload type is not signalled; like Wireshark, the first nibble
 * decides: 4 IPv4, 6 IPv6, anything else (pseudowire control word, Ethernet) is named "mpls payload".
 */
import { fail, ok, type Decoded } from '../util/decoded.js';
import { u32At, u8At } from '../util/wire-read.js';
import { ETHERTYPE, type LinkHeader } from './link-header.js';

/** Most label stack entries read before the packet is called malformed. */
const MAX_MPLS_LABELS = 8;

/** Decodes an MPLS label stack at `offset`. */
export function decodeMpls(bytes: Uint8Array, offset: number, vlans: readonly number[]): Decoded<LinkHeader> {
  let o = offset;
  for (let n = 0; ; n++) {
    if (n >= MAX_MPLS_LABELS) return fail('mpls.too_many_labels', `More than ${MAX_MPLS_LABELS} MPLS labels.`, o);
    const entry = u32At(bytes, o);
    if (entry === undefined) {
      return fail('decode.truncated_header', `MPLS label truncated: ${Math.max(0, bytes.length - o)} of 4 bytes captured.`, o);
    }
    const bottom = ((entry >>> 8) & 1) === 1;
    o += 4;
    if (bottom) break;
  }
  const first = u8At(bytes, o);
  const nibble = first === undefined ? -1 : first >> 4;
  if (nibble === 4) return ok({ etherType: ETHERTYPE.IPV4, payloadOffset: o, vlans });
  if (nibble === 6) return ok({ etherType: ETHERTYPE.IPV6, payloadOffset: o, vlans });
  return ok({ etherType: -1, payloadOffset: o, vlans, other: 'mpls payload' });
}
