/**
 * PKCS#12 layouts written here from RFC 7292 and RFC 8018, one variation at a time: every
 * encryption scheme the reader knows (PBES2 with each AES size, 3DES, the PRF and key-length
 * options; the PKCS#12 PBE schemes RC4, 2-key and 3-key 3DES, RC2), integrity checks it does and
 * does not verify, nested bags, attributes, parts it skips, and each way a store can be damaged
 * or locked, with the sentence the user gets.
 */
import { createCipheriv, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { TlsAutopsyError } from '../../src/util/errors.js';
import { readTrustStore } from '../../src/x509/trust/index.js';
import { readPkcs12 } from '../../src/x509/trust/pkcs12.js';
import { bmpPassword, pkcs12Kdf, rc4 } from '../../src/x509/trust/pkcs12-kdf.js';
import { rc2CbcEncrypt } from '../../src/x509/trust/rc2.js';
import { bmpString, concat, oid, tlv } from './helpers.js';
import { makeCert, type TestCert } from './trust-pki.js';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  sdsiCertificate: '1.2.840.113549.1.9.22.2',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  javaTrusted: '2.16.840.1.113894.746875.1.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbmac1: '1.2.840.113549.1.5.14',
  scrypt: '1.3.6.1.4.1.11591.4.11',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  md5: '1.2.840.113549.2.5',
  hmacSha1: '1.2.840.113549.2.7',
  hmacSha256: '1.2.840.113549.2.9',
  hmacSha512: '1.2.840.113549.2.11',
  hmacMd5: '1.2.840.113549.2.6',
  aes128: '2.16.840.1.101.3.4.1.2',
  aes192: '2.16.840.1.101.3.4.1.22',
  aes256: '2.16.840.1.101.3.4.1.42',
  desEde3: '1.2.840.113549.3.7',
  camellia128: '1.2.392.200011.61.1.1.1.2',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;

const PBE = {
  rc4_128: { oid: '1.2.840.113549.1.12.1.1', keyLength: 16 },
  rc4_40: { oid: '1.2.840.113549.1.12.1.2', keyLength: 5 },
  des3: { oid: '1.2.840.113549.1.12.1.3', keyLength: 24 },
  des2: { oid: '1.2.840.113549.1.12.1.4', keyLength: 16 },
  rc2_128: { oid: '1.2.840.113549.1.12.1.5', keyLength: 16 },
  rc2_40: { oid: '1.2.840.113549.1.12.1.6', keyLength: 5 },
} as const;

type Bytes = Uint8Array;
const seq = (...c: Bytes[]): Bytes => tlv(0x30, ...c);
const set = (...c: Bytes[]): Bytes => tlv(0x31, ...c);
const octets = (b: Bytes): Bytes => tlv(0x04, b);
const ctx0 = (...c: Bytes[]): Bytes => tlv(0xa0, ...c);
const nul = (): Bytes => tlv(0x05);
function int(n: number): Bytes {
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  if (out.length === 0 || (out[0] as number) & 0x80) out.unshift(0);
  return tlv(0x02, out);
}

const attr = (id: string, value: Bytes): Bytes => seq(oid(id), set(value));
const certBag = (der: Bytes, ...attrs: Bytes[]): Bytes =>
  seq(oid(OID.certBag), ctx0(seq(oid(OID.x509Certificate), ctx0(octets(der)))), ...(attrs.length > 0 ? [set(...attrs)] : []));
const dataPart = (safeContents: Bytes): Bytes => seq(oid(OID.data), ctx0(octets(safeContents)));
const encryptedPart = (algId: Bytes, ciphertext: Bytes): Bytes => seq(oid(OID.encryptedData), ctx0(seq(int(0), seq(oid(OID.data), algId, tlv(0x80, ciphertext)))));

interface MacSpec {
  readonly password: string;
  readonly digestOid?: string;
  readonly hash?: string;
  /** Omitted: the DEFAULT 1 of RFC 7292. */
  readonly iterations?: number;
}

function macData(spec: MacSpec, authSafe: Bytes): Bytes {
  const hash = spec.hash ?? 'sha256';
  const salt = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  const digestLength = createHmac(hash, 'k').digest().length;
  const key = pkcs12Kdf(hash, 3, bmpPassword(spec.password), salt, spec.iterations ?? 1, digestLength) ?? new Uint8Array(0);
  const mac = createHmac(hash, key).update(authSafe).digest();
  return seq(seq(seq(oid(spec.digestOid ?? OID.sha256), nul()), octets(mac)), octets(salt), ...(spec.iterations === undefined ? [] : [int(spec.iterations)]));
}

/** A PFX around the given parts, with a MAC when asked. */
function pfx(parts: readonly Bytes[], mac?: MacSpec): Bytes {
  const authSafe = seq(...parts);
  return seq(int(3), seq(oid(OID.data), ctx0(octets(authSafe))), ...(mac === undefined ? [] : [macData(mac, authSafe)]));
}

const SALT = Uint8Array.of(9, 8, 7, 6, 5, 4, 3, 2);
const ITER = 3;

/** A PKCS#12 PBE part (RFC 7292 Appendix C) encrypting `plain` with `password`. */
function legacyPart(scheme: keyof typeof PBE, password: string, plain: Bytes): Bytes {
  const { oid: id, keyLength } = PBE[scheme];
  const pw = bmpPassword(password);
  const key = pkcs12Kdf('sha1', 1, pw, SALT, ITER, keyLength) as Bytes;
  const iv = pkcs12Kdf('sha1', 2, pw, SALT, ITER, 8) as Bytes;
  let ciphertext: Bytes;
  if (scheme.startsWith('rc4')) ciphertext = rc4(key, plain);
  else if (scheme.startsWith('rc2')) ciphertext = rc2CbcEncrypt(key, keyLength * 8, iv, plain);
  else {
    const desKey = scheme === 'des2' ? concat(key, key.subarray(0, 8)) : key;
    const c = createCipheriv('des-ede3-cbc', desKey, iv);
    ciphertext = concat(c.update(plain), c.final());
  }
  return encryptedPart(seq(oid(id), seq(octets(SALT), int(ITER))), ciphertext);
}

interface Pbes2Spec {
  readonly cipherOid?: string;
  readonly cipher?: string;
  readonly keyLength: number;
  /** Write the optional keyLength INTEGER, with this value. */
  readonly keyLengthField?: number;
  /** PRF AlgorithmIdentifier OID; omitted: the default HMAC-SHA1. */
  readonly prfOid?: string;
  readonly prf?: string;
  readonly kdfOid?: string;
  readonly saltTag?: number;
  readonly ivTag?: number;
}

/** A PBES2 part (RFC 8018 §6.2) encrypting `plain` with `password`. */
function pbes2Part(spec: Pbes2Spec, password: string, plain: Bytes): Bytes {
  const iv = randomBytes(spec.cipher?.startsWith('des') === true ? 8 : 16);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), SALT, ITER, spec.keyLength, spec.prf ?? 'sha1');
  const c = createCipheriv(spec.cipher ?? 'aes-256-cbc', key, iv);
  const ciphertext = concat(c.update(plain), c.final());
  const kdfParams = seq(
    tlv(spec.saltTag ?? 0x04, SALT),
    int(ITER),
    ...(spec.keyLengthField === undefined ? [] : [int(spec.keyLengthField)]),
    ...(spec.prfOid === undefined ? [] : [seq(oid(spec.prfOid), nul())]),
  );
  const algId = seq(oid(OID.pbes2), seq(seq(oid(spec.kdfOid ?? OID.pbkdf2), kdfParams), seq(oid(spec.cipherOid ?? OID.aes256), tlv(spec.ivTag ?? 0x04, iv))));
  return encryptedPart(algId, ciphertext);
}

