/**
 * The public half of a private key, to compare with the certificate it is stored with:
 *
 *   PrivateKeyInfo ::= SEQUENCE { version INTEGER, privateKeyAlgorithm AlgorithmIdentifier, privateKey OCTET STRING, … }  (RFC 5208 §5)
 *
 * Node's crypto derives the public key (RSA: n and e from the key; EC: d·G; DSA: g^x mod p), so
 * no key arithmetic is written here. Only the public key leaves this module; never throws.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { locateTbsParts } from './tbs.js';

/** The SubjectPublicKeyInfo DER of a PKCS#8 private key's public half, or null when Node cannot read the key. */
export function publicKeyOfPrivateKey(pkcs8: Uint8Array): Uint8Array | null {
  try {
    const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    return Uint8Array.from(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  } catch {
    return null;
  }
}

function spkiKey(spki: Uint8Array): KeyObject | null {
  try {
    return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

/**
 * Is `publicKey` (a SubjectPublicKeyInfo) the key the certificate certifies? Compared as keys, not
 * bytes: the same EC point may be written compressed or not, parameters present or absent.
 * null when either key cannot be read.
 */
export function publicKeyMatchesCertificate(publicKey: Uint8Array, certificateDer: Uint8Array): boolean | null {
  const parts = locateTbsParts(certificateDer);
  const a = spkiKey(publicKey);
  const b = parts === undefined ? null : spkiKey(parts.spki);
  if (a === null || b === null) return null;
  try {
    return a.equals(b);
  } catch {
    return null;
  }
}
