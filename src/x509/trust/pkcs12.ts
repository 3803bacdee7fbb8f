/**
 * PKCS#12 (`.p12`, `.pfx`) trust stores, RFC 7292, read with the BER reader:
 *
 *   PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL }
 *   MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
 *   ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, content [0] EXPLICIT ANY OPTIONAL }
 *   AuthenticatedSafe ::= SEQUENCE OF ContentInfo      -- data | encryptedData (| envelopedData)
 *   EncryptedData ::= SEQUENCE { version INTEGER, encryptedContentInfo SEQUENCE {
 *       contentType OID, contentEncryptionAlgorithm AlgorithmIdentifier, encryptedContent [0] IMPLICIT OCTET STRING } }
 *   SafeContents ::= SEQUENCE OF SafeBag
 *   SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT ANY, bagAttributes SET OF PKCS12Attribute OPTIONAL }
 *   CertBag ::= SEQUENCE { certId OID (x509Certificate), certValue [0] EXPLICIT OCTET STRING }
 *
 * Certificates are encrypted with PBES2 (PBKDF2 + AES-CBC or 3DES-CBC, RFC 8018: OpenSSL 3 and
 * current Java) or the PKCS#12 PBE schemes (SHA-1 + 3DES/RC2/RC4, RFC 7292 Appendix C: Java
 * before 12, OpenSSL before 3, `openssl pkcs12 -legacy`). Private keys (shrouded key bags, the same
 * schemes) are decrypted only to learn whether the password opens them; the key itself is dropped.
 *
 *   EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
 */
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { TlsAutopsyError } from '../../util/errors.js';
import { BER, berChildren, berInt, berOctets, berOid, readBer, type BerElement } from './ber.js';
import { bagAttributes } from './pkcs12-bags.js';
import { bmpPassword, pkcs12Kdf, rc4 } from './pkcs12-kdf.js';
import { rc2CbcDecrypt, unpad } from './rc2.js';
import { publicKeyOfPrivateKey } from '../private-key.js';
import { DEFAULT_MAX_KDF_ITERATIONS, DEFAULT_MAX_KEY_CHECKS, DEFAULT_MAX_STORE_ENTRIES, TRUST_PASSWORD_HINT, type RawAlias, type RawStore, type RawStoreEntry, type StoreReadOptions } from './raw-store.js';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbmac1: '1.2.840.113549.1.5.14',
} as const;

/** Digest algorithms of MacData and PBKDF2 PRFs → Node hash names. */
const DIGESTS: ReadonlyMap<string, string> = new Map([
  ['1.3.14.3.2.26', 'sha1'],
  ['2.16.840.1.101.3.4.2.4', 'sha224'],
  ['2.16.840.1.101.3.4.2.1', 'sha256'],
  ['2.16.840.1.101.3.4.2.2', 'sha384'],
  ['2.16.840.1.101.3.4.2.3', 'sha512'],
]);
const PRFS: ReadonlyMap<string, string> = new Map([
  ['1.2.840.113549.2.7', 'sha1'],
  ['1.2.840.113549.2.8', 'sha224'],
  ['1.2.840.113549.2.9', 'sha256'],
  ['1.2.840.113549.2.10', 'sha384'],
  ['1.2.840.113549.2.11', 'sha512'],
]);
/** PBES2 encryption schemes → Node cipher and key length. */
const PBES2_CIPHERS: ReadonlyMap<string, { readonly name: string; readonly keyLength: number }> = new Map([
  ['2.16.840.1.101.3.4.1.2', { name: 'aes-128-cbc', keyLength: 16 }],
  ['2.16.840.1.101.3.4.1.22', { name: 'aes-192-cbc', keyLength: 24 }],
  ['2.16.840.1.101.3.4.1.42', { name: 'aes-256-cbc', keyLength: 32 }],
  ['1.2.840.113549.3.7', { name: 'des-ede3-cbc', keyLength: 24 }],
]);
/** RFC 7292 Appendix C: pbeWithSHAAnd… schemes. */
const PKCS12_PBE: ReadonlyMap<string, { readonly cipher: 'rc4' | '3des' | '2des' | 'rc2'; readonly keyLength: number; readonly name: string }> = new Map([
  ['1.2.840.113549.1.12.1.1', { cipher: 'rc4', keyLength: 16, name: 'pbeWithSHAAnd128BitRC4' }],
  ['1.2.840.113549.1.12.1.2', { cipher: 'rc4', keyLength: 5, name: 'pbeWithSHAAnd40BitRC4' }],
  ['1.2.840.113549.1.12.1.3', { cipher: '3des', keyLength: 24, name: 'pbeWithSHAAnd3-KeyTripleDES-CBC' }],
  ['1.2.840.113549.1.12.1.4', { cipher: '2des', keyLength: 16, name: 'pbeWithSHAAnd2-KeyTripleDES-CBC' }],
  ['1.2.840.113549.1.12.1.5', { cipher: 'rc2', keyLength: 16, name: 'pbeWithSHAAnd128BitRC2-CBC' }],
  ['1.2.840.113549.1.12.1.6', { cipher: 'rc2', keyLength: 5, name: 'pbeWithSHAAnd40BitRC2-CBC' }],
]);