function refusal(f: () => unknown): TlsAutopsyError {
  try {
    f();
  } catch (e) {
    if (e instanceof TlsAutopsyError) return e;
    throw e;
  }
  throw new Error('expected a TlsAutopsyError');
}

let root: TestCert;
let leaf: TestCert;
let bags: Bytes;

beforeAll(async () => {
  root = await makeCert({ subject: 'CN=P12 Root, O=Corp', ca: true });
  leaf = await makeCert({ subject: 'CN=p12 leaf, O=Corp', issuer: root });
  bags = seq(certBag(root.der, attr(OID.javaTrusted, oid('2.5.29.37.0')), attr(OID.friendlyName, bmpString('root ca'))));
});

const ders = (s: { entries: readonly { der: Uint8Array }[] }): string[] => s.entries.map((e) => Buffer.from(e.der).toString('hex'));

describe('PKCS#12 encryption schemes', () => {
  it.each([
    ['RC4 128', 'rc4_128'],
    ['RC4 40', 'rc4_40'],
    ['3-key 3DES', 'des3'],
    ['2-key 3DES', 'des2'],
    ['RC2 128', 'rc2_128'],
    ['RC2 40', 'rc2_40'],
  ] as const)('pbeWithSHAAnd%s certificates open with the password, with a verified SHA-1 MAC', (_name, scheme) => {
    const store = readPkcs12(pfx([legacyPart(scheme, 'pw', bags)], { password: 'pw', digestOid: OID.sha1, hash: 'sha1', iterations: 2 }), 's.p12', 'pw');
    expect(store.integrity).toBe('verified');
    expect(ders(store)).toEqual([Buffer.from(root.der).toString('hex')]);
    expect(store.entries[0]?.label).toBe('root ca');
    // Java's trusted attribute is there, so no note that Java would not load it.
    expect(store.notes).toEqual([]);
  });

  it.each([
    ['AES-128, HMAC-SHA256 PRF', { cipherOid: OID.aes128, cipher: 'aes-128-cbc', keyLength: 16, prfOid: OID.hmacSha256, prf: 'sha256' }],
    ['AES-192 with its key length written', { cipherOid: OID.aes192, cipher: 'aes-192-cbc', keyLength: 24, keyLengthField: 24 }],
    ['AES-256, key length and HMAC-SHA512 PRF', { keyLength: 32, keyLengthField: 32, prfOid: OID.hmacSha512, prf: 'sha512' }],
    ['3DES-CBC', { cipherOid: OID.desEde3, cipher: 'des-ede3-cbc', keyLength: 24 }],
  ] as const)('PBES2 %s opens with the password and no MAC', (_name, spec) => {
    const store = readPkcs12(pfx([pbes2Part(spec, 'pässword', bags)]), 's.p12', 'pässword');
    expect(store.integrity).toBe('none');
    expect(ders(store)).toEqual([Buffer.from(root.der).toString('hex')]);
  });

  it.each([
    ['a KDF other than PBKDF2 (scrypt)', { keyLength: 32, kdfOid: OID.scrypt }, OID.pbes2],
    ['a PRF it does not know (HMAC-MD5)', { keyLength: 32, prfOid: OID.hmacMd5, prf: 'md5' }, OID.pbes2],
    ['a cipher it does not know (Camellia)', { keyLength: 16, cipherOid: OID.camellia128, cipher: 'aes-128-cbc' }, OID.pbes2],
  ] as const)('PBES2 with %s: refused, naming the algorithm and what to do', (_name, spec, named) => {
    const e = refusal(() => readPkcs12(pfx([pbes2Part(spec, 'pw', bags)]), 'x.p12', 'pw'));
    expect(e.message).toBe(`The PKCS#12 trust store 'x.p12' encrypts its certificates with an algorithm tlsautopsy does not support (${named}); export it with AES (openssl pkcs12 -export) or as PEM.`);
  });

  it('an encryption algorithm that is no password scheme at all: refused naming it', () => {
    const part = encryptedPart(seq(oid(OID.rsaEncryption), nul()), new Uint8Array(16));
    expect(refusal(() => readPkcs12(pfx([part]), 'x.p12', 'pw')).message).toContain(`does not support (${OID.rsaEncryption})`);
  });

  it.each([
    ['a PBES2 key length that does not fit its cipher', pbes2Part({ keyLength: 16, keyLengthField: 16, cipher: 'aes-128-cbc' }, 'pw', new Uint8Array(0)), 'the PBES2 key length does not fit its cipher'],
    ['a PBKDF2 salt that is not an OCTET STRING', pbes2Part({ keyLength: 32, saltTag: 0x0c }, 'pw', new Uint8Array(0)), 'the PBKDF2 parameters do not decode'],
    ['a PBES2 IV that is not an OCTET STRING', pbes2Part({ keyLength: 32, ivTag: 0x0c }, 'pw', new Uint8Array(0)), 'the PBES2 parameters do not decode'],
    ['PBE parameters without a salt', encryptedPart(seq(oid(PBE.des3.oid), seq(int(ITER))), new Uint8Array(8)), 'the pbeWithSHAAnd3-KeyTripleDES-CBC parameters do not decode'],
    ['an iteration count of 0', encryptedPart(seq(oid(PBE.des3.oid), seq(octets(SALT), int(0))), new Uint8Array(8)), 'bad iteration count in pbeWithSHAAnd3-KeyTripleDES-CBC'],
    ['an algorithm identifier without an OID', encryptedPart(seq(int(5)), new Uint8Array(8)), 'an encryption algorithm does not decode'],
    ['encrypted content that is not [0] IMPLICIT', seq(oid(OID.encryptedData), ctx0(seq(int(0), seq(oid(OID.data), seq(oid(PBE.des3.oid)), octets(new Uint8Array(8)))))), 'an encrypted part does not decode'],
    ['an EncryptedData with nothing in it', seq(oid(OID.encryptedData), ctx0(seq(int(0)))), 'an encrypted part does not decode'],
  ])('%s: damaged, with the place named', (_name, part, where) => {
    const e = refusal(() => readPkcs12(pfx([part]), 'd.p12', 'pw'));
    expect(e.code).toBe('usage');
    expect(e.message).toBe(`The PKCS#12 trust store 'd.p12' is damaged (${where}); export it again.`);
  });

  it('a constructed encrypted content (BER, in pieces) reads like a primitive one', () => {
    const pbeAlg = seq(oid(PBE.des3.oid), seq(octets(SALT), int(ITER)));
    const key = pkcs12Kdf('sha1', 1, bmpPassword('pw'), SALT, ITER, 24) as Bytes;
    const iv = pkcs12Kdf('sha1', 2, bmpPassword('pw'), SALT, ITER, 8) as Bytes;
    const c = createCipheriv('des-ede3-cbc', key, iv);
    const ct = concat(c.update(bags), c.final());
    const pieces = tlv(0xa0, octets(ct.subarray(0, 8)), octets(ct.subarray(8)));
    const built = seq(oid(OID.encryptedData), ctx0(seq(int(0), seq(oid(OID.data), pbeAlg, pieces))));
    expect(ders(readPkcs12(pfx([built]), 'ber.p12', 'pw'))).toEqual([Buffer.from(root.der).toString('hex')]);
  });
});

