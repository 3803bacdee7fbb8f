/**
 * A small PKI built at test time with @peculiar/x509 for the trust tests: every key type the
 * verifier must handle, and certificates broken in exactly one way each.
 */
import { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { x509Library } from '../../src/x509/peculiar.js';

const x509 = x509Library();

type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as ReturnType<typeof x509.cryptoProvider.get>);

export type KeyAlg = 'p256' | 'p384' | 'p521' | 'rsa' | 'rsa-pss' | 'ed25519';

export interface TestCert {
  readonly subject: string;
  readonly der: Uint8Array;
  readonly pem: string;
  readonly keys: CryptoKeyPair;
  readonly alg: KeyAlg;
}

export interface CertSpec {
  /** Name as people read it (CN first); written country-first like real certificates. */
  readonly subject: string;
  readonly alg?: KeyAlg;
  /** Undefined: self-signed. */
  readonly issuer?: TestCert;
  /** Reuse a key pair (a re-keyed CA with the same name is built with a different one). */
  readonly keys?: CryptoKeyPair;
  readonly ca?: boolean;
  readonly pathLength?: number;
  /** basicConstraints: false leaves it out entirely. */
  readonly basicConstraints?: boolean;
  /** Key usage flags; null leaves the extension out. Default: keyCertSign|cRLSign for CAs, digitalSignature otherwise. */
  readonly keyUsage?: number | null;
  /** EKU OIDs; null leaves the extension out. Default: clientAuth + serverAuth for leaves, none for CAs. */
  readonly eku?: readonly string[] | null;
  readonly san?: X509.JsonGeneralNames;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

const EC_CURVES: Record<string, string> = { p256: 'P-256', p384: 'P-384', p521: 'P-521' };
const EC_HASH: Record<string, string> = { p256: 'SHA-256', p384: 'SHA-384', p521: 'SHA-512' };

export async function generateKeys(alg: KeyAlg): Promise<CryptoKeyPair> {
  const c = webcrypto.subtle;
  const curve = EC_CURVES[alg];
  if (curve !== undefined) return c.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
  if (alg === 'ed25519') return c.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
  return c.generateKey(
    { name: alg === 'rsa' ? 'RSASSA-PKCS1-v1_5' : 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  ) as Promise<CryptoKeyPair>;
}

function signingAlgorithm(alg: KeyAlg): webcrypto.Algorithm | webcrypto.EcdsaParams | webcrypto.RsaPssParams {
  const hash = EC_HASH[alg];
  if (hash !== undefined) return { name: 'ECDSA', hash } as webcrypto.EcdsaParams;
  if (alg === 'ed25519') return { name: 'Ed25519' };
  if (alg === 'rsa-pss') return { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32 } as webcrypto.RsaPssParams;
  return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as webcrypto.Algorithm;
}

function derOrder(dn: string): string {
  return dn.split(/,\s*/).reverse().join(', ');
}

let serial = 0x1000;

/** Issues one certificate. */
export async function makeCert(spec: CertSpec): Promise<TestCert> {
  const alg = spec.alg ?? 'p256';
  const keys = spec.keys ?? (await generateKeys(alg));
  const ca = spec.ca === true;
  const extensions: X509.Extension[] = [];
  if (spec.basicConstraints !== false) extensions.push(new x509.BasicConstraintsExtension(ca, spec.pathLength, true));
  const ku = spec.keyUsage === undefined ? (ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature) : spec.keyUsage;
  if (ku !== null) extensions.push(new x509.KeyUsagesExtension(ku, true));
  const eku = spec.eku === undefined ? (ca ? null : [x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.serverAuth]) : spec.eku;
  if (eku !== null) extensions.push(new x509.ExtendedKeyUsageExtension([...eku], false));
  if (spec.san !== undefined) extensions.push(new x509.SubjectAlternativeNameExtension(spec.san, false));
  const notBefore = spec.notBefore ?? new Date('2025-01-01T00:00:00Z');
  const notAfter = spec.notAfter ?? new Date('2045-01-01T00:00:00Z');
  const serialNumber = (serial++).toString(16).padStart(4, '0');
  const issuer = spec.issuer;
  const cert =
    issuer === undefined
      ? await x509.X509CertificateGenerator.createSelfSigned({ serialNumber, name: derOrder(spec.subject), notBefore, notAfter, keys, extensions, signingAlgorithm: signingAlgorithm(alg) })
      : await x509.X509CertificateGenerator.create({
          serialNumber,
          subject: derOrder(spec.subject),
          issuer: derOrder(issuer.subject),
          notBefore,
          notAfter,
          publicKey: keys.publicKey,
          signingKey: issuer.keys.privateKey,
          extensions,
          signingAlgorithm: signingAlgorithm(issuer.alg),
        });
  return { subject: spec.subject, der: new Uint8Array(cert.rawData), pem: cert.toString('pem'), keys, alg };
}

/** The same certificate with one bit of its signature flipped. */
export function corruptSignature(der: Uint8Array): Uint8Array {
  const out = Uint8Array.from(der);
  out[out.length - 3] = (out[out.length - 3] as number) ^ 0x01;
  return out;
}

/** A moment inside every default validity window. */
export const CAPTURE_TIME = new Date('2026-06-01T12:00:00Z');
