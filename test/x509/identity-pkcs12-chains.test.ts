/**
 * Identity stores made at test time with `openssl pkcs12 -export` (skipped with a printed reason
 * without openssl) and the JKS writer: a key's chain followed through the store's certificates to
 * its self-issued root, CA certificates in no key's chain (which Java does not list), a key
 * exported without its certificate, and what the reader says about keys it could not check or a
 * path it cannot read.
 */
import { execFileSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TlsAutopsyError } from '../../src/util/errors.js';
import { loadIdentityStore, readIdentityStore } from '../../src/x509/identity/index.js';
import type { IdentityStore } from '../../src/x509/identity/index.js';
import { writeJks } from './jks-writer.js';
import { hasCommand } from './tools.js';
import { makeCert } from './trust-pki.js';
import type { TestCert } from './trust-pki.js';

const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-identity-p12-'));
const OPENSSL = hasCommand('openssl', ['version']);
if (!OPENSSL) console.log('openssl is not installed: the PKCS#12 identity stores written by openssl are skipped.');

let leaf: TestCert;

function file(name: string, data: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

beforeAll(async () => {
  const root = await makeCert({ subject: 'CN=Chain Root, O=Corp', ca: true });
  const issuing = await makeCert({ subject: 'CN=Chain Issuing CA, O=Corp', ca: true, issuer: root });
  leaf = await makeCert({ subject: 'CN=chain-leaf, O=Corp', issuer: issuing });
  const strayA = await makeCert({ subject: 'CN=Stray CA A, O=Other', ca: true });
  const strayB = await makeCert({ subject: 'CN=Stray CA B, O=Other', ca: true });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', leaf.keys.privateKey));
  file('leaf.key', `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64')}\n-----END PRIVATE KEY-----\n`);
  file('leaf.pem', leaf.pem);
  file('chain-one-stray.pem', `${strayA.pem}\n${issuing.pem}\n${root.pem}\n`);
  file('chain-two-strays.pem', `${issuing.pem}\n${strayA.pem}\n${root.pem}\n${strayB.pem}\n`);
});

function exportP12(name: string, args: readonly string[]): IdentityStore {
  const out = join(dir, name);
  execFileSync('openssl', ['pkcs12', '-export', '-out', out, '-inkey', join(dir, 'leaf.key'), '-passout', 'pass:pw', ...args], { stdio: 'pipe' });
  return readIdentityStore(readFileSync(out), name, { password: 'pw' });
}

describe('PKCS#12 chains as Java builds them', () => {
  it.skipIf(!OPENSSL)('the chain runs from the key to its self-issued root; one CA certificate in no chain is named in a note', () => {
    const store = exportP12('one-stray.p12', ['-in', join(dir, 'leaf.pem'), '-certfile', join(dir, 'chain-one-stray.pem'), '-name', 'Client']);
    expect(store.entries.map((e) => [e.alias, e.kind, e.keyOpens, e.keyMatches, e.keyAlgorithm, e.keySize])).toEqual([['client', 'private-key', true, true, 'EC', 256]]);
    expect(store.entries[0]?.certificates.map((c) => c.summary.subject)).toEqual(['CN=chain-leaf, O=Corp', 'CN=Chain Issuing CA, O=Corp', 'CN=Chain Root, O=Corp']);
    expect(store.notes).toEqual([
      "1 certificate of 'one-stray.p12' belongs to no entry Java lists (in no key's chain, without Java's trusted-certificate attribute, as openssl pkcs12 -export writes CA certificates), so Java does not see it; import with keytool -importcert to trust it.",
    ]);
  });

  it.skipIf(!OPENSSL)('two such certificates are counted together', () => {
    const store = exportP12('two-strays.p12', ['-in', join(dir, 'leaf.pem'), '-certfile', join(dir, 'chain-two-strays.pem')]);
    expect(store.entries[0]?.chain).toHaveLength(3);
    expect(store.notes).toEqual([
      "2 certificates of 'two-strays.p12' belong to no entry Java lists (in no key's chain, without Java's trusted-certificate attribute, as openssl pkcs12 -export writes CA certificates), so Java does not see them; import with keytool -importcert to trust them.",
    ]);
  });

  it.skipIf(!OPENSSL)('a key exported without its certificate (no localKeyId) is found by its name and has no chain', () => {
    const store = exportP12('key-only.p12', ['-nocerts', '-name', 'solo']);
    expect(store.entries).toEqual([{ alias: 'solo', kind: 'private-key', chain: [], certificates: [], keyAlgorithm: null, keySize: null, keyOpens: true, keyMatches: null, order: 0 }]);
    expect(store.notes).toEqual([]);
  });
});

describe('what the reader says it could not do', () => {
  it('JKS keys read without a password are not checked, and the note says why', () => {
    const bytes = writeJks(
      [
        { kind: 'key', alias: 'a', chain: [leaf.der] },
        { kind: 'key', alias: 'b', chain: [leaf.der] },
      ],
      'pw',
    );
    const store = readIdentityStore(bytes, 'nopass.jks');
    expect(store.entries.map((e) => [e.alias, e.keyOpens, e.keyAlgorithm])).toEqual([
      ['b', null, 'EC'],
      ['a', null, 'EC'],
    ]);
    expect(store.notes).toContain("Whether the key password opens 2 private keys of 'nopass.jks' was not checked (no password given).");
  });

  it('a path that is a directory cannot be read: an io error naming it', async () => {
    let err: unknown;
    try {
      await loadIdentityStore(dir, { password: 'pw' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TlsAutopsyError);
    expect((err as TlsAutopsyError).code).toBe('io');
    expect((err as TlsAutopsyError).message).toBe(`The key store '${dir}' cannot be read (EISDIR: illegal operation on a directory, read).`);
  });
});