/** A password in the two forms the schemes use. */
interface PasswordForm {
  /** BMPString with terminator (PKCS#12 KDF). */
  readonly bmp: Uint8Array;
  /** UTF-8 (PBKDF2). */
  readonly utf8: Uint8Array;
}

/**
 * The passwords to try: the one given, or for none the two encodings of an empty password
 * (OpenSSL writes an empty password as an empty BMPString `00 00`, other tools as no bytes at all).
 */
function candidates(password: string | null): PasswordForm[] {
  if (password !== null && password !== '') return [{ bmp: bmpPassword(password), utf8: Buffer.from(password, 'utf8') }];
  return [
    { bmp: bmpPassword(''), utf8: new Uint8Array(0) },
    { bmp: new Uint8Array(0), utf8: new Uint8Array(0) },
  ];
}

class Pkcs12Reader {
  private readonly entries: RawStoreEntry[] = [];
  private readonly aliases: RawAlias[] = [];
  readonly notes: string[] = [];
  readonly noun: string;
  readonly hint: string;
  /** The passwords to open private keys with; set once the store password is known. */
  keyForms: readonly PasswordForm[] = [];
  /** Aliases made up for entries without a friendlyName, numbered as Java numbers them. */
  private unnamed = 0;
  /** Key checks left before `maxKeyChecks` is reached. */
  private keyChecksLeft: number;
  private javaTrusted = 0;
  private withoutJavaAttribute = 0;
  private readonly maxIterations: number;
  private readonly maxEntries: number;

  constructor(
    private readonly name: string,
    options: StoreReadOptions,
  ) {
    this.maxIterations = options.maxIterations ?? DEFAULT_MAX_KDF_ITERATIONS;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_STORE_ENTRIES;
    this.noun = options.noun ?? 'trust store';
    this.hint = options.passwordHint ?? TRUST_PASSWORD_HINT;
    this.keyChecksLeft = options.maxKeyChecks ?? DEFAULT_MAX_KEY_CHECKS;
  }

  damaged(where: string): TlsAutopsyError {
    return new TlsAutopsyError('usage', `The PKCS#12 ${this.noun} '${this.name}' is damaged (${where}); export it again.`);
  }

  iterations(n: number | undefined, where: string): number {
    if (n === undefined || n < 1) throw this.damaged(`bad iteration count in ${where}`);
    if (n > this.maxIterations) throw new TlsAutopsyError('usage', `The PKCS#12 ${this.noun} '${this.name}' asks for ${n} key derivation iterations in ${where}, more than the limit of ${this.maxIterations}; it is not read (raise the limit with --limit maxTrustKdfIterations=N).`);
    return n;
  }

