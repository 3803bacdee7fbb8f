/**
 * CertificateVerify: proof that the sender holds the private key of its certificate.
 *
 * TLS 1.3 (RFC 8446 §4.4.3):
 *   struct { SignatureScheme algorithm; opaque signature<0..2^16-1>; } CertificateVerify;
 * TLS 1.2 (RFC 5246 §7.4.8, §4.7 digitally-signed):
 *   struct { SignatureAndHashAlgorithm algorithm; opaque signature<0..2^16-1>; } — the same layout.
 * SSL 3.0 – TLS 1.1 (RFC 4346 §7.4.8): struct { opaque signature<0..2^16-1>; } — the
 *   algorithm is implied by the certificate's key (RSA: MD5+SHA-1, DSA/ECDSA: SHA-1).
 */
import { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';

/** Decoding context. */
export interface CertificateVerifyContext {
  /** True for TLS 1.2 and 1.3 (the signature carries its algorithm). */
  readonly hasScheme: boolean;
}

/** A decoded CertificateVerify. */
export interface CertificateVerify {
  /** SignatureScheme (TLS 1.3) / SignatureAndHashAlgorithm (TLS 1.2) code, or null before TLS 1.2. */
  readonly scheme: number | null;
  readonly signatureLength: number;
}

const P = 'tls.handshake.certificate_verify';

/** Decodes a CertificateVerify body. */
export function decodeCertificateVerify(body: Uint8Array, ctx: CertificateVerifyContext): Decoded<CertificateVerify> {
  const r = new ByteReader(body);
  let scheme: number | null = null;
  if (ctx.hasScheme) {
    const s = r.u16();
    if (s === undefined) return fail(`${P}.truncated`, 'The signature algorithm is truncated.', 0);
    scheme = s;
  }
  const at = r.position;
  const sig = r.vec16();
  if (sig === undefined) return fail(`${P}.truncated`, 'The signature is truncated.', at);
  if (!r.empty()) return fail(`${P}.trailing_bytes`, `${r.remaining} bytes follow the signature.`, r.position);
  return ok({ scheme, signatureLength: sig.remaining });
}
