/**
 * max_fragment_length (1), RFC 6066 §4.
 *
 *   enum { 2^9(1), 2^10(2), 2^11(3), 2^12(4), (255) } MaxFragmentLength;
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import type { ExtensionValue } from './types.js';

/** Decodes max_fragment_length (same form in both directions). */
export function decodeMaxFragmentLength(r: ByteReader): Decoded<ExtensionValue> {
  const code = r.u8();
  if (code === undefined) return fail('tls.ext.truncated', 'max_fragment_length is empty.', r.position);
  return ok({ kind: 'max_fragment_length', code });
}