describe('PKCS#12 integrity checks', () => {
  const part = (): Bytes => dataPart(bags);

  it('a MAC without an iteration count takes the DEFAULT of 1', () => {
    expect(readPkcs12(pfx([part()], { password: 'pw' }), 'm.p12', 'pw').integrity).toBe('verified');
  });

  it.each([
    ['PBMAC1', OID.pbmac1],
    ['a digest it does not know (MD5)', OID.md5],
  ])('%s: certificates read without the check, with a note', (_name, digestOid) => {
    const store = readPkcs12(pfx([part()], { password: 'pw', digestOid, iterations: 1 }), 'u.p12', 'pw');
    expect(store.integrity).toBe('not-checked');
    expect(store.notes).toContain("The integrity check of 'u.p12' uses an algorithm tlsautopsy does not verify; its certificates were read without it.");
    expect(store.entries).toHaveLength(1);
  });

  it('a MAC iteration count of 0 or over the limit', () => {
    expect(refusal(() => readPkcs12(pfx([part()], { password: 'pw', iterations: 0 }), 'z.p12', 'pw')).message).toContain('bad iteration count in its integrity check');
    expect(refusal(() => readPkcs12(pfx([part()], { password: 'pw', iterations: 50 }), 'big.p12', 'pw', { maxIterations: 10 })).message).toBe(
      "The PKCS#12 trust store 'big.p12' asks for 50 key derivation iterations in its integrity check, more than the limit of 10; it is not read (raise the limit with --limit maxTrustKdfIterations=N).",
    );
  });

  it('MacData that does not decode is damage', () => {
    const authSafe = seq(part());
    const bytes = seq(int(3), seq(oid(OID.data), ctx0(octets(authSafe))), seq(int(1)));
    expect(refusal(() => readPkcs12(bytes, 'md.p12', 'pw')).message).toContain('(the integrity check data does not decode)');
  });

  it('an empty password written as no bytes at all (not OpenSSL\'s 00 00) still verifies', () => {
    const authSafe = seq(part());
    const salt = Uint8Array.of(1, 2, 3, 4);
    const key = pkcs12Kdf('sha256', 3, new Uint8Array(0), salt, 1, 32) as Bytes;
    const mac = createHmac('sha256', key).update(authSafe).digest();
    const bytes = seq(int(3), seq(oid(OID.data), ctx0(octets(authSafe))), seq(seq(seq(oid(OID.sha256), nul()), octets(mac)), octets(salt), int(1)));
    expect(readPkcs12(bytes, 'e.p12', null).integrity).toBe('verified');
  });
});

