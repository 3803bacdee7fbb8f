/**
 * The store checks on hand-built entries: the role's extended key usage test, where a chain is
 * complete (the store's certificates, a chain ending at a CA), which chain certificate a problem
 * names, the expiry boundary, weak keys, the order of problems of one code, and bytes that are no
 * certificate.
 */
import { hasCommand } from './tools.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificateFacts } from '../../src/x509/certificate-summary.js';
import { checkStore } from '../../src/x509/identity/index.js';
import type { IdentityStore, StoreRole } from '../../src/x509/identity/index.js';
import type { IdentityEntry } from '../../src/x509/identity/types.js';
import { x509 } from './helpers.js';
import { makeCert } from './trust-pki.js';
import type { TestCert } from './trust-pki.js';

const AT = Date.parse('2030-01-01T00:00:00Z');
const DAY = 86_400_000;
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

let root: TestCert;
let issuing: TestCert;
let leaf: TestCert;
let serverOnly: TestCert;
let clientOnly: TestCert;
let codeSigning: TestCert;
let expiredCa: TestCert;
let underExpiredCa: TestCert;
let encipherOnly: TestCert;
let signAndEncipher: TestCert;

beforeAll(async () => {
  root = await makeCert({ subject: 'CN=Unit Root, O=Example Corp', ca: true });
  issuing = await makeCert({ subject: 'CN=Unit Issuing, O=Example Corp', ca: true, issuer: root });
  leaf = await makeCert({ subject: 'CN=leaf, O=Example Corp', issuer: issuing });
  serverOnly = await makeCert({ subject: 'CN=server-only', issuer: issuing, eku: ['1.3.6.1.5.5.7.3.1'] });
  clientOnly = await makeCert({ subject: 'CN=client-only', issuer: issuing, eku: ['1.3.6.1.5.5.7.3.2'] });
  codeSigning = await makeCert({ subject: 'CN=code-signing', issuer: issuing, eku: [CODE_SIGNING] });
  expiredCa = await makeCert({ subject: 'CN=Old Issuing, O=Example Corp', ca: true, issuer: root, notAfter: new Date('2029-06-01T00:00:00Z') });
  underExpiredCa = await makeCert({ subject: 'CN=under-old', issuer: expiredCa });
  encipherOnly = await makeCert({ subject: 'CN=encipher-only', issuer: issuing, keyUsage: x509.KeyUsageFlags.keyEncipherment });
  signAndEncipher = await makeCert({ subject: 'CN=sign-and-encipher', issuer: issuing, keyUsage: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment });
});

function entry(alias: string, chain: readonly Uint8Array[], extra: Partial<IdentityEntry> = {}): IdentityEntry {
  return { alias, kind: 'private-key', chain, certificates: chain.map((d) => certificateFacts(d)), keyAlgorithm: 'EC', keySize: 256, keyOpens: true, keyMatches: true, order: 0, ...extra };
}

function trusted(alias: string, cert: TestCert): IdentityEntry {
  return entry(alias, [cert.der], { kind: 'trusted-certificate', keyOpens: null, keyMatches: null });
}

function check(entries: readonly IdentityEntry[], role: StoreRole | null = null, expiryDays = 30): Record<string, string[]> {
  const store: IdentityStore = { path: 'unit.p12', format: 'pkcs12', integrity: 'verified', entries, notes: [] };
  const result = checkStore(store, { atMs: AT, atName: 'now', expiryDays, role });
  return Object.fromEntries(result.entries.map((e) => [e.alias, e.problems.map((p) => p.code)]));
}

describe('the role decides the extended key usage a leaf needs', () => {
  const entries = (): IdentityEntry[] => [entry('server', [serverOnly.der, issuing.der]), entry('client', [clientOnly.der, issuing.der]), entry('code', [codeSigning.der, issuing.der])];

  it('without a role an entry is faulted only when it may serve neither side', () => {
    expect(check(entries())).toEqual({ server: [], client: [], code: ['no-client-auth', 'no-server-auth'] });
  });

  it('--role client / server / trust', () => {
    expect(check(entries(), 'client')).toEqual({ server: ['no-client-auth'], client: [], code: ['no-client-auth'] });
    expect(check(entries(), 'server')).toEqual({ server: [], client: ['no-server-auth'], code: ['no-server-auth'] });
    expect(check(entries(), 'trust')).toEqual({ server: [], client: [], code: [] });
  });

  it('a store without private keys is a trust store', () => {
    const store: IdentityStore = { path: 't.jks', format: 'jks', integrity: 'verified', entries: [trusted('root', root)], notes: [] };
    expect(checkStore(store, { atMs: AT, atName: 'now', expiryDays: 30, role: null }).role).toBe('trust');
  });
});

