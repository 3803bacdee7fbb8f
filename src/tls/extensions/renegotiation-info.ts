/**
 * renegotiation_info (0xff01), RFC 5746 §3.2.
 *
 *   struct { opaque renegotiated_connection<0..255>; } RenegotiationInfo;
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import type { ExtensionValue } from './types.js';

/** Decodes renegotiation_info (empty renegotiated_connection on an initial handshake). */
export function decodeRenegotiationInfo(r: ByteReader): Decoded<ExtensionValue> {
  const v = r.vec8();
  if (v === undefined) return fail('tls.ext.truncated', 'renegotiation_info is truncated.', r.position);
  return ok({ kind: 'renegotiation_info', renegotiatedConnectionLength: v.remaining });
}
