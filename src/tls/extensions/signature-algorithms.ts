/**
 * signature_algorithms (13) and signature_algorithms_cert (50), RFC 8446 §4.2.3 (RFC 5246 §7.4.1.4.1 pairs).
 *
 *   struct { SignatureScheme supported_signature_algorithms<2..2^16-2>; } SignatureSchemeList;
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import { readU16s } from './read-lists.js';
import type { ExtensionValue } from './types.js';

/** Decodes a SignatureSchemeList. */
export function decodeSignatureAlgorithms(r: ByteReader): Decoded<ExtensionValue> {
  const list = r.vec16();
  const schemes = list === undefined ? undefined : readU16s(list);
  if (schemes === undefined) return fail('tls.ext.truncated', 'signature algorithm list is truncated.', r.position);
  return ok({ kind: 'signature_algorithms', schemes });
}
