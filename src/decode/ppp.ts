/**
 * PPP (RFC 1661) as LINKTYPE_PPP (9) and LINKTYPE_PPP_HDLC (50), and PPPoE sessions (RFC 2516)
 * inside Ethernet (EtherType 0x8864).
 *
 *   PPP frame:  [u8 address = 0xff; u8 control = 0x03;]   // optional (HDLC-like framing, RFC 1662)
 *               u8/u16 protocol;                          // 1 byte when odd (field compression)
 *               protocol 0x0021 IPv4, 0x0057 IPv6, 0xc021 LCP, 0x8021 IPCP, …
 *
 *   PPPoE session header:
 *   struct {
 *     u4  version;  u4 type;      // both 1
 *     u8  code;                   // 0 in session data
 *     u16 session_id;
 *     u16 length;                 // PPP payload length (protocol included)
 *     u16 ppp_protocol;
 *   } PppoeSession;               // 8 bytes
 */
import { fail, ok, type Decoded } from '../util/decoded.js';
import { u16At, u8At } from '../util/wire-read.js';
import { ETHERTYPE, type LinkHeader } from './link-header.js';

const PPP_NAMES = new Map<number, string>([
  [0xc021, 'ppp lcp'],
  [0xc023, 'ppp pap'],
  [0xc223, 'ppp chap'],
  [0x8021, 'ppp ipcp'],
  [0x8057, 'ppp ipv6cp'],
  [0x80fd, 'ppp ccp'],
  [0x00fd, 'ppp compressed'],
]);
const pppCache = new Map<number, string>();

/** Name of a PPP protocol that is not IP, e.g. "ppp lcp", or "ppp 0x8281" (16-bit key space bounds the cache). */
function pppProtocolName(protocol: number): string {
  const known = PPP_NAMES.get(protocol);
  if (known !== undefined) return known;
  const key = protocol & 0xffff;
  let name = pppCache.get(key);
  if (name === undefined) {
    name = `ppp 0x${key.toString(16).padStart(4, '0')}`;
    pppCache.set(key, name);
  }
  return name;
}

function fromProtocol(protocol: number, payloadOffset: number, vlans: readonly number[]): LinkHeader {
  if (protocol === 0x0021) return { etherType: ETHERTYPE.IPV4, payloadOffset, vlans };
  if (protocol === 0x0057) return { etherType: ETHERTYPE.IPV6, payloadOffset, vlans };
  return { etherType: -1, payloadOffset, vlans, other: pppProtocolName(protocol) };
}

/** Decodes a PPP header at `offset` (address/control optional, protocol field maybe compressed). */
export function decodePpp(bytes: Uint8Array, offset: number, vlans: readonly number[]): Decoded<LinkHeader> {
  let o = offset;
  if (bytes.length - o >= 2 && bytes[o] === 0xff && bytes[o + 1] === 0x03) o += 2;
  const first = u8At(bytes, o);
  if (first === undefined) return fail('decode.truncated_header', 'PPP header truncated: no protocol field captured.', o);
  if ((first & 1) === 1) return ok(fromProtocol(first, o + 1, vlans));
  const second = u8At(bytes, o + 1);
  if (second === undefined) return fail('decode.truncated_header', 'PPP header truncated: 1 of 2 protocol bytes captured.', o);
  return ok(fromProtocol((first << 8) | second, o + 2, vlans));
}

/** Decodes a PPPoE session header and the PPP protocol after it. */
export function decodePppoeSession(bytes: Uint8Array, offset: number, vlans: readonly number[]): Decoded<LinkHeader> {
  const versionType = u8At(bytes, offset);
  const code = u8At(bytes, offset + 1);
  const protocol = u16At(bytes, offset + 6);
  if (versionType === undefined || code === undefined || protocol === undefined) {
    return fail('decode.truncated_header', `PPPoE header truncated: ${Math.max(0, bytes.length - offset)} of 8 bytes captured.`, offset);
  }
  if (versionType !== 0x11 || code !== 0) {
    return fail('pppoe.bad_header', `PPPoE session header has version/type 0x${versionType.toString(16)} and code ${code}.`, offset);
  }
  return ok(fromProtocol(protocol, offset + 8, vlans));
}
