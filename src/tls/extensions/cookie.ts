/**
 * cookie (44), RFC 8446 §4.2.2.
 *
 *   struct { opaque cookie<1..2^16-1>; } Cookie;
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import type { ExtensionValue } from './types.js';

/** Decodes cookie (HelloRetryRequest, second ClientHello): its length only. */
export function decodeCookie(r: ByteReader): Decoded<ExtensionValue> {
  const cookie = r.vec16();
  if (cookie === undefined) return fail('tls.ext.truncated', 'cookie is truncated.', r.position);
  return ok({ kind: 'cookie', length: cookie.remaining });
}
