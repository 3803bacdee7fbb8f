/**
 * The key types a JSSE client (OpenJDK 17, `CertificateRequest.T12/T13CertificateRequestConsumer
 * .choosePossession`) asks its key manager for, derived from the CertificateRequest:
 *
 * - walk the requested signature schemes (TLS 1.3: signature_algorithms_cert when present) in the
 *   server's order, taking each scheme's key algorithm once (later schemes of a key algorithm
 *   already seen are skipped: "Unsupported authentication scheme" in the debug log);
 * - keep it when some scheme of signature_algorithms with that key algorithm can sign a
 *   CertificateVerify in the negotiated version (TLS 1.3 allows no PKCS#1, SHA-1, SHA-224 or DSA);
 * - TLS 1.2 only: and when the certificate types allow it (ecdsa_sign → EC and EdDSA, rsa_sign →
 *   RSA and RSASSA-PSS, dss_sign → DSA).
 * The result, e.g. `[EC, EdDSA, RSA, RSASSA-PSS]`, is what the log prints after "No X.509 cert
 * selected for"; the key manager is asked for one type after the other.
 */
import type { IdentityRequest } from './types.js';

/** A signature scheme JSSE knows: its key algorithm and whether TLS 1.3 lets it sign a handshake. */
interface SchemeInfo {
  readonly keyAlgorithm: string;
  readonly tls13: boolean;
}

/** SignatureScheme.java of OpenJDK 17 (codes from RFC 8446 §4.2.3 and RFC 5246 §7.4.1.4.1). */
const SCHEMES: ReadonlyMap<number, SchemeInfo> = new Map([
  [0x0807, { keyAlgorithm: 'EdDSA', tls13: true }],
  [0x0808, { keyAlgorithm: 'EdDSA', tls13: true }],
  [0x0403, { keyAlgorithm: 'EC', tls13: true }],
  [0x0503, { keyAlgorithm: 'EC', tls13: true }],
  [0x0603, { keyAlgorithm: 'EC', tls13: true }],
  [0x0804, { keyAlgorithm: 'RSA', tls13: true }],
  [0x0805, { keyAlgorithm: 'RSA', tls13: true }],
  [0x0806, { keyAlgorithm: 'RSA', tls13: true }],
  [0x0809, { keyAlgorithm: 'RSASSA-PSS', tls13: true }],
  [0x080a, { keyAlgorithm: 'RSASSA-PSS', tls13: true }],
  [0x080b, { keyAlgorithm: 'RSASSA-PSS', tls13: true }],
  [0x0401, { keyAlgorithm: 'RSA', tls13: false }],
  [0x0501, { keyAlgorithm: 'RSA', tls13: false }],
  [0x0601, { keyAlgorithm: 'RSA', tls13: false }],
  [0x0402, { keyAlgorithm: 'DSA', tls13: false }],
  [0x0303, { keyAlgorithm: 'EC', tls13: false }],
  [0x0301, { keyAlgorithm: 'RSA', tls13: false }],
  [0x0302, { keyAlgorithm: 'DSA', tls13: false }],
  [0x0203, { keyAlgorithm: 'EC', tls13: false }],
  [0x0201, { keyAlgorithm: 'RSA', tls13: false }],
  [0x0202, { keyAlgorithm: 'DSA', tls13: false }],
]);

/** ClientCertificateType codes (RFC 5246 §7.4.4, RFC 8422 §5.5) → the key types JSSE 17 maps them to. */
const CERTIFICATE_TYPES: ReadonlyMap<number, readonly string[]> = new Map([
  [1, ['RSA', 'RSASSA-PSS']],
  [2, ['DSA']],
  [64, ['EC', 'EdDSA']],
]);

/** The key types JSSE asks for, in order; empty when none fits (the client then sends an empty Certificate). */
export function jsseClientKeyTypes(request: IdentityRequest): string[] {
  const certSchemes = request.tls13 && request.signatureAlgorithmsCert != null && request.signatureAlgorithmsCert.length > 0 ? request.signatureAlgorithmsCert : request.signatureAlgorithms;
  const allowed = request.tls13 ? null : new Set(request.certificateTypes.flatMap((t) => CERTIFICATE_TYPES.get(t) ?? []));
  const canSign = (keyAlgorithm: string): boolean =>
    request.signatureAlgorithms.some((code) => {
      const s = SCHEMES.get(code);
      return s !== undefined && s.keyAlgorithm === keyAlgorithm && (!request.tls13 || s.tls13);
    });
  const seen = new Set<string>();
  const out: string[] = [];
  for (const code of certSchemes) {
    const scheme = SCHEMES.get(code);
    if (scheme === undefined || seen.has(scheme.keyAlgorithm)) continue;
    seen.add(scheme.keyAlgorithm);
    if (!canSign(scheme.keyAlgorithm)) continue;
    if (allowed !== null && !allowed.has(scheme.keyAlgorithm)) continue;
    out.push(scheme.keyAlgorithm);
  }
  return out;
}
