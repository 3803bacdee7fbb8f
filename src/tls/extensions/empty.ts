/**
 * Extensions whose extension_data is empty: extended_master_secret (23, RFC 7627 §5.1),
 * encrypt_then_mac (22, RFC 7366 §2), post_handshake_auth (49, RFC 8446 §4.2.6).
 *
 *   struct {} Empty;
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { ok, type Decoded } from '../../util/decoded.js';
import type { ExtensionValue } from './types.js';

/** Decodes an empty extension; any byte left over is reported by the caller as trailing bytes. */
export function decodeEmpty(_r: ByteReader): Decoded<ExtensionValue> {
  return ok({ kind: 'empty' });
}
