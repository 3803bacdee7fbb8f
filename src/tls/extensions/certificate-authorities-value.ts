/**
 * certificate_authorities (47), RFC 8446 §4.2.4, as an extension value.
 *
 *   opaque DistinguishedName<1..2^16-1>;
 *   struct { DistinguishedName authorities<3..2^16-1>; } CertificateAuthoritiesExtension;
 *
 * The names are decoded by `certificate-authorities.ts` (shared with the TLS 1.2
 * CertificateRequest); this file only adapts its result to an extension value.
 */
import type { ByteReader } from '../../util/byte-reader.js';
import type { Decoded } from '../../util/decoded.js';
import { decodeCertificateAuthorities } from './certificate-authorities.js';
import type { ExtensionValue } from './types.js';

/** Decodes certificate_authorities into an extension value. */
export function decodeCertificateAuthoritiesExtension(r: ByteReader): Decoded<ExtensionValue> {
  const d = decodeCertificateAuthorities(r);
  return d.ok ? { ok: true, value: { kind: 'certificate_authorities', names: d.value.names } } : d;
}
