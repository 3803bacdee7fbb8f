/**
 * The CertificateRequest as the analysis hands it to the key manager emulation: a TLS 1.3
 * request's signature_algorithms_cert is carried (JSSE derives the key types it asks for from
 * it), a TLS 1.2 request has none.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificateRequestInfo } from '../../src/analysis/handshake-info-from.js';
import { decodeCertificateRequest } from '../../src/tls/handshake/certificate-request.js';
import { evaluateIdentity, readIdentityStore } from '../../src/x509/identity/index.js';
import { JAVA_CAPTURES_DIR } from '../fixtures/java/make-java-captures.js';

/** A TLS 1.3 CertificateRequest: empty context; signature_algorithms rsa_pss_rsae_sha256, ecdsa_secp256r1_sha256; signature_algorithms_cert ecdsa_secp256r1_sha256 only. */
const TLS13_REQUEST = Uint8Array.from([0x00, 0x00, 0x12, 0x00, 0x0d, 0x00, 0x06, 0x00, 0x04, 0x08, 0x04, 0x04, 0x03, 0x00, 0x32, 0x00, 0x04, 0x00, 0x02, 0x04, 0x03]);

describe('CertificateRequestInfo.signatureAlgorithmsCert', () => {
  it('a TLS 1.3 request carries its signature_algorithms_cert, and JSSE asks for EC keys only', () => {
    const decoded = decodeCertificateRequest(TLS13_REQUEST, { version: 0x0304 });
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    const info = certificateRequestInfo(decoded.value);
    expect(info).toMatchObject({ tls13: true, signatureAlgorithms: [0x0804, 0x0403], signatureAlgorithmsCert: [0x0403] });
    const store = readIdentityStore(readFileSync(join(JAVA_CAPTURES_DIR, 'keystores', 'client-alice-and-bob.p12')), 'client-alice-and-bob.p12', { password: 'changeit' });
    const e = evaluateIdentity(store, info, null);
    expect(e.keyTypes).toEqual(['EC']);
    expect(e.entries.find((x) => x.alias === 'bob')?.reasons).toEqual(['key-type-not-requested']);
    // Without it, both the RSA and the EC signature schemes give a key type.
    expect(evaluateIdentity(store, { ...info, signatureAlgorithmsCert: null }, null).keyTypes).toEqual(['RSA', 'EC']);
  });

  it('a TLS 1.2 request has none', () => {
    const tls12 = Uint8Array.from([0x01, 0x40, 0x00, 0x02, 0x04, 0x03, 0x00, 0x00]);
    const decoded = decodeCertificateRequest(tls12, { version: 0x0303 });
    expect(decoded.ok && certificateRequestInfo(decoded.value).signatureAlgorithmsCert).toBeNull();
  });
});
