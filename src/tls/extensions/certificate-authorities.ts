/**
 * certificate_authorities extension (RFC 8446 §4.2.4), also the CA list of the
 * TLS 1.0–1.2 CertificateRequest (RFC 5246 §7.4.4):
 *
 *   opaque DistinguishedName<1..2^16-1>;
 *   struct {
 *       DistinguishedName authorities<3..2^16-1>;
 *   } CertificateAuthoritiesExtension;
 *
 * Each DistinguishedName is the DER of an X.501 Name, decoded to RFC 4514-style
 * text by src/tls/distinguished-name.ts (a bad DER name is kept as `#HEX`, not fatal).
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { type Decoded, type DecodeIssue, fail, ok } from '../../util/decoded.js';
import { decodeDistinguishedName } from '../../x509/distinguished-name.js';
import { ClearingCache } from '../../util/clearing-cache.js';

/** One CA name as sent on the wire and as text. */
export interface CertificateAuthorityName {
  /** DER of the Name (a view into the message body). */
  readonly der: Uint8Array;
  /** RFC 4514-style text, `#HEX` when the DER is not a Name. */
  readonly text: string;
  /** Why `text` is (partly) hex, when it is. */
  readonly issue?: DecodeIssue;
}

/**
 * Decoded names remembered by their DER: a server sends the same CA list in every
 * CertificateRequest. Bounded in entries and name size; when full it is cleared.
 */
const MAX_DECODED_NAME_CACHE = 1024;
const decodedNames = new ClearingCache<string, ReturnType<typeof decodeDistinguishedName>>(MAX_DECODED_NAME_CACHE);
const MAX_CACHED_NAME_DER_LENGTH = 1024;

function decodeNameCached(der: Uint8Array): ReturnType<typeof decodeDistinguishedName> {
  if (der.length > MAX_CACHED_NAME_DER_LENGTH) return decodeDistinguishedName(der);
  // The DER itself is the key (one char per byte): exact, and short for a name.
  return decodedNames.getOrCompute(Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1'), () => decodeDistinguishedName(der));
}

/**
 * Reads the DistinguishedName entries that fill `list` (the inside of the
 * `<..2^16-1>` vector) until it is empty. Fails when an entry is empty or overruns.
 * The count is bounded by the vector: each entry takes at least 3 bytes.
 */
export function readDistinguishedNames(list: ByteReader, codePrefix: string): Decoded<CertificateAuthorityName[]> {
  const names: CertificateAuthorityName[] = [];
  while (!list.empty()) {
    const at = list.position;
    const entry = list.vec16();
    if (entry === undefined) return fail(`${codePrefix}.truncated`, 'A DistinguishedName runs past the end of the CA list.', at);
    if (entry.empty()) return fail(`${codePrefix}.empty_name`, 'A DistinguishedName in the CA list is empty (minimum length is 1).', at);
    const der = entry.rest();
    const dn = decodeNameCached(der);
    names.push(dn.issue === undefined ? { der, text: dn.text } : { der, text: dn.text, issue: dn.issue });
  }
  return ok(names);
}

/**
 * Decodes the certificate_authorities extension data; `reader` covers exactly the
 * extension_data and must be consumed exactly.
 */
export function decodeCertificateAuthorities(reader: ByteReader): Decoded<{ names: CertificateAuthorityName[] }> {
  const start = reader.position;
  const list = reader.vec16();
  if (list === undefined) return fail('tls.ext.certificate_authorities.truncated', 'The certificate_authorities list is truncated.', start);
  if (list.remaining < 3) {
    const what = list.remaining === 0 ? 'The certificate_authorities list is empty.' : `The certificate_authorities list is ${list.remaining} bytes long, shorter than its minimum of 3.`;
    return fail('tls.ext.certificate_authorities.too_short', what, start);
  }
  const names = readDistinguishedNames(list, 'tls.ext.certificate_authorities');
  if (!names.ok) return names;
  if (!reader.empty()) {
    return fail('tls.ext.certificate_authorities.trailing_bytes', 'Bytes follow the certificate_authorities list.', reader.position);
  }
  return ok({ names: names.value });
}
