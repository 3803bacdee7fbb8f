/**
 * CertificateStatus (TLS ≤ 1.2 OCSP stapling, RFC 6066 §8; RFC 6961 §2.2 for ocsp_multi):
 *   enum { ocsp(1), ocsp_multi(2), (255) } CertificateStatusType;
 *   opaque OCSPResponse<1..2^24-1>;
 *   struct { OCSPResponse ocsp_response_list<1..2^24-1>; } OCSPResponseList;
 *   struct {
 *       CertificateStatusType status_type;
 *       select (status_type) {
 *           case ocsp: OCSPResponse;
 *           case ocsp_multi: OCSPResponseList;
 *       } response;
 *   } CertificateStatus;
 */
import { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';

/** A decoded CertificateStatus. */
export interface CertificateStatus {
  /** 1 ocsp, 2 ocsp_multi; other values are kept and their body is not decoded. */
  readonly statusType: number;
  /** The DER OCSPResponse (ocsp), the first one (ocsp_multi), or null. A view into the body. */
  readonly ocspResponse: Uint8Array | null;
  /** Lengths of every OCSPResponse carried. */
  readonly responseLengths: readonly number[];
}

const P = 'tls.handshake.certificate_status';

/** Decodes a CertificateStatus body. */
export function decodeCertificateStatus(body: Uint8Array): Decoded<CertificateStatus> {
  const r = new ByteReader(body);
  const statusType = r.u8();
  if (statusType === undefined) return fail(`${P}.truncated`, 'CertificateStatus is empty.', 0);
  if (statusType === 1) {
    const resp = r.vec24();
    if (resp === undefined) return fail(`${P}.truncated`, 'The OCSP response is truncated.', 1);
    if (resp.empty()) return fail(`${P}.empty_response`, 'The OCSP response is empty (minimum length is 1).', 1);
    if (!r.empty()) return fail(`${P}.trailing_bytes`, `${r.remaining} bytes follow the OCSP response.`, r.position);
    const der = resp.rest();
    return ok({ statusType, ocspResponse: der, responseLengths: [der.length] });
  }
  if (statusType === 2) {
    const list = r.vec24();
    if (list === undefined) return fail(`${P}.truncated`, 'ocsp_response_list is truncated.', 1);
    if (!r.empty()) return fail(`${P}.trailing_bytes`, `${r.remaining} bytes follow ocsp_response_list.`, r.position);
    const lengths: number[] = [];
    let first: Uint8Array | null = null;
    // Each entry takes at least 3 bytes, so the list bounds the loop.
    while (!list.empty()) {
      const at = list.position;
      const one = list.vec24();
      if (one === undefined) return fail(`${P}.truncated`, 'An OCSP response in the list is truncated.', at);
      const der = one.rest();
      first ??= der.length > 0 ? der : null;
      lengths.push(der.length);
    }
    return ok({ statusType, ocspResponse: first, responseLengths: lengths });
  }
  return ok({ statusType, ocspResponse: null, responseLengths: [] });
}