describe('PKCS#12 passwords', () => {
  it('a store whose MAC verifies but whose certificates were encrypted with another password is called damaged', () => {
    const bytes = pfx([legacyPart('des3', 'other', bags)], { password: 'pw', iterations: 1 });
    expect(refusal(() => readPkcs12(bytes, 'mix.p12', 'pw')).message).toBe(
      "The PKCS#12 trust store 'mix.p12' passed its integrity check but its certificates did not decrypt with the same password; the file is damaged.",
    );
  });

  it('encrypted certificates without a MAC: no password asks for one, a wrong one says so', () => {
    const bytes = pfx([pbes2Part({ keyLength: 32 }, 'pw', bags)]);
    expect(refusal(() => readPkcs12(bytes, 'n.p12', null)).message).toBe(
      "The PKCS#12 trust store 'n.p12' encrypts its certificates with a password; give it with --trust-password or the TLSAUTOPSY_TRUST_PASSWORD environment variable.",
    );
    expect(refusal(() => readPkcs12(bytes, 'n.p12', 'nope')).message).toBe(
      "The PKCS#12 trust store 'n.p12' did not open with the given password (its certificates did not decrypt): the password is wrong or the file is damaged.",
    );
  });

  it('RC4 has no padding: a wrong password is caught by the contents not parsing', () => {
    expect(refusal(() => readPkcs12(pfx([legacyPart('rc4_128', 'pw', bags)]), 'r.p12', 'wrong')).message).toContain('did not open with the given password');
  });
});

