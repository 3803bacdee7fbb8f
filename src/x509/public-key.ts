/**
 * Public key facts from a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7):
 *   SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
 *   RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }   (RFC 8017 §A.1.1)
 *   EC: parameters = namedCurve OBJECT IDENTIFIER                             (RFC 5480 §2.1.1)
 *   DSA: parameters = Dss-Parms ::= SEQUENCE { p INTEGER, q INTEGER, g INTEGER } (RFC 3279 §2.3.2)
 */
import { DER, decodeOid, readDer, readDerChildren } from './der.js';
import { CURVES } from './oids.js';
import { readAlgorithmIdentifier } from './tbs.js';

/** What kind of key a certificate holds and how strong it is. */
export interface PublicKeySummary {
  /** 'RSA' | 'RSA-PSS' | 'EC' | 'Ed25519' | 'Ed448' | 'X25519' | 'X448' | 'DSA', or the dotted OID of another algorithm. */
  readonly algorithm: string;
  /** Key size in bits (RSA modulus, DSA prime, curve field size), or null when unknown. */
  readonly bits: number | null;
  /** Curve name for EC keys (`P-256`, or the dotted OID of an unknown curve), else null. */
  readonly curve: string | null;
}

const KEY_ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ['1.2.840.113549.1.1.1', 'RSA'],
  ['1.2.840.113549.1.1.10', 'RSA-PSS'],
  ['1.2.840.10045.2.1', 'EC'],
  ['1.3.101.112', 'Ed25519'],
  ['1.3.101.113', 'Ed448'],
  ['1.3.101.110', 'X25519'],
  ['1.3.101.111', 'X448'],
  ['1.2.840.10040.4.1', 'DSA'],
]);

const FIXED_BITS: ReadonlyMap<string, number> = new Map([
  ['Ed25519', 256],
  ['Ed448', 456],
  ['X25519', 256],
  ['X448', 448],
]);

function integerBits(value: Uint8Array): number {
  for (const [i, b] of value.entries()) {
    if (b !== 0) return (value.length - i - 1) * 8 + (32 - Math.clz32(b));
  }
  return 0;
}

/** Summarizes a DER SubjectPublicKeyInfo; never throws (unknown parts become null). */
export function summarizePublicKey(spkiDer: Uint8Array): PublicKeySummary {
  const spki = readDer(spkiDer);
  if (spki === undefined || spki.tag !== DER.SEQUENCE) return { algorithm: 'unknown', bits: null, curve: null };
  const [algEl, keyEl] = readDerChildren(spki.value).elements;
  const alg = readAlgorithmIdentifier(algEl);
  if (alg === null) return { algorithm: 'unknown', bits: null, curve: null };
  const algorithm = KEY_ALGORITHMS.get(alg.oid) ?? alg.oid;
  const fixed = FIXED_BITS.get(algorithm);
  if (fixed !== undefined) return { algorithm, bits: fixed, curve: null };
  if (algorithm === 'EC') {
    const params = alg.parameters;
    const curveOid = params?.tag === DER.OID ? decodeOid(params.value) : undefined;
    const curve = curveOid === undefined ? undefined : CURVES.get(curveOid);
    return { algorithm, bits: curve?.bits ?? null, curve: curve?.name ?? curveOid ?? null };
  }
  if (algorithm === 'RSA' || algorithm === 'RSA-PSS') {
    // BIT STRING contents: one byte of unused bits (0), then the RSAPublicKey DER.
    if (keyEl?.tag !== DER.BIT_STRING || keyEl.value.length < 2) return { algorithm, bits: null, curve: null };
    const rsa = readDer(keyEl.value, 1);
    const modulus = rsa?.tag === DER.SEQUENCE ? readDerChildren(rsa.value).elements[0] : undefined;
    return { algorithm, bits: modulus?.tag === DER.INTEGER ? integerBits(modulus.value) : null, curve: null };
  }
  if (algorithm === 'DSA') {
    const params = alg.parameters;
    const p = params?.tag === DER.SEQUENCE ? readDerChildren(params.value).elements[0] : undefined;
    return { algorithm, bits: p?.tag === DER.INTEGER ? integerBits(p.value) : null, curve: null };
  }
  return { algorithm, bits: null, curve: null };
}
