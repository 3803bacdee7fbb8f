/**
 * record_size_limit (28), RFC 8449 §4.
 *
 *   uint16 RecordSizeLimit;   // 64..2^14 (+1 in TLS 1.3)
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import type { ExtensionValue } from './types.js';

/** Decodes the record size limit (both directions). */
export function decodeRecordSizeLimit(r: ByteReader): Decoded<ExtensionValue> {
  const limit = r.u16();
  if (limit === undefined) return fail('tls.ext.truncated', 'record_size_limit is truncated.', r.position);
  return ok({ kind: 'record_size_limit', limit });
}
