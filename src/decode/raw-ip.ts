/**
 * Raw IP link types: no link header, the packet starts with the IP version nibble.
 *
 *   LINKTYPE_RAW (101), and DLT_RAW as some systems write it in files (12; 14 on OpenBSD):
 *     IPv4 or IPv6, told apart by the first nibble.
 *   LINKTYPE_IPV4 (228): IPv4 only.   LINKTYPE_IPV6 (229): IPv6 only.
 */
import { fail, ok, type Decoded } from '../util/decoded.js';
import { u8At } from '../util/wire-read.js';
import { ETHERTYPE, NO_VLANS, type LinkHeader } from './link-header.js';

const V4: Decoded<LinkHeader> = ok({ etherType: ETHERTYPE.IPV4, payloadOffset: 0, vlans: NO_VLANS });
const V6: Decoded<LinkHeader> = ok({ etherType: ETHERTYPE.IPV6, payloadOffset: 0, vlans: NO_VLANS });

/**
 * Decodes the (absent) link header of a raw IP frame. For 228/229 the link type decides the
 * version and the IP decoder checks the nibble; otherwise the nibble decides.
 * Returns shared constant results, so it allocates nothing.
 */
export function decodeRawIp(bytes: Uint8Array, linkType: number): Decoded<LinkHeader> {
  if (linkType === 228) return V4;
  if (linkType === 229) return V6;
  const first = u8At(bytes, 0);
  if (first === undefined) return fail('decode.truncated_header', 'Raw IP frame is empty.', 0);
  const version = first >> 4;
  if (version === 4) return V4;
  if (version === 6) return V6;
  return fail('ip.bad_version', `Raw IP frame starts with IP version ${version}.`, 0);
}
