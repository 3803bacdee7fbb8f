/**
 * compress_certificate (27), RFC 8879 §3.
 *
 *   enum { zlib(1), brotli(2), zstd(3), (65535) } CertificateCompressionAlgorithm;
 *   struct { CertificateCompressionAlgorithm algorithms<2..2^8-2>; } CertificateCompressionAlgorithms;
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import { readU16s } from './read-lists.js';
import type { ExtensionValue } from './types.js';

/** Decodes the offered certificate compression algorithms. */
export function decodeCompressCertificate(r: ByteReader): Decoded<ExtensionValue> {
  const list = r.vec8();
  const algorithms = list === undefined ? undefined : readU16s(list);
  if (algorithms === undefined) return fail('tls.ext.truncated', 'compress_certificate list is truncated.', r.position);
  return ok({ kind: 'compress_certificate', algorithms });
}
