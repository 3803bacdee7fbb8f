/**
 * certificate_authorities (47), RFC 8446 §4.2.4, as an extension value.
 *
 *   opaque DistinguishedName<1..2^16-1>;
 *   struct { DistinguishedName authorities<3..2^16-1>; } CertificateAuthoritiesExtension;
 *
 * The names themselves are decoded by `certificate-authorities.ts` (shared with the TLS 1.2
 * CertificateRequest); this file only adapts its result to an extension value.
 */
import type { ByteReader } from '../byte-reader.js';
import type { Decoded } from '../decoded.js';
import type { ExtensionValue } from './types.js';

/** Kept raw (undefined) until the DistinguishedName decoder is available. */
export function decodeCertificateAuthoritiesExtension(_r: ByteReader): Decoded<ExtensionValue> | undefined {
  return undefined;
}