describe('a key usage without digitalSignature', () => {
  const entries = (): IdentityEntry[] => [
    entry('rsa', [encipherOnly.der, issuing.der], { keyAlgorithm: 'RSA', keySize: 2048 }),
    entry('ec', [encipherOnly.der, issuing.der]),
    entry('signs', [signAndEncipher.der, issuing.der], { keyAlgorithm: 'RSA', keySize: 2048 }),
    entry('no-usage', [leaf.der, issuing.der]),
  ];

  it('is a problem of a private key for any role but trust; signing keys with digitalSignature, or no key usage, are fine', () => {
    for (const role of [null, 'client', 'server'] as const) expect(check(entries(), role)).toEqual({ rsa: ['no-digital-signature'], ec: ['no-digital-signature'], signs: [], 'no-usage': [] });
    expect(check(entries(), 'trust')).toEqual({ rsa: [], ec: [], signs: [], 'no-usage': [] });
  });

  it('says what the role cannot do with it', () => {
    const detail = (role: StoreRole | null, alias: string): string => {
      const store: IdentityStore = { path: 'unit.p12', format: 'pkcs12', integrity: 'verified', entries: entries(), notes: [] };
      const e = checkStore(store, { atMs: AT, atName: 'now', expiryDays: 30, role }).entries.find((x) => x.alias === alias);
      return e?.problems.find((p) => p.code === 'no-digital-signature')?.detail ?? '';
    };
    expect(detail('client', 'rsa')).toBe(
      'The certificate \'CN=encipher-only\' has a key usage (keyEncipherment) without digitalSignature, so its key may not sign: as a client certificate it cannot sign the CertificateVerify every client certificate is sent with; Java servers refuse it ("KeyUsage does not allow digital signatures"), so do OpenSSL servers ("unsuitable certificate purpose"), and Java\'s PKIX key manager sends any valid entry before it. Reissue it with digitalSignature.',
    );
    expect(detail('server', 'rsa')).toContain("as a server certificate only TLS 1.2's RSA key exchange can use it, which TLS 1.3 removed");
    expect(detail('server', 'ec')).toContain('as a server certificate no handshake can use it');
    expect(detail(null, 'ec')).toMatch(/as a client certificate .*; as a server certificate no handshake can use it/);
  });
});

describe('chains', () => {
  it('a leaf alone is complete when the store holds its issuer, up to a root', () => {
    expect(check([entry('alone', [leaf.der]), trusted('issuing', issuing), trusted('root', root)])).toEqual({ alone: [], issuing: [], root: [] });
  });

  it('a leaf alone whose issuer is nowhere is incomplete; a chain ending at a CA is not', () => {
    expect(check([entry('alone', [leaf.der])])).toEqual({ alone: ['chain-incomplete'] });
    expect(check([entry('to-ca', [leaf.der, issuing.der])])).toEqual({ 'to-ca': [] });
    // Another entry's chain holds the issuer: the store does.
    expect(check([entry('alone', [leaf.der]), entry('to-ca', [leaf.der, issuing.der])])).toEqual({ alone: [], 'to-ca': [] });
  });

  it('a private key without a certificate is incomplete; a misordered chain is out of order, not incomplete', () => {
    expect(check([entry('bare', []), entry('mixed', [leaf.der, root.der, issuing.der])])).toEqual({ bare: ['chain-incomplete'], mixed: ['chain-out-of-order'] });
  });

  it('a problem of a CA certificate names it, on every entry whose chain holds it', () => {
    const store: IdentityStore = { path: 'u.p12', format: 'pkcs12', integrity: 'verified', entries: [entry('a', [underExpiredCa.der, expiredCa.der, root.der])], notes: [] };
    const [a] = checkStore(store, { atMs: AT, atName: 'now', expiryDays: 30, role: null }).entries;
    expect(a?.problems).toEqual([{ code: 'expired', detail: "The CA certificate 'CN=Old Issuing, O=Example Corp' (certificate 2 of the chain) expired on 2029-06-01, before now; import the CA's renewed certificate into the chain." }]);
  });
});

