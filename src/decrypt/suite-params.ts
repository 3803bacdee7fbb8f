/**
 * What record protection a cipher suite uses, from the cipher suite registry: AEAD (AES-GCM,
 * AES-CCM, AES-CCM-8, ChaCha20-Poly1305, ARIA-GCM) or CBC with an HMAC, with the key, IV
 * and tag lengths of RFC 8446 §5.3, RFC 5246 §6.2.3, RFC 5288, RFC 6655 and RFC 7905.
 */
import { getCiphers } from 'node:crypto';
import { cipherSuiteInfo, cipherSuiteName } from '../tls/registry/names.js';
import type { PrfName } from './tls12-prf.js';
import type { HashName } from './tls13-key-schedule.js';

/** An AEAD suite. */
export interface AeadSuite {
  readonly kind: 'aead';
  /** Node cipher name, e.g. `aes-128-gcm`, `chacha20-poly1305`, `aes-128-ccm`. */
  readonly cipher: string;
  readonly keyLength: number;
  /** TLS 1.3 and ChaCha20 (RFC 7905): 12-byte IV xored with the sequence number. TLS 1.2 GCM/CCM: 4-byte salt. */
  readonly fixedIvLength: number;
  /** Bytes of explicit nonce at the start of each TLS 1.2 GCM/CCM record (0 for TLS 1.3 and ChaCha20). */
  readonly explicitNonceLength: number;
  readonly tagLength: number;
  /** The hash of the TLS 1.3 key schedule, or of the TLS 1.2 PRF. */
  readonly hash: HashName;
}

/** A CBC suite with HMAC (MAC-then-encrypt, or encrypt-then-MAC per RFC 7366). */
export interface CbcSuite {
  readonly kind: 'cbc';
  readonly cipher: string;
  readonly keyLength: number;
  readonly blockSize: number;
  readonly macHash: 'md5' | 'sha1' | 'sha256' | 'sha384';
  readonly macLength: number;
}

export type RecordSuite = AeadSuite | CbcSuite;

/** A suite this module can decrypt, with its PRF (TLS ≤ 1.2) or key schedule hash (TLS 1.3). */
export interface DecryptableSuite {
  readonly protection: RecordSuite;
  readonly prf: PrfName;
}

let nodeCiphers: ReadonlySet<string> | null = null;
function nodeHas(cipher: string): boolean {
  nodeCiphers ??= new Set(getCiphers());
  return nodeCiphers.has(cipher);
}

const MAC_LENGTHS = { md5: 16, sha1: 20, sha256: 32, sha384: 48 } as const;

/**
 * The protection of `cipherSuite` under `version`, or why it cannot be decrypted here
 * (export and stream ciphers, NULL, suites Node's crypto lacks).
 */
export function decryptableSuite(cipherSuite: number, version: number, tls13: boolean): DecryptableSuite | { readonly unsupported: string } {
  const row = cipherSuiteInfo(cipherSuite);
  const name = cipherSuiteName(cipherSuite);
  if (row === undefined) return { unsupported: `cipher suite ${name} is not in the registry` };
  const hash: HashName = row.prf === 'SHA384' ? 'sha384' : 'sha256';
  if (row.prf !== 'SHA384' && row.prf !== 'SHA256' && row.prf !== 'DEFAULT') return { unsupported: `${name}: PRF ${row.prf} is not supported` };
  const prfName: PrfName = version >= 0x0303 || tls13 ? hash : 'md5sha1';
  const bits = row.keyBits;
  const bytes = bits / 8;
  const ccm8 = /_CCM_8(_|$)/.test(row.name);

  if (row.cipher === 'CHACHA20_POLY1305') {
    if (!nodeHas('chacha20-poly1305')) return { unsupported: `${name}: this Node.js has no ChaCha20-Poly1305` };
    return { prf: prfName, protection: { kind: 'aead', cipher: 'chacha20-poly1305', keyLength: 32, fixedIvLength: 12, explicitNonceLength: 0, tagLength: 16, hash } };
  }
  if ((row.cipher === 'AES' || row.cipher === 'ARIA') && (row.mode === 'GCM' || row.mode === 'CCM')) {
    const cipher = `${row.cipher.toLowerCase()}-${bits}-${row.mode.toLowerCase()}`;
    if (!nodeHas(cipher)) return { unsupported: `${name}: this Node.js has no ${cipher}` };
    return {
      prf: prfName,
      protection: { kind: 'aead', cipher, keyLength: bytes, fixedIvLength: tls13 ? 12 : 4, explicitNonceLength: tls13 ? 0 : 8, tagLength: ccm8 ? 8 : 16, hash },
    };
  }
  if (row.mode === 'CBC' && !row.export) {
    if (tls13) return { unsupported: `${name} is not a TLS 1.3 suite` };
    const cipher = row.cipher === 'AES' ? `aes-${bits}-cbc` : row.cipher === 'CAMELLIA' ? `camellia-${bits}-cbc` : row.cipher === '3DES' ? 'des-ede3-cbc' : null;
    if (cipher === null || !nodeHas(cipher)) return { unsupported: `${name}: ${row.cipher}-CBC is not supported` };
    const macHash = row.mac === 'HMAC-SHA1' ? 'sha1' : row.mac === 'HMAC-SHA256' ? 'sha256' : row.mac === 'HMAC-SHA384' ? 'sha384' : row.mac === 'HMAC-MD5' ? 'md5' : null;
    if (macHash === null) return { unsupported: `${name}: MAC ${row.mac} is not supported` };
    return {
      prf: prfName,
      protection: { kind: 'cbc', cipher, keyLength: cipher === 'des-ede3-cbc' ? 24 : bytes, blockSize: cipher === 'des-ede3-cbc' ? 8 : 16, macHash, macLength: MAC_LENGTHS[macHash] },
    };
  }
  return { unsupported: `${name}: ${row.cipher}${row.mode === '' ? '' : `-${row.mode}`} records are not decrypted (AEAD and CBC suites only)` };
}
