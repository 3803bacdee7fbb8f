/**
 * Trust store loaders on stores made at test time: PEM and DER via @peculiar/x509, PKCS#12 via
 * `openssl pkcs12 -export` (AES, legacy RC2/3DES, no MAC) and `keytool`, and Java JKS both from
 * `keytool` and written here from the format's specification. Tools that are absent skip their
 * cases with the reason printed.
 */
import { hasCommand } from './tools.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { TlsAutopsyError } from '../../src/util/errors.js';
import { JCEKS_MAGIC, loadTrustStore, readTrustStore } from '../../src/x509/trust/index.js';
import type { LoadedTrustStore } from '../../src/x509/trust/index.js';
import { makeCert } from './trust-pki.js';
import type { TestCert } from './trust-pki.js';
import { writeJks } from './jks-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-trust-'));
let root: TestCert;
let issuing: TestCert;
let leaf: TestCert;
let leafKeyPem: string;

const OPENSSL = hasCommand('openssl', ['version']);
const KEYTOOL = hasCommand('keytool', ['-help']);
if (!OPENSSL) console.log('openssl is not installed: the PKCS#12 stores written by openssl are skipped.');
if (!KEYTOOL) console.log('keytool is not installed: the stores written by keytool are skipped (the JKS written by the tests still runs).');

function file(name: string, data: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

function subjects(s: LoadedTrustStore): string[] {
  return s.anchors.map((a) => a.summary.subject).sort();
}

async function refusal(p: Promise<unknown>): Promise<TlsAutopsyError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TlsAutopsyError) return err;
    throw err;
  }
  throw new Error('expected a TlsAutopsyError');
}

beforeAll(async () => {
  root = await makeCert({ subject: 'CN=Store Root, O=Corp', ca: true });
  issuing = await makeCert({ subject: 'CN=Store Issuing CA, O=Corp', issuer: root, ca: true });
  leaf = await makeCert({ subject: 'CN=svc, O=Corp', issuer: issuing });
  const { webcrypto } = await import('node:crypto');
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', leaf.keys.privateKey));
  leafKeyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64')}\n-----END PRIVATE KEY-----\n`;
  file('root.pem', root.pem);
  file('issuing.pem', issuing.pem);
  file('leaf.pem', leaf.pem);
  file('leaf.key', leafKeyPem);
  file('bundle.pem', `${root.pem}\n${issuing.pem}\n`);
});

describe('PEM, DER and directories', () => {
  it('a PEM bundle gives one anchor per certificate; other blocks are skipped', async () => {
    const s = await loadTrustStore(file('mixed.pem', `subject=… as openssl x509 -text writes it\n${root.pem}\n${leafKeyPem}\n${issuing.pem}`));
    expect(s.format).toBe('pem');
    expect(subjects(s)).toEqual(['CN=Store Issuing CA, O=Corp', 'CN=Store Root, O=Corp']);
    expect(s.integrity).toBe('none');
  });

  it('one DER certificate', async () => {
    const s = await loadTrustStore(file('root.der', root.der));
    expect(s.format).toBe('der');
    expect(subjects(s)).toEqual(['CN=Store Root, O=Corp']);
  });

  it('a directory of PEM and DER files; other files are counted and skipped', async () => {
    const d = join(dir, 'capath');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'a.pem'), root.pem);
    writeFileSync(join(d, 'b.crt'), issuing.der);
    writeFileSync(join(d, 'README'), 'not a certificate');
    mkdirSync(join(d, 'sub'), { recursive: true });
    const s = await loadTrustStore(d);
    expect(s.format).toBe('directory');
    expect(subjects(s)).toEqual(['CN=Store Issuing CA, O=Corp', 'CN=Store Root, O=Corp']);
    expect(s.notes.join(' ')).toContain("1 file in '");
  });

  it('a missing path, a file with no certificate, and a file that is no store: one sentence each', async () => {
    expect((await refusal(loadTrustStore(join(dir, 'nope.jks')))).message).toBe(`There is no trust store '${join(dir, 'nope.jks')}'; check the path.`);
    expect((await refusal(loadTrustStore(join(dir, 'leaf.key')))).message).toContain('holds no certificate to trust');
    const junk = file('junk.bin', Buffer.from('hello, this is not a key store'));
    const e = await refusal(loadTrustStore(junk));
    expect(e.code).toBe('usage');
    expect(e.message).toContain('is not a trust store tlsautopsy can read');
  });
});