describe('PKCS#12 bags and parts', () => {
  it('nested SafeContents bags, skipped key bags, attributes, and parts for a recipient key', () => {
    const nested = seq(oid(OID.safeContentsBag), ctx0(seq(certBag(leaf.der, attr(OID.localKeyId, octets(Uint8Array.of(1)))))));
    const keyBag = seq(oid(OID.keyBag), ctx0(seq(int(0))));
    const plain = seq(certBag(root.der, attr(OID.friendlyName, tlv(0x0c, Buffer.from('utf8 label'))), attr('1.2.3.4', int(1))), nested, keyBag);
    const enveloped = seq(oid(OID.envelopedData), ctx0(seq(int(0))));
    const store = readPkcs12(pfx([dataPart(plain), enveloped]), 'b.p12', null);
    expect(ders(store)).toEqual([root.der, leaf.der].map((d) => Buffer.from(d).toString('hex')));
    // A friendly name that is not a BMPString is not taken as a label.
    expect(store.entries.map((e) => e.label)).toEqual([null, null]);
    expect(store.notes).toEqual([
      "A part of 'b.p12' encrypted for a recipient's public key was skipped.",
      // The key entry's certificate (localKeyId) is not counted as lacking Java's attribute.
      "1 certificate in 'b.p12' lacks Java's trusted-certificate attribute (as openssl pkcs12 -export writes them): a Java server (WebLogic, Tomcat, JSSE) does not load it as trusted; import with keytool -importcert for Java.",
    ]);
  });

  it('trusted certificates without a friendlyName get the aliases Java makes up for them: "1", "2", …', () => {
    const trustedAttr = attr(OID.javaTrusted, oid('2.5.29.37.0'));
    const plain = seq(certBag(root.der, trustedAttr), certBag(leaf.der, trustedAttr, attr(OID.friendlyName, bmpString('named'))), certBag(leaf.der, trustedAttr));
    const store = readPkcs12(pfx([dataPart(plain)]), 'u.p12', null);
    expect(store.aliases?.map((a) => [a.alias, a.kind])).toEqual([
      ['1', 'trusted-certificate'],
      ['named', 'trusted-certificate'],
      ['2', 'trusted-certificate'],
    ]);
  });

  it('a shrouded key bag that is no EncryptedPrivateKeyInfo is damage; one under an unknown scheme is left unchecked', () => {
    const shrouded = (info: Bytes): Bytes => seq(oid('1.2.840.113549.1.12.10.1.2'), ctx0(info), set(attr(OID.friendlyName, bmpString('k'))));
    const broken = pfx([dataPart(seq(shrouded(seq(int(0)))))]);
    expect(refusal(() => readPkcs12(broken, 'k.p12', 'pw', { checkKeys: true })).message).toBe("The PKCS#12 trust store 'k.p12' is damaged (a private key entry does not decode); export it again.");
    const unknown = pfx([dataPart(seq(shrouded(seq(seq(oid('1.2.3.4')), octets(new Uint8Array(16))))))]);
    expect(readPkcs12(unknown, 'k.p12', 'pw', { checkKeys: true }).aliases).toEqual([{ alias: 'k', kind: 'private-key', chain: [], keyId: null, protectedKey: null, opens: null, publicKey: null }]);
  });

  it('a certificate bag of another type than X.509 is skipped with a note', () => {
    const sdsi = seq(oid(OID.certBag), ctx0(seq(oid(OID.sdsiCertificate), ctx0(tlv(0x16, Buffer.from('sdsi'))))));
    const store = readPkcs12(pfx([dataPart(seq(sdsi))]), 'o.p12', null);
    expect(store.entries).toEqual([]);
    expect(store.notes).toEqual(["A certificate entry of a type other than X.509 in 'o.p12' was skipped."]);
  });

  it('more certificates than maxEntries: refused, saying which limit to raise', () => {
    const many = seq(certBag(root.der), certBag(leaf.der), certBag(root.der));
    expect(refusal(() => readPkcs12(pfx([dataPart(many)]), 'many.p12', null, { maxEntries: 2 })).message).toBe(
      "The PKCS#12 trust store 'many.p12' holds more than 2 certificates; it is not read (raise the limit with --limit maxTrustStoreEntries=N).",
    );
  });

  const nest = (depth: number): Bytes => {
    let inner = seq(certBag(root.der));
    for (let i = 0; i < depth; i++) inner = seq(seq(oid(OID.safeContentsBag), ctx0(inner)));
    return inner;
  };

  it('SafeContents nested four deep are read; five deep are refused', () => {
    expect(readPkcs12(pfx([dataPart(nest(4))]), 'n4.p12', null).entries).toHaveLength(1);
    expect(refusal(() => readPkcs12(pfx([dataPart(nest(5))]), 'n5.p12', null)).message).toContain('(entries nest too deeply)');
  });

  it.each([
    ['a PFX of version 2', (): Bytes => seq(int(2), seq(oid(OID.data), ctx0(octets(seq())))), 'it does not start as a PKCS#12 PFX'],
    ['a PFX without its content', (): Bytes => seq(int(3)), 'it does not start as a PKCS#12 PFX'],
    ['content that is not [0]', (): Bytes => seq(int(3), seq(oid(OID.data), octets(seq()))), 'its content does not decode'],
    ['an authenticated safe that is no SEQUENCE', (): Bytes => seq(int(3), seq(oid(OID.data), ctx0(octets(int(1))))), 'its list of parts does not decode'],
    ['a data part without an OCTET STRING', (): Bytes => pfx([seq(oid(OID.data), ctx0())]), 'a part does not decode'],
    ['SafeContents that are not a SEQUENCE', (): Bytes => pfx([dataPart(set())]), 'a list of entries does not decode'],
    ['a bag whose value is not [0]', (): Bytes => pfx([dataPart(seq(seq(oid(OID.certBag), octets(root.der))))]), 'an entry does not decode'],
    ['a nested bag with nothing inside', (): Bytes => pfx([dataPart(seq(seq(oid(OID.safeContentsBag), ctx0())))]), 'entries nest too deeply'],
    ['a certificate bag without the certificate', (): Bytes => pfx([dataPart(seq(seq(oid(OID.certBag), ctx0(seq(oid(OID.x509Certificate), ctx0())))))]), 'a certificate entry does not decode'],
  ])('%s: damaged, with the place named', (_name, bytes, where) => {
    expect(refusal(() => readPkcs12(bytes(), 'd.p12', null)).message).toBe(`The PKCS#12 trust store 'd.p12' is damaged (${where}); export it again.`);
  });

  it('public-key integrity (signedData) is refused with what to do instead', () => {
    const bytes = seq(int(3), seq(oid(OID.signedData), ctx0(seq(int(1)))));
    expect(refusal(() => readPkcs12(bytes, 's.p12', null)).message).toBe(
      "The PKCS#12 trust store 's.p12' uses public-key integrity (signedData), which tlsautopsy does not read; export it with a password instead.",
    );
  });

  it('through the store reader: a PKCS#12 written here loads as anchors with their summaries', () => {
    const store = readTrustStore(pfx([legacyPart('rc2_40', 'changeit', bags)], { password: 'changeit', iterations: 5 }), 'java8.p12', { password: 'changeit' });
    expect(store.format).toBe('pkcs12');
    expect(store.anchors.map((a) => a.summary.subject)).toEqual(['CN=P12 Root, O=Corp']);
  });
});
