/**
 * psk_key_exchange_modes (45), RFC 8446 §4.2.9.
 *
 *   enum { psk_ke(0), psk_dhe_ke(1), (255) } PskKeyExchangeMode;
 *   struct { PskKeyExchangeMode ke_modes<1..255>; } PskKeyExchangeModes;
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import { readU8s } from './read-lists.js';
import type { ExtensionValue } from './types.js';

/** Decodes the PSK key exchange modes. */
export function decodePskKeyExchangeModes(r: ByteReader): Decoded<ExtensionValue> {
  const list = r.vec8();
  if (list === undefined) return fail('tls.ext.truncated', 'psk_key_exchange_modes list is truncated.', r.position);
  return ok({ kind: 'psk_key_exchange_modes', modes: readU8s(list) });
}