  /** Checks the MAC (RFC 7292 §4, Appendix B) with each candidate; returns the one that matched. */
  checkMac(macData: BerElement, authSafe: Uint8Array, forms: readonly PasswordForm[]): PasswordForm | 'unsupported' | null {
    const [digestInfo, saltEl, iterEl] = berChildren(macData) ?? [];
    const [algId, digestEl] = berChildren(digestInfo) ?? [];
    const algOid = berOid(berChildren(algId)?.[0]);
    const digest = digestEl?.tag === BER.OCTET_STRING ? digestEl.value : undefined;
    const salt = saltEl?.tag === BER.OCTET_STRING ? saltEl.value : undefined;
    if (algOid === undefined || digest === undefined || salt === undefined) throw this.damaged('the integrity check data does not decode');
    if (algOid === OID.pbmac1) return 'unsupported';
    const hash = DIGESTS.get(algOid);
    if (hash === undefined) return 'unsupported';
    const iterations = this.iterations(iterEl === undefined ? 1 : berInt(iterEl), 'its integrity check');
    for (const form of forms) {
      const key = pkcs12Kdf(hash, 3, form.bmp, salt, iterations, digest.length);
      if (key === undefined) return 'unsupported';
      const mac = createHmac(hash, key).update(authSafe).digest();
      if (mac.length === digest.length && timingSafeEqual(mac, digest)) return form;
    }
    return null;
  }

  /** Decrypts with an AlgorithmIdentifier of a PBE scheme; undefined on a wrong password or unknown scheme. */
  decrypt(algId: BerElement | undefined, data: Uint8Array, form: PasswordForm): Uint8Array | undefined | 'unknown' {
    const [oidEl, params] = berChildren(algId) ?? [];
    const oid = berOid(oidEl);
    if (oid === undefined) throw this.damaged('an encryption algorithm does not decode');
    const legacy = PKCS12_PBE.get(oid);
    if (legacy !== undefined) {
      const [saltEl, iterEl] = berChildren(params) ?? [];
      if (saltEl?.tag !== BER.OCTET_STRING) throw this.damaged(`the ${legacy.name} parameters do not decode`);
      const iterations = this.iterations(berInt(iterEl), legacy.name);
      const key = pkcs12Kdf('sha1', 1, form.bmp, saltEl.value, iterations, legacy.keyLength);
      if (key === undefined) return undefined;
      if (legacy.cipher === 'rc4') return rc4(key, data);
      const iv = pkcs12Kdf('sha1', 2, form.bmp, saltEl.value, iterations, 8);
      if (iv === undefined) return undefined;
      if (legacy.cipher === 'rc2') return rc2CbcDecrypt(key, legacy.keyLength * 8, iv, data);
      const desKey = legacy.cipher === '2des' ? Buffer.concat([key, key.subarray(0, 8)]) : key;
      return nodeDecrypt('des-ede3-cbc', desKey, iv, data);
    }
    if (oid === OID.pbes2) {
      const [kdf, scheme] = berChildren(params) ?? [];
      const [kdfOid, kdfParams] = berChildren(kdf) ?? [];
      if (berOid(kdfOid) !== OID.pbkdf2) return 'unknown';
      const [saltEl, iterEl, third, fourth] = berChildren(kdfParams) ?? [];
      if (saltEl?.tag !== BER.OCTET_STRING) throw this.damaged('the PBKDF2 parameters do not decode');
      const iterations = this.iterations(berInt(iterEl), 'PBKDF2');
      const keyLengthEl = third?.tag === BER.INTEGER ? third : undefined;
      const prfEl = third?.tag === BER.SEQUENCE ? third : fourth;
      const prf = prfEl === undefined ? 'sha1' : PRFS.get(berOid(berChildren(prfEl)?.[0]) ?? '');
      const [encOid, ivEl] = berChildren(scheme) ?? [];
      const cipher = PBES2_CIPHERS.get(berOid(encOid) ?? '');
      if (prf === undefined || cipher === undefined) return 'unknown';
      if (ivEl?.tag !== BER.OCTET_STRING) throw this.damaged('the PBES2 parameters do not decode');
      const keyLength = keyLengthEl === undefined ? cipher.keyLength : berInt(keyLengthEl);
      if (keyLength !== cipher.keyLength) throw this.damaged('the PBES2 key length does not fit its cipher');
      const key = pbkdf2Sync(form.utf8, saltEl.value, iterations, keyLength, prf);
      return nodeDecrypt(cipher.name, key, ivEl.value, data);
    }
    return 'unknown';
  }

