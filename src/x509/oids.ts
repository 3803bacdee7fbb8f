/**
 * Names for the object identifiers a certificate summary shows. Names follow OpenSSL's
 * long-standing short names (`sha256WithRSAEncryption`, `ecdsa-with-SHA256`) and RFC 5280
 * §4.2.1.12 for extended key usages (`serverAuth`, `clientAuth`, …); unknown OIDs stay dotted.
 */

/** Signature algorithms: name and whether its hash is broken for signatures (MD2/MD4/MD5/SHA-1). */
export const SIGNATURE_ALGORITHMS: ReadonlyMap<string, { readonly name: string; readonly weak: boolean }> = new Map([
  ['1.2.840.113549.1.1.2', { name: 'md2WithRSAEncryption', weak: true }],
  ['1.2.840.113549.1.1.3', { name: 'md4WithRSAEncryption', weak: true }],
  ['1.2.840.113549.1.1.4', { name: 'md5WithRSAEncryption', weak: true }],
  ['1.2.840.113549.1.1.5', { name: 'sha1WithRSAEncryption', weak: true }],
  ['1.3.14.3.2.29', { name: 'sha1WithRSAEncryption', weak: true }],
  ['1.2.840.113549.1.1.10', { name: 'RSASSA-PSS', weak: false }],
  ['1.2.840.113549.1.1.11', { name: 'sha256WithRSAEncryption', weak: false }],
  ['1.2.840.113549.1.1.12', { name: 'sha384WithRSAEncryption', weak: false }],
  ['1.2.840.113549.1.1.13', { name: 'sha512WithRSAEncryption', weak: false }],
  ['1.2.840.113549.1.1.14', { name: 'sha224WithRSAEncryption', weak: false }],
  ['1.2.840.10045.4.1', { name: 'ecdsa-with-SHA1', weak: true }],
  ['1.2.840.10045.4.3.1', { name: 'ecdsa-with-SHA224', weak: false }],
  ['1.2.840.10045.4.3.2', { name: 'ecdsa-with-SHA256', weak: false }],
  ['1.2.840.10045.4.3.3', { name: 'ecdsa-with-SHA384', weak: false }],
  ['1.2.840.10045.4.3.4', { name: 'ecdsa-with-SHA512', weak: false }],
  ['1.2.840.10040.4.3', { name: 'dsa-with-SHA1', weak: true }],
  ['2.16.840.1.101.3.4.3.1', { name: 'dsa_with_SHA224', weak: false }],
  ['2.16.840.1.101.3.4.3.2', { name: 'dsa_with_SHA256', weak: false }],
  ['1.3.101.112', { name: 'Ed25519', weak: false }],
  ['1.3.101.113', { name: 'Ed448', weak: false }],
  ['1.2.156.10197.1.501', { name: 'SM2-with-SM3', weak: false }],
]);

/** Hash algorithm OIDs (for RSASSA-PSS parameters). */
export const HASH_ALGORITHMS: ReadonlyMap<string, { readonly name: string; readonly weak: boolean }> = new Map([
  ['1.2.840.113549.2.5', { name: 'MD5', weak: true }],
  ['1.3.14.3.2.26', { name: 'SHA-1', weak: true }],
  ['2.16.840.1.101.3.4.2.4', { name: 'SHA-224', weak: false }],
  ['2.16.840.1.101.3.4.2.1', { name: 'SHA-256', weak: false }],
  ['2.16.840.1.101.3.4.2.2', { name: 'SHA-384', weak: false }],
  ['2.16.840.1.101.3.4.2.3', { name: 'SHA-512', weak: false }],
]);

/** Extended key usages (RFC 5280 §4.2.1.12 and common vendor purposes). */
export const EXTENDED_KEY_USAGES: ReadonlyMap<string, string> = new Map([
  ['2.5.29.37.0', 'anyExtendedKeyUsage'],
  ['1.3.6.1.5.5.7.3.1', 'serverAuth'],
  ['1.3.6.1.5.5.7.3.2', 'clientAuth'],
  ['1.3.6.1.5.5.7.3.3', 'codeSigning'],
  ['1.3.6.1.5.5.7.3.4', 'emailProtection'],
  ['1.3.6.1.5.5.7.3.5', 'ipsecEndSystem'],
  ['1.3.6.1.5.5.7.3.6', 'ipsecTunnel'],
  ['1.3.6.1.5.5.7.3.7', 'ipsecUser'],
  ['1.3.6.1.5.5.7.3.8', 'timeStamping'],
  ['1.3.6.1.5.5.7.3.9', 'OCSPSigning'],
  ['1.3.6.1.5.5.7.3.17', 'ipsecIKE'],
  ['1.3.6.1.4.1.311.20.2.2', 'msSmartcardLogin'],
  ['1.3.6.1.4.1.311.10.3.4', 'msEFS'],
  ['1.3.6.1.5.2.3.5', 'pkInitKDC'],
  ['2.16.840.1.113730.4.1', 'nsSGC'],
  ['1.3.6.1.4.1.311.10.3.3', 'msSGC'],
]);

/** Named elliptic curves: name and field size in bits. */
export const CURVES: ReadonlyMap<string, { readonly name: string; readonly bits: number }> = new Map([
  ['1.2.840.10045.3.1.7', { name: 'P-256', bits: 256 }],
  ['1.3.132.0.34', { name: 'P-384', bits: 384 }],
  ['1.3.132.0.35', { name: 'P-521', bits: 521 }],
  ['1.2.840.10045.3.1.1', { name: 'P-192', bits: 192 }],
  ['1.3.132.0.33', { name: 'P-224', bits: 224 }],
  ['1.3.132.0.10', { name: 'secp256k1', bits: 256 }],
  ['1.3.36.3.3.2.8.1.1.7', { name: 'brainpoolP256r1', bits: 256 }],
  ['1.3.36.3.3.2.8.1.1.11', { name: 'brainpoolP384r1', bits: 384 }],
  ['1.3.36.3.3.2.8.1.1.13', { name: 'brainpoolP512r1', bits: 512 }],
  ['1.2.156.10197.1.301', { name: 'SM2', bits: 256 }],
]);

/** Key usage bit names in bit order (RFC 5280 §4.2.1.3). */
export const KEY_USAGE_NAMES: readonly string[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];
