/**
 * early_data (42), RFC 8446 §4.2.10.
 *
 *   struct {} Empty;                                   // ClientHello, EncryptedExtensions
 *   struct { uint32 max_early_data_size; } ...;        // NewSessionTicket
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import type { ExtensionContext, ExtensionValue } from './types.js';

/** Decodes early_data: an empty indication, or the ticket's max_early_data_size. */
export function decodeEarlyData(r: ByteReader, context: ExtensionContext): Decoded<ExtensionValue> {
  if (context === 'new_session_ticket') {
    const maxEarlyDataSize = r.u32();
    if (maxEarlyDataSize === undefined) return fail('tls.ext.truncated', 'early_data max_early_data_size is truncated.', r.position);
    return ok({ kind: 'early_data_limit', maxEarlyDataSize });
  }
  return ok({ kind: 'empty' });
}