  /** EncryptedData → plaintext SafeContents bytes. */
  encryptedSafe(content: BerElement | undefined, forms: readonly PasswordForm[]): { bytes: Uint8Array; form: PasswordForm } | null {
    const [, eci] = berChildren(content) ?? [];
    const [, algId, encrypted] = berChildren(eci) ?? [];
    if (encrypted === undefined || (encrypted.tag & 0x1f) !== 0 || (encrypted.tag & 0xc0) !== 0x80) throw this.damaged('an encrypted part does not decode');
    const data = berOctets(encrypted);
    if (data === undefined) throw this.damaged('an encrypted part does not decode');
    for (const form of forms) {
      const plain = this.decrypt(algId, data, form);
      if (plain === 'unknown') {
        const oid = berOid(berChildren(algId)?.[0]) ?? 'unknown';
        throw new TlsAutopsyError('usage', `The PKCS#12 ${this.noun} '${this.name}' encrypts its certificates with an algorithm tlsautopsy does not support (${oid}); export it with AES (openssl pkcs12 -export) or as PEM.`);
      }
      // A wrong password almost always shows as bad padding; RC4 has none, so also require a SEQUENCE that parses.
      if (plain !== undefined && plain.length > 0 && plain[0] === BER.SEQUENCE && readBer(plain)?.end === plain.length) return { bytes: plain, form };
    }
    return null;
  }

  safeContents(list: BerElement | undefined, depth: number): void {
    const bags = list?.tag === BER.SEQUENCE ? berChildren(list) : undefined;
    if (bags === undefined) throw this.damaged('a list of entries does not decode');
    for (const bag of bags) {
      const [idEl, valueEl, attrsEl] = berChildren(bag) ?? [];
      const bagId = berOid(idEl);
      if (bagId === undefined || valueEl?.tag !== BER.CONTEXT_0) throw this.damaged('an entry does not decode');
      const value = berChildren(valueEl)?.[0];
      if (bagId === OID.certBag) this.certBag(value, attrsEl);
      else if (bagId === OID.shroudedKeyBag || bagId === OID.keyBag) this.keyBag(bagId === OID.shroudedKeyBag ? value : undefined, attrsEl);
      else if (bagId === OID.safeContentsBag) {
        if (depth >= 4 || value === undefined) throw this.damaged('entries nest too deeply');
        this.safeContents(value, depth + 1);
      }
      // CRLs and secrets carry no trust and name no key entry; they are skipped.
    }
  }

  certBag(value: BerElement | undefined, attrsEl: BerElement | undefined): void {
    const [certIdEl, certValueEl] = berChildren(value) ?? [];
    if (berOid(certIdEl) !== OID.x509Certificate) {
      this.notes.push(`A certificate entry of a type other than X.509 in '${this.name}' was skipped.`);
      return;
    }
    const der = berOctets(berChildren(certValueEl)?.[0]);
    if (der === undefined) throw this.damaged('a certificate entry does not decode');
    const { label, keyId, trusted } = bagAttributes(attrsEl);
    const keyEntry = keyId !== null;
    if (this.entries.length >= this.maxEntries) throw new TlsAutopsyError('usage', `The PKCS#12 ${this.noun} '${this.name}' holds more than ${this.maxEntries} certificates; it is not read (raise the limit with --limit maxTrustStoreEntries=N).`);
    if (trusted) this.javaTrusted++;
    else if (!keyEntry) this.withoutJavaAttribute++;
    // Every certificate is an anchor, as for an OpenSSL server given the same certificates; see the Java note.
    this.entries.push({ der: Uint8Array.from(der), label, role: 'anchor', keyId });
    // Java lists a certificate as an alias of its own only when it carries the trusted attribute.
    if (trusted && !keyEntry) this.aliases.push({ alias: label ?? this.unnamedAlias(), kind: 'trusted-certificate', chain: [Uint8Array.from(der)], keyId: null, protectedKey: null, opens: null, publicKey: null });
  }

