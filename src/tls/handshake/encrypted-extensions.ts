/**
 * EncryptedExtensions (TLS 1.3, RFC 8446 §4.3.1):
 *   struct { Extension extensions<0..2^16-1>; } EncryptedExtensions;
 */
import { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import { decodeExtensions } from '../extensions/index.js';
import type { Extension } from '../extensions/types.js';

/** A decoded EncryptedExtensions. */
export interface EncryptedExtensions {
  readonly extensions: readonly Extension[];
}

/** Decodes an EncryptedExtensions body. */
export function decodeEncryptedExtensions(body: Uint8Array): Decoded<EncryptedExtensions> {
  const r = new ByteReader(body);
  const exts = r.vec16();
  if (exts === undefined) return fail('tls.handshake.encrypted_extensions.truncated', 'The extensions block is truncated.', 0);
  if (!r.empty()) return fail('tls.handshake.encrypted_extensions.trailing_bytes', `${r.remaining} bytes follow the extensions.`, r.position);
  const decoded = decodeExtensions(exts, 'encrypted_extensions');
  if (!decoded.ok) return decoded;
  return ok({ extensions: decoded.value });
}
