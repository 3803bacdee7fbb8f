/**
 * A key usage that forbids the signing TLS asks of a key, and what real peers do about it, in one
 * place for the key manager emulation (--identity), check-keystore and the capture's findings.
 */

/** Key algorithms that sign a TLS handshake; for them a key usage must allow digitalSignature (RFC 5280 §4.2.1.3), as JSSE's PKIX key manager checks. */
const SIGNING_KEYS: ReadonlySet<string> = new Set(['RSA', 'EC', 'DSA']);

/** A key usage extension without digitalSignature on a key that signs handshakes; false without the extension. */
export function forbidsSigning(keyAlgorithm: string | null, keyUsage: readonly string[] | null): boolean {
  return keyUsage !== null && !keyUsage.includes('digitalSignature') && SIGNING_KEYS.has(keyAlgorithm ?? '');
}

/**
 * What servers said when refusing such a client certificate, seen with real peers
 * (test/fixtures/key-usage): a JSSE server in TLS 1.2 and 1.3, and OpenSSL's purpose check, which
 * takes keyAgreement instead of digitalSignature and then accepts the certificate.
 */
export const SIGNING_REFUSED = {
  java: 'KeyUsage does not allow digital signatures',
  openssl: 'unsuitable certificate purpose',
} as const;