  /** A key bag (`shrouded` undefined: stored in clear) becomes a private-key alias; its key is only tried, never kept. */
  keyBag(shrouded: BerElement | undefined, attrsEl: BerElement | undefined): void {
    const { label, keyId } = bagAttributes(attrsEl);
    if (this.aliases.length >= this.maxEntries) throw new TlsAutopsyError('usage', `The PKCS#12 ${this.noun} '${this.name}' holds more than ${this.maxEntries} entries; it is not read (raise the limit with --limit maxTrustStoreEntries=N).`);
    // A key stored in clear is rare (openssl -keypbe NONE); its public half is not derived.
    const key = shrouded === undefined ? { opens: true, publicKey: null } : this.keyOpens(shrouded);
    this.aliases.push({ alias: label ?? this.unnamedAlias(), kind: 'private-key', chain: [], keyId, protectedKey: null, opens: key.opens, publicKey: key.publicKey });
  }

  /**
   * Does the EncryptedPrivateKeyInfo decrypt to a PrivateKeyInfo with one of the key passwords
   * (null: unknown scheme or not tried)? When it does, the key's public half, for the caller to
   * compare with the certificate; the decrypted key is wiped.
   */
  private keyOpens(info: BerElement | undefined): { opens: boolean | null; publicKey: Uint8Array | null } {
    const [algId, dataEl] = berChildren(info) ?? [];
    const data = dataEl?.tag === BER.OCTET_STRING || dataEl?.tag === BER.OCTET_STRING_CONSTRUCTED ? berOctets(dataEl) : undefined;
    if (algId === undefined || data === undefined) throw this.damaged('a private key entry does not decode');
    if (this.keyForms.length === 0 || this.keyChecksLeft <= 0) return { opens: null, publicKey: null };
    this.keyChecksLeft--;
    for (const form of this.keyForms) {
      const plain = this.decrypt(algId, data, form);
      if (plain === 'unknown') return { opens: null, publicKey: null };
      if (plain !== undefined && plain[0] === BER.SEQUENCE && readBer(plain)?.end === plain.length) {
        const publicKey = publicKeyOfPrivateKey(plain);
        plain.fill(0);
        return { opens: true, publicKey };
      }
    }
    return { opens: false, publicKey: null };
  }

  private unnamedAlias(): string {
    // PKCS12KeyStore.getUnfriendlyName: a counter, first "1".
    this.unnamed++;
    return String(this.unnamed);
  }

  result(integrity: RawStore['integrity']): RawStore {
    // Only a trust store needs the attribute: an identity store's CA certificates serve its key's chain.
    if (this.withoutJavaAttribute > 0 && this.noun === 'trust store') {
      this.notes.push(
        `${this.withoutJavaAttribute} certificate${this.withoutJavaAttribute === 1 ? '' : 's'} in '${this.name}' lack${this.withoutJavaAttribute === 1 ? 's' : ''} Java's trusted-certificate attribute (as openssl pkcs12 -export writes them): a Java server (WebLogic, Tomcat, JSSE) does not load ${this.withoutJavaAttribute === 1 ? 'it' : 'them'} as trusted; import with keytool -importcert for Java.`,
      );
    }
    return { format: 'pkcs12', entries: this.entries, integrity, notes: this.notes, aliases: this.aliases };
  }
}

function nodeDecrypt(name: string, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  try {
    const d = createDecipheriv(name, key, iv);
    d.setAutoPadding(false);
    const plain = Buffer.concat([d.update(data), d.final()]);
    return unpad(plain, name.startsWith('aes') ? 16 : 8);
  } catch {
    return undefined;
  }
}

