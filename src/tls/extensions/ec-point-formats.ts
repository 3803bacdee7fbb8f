/**
 * ec_point_formats (11), RFC 8422 §5.1.2.
 *
 *   enum { uncompressed(0), deprecated(1..2), reserved(248..255) } ECPointFormat;
 *   struct { ECPointFormat ec_point_format_list<1..2^8-1> } ECPointFormatList;
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import { readU8s } from './read-lists.js';
import type { ExtensionValue } from './types.js';

/** Decodes the point format list (both hellos). */
export function decodeEcPointFormats(r: ByteReader): Decoded<ExtensionValue> {
  const list = r.vec8();
  if (list === undefined) return fail('tls.ext.truncated', 'ec_point_formats list is truncated.', r.position);
  return ok({ kind: 'ec_point_formats', formats: readU8s(list) });
}
