/**
 * key_share (51), RFC 8446 §4.2.8.
 *
 *   struct { NamedGroup group; opaque key_exchange<1..2^16-1>; } KeyShareEntry;
 *   struct { KeyShareEntry client_shares<0..2^16-1>; } KeyShareClientHello;
 *   struct { NamedGroup selected_group; } KeyShareHelloRetryRequest;
 *   struct { KeyShareEntry server_share; } KeyShareServerHello;
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import type { ExtensionContext, ExtensionValue } from './types.js';

/** Decodes key_share by context: offered shares, the HRR's selected group, or the server's share. */
export function decodeKeyShare(r: ByteReader, context: ExtensionContext): Decoded<ExtensionValue> {
  if (context === 'hello_retry_request') {
    const selectedGroup = r.u16();
    if (selectedGroup === undefined) return fail('tls.ext.truncated', 'key_share selected_group is truncated.', r.position);
    return ok({ kind: 'key_share_hrr', selectedGroup });
  }
  if (context === 'server_hello') {
    const group = r.u16();
    const key = r.vec16();
    if (group === undefined || key === undefined) return fail('tls.ext.truncated', 'key_share server_share is truncated.', r.position);
    return ok({ kind: 'key_share_server', group, keyLength: key.remaining });
  }
  const list = r.vec16();
  if (list === undefined) return fail('tls.ext.truncated', 'key_share client_shares is truncated.', r.position);
  const entries: { group: number; keyLength: number }[] = [];
  while (!list.empty()) {
    const group = list.u16();
    const key = list.vec16();
    if (group === undefined || key === undefined) return fail('tls.ext.truncated', 'KeyShareEntry is truncated.', list.position);
    entries.push({ group, keyLength: key.remaining });
  }
  return ok({ kind: 'key_share_offer', entries });
}
