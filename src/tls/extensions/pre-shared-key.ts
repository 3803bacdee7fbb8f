/**
 * pre_shared_key (41), RFC 8446 §4.2.11.
 *
 *   struct { opaque identity<1..2^16-1>; uint32 obfuscated_ticket_age; } PskIdentity;
 *   opaque PskBinderEntry<32..255>;
 *   struct { PskIdentity identities<7..2^16-1>; PskBinderEntry binders<33..2^16-1>; } OfferedPsks;   // ClientHello
 *   uint16 selected_identity;                                                                       // ServerHello
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import type { ExtensionContext, ExtensionValue } from './types.js';

/** Decodes pre_shared_key: the offer (identity and binder counts) or the server's selected index. */
export function decodePreSharedKey(r: ByteReader, context: ExtensionContext): Decoded<ExtensionValue> {
  if (context !== 'client_hello') {
    const selectedIdentity = r.u16();
    if (selectedIdentity === undefined) return fail('tls.ext.truncated', 'pre_shared_key selected_identity is truncated.', r.position);
    return ok({ kind: 'pre_shared_key_selected', selectedIdentity });
  }
  const ids = r.vec16();
  if (ids === undefined) return fail('tls.ext.truncated', 'pre_shared_key identities are truncated.', r.position);
  const identityLengths: number[] = [];
  while (!ids.empty()) {
    const id = ids.vec16();
    if (id === undefined || ids.u32() === undefined) return fail('tls.ext.truncated', 'PskIdentity is truncated.', ids.position);
    identityLengths.push(id.remaining);
  }
  const binders = r.vec16();
  if (binders === undefined) return fail('tls.ext.truncated', 'pre_shared_key binders are truncated.', r.position);
  let binderCount = 0;
  while (!binders.empty()) {
    if (binders.vec8() === undefined) return fail('tls.ext.truncated', 'PskBinderEntry is truncated.', binders.position);
    binderCount++;
  }
  return ok({ kind: 'pre_shared_key_offer', identities: identityLengths.length, binders: binderCount, identityLengths });
}
