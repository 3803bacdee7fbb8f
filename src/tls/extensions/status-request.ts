/**
 * status_request (5), RFC 6066 §8 and RFC 8446 §4.4.2.1.
 *
 *   struct {
 *       CertificateStatusType status_type;          // ocsp(1)
 *       select (status_type) { case ocsp: OCSPStatusRequest; } request;
 *   } CertificateStatusRequest;                     // ClientHello (and TLS 1.3 CertificateRequest)
 *   struct { ResponderID responder_id_list<0..2^16-1>; Extensions request_extensions; } OCSPStatusRequest;
 *   opaque ResponderID<1..2^16-1>;  opaque Extensions<0..2^16-1>;
 *
 *   struct { CertificateStatusType status_type; opaque OCSPResponse<1..2^24-1>; } CertificateStatus;  // TLS 1.3 Certificate entry
 *
 * ServerHello (TLS ≤ 1.2) and EncryptedExtensions carry it empty.
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import type { ExtensionContext, ExtensionValue } from './types.js';

/** Decodes status_request by context: request, OCSP response (TLS 1.3 Certificate entry) or empty acknowledgement. */
export function decodeStatusRequest(r: ByteReader, context: ExtensionContext): Decoded<ExtensionValue> {
  if (r.empty() && context !== 'client_hello' && context !== 'certificate') return ok({ kind: 'empty' });
  const statusType = r.u8();
  if (statusType === undefined) return fail('tls.ext.truncated', 'status_request is empty.', r.position);
  if (context === 'certificate') {
    const response = r.vec24();
    if (response === undefined) return fail('tls.ext.truncated', 'OCSP response is truncated.', r.position);
    return ok({ kind: 'status_request', statusType, responderIdCount: 0, requestExtensionsLength: 0, ocspResponse: response.rest() });
  }
  if (statusType !== 1) {
    // Unknown status types (e.g. ocsp_multi's predecessor drafts) have an unknown body: keep it opaque.
    r.rest();
    return ok({ kind: 'status_request', statusType, responderIdCount: 0, requestExtensionsLength: 0, ocspResponse: null });
  }
  const ids = r.vec16();
  if (ids === undefined) return fail('tls.ext.truncated', 'status_request responder_id_list is truncated.', r.position);
  let responderIdCount = 0;
  while (!ids.empty()) {
    if (ids.vec16() === undefined) return fail('tls.ext.truncated', 'status_request ResponderID is truncated.', ids.position);
    responderIdCount++;
  }
  const exts = r.vec16();
  if (exts === undefined) return fail('tls.ext.truncated', 'status_request request_extensions is truncated.', r.position);
  return ok({ kind: 'status_request', statusType, responderIdCount, requestExtensionsLength: exts.remaining, ocspResponse: null });
}
