/**
 * Whether a password opens a private key of a Java key store, as `KeyStore.getKey` would find:
 *
 *   EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
 *
 * - JKS (`sun.security.provider.KeyProtector`, OID 1.3.6.1.4.1.42.2.17.1.1): encryptedData =
 *   salt(20) ‖ key XOR keystream ‖ SHA-1(password ‖ key), the keystream being SHA-1(password ‖ salt),
 *   SHA-1(password ‖ previous), …, the password as UTF-16BE. The trailing digest says whether the
 *   password was right without parsing the key.
 * - JCEKS (`com.sun.crypto.provider.KeyProtector`, PBEWithMD5AndTripleDES, OID 1.3.6.1.4.1.42.2.19.1,
 *   parameters SEQUENCE { salt OCTET STRING (8), iterations INTEGER }): key and IV from MD5 chains
 *   over each salt half and the password's low bytes, DES-EDE3-CBC with PKCS#5 padding.
 * The key itself is wiped at once; only its public half is kept, to compare with the certificate. Never throws.
 */
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { BER, berChildren, berInt, berOid, readBer } from '../trust/ber.js';
import { publicKeyOfPrivateKey } from '../private-key.js';
import { md5Chain } from './md5-chain.js';

const JKS_KEY_PROTECTOR = '1.3.6.1.4.1.42.2.17.1.1';
const JCEKS_KEY_PROTECTOR = '1.3.6.1.4.1.42.2.19.1';
const SHA1_LENGTH = 20;
/** Java refuses a JCEKS key whose iteration count exceeds this (`KeyProtector.MAX_ITERATION_COUNT`). */
const JCEKS_MAX_ITERATIONS = 5_000_000;

function utf16be(password: string): Buffer {
  const out = Buffer.alloc(password.length * 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), 2 * i);
  return out;
}

/** Whether the password opened the key and, when it did, the key's public half (SubjectPublicKeyInfo DER). */
interface KeyCheck {
  readonly opens: boolean;
  readonly publicKey: Uint8Array | null;
}

const NOT_OPENED: KeyCheck = { opens: false, publicKey: null };

/** The public half of a decrypted PKCS#8 key, which is wiped: only the public key is kept. */
function opened(plain: Buffer): KeyCheck {
  const publicKey = publicKeyOfPrivateKey(plain);
  plain.fill(0);
  return { opens: true, publicKey };
}

function jksOpens(data: Uint8Array, password: string): KeyCheck | null {
  if (data.length < 2 * SHA1_LENGTH) return null;
  const pw = utf16be(password);
  const salt = data.subarray(0, SHA1_LENGTH);
  const encrypted = data.subarray(SHA1_LENGTH, data.length - SHA1_LENGTH);
  const check = data.subarray(data.length - SHA1_LENGTH);
  const plain = Buffer.alloc(encrypted.length);
  let digest: Uint8Array = salt;
  for (let done = 0; done < encrypted.length; done += SHA1_LENGTH) {
    digest = createHash('sha1').update(pw).update(digest).digest();
    for (let i = 0; i < SHA1_LENGTH && done + i < encrypted.length; i++) plain[done + i] = (encrypted[done + i] as number) ^ (digest[i] as number);
  }
  const expected = createHash('sha1').update(pw).update(plain).digest();
  if (timingSafeEqual(expected, check)) return opened(plain);
  plain.fill(0);
  return NOT_OPENED;
}

function jceksOpens(params: ReturnType<typeof readBer>, data: Uint8Array, password: string, maxIterations: number): KeyCheck | null {
  const [saltEl, iterEl] = berChildren(params) ?? [];
  const iterations = berInt(iterEl);
  if (saltEl?.tag !== BER.OCTET_STRING || saltEl.value.length !== 8 || iterations === undefined || iterations < 1) return null;
  if (iterations > Math.min(maxIterations, JCEKS_MAX_ITERATIONS)) return null;
  // PBEKey keeps each char's low byte (Java accepts only printable ASCII here).
  const pw = Buffer.from(Array.from(password, (c) => c.charCodeAt(0) & 0xff));
  const salt = Buffer.from(saltEl.value);
  // PBES1Core: equal halves would give equal keys, so the first half is reversed.
  if (salt.subarray(0, 4).equals(salt.subarray(4))) salt.subarray(0, 4).reverse();
  const derived = Buffer.alloc(32);
  for (let half = 0; half < 2; half++) {
    derived.set(md5Chain(salt.subarray(half * 4, half * 4 + 4), pw, iterations), half * 16);
  }
  try {
    const d = createDecipheriv('des-ede3-cbc', derived.subarray(0, 24), derived.subarray(24, 32));
    const plain = Buffer.concat([d.update(data), d.final()]);
    // A wrong password passes the padding check about once in 256: also require a whole SEQUENCE.
    if (plain[0] === BER.SEQUENCE && readBer(plain)?.end === plain.length) return opened(plain);
    plain.fill(0);
    return NOT_OPENED;
  } catch {
    return NOT_OPENED;
  }
}

/**
 * Does `password` open the protected key of a JKS or JCEKS private-key entry (and what is its
 * public half)? null when the protection is not one Java's own key stores write, or its
 * parameters are out of bounds.
 */
export function javaKeyOpens(protectedKey: Uint8Array, password: string, maxIterations: number): KeyCheck | null {
  const info = readBer(protectedKey);
  const [algId, dataEl] = berChildren(info) ?? [];
  const [oidEl, params] = berChildren(algId) ?? [];
  const oid = berOid(oidEl);
  if (info?.tag !== BER.SEQUENCE || dataEl?.tag !== BER.OCTET_STRING) return null;
  if (oid === JKS_KEY_PROTECTOR) return jksOpens(dataEl.value, password);
  if (oid === JCEKS_KEY_PROTECTOR) return jceksOpens(params, dataEl.value, password, maxIterations);
  return null;
}
