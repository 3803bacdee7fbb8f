/**
 * padding (21), RFC 7685 §3: extension_data of any length, all zero bytes.
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { ok, type Decoded } from '../../util/decoded.js';
import type { ExtensionValue } from './types.js';

/** Decodes padding: its length and whether every byte is zero as the RFC requires. */
export function decodePadding(r: ByteReader): Decoded<ExtensionValue> {
  const bytes = r.rest();
  return ok({ kind: 'padding', length: bytes.length, allZero: bytes.every((b) => b === 0) });
}