/** Does the file start like a PKCS#12 PFX (a SEQUENCE whose first element is INTEGER 3)? */
export function looksLikePkcs12(bytes: Uint8Array): boolean {
  const pfx = readBer(bytes);
  if (pfx?.tag !== BER.SEQUENCE) return false;
  const version = readBer(pfx.value);
  return version?.tag === BER.INTEGER && berInt(version) === 3;
}

/**
 * Reads the certificates of a PKCS#12 store. Throws `TlsAutopsyError` (code `usage`) with one
 * sentence when the password is wrong or missing, or the store is damaged.
 */
export function readPkcs12(bytes: Uint8Array, name: string, password: string | null, options: StoreReadOptions = {}): RawStore {
  const reader = new Pkcs12Reader(name, options);
  const noun = reader.noun;
  const pfx = readBer(bytes);
  const [versionEl, authSafeEl, macData] = berChildren(pfx) ?? [];
  if (pfx?.tag !== BER.SEQUENCE || berInt(versionEl) !== 3 || authSafeEl === undefined) throw reader.damaged('it does not start as a PKCS#12 PFX');
  const [typeEl, contentEl] = berChildren(authSafeEl) ?? [];
  const type = berOid(typeEl);
  if (type === OID.signedData) throw new TlsAutopsyError('usage', `The PKCS#12 ${noun} '${name}' uses public-key integrity (signedData), which tlsautopsy does not read; export it with a password instead.`);
  const authSafe = type === OID.data && contentEl?.tag === BER.CONTEXT_0 ? berOctets(berChildren(contentEl)?.[0]) : undefined;
  if (authSafe === undefined) throw reader.damaged('its content does not decode');

  let forms = candidates(password);
  let integrity: RawStore['integrity'] = 'none';
  if (macData !== undefined) {
    const matched = reader.checkMac(macData, authSafe, forms);
    if (matched === null) {
      throw new TlsAutopsyError(
        'usage',
        password === null || password === ''
          ? `The PKCS#12 ${noun} '${name}' is protected by a password; ${reader.hint}.`
          : `The PKCS#12 ${noun} '${name}' did not open with the given password (its integrity check failed): the password is wrong or the file is damaged.`,
      );
    }
    if (matched === 'unsupported') {
      integrity = 'not-checked';
      reader.notes.push(`The integrity check of '${name}' uses an algorithm tlsautopsy does not verify; its certificates were read without it.`);
    } else {
      integrity = 'verified';
      forms = [matched, ...forms.filter((f) => f !== matched)];
    }
  }

  if (options.checkKeys === true) reader.keyForms = options.keyPassword === undefined ? forms : candidates(options.keyPassword);
  const parts = berChildren(readBer(authSafe));
  if (parts === undefined) throw reader.damaged('its list of parts does not decode');
  for (const part of parts) {
    const [partTypeEl, partContentEl] = berChildren(part) ?? [];
    const partType = berOid(partTypeEl);
    const inner = partContentEl?.tag === BER.CONTEXT_0 ? berChildren(partContentEl)?.[0] : undefined;
    if (partType === OID.data) {
      const safe = berOctets(inner);
      if (safe === undefined) throw reader.damaged('a part does not decode');
      reader.safeContents(readBer(safe), 0);
    } else if (partType === OID.encryptedData) {
      const plain = reader.encryptedSafe(inner, forms);
      if (plain === null) {
        throw new TlsAutopsyError(
          'usage',
          integrity === 'verified'
            ? `The PKCS#12 ${noun} '${name}' passed its integrity check but its certificates did not decrypt with the same password; the file is damaged.`
            : password === null || password === ''
              ? `The PKCS#12 ${noun} '${name}' encrypts its certificates with a password; ${reader.hint}.`
              : `The PKCS#12 ${noun} '${name}' did not open with the given password (its certificates did not decrypt): the password is wrong or the file is damaged.`,
        );
      }
      forms = [plain.form, ...forms.filter((f) => f !== plain.form)];
      reader.safeContents(readBer(plain.bytes), 0);
    } else {
      reader.notes.push(`A part of '${name}' encrypted for a recipient's public key was skipped.`);
    }
  }
  return reader.result(integrity);
}