describe('PKCS#12 written by openssl', () => {
  const exportP12 = (name: string, args: string[]): string => {
    const out = join(dir, name);
    execFileSync('openssl', ['pkcs12', '-export', '-out', out, ...args], { stdio: 'pipe' });
    return out;
  };

  it.skipIf(!OPENSSL)('default (PBES2, PBKDF2, AES-256-CBC, SHA-256 MAC) with a password', async () => {
    const p = exportP12('aes.p12', ['-nokeys', '-in', join(dir, 'bundle.pem'), '-passout', 'pass:s3cret!']);
    const s = await loadTrustStore(p, { password: 's3cret!' });
    expect(s.format).toBe('pkcs12');
    expect(s.integrity).toBe('verified');
    expect(subjects(s)).toEqual(['CN=Store Issuing CA, O=Corp', 'CN=Store Root, O=Corp']);
    // openssl writes no Java trust attribute: Java servers would not load these as trusted.
    expect(s.notes.join(' ')).toContain("lack Java's trusted-certificate attribute");
  });

  it.skipIf(!OPENSSL)('wrong, missing and right passwords; a damaged copy; an iteration count over the limit', async () => {
    const p = exportP12('pw.p12', ['-nokeys', '-in', join(dir, 'root.pem'), '-passout', 'pass:right']);
    const wrong = await refusal(loadTrustStore(p, { password: 'wrong' }));
    expect(wrong.code).toBe('usage');
    expect(wrong.message).toBe(`The PKCS#12 trust store '${p}' did not open with the given password (its integrity check failed): the password is wrong or the file is damaged.`);
    expect((await refusal(loadTrustStore(p))).message).toContain('is protected by a password; give it with --trust-password or the TLSAUTOPSY_TRUST_PASSWORD environment variable');
    expect(subjects(await loadTrustStore(p, { password: 'right' }))).toEqual(['CN=Store Root, O=Corp']);
    const bytes = readFileSync(p);
    const flipped = Uint8Array.from(bytes);
    flipped[Math.floor(flipped.length / 2)] = (flipped[Math.floor(flipped.length / 2)] as number) ^ 0x40;
    expect(() => readTrustStore(flipped, 'flipped.p12', { password: 'right' })).toThrow(TlsAutopsyError);
    expect(() => readTrustStore(bytes.subarray(0, bytes.length - 40), 'cut.p12', { password: 'right' })).toThrow(/damaged|not a trust store/);
    expect(() => readTrustStore(bytes, 'slow.p12', { password: 'right', maxIterations: 100 })).toThrow(/more than the limit of 100/);
  });

  it.skipIf(!OPENSSL)('legacy: pbeWithSHA1And40BitRC2-CBC certificates (as Java 8 and OpenSSL 1.x wrote them)', async (ctx) => {
    let p: string;
    try {
      p = exportP12('legacy.p12', ['-legacy', '-in', join(dir, 'leaf.pem'), '-inkey', join(dir, 'leaf.key'), '-certfile', join(dir, 'bundle.pem'), '-passout', 'pass:changeit']);
    } catch {
      console.log('openssl has no legacy provider (-legacy): the RC2 store is skipped; RC2 itself is tested against RFC 2268.');
      ctx.skip();
      return;
    }
    const info = spawnSync('openssl', ['pkcs12', '-info', '-legacy', '-noout', '-in', p, '-passin', 'pass:changeit'], { encoding: 'utf8' });
    expect(`${info.stdout}${info.stderr}`).toContain('RC2');
    const s = await loadTrustStore(p, { password: 'changeit' });
    expect(s.integrity).toBe('verified');
    // The key entry's own certificate counts as trusted (as Java's trust managers take it).
    expect(subjects(s)).toEqual(['CN=Store Issuing CA, O=Corp', 'CN=Store Root, O=Corp', 'CN=svc, O=Corp']);
  });

  it.skipIf(!OPENSSL)('pbeWithSHA1And3-KeyTripleDES-CBC certificates with a SHA-1 MAC', async () => {
    const p = exportP12('3des.p12', ['-nokeys', '-in', join(dir, 'root.pem'), '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1', '-passout', 'pass:changeit']);
    const s = await loadTrustStore(p, { password: 'changeit' });
    expect(subjects(s)).toEqual(['CN=Store Root, O=Corp']);
  });

  it.skipIf(!OPENSSL)('password-less (no MAC, no encryption) and empty-password stores open without a password', async () => {
    const none = exportP12('nopass.p12', ['-nokeys', '-in', join(dir, 'root.pem'), '-certpbe', 'NONE', '-nomac', '-passout', 'pass:']);
    const a = await loadTrustStore(none);
    expect(a.integrity).toBe('none');
    expect(subjects(a)).toEqual(['CN=Store Root, O=Corp']);
    const empty = exportP12('empty.p12', ['-nokeys', '-in', join(dir, 'root.pem'), '-passout', 'pass:']);
    const b = await loadTrustStore(empty, { password: '' });
    expect(b.integrity).toBe('verified');
    expect(subjects(b)).toEqual(['CN=Store Root, O=Corp']);
  });
});