describe('keys, expiry and unreadable bytes', () => {
  it('a key that does not open, a key that is not the certificate\'s', () => {
    expect(check([entry('locked', [leaf.der, issuing.der], { keyOpens: false, keyMatches: null }), entry('other', [leaf.der, issuing.der], { keyMatches: false })])).toEqual({ locked: ['key-not-recoverable'], other: ['key-mismatch'] });
  });

  it('expiring-soon counts whole days, the last one included', async () => {
    const ending = await makeCert({ subject: 'CN=ending', issuer: issuing, notAfter: new Date(AT + 30 * DAY + 3_600_000) });
    expect(check([entry('e', [ending.der, issuing.der])], null, 30)).toEqual({ e: ['expiring-soon'] });
    expect(check([entry('e', [ending.der, issuing.der])], null, 29)).toEqual({ e: [] });
  });

  it('bytes that are no certificate give one problem and no other check on them', () => {
    const junk = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00);
    expect(check([entry('junk', [junk]), trusted('root', root)])).toEqual({ junk: ['certificate-unreadable'], root: [] });
  });
});

function problems(entries: readonly IdentityEntry[]): readonly { code: string; detail: string }[] {
  const store: IdentityStore = { path: 'unit.jks', format: 'jks', integrity: 'verified', entries, notes: [] };
  return checkStore(store, { atMs: AT, atName: 'now', expiryDays: 30, role: null }).entries[0]?.problems ?? [];
}

const OPENSSL = hasCommand('openssl', ['version']);

describe('sentences of single problems', () => {
  it('one day left is said in the singular', async () => {
    const oneDay = await makeCert({ subject: 'CN=one-day', issuer: issuing, notAfter: new Date(AT + DAY + 3_600_000) });
    expect(problems([entry('d', [oneDay.der, issuing.der])])).toEqual([
      { code: 'expiring-soon', detail: "The certificate 'CN=one-day' expires on 2030-01-02, 1 day from now; renew it and import the new certificate under the same alias before then." },
    ]);
  });

  it('two problems of one code keep the order found: the leaf before its CA', async () => {
    const expiredLeaf = await makeCert({ subject: 'CN=old-leaf', issuer: expiredCa, notAfter: new Date('2029-01-01T00:00:00Z') });
    expect(problems([entry('old', [expiredLeaf.der, expiredCa.der, root.der])]).map((p) => p.detail)).toEqual([
      "The certificate 'CN=old-leaf' expired on 2029-01-01, before now; renew it and import the new certificate under the same alias.",
      "The CA certificate 'CN=Old Issuing, O=Example Corp' (certificate 2 of the chain) expired on 2029-06-01, before now; import the CA's renewed certificate into the chain.",
    ]);
  });

  it('an Ed25519 key has no minimum size; an RSA key under 2048 bits is weak', async () => {
    const ed = await makeCert({ subject: 'CN=ed', issuer: issuing, alg: 'ed25519' });
    expect(problems([entry('ed', [ed.der, issuing.der], { keyAlgorithm: 'EdDSA' })])).toEqual([]);
    const keys = await globalThis.crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
    const small = await makeCert({ subject: 'CN=rsa-1024', issuer: issuing, alg: 'rsa', keys, keyUsage: x509.KeyUsageFlags.digitalSignature });
    expect(problems([entry('rsa', [small.der, issuing.der], { keyAlgorithm: 'RSA', keySize: 1024 })]).map((p) => p.detail)).toEqual([
      "The certificate 'CN=rsa-1024' has a 1024-bit RSA key, under the 2048 bits issuance rules ask for: OpenSSL at security level 2, the default of Debian, Ubuntu and RHEL, refuses it, though current JDKs accept it (they refuse RSA only under 1024 bits). Reissue it with a stronger key.",
    ]);
  });

  it.skipIf(!OPENSSL)('an EC key on a 192-bit curve is weak', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-weak-ec-'));
    const cert = join(dir, 'weak-ec.der');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime192v1', '-nodes', '-keyout', join(dir, 'weak-ec.key'), '-outform', 'DER', '-out', cert, '-subj', '/CN=weak-ec', '-days', '36500', '-addext', 'extendedKeyUsage=clientAuth'], { stdio: 'pipe' });
    expect(problems([entry('weak', [readFileSync(cert)], { keySize: 192 })])).toEqual([
      { code: 'weak-key', detail: "The certificate 'CN=weak-ec' has a 192-bit EC key, under the 256 bits issuance rules ask for: current JDKs and OpenSSL at security level 2 refuse it (jdk.certpath.disabledAlgorithms: EC keySize < 224). Reissue it with a stronger key." },
    ]);
  });
});