describe('stores written by keytool', () => {
  const importCert = (store: string, type: string, alias: string, cert: string): void => {
    execFileSync('keytool', ['-importcert', '-noprompt', '-alias', alias, '-file', cert, '-keystore', store, '-storetype', type, '-storepass', 'changeit'], { stdio: 'pipe' });
  };

  it.skipIf(!KEYTOOL).each(['PKCS12', 'JKS', 'JCEKS'])('%s trust store with two trusted certificate entries', async (type) => {
    const store = join(dir, `keytool.${type.toLowerCase()}`);
    importCert(store, type, 'root', join(dir, 'root.pem'));
    importCert(store, type, 'issuing', join(dir, 'issuing.pem'));
    const s = await loadTrustStore(store, { password: 'changeit' });
    expect(s.format).toBe(type.toLowerCase() === 'pkcs12' ? 'pkcs12' : type.toLowerCase());
    expect(s.integrity).toBe('verified');
    expect(subjects(s)).toEqual(['CN=Store Issuing CA, O=Corp', 'CN=Store Root, O=Corp']);
    expect(s.anchors.map((a) => a.label).sort()).toEqual(['issuing', 'root']);
    // keytool marks trusted entries for Java: no warning about a missing attribute.
    expect(s.notes.join(' ')).not.toContain('trusted-certificate attribute');
    const wrong = await refusal(loadTrustStore(store, { password: 'nope' }));
    expect(wrong.message).toMatch(/password/);
  });
});

describe('JKS written from the format specification', () => {
  it('trusted entries and a key entry: anchors, intermediates, integrity', () => {
    const bytes = writeJks([{ kind: 'trusted', alias: 'root', der: root.der }, { kind: 'key', alias: 'svc', chain: [leaf.der, issuing.der] }], 'changeit');
    const s = readTrustStore(bytes, 'written.jks', { password: 'changeit' });
    expect(s).toMatchObject({ format: 'jks', integrity: 'verified' });
    expect(subjects(s)).toEqual(['CN=Store Root, O=Corp', 'CN=svc, O=Corp']);
    expect(s.intermediates.map((i) => i.summary.subject)).toEqual(['CN=Store Issuing CA, O=Corp']);
    const unchecked = readTrustStore(bytes, 'written.jks');
    expect(unchecked.integrity).toBe('not-checked');
    expect(unchecked.notes.join(' ')).toContain('was not checked (no password given)');
    expect(() => readTrustStore(bytes, 'written.jks', { password: 'wrong' })).toThrow("The Java JKS trust store 'written.jks' failed its integrity check with the given password: the password is wrong or the file is damaged.");
  });

  it('version 1 and JCEKS layouts', () => {
    const v1 = readTrustStore(writeJks([{ kind: 'trusted', alias: 'root', der: root.der }], 'pw', { version: 1 }), 'v1.jks', { password: 'pw' });
    expect(subjects(v1)).toEqual(['CN=Store Root, O=Corp']);
    const jceks = readTrustStore(writeJks([{ kind: 'trusted', alias: 'root', der: root.der }], 'pw', { magic: JCEKS_MAGIC }), 'x.jceks', { password: 'pw' });
    expect(jceks.format).toBe('jceks');
  });

  it('a corrupted store is refused with one sentence; every strict prefix fails cleanly', () => {
    const bytes = writeJks([{ kind: 'trusted', alias: 'root', der: root.der }, { kind: 'trusted', alias: 'issuing', der: issuing.der }], 'changeit');
    const flipped = Uint8Array.from(bytes);
    flipped[200] = (flipped[200] as number) ^ 1;
    expect(() => readTrustStore(flipped, 'bad.jks', { password: 'changeit' })).toThrow(/failed its integrity check|damaged|holds no certificate/);
    for (let n = 4; n < bytes.length; n += 7) {
      let err: unknown;
      try {
        readTrustStore(bytes.subarray(0, n), 'cut.jks', { password: 'changeit' });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TlsAutopsyError);
    }
  });
});

describe('hostile bytes', () => {
  it('random bytes, and random bytes behind a JKS or PKCS#12 start, only ever give a TlsAutopsyError', () => {
    const prefixes = [new Uint8Array(0), Uint8Array.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]), Uint8Array.from([0x30, 0x80, 0x02, 0x01, 0x03]), Uint8Array.from([0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03, 0x30, 0x80])];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: prefixes.length - 1 }), fc.uint8Array({ maxLength: 600 }), fc.option(fc.string({ maxLength: 8 })), (i, tail, password) => {
        try {
          const s = readTrustStore(Buffer.concat([prefixes[i] as Uint8Array, tail]), 'fuzz', { password });
          expect(s.anchors.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(TlsAutopsyError);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('mutated JKS stores never throw anything but TlsAutopsyError', () => {
    const bytes = writeJks([{ kind: 'trusted', alias: 'root', der: root.der }, { kind: 'key', alias: 'k', chain: [leaf.der] }], 'pw');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
        const m = Uint8Array.from(bytes);
        for (const [at, x] of flips) m[at] = (m[at] as number) ^ x;
        try {
          readTrustStore(m, 'mut.jks');
        } catch (e) {
          expect(e).toBeInstanceOf(TlsAutopsyError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
