/**
 * `check-keystore`: on stores written by openssl, keytool and Java (test/fixtures/keystores-check,
 * made by make-keystores-check.ts), each planted problem is found on exactly its entry and nothing
 * on the clean stores; exit codes 0/1/2; one sentence for every store that cannot be read; a store
 * of 10,000 entries runs bounded. Random damage: check-keystore.property.test.ts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STORE_PROBLEM_CODES } from '../../src/x509/identity/index.js';
import { readIdentityStore } from '../../src/x509/identity/index.js';
import { JKS_MAGIC } from '../../src/x509/trust/index.js';
import { CHECK_AT, CHECK_KEY_PASSWORD, CHECK_PASSWORD, KEYSTORES_CHECK_DIR } from '../fixtures/keystores-check/make-keystores-check.js';
import { runInProcess } from './run-in-process.js';
import type { CliRun } from './run-in-process.js';
import { trustedEntries, writeJks } from '../x509/jks-writer.js';

const store = (name: string): string => join(KEYSTORES_CHECK_DIR, name);
const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-check-keystore-'));

interface Doc {
  file: string;
  format: string;
  role: string;
  at: string;
  entries: { alias: string; kind: string; subject: string | null; issuer: string | null; notAfter: string | null; keyAlgorithm: string | null; keySize: number | null; problems: { code: string; detail: string }[] }[];
  problems: number;
}

function run(argv: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runInProcess(['check-keystore', ...argv], { env });
}

async function json(argv: string[]): Promise<{ code: number; doc: Doc }> {
  const r = await run(['--format', 'json', '--password', CHECK_PASSWORD, ...argv]);
  expect(r.code, r.err).not.toBe(2);
  return { code: r.code, doc: JSON.parse(r.out) as Doc };
}

/** alias → problem codes. */
function codes(doc: Doc): Record<string, string[]> {
  return Object.fromEntries(doc.entries.map((e) => [e.alias, e.problems.map((p) => p.code)]));
}

describe('check-keystore on clean stores', () => {
  it.each([['clean.p12'], ['clean.jks'], ['trust.jks']])('%s: nothing found now, exit 0', async (name) => {
    const r = await run(['--password', CHECK_PASSWORD, store(name)]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('No problem found.');
    expect(r.out).toMatch(/at now \(\d{4}-/);
    const { code, doc } = await json(['--at', CHECK_AT, store(name)]);
    expect(code).toBe(0);
    expect(doc.problems).toBe(0);
    expect(doc.entries.length).toBeGreaterThan(0);
  });

  it('a store of trusted certificates only is checked as a trust store', async () => {
    const { doc } = await json([store('trust.jks')]);
    expect(doc.role).toBe('trust');
    expect(doc.entries.map((e) => [e.alias, e.kind])).toEqual([
      ['check-issuing', 'trusted-certificate'],
      ['check-root', 'trusted-certificate'],
    ]);
  });

  it('the JSON document is stable: file, format, entries with their facts, the problem count', async () => {
    const { doc } = await json([store('clean.p12')]);
    expect(doc).toMatchObject({ file: store('clean.p12'), format: 'pkcs12', role: 'identity', problems: 0 });
    expect(doc.entries).toEqual([
      { alias: 'good', kind: 'private-key', subject: 'CN=good, O=Example Corp, C=US', issuer: 'CN=Check Issuing CA, O=Example Corp, C=US', notAfter: '2075-01-01T00:00:00.000Z', keyAlgorithm: 'EC', keySize: 256, problems: [] },
    ]);
  });
});

describe('check-keystore finds each planted problem on exactly its entry', () => {
  it('problems.p12 (openssl entries gathered by keytool, a Java entry), as a client store', async () => {
    const { code, doc } = await json(['--role', 'client', '--at', CHECK_AT, store('problems.p12')]);
    expect(code).toBe(1);
    expect(codes(doc)).toEqual({
      good: [],
      expired: ['expired'],
      expiring: ['expiring-soon'],
      'not-yet-valid': ['not-yet-valid'],
      'weak-rsa': ['weak-key'],
      sha1: ['sha1-signature'],
      'server-only': ['no-client-auth'],
      incomplete: ['chain-incomplete'],
      dsa: ['weak-key'],
      mismatch: ['key-mismatch'],
      'check-root': [],
    });
    expect(doc.problems).toBe(9);
    // PKCS#12 aliases in file order, as Java lists them.
    expect(doc.entries.map((e) => e.alias)).toEqual(['good', 'expired', 'expiring', 'not-yet-valid', 'weak-rsa', 'sha1', 'server-only', 'incomplete', 'dsa', 'mismatch', 'check-root']);
  });

  it('problems.jks (a chain out of order, a mismatched key, a key with its own password)', async () => {
    const { code, doc } = await json(['--at', CHECK_AT, store('problems.jks')]);
    expect(code).toBe(1);
    expect(codes(doc)).toEqual({ keypass: ['key-not-recoverable'], 'out-of-order': ['chain-out-of-order'], mismatch: ['key-mismatch'], good: [] });
  });

  it('with the key password given, that key opens and the others do not (one key password serves every key, as in Java)', async () => {
    const { doc } = await json(['--at', CHECK_AT, '--key-password', CHECK_KEY_PASSWORD, store('problems.jks')]);
    expect(codes(doc)).toEqual({ keypass: [], 'out-of-order': ['key-not-recoverable', 'chain-out-of-order'], mismatch: ['key-not-recoverable'], good: ['key-not-recoverable'] });
  });

  it('the role decides the extended key usage check; without one a server-only certificate is fine', async () => {
    const server = codes((await json(['--role', 'server', '--at', CHECK_AT, store('problems.p12')])).doc);
    const inferred = codes((await json(['--at', CHECK_AT, store('problems.p12')])).doc);
    expect(server['server-only']).toEqual([]);
    expect(inferred['server-only']).toEqual([]);
    expect(Object.values(server).flat()).not.toContain('no-server-auth');
  });

  it('--expiry-days moves the warning; the text names the time given and every code', async () => {
    const near = codes((await json(['--role', 'client', '--at', CHECK_AT, '--expiry-days', '9', store('problems.p12')])).doc);
    expect(near['expiring']).toEqual([]);
    const r = await run(['--password', CHECK_PASSWORD, '--role', 'client', '--at', CHECK_AT, store('problems.p12')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('checked as a client identity store at 2030-06-01T00:00:00.000Z, expiry warning at 30 days');
    expect(r.out).toContain("expiring-soon: The certificate 'CN=expiring, O=Example Corp, C=US' expires on 2030-06-11, 10 days from the time given with --at");
    expect(r.out).toContain('9 problems in 9 of 11 entries.');
    for (const code of ['expired', 'expiring-soon', 'not-yet-valid', 'weak-key', 'sha1-signature', 'no-client-auth', 'chain-incomplete', 'key-mismatch']) expect(r.out).toContain(`  ${code}: `);
  });

  it("the README's example output is what the command prints on problems.jks", async () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Key stores: what to renew before it breaks'));
    const example = /```text\n([\s\S]*?)```/.exec(section)?.[1];
    const r = await run(['--password', CHECK_PASSWORD, store('problems.jks')]);
    const now = (text: string): string => text.replace(/at now \([^)]*\)/, 'at now (TIME)');
    expect(now(r.out.replace(store('problems.jks'), 'identity.jks'))).toBe(now(example ?? ''));
  });

  it('every code the checks use is documented in docs/diagnoses.md', () => {
    const docs = readFileSync(join(import.meta.dirname, '../../docs/diagnoses.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## check-keystore'));
    for (const code of STORE_PROBLEM_CODES) expect(section).toContain(`| \`${code}\` |`);
  });
});

describe('check-keystore refusals: exit 2 and one sentence', () => {
  const sentence = /^tlsautopsy: [^\n]+[.)]\n$/;

  it('a wrong password, a missing file, a file that is no store', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'not a key store\n');
    for (const [argv, text] of [
      [['--password', 'wrong', store('clean.p12')], 'did not open with the given password'],
      [['--password', 'wrong', store('problems.jks')], 'failed its integrity check with the given password'],
      [[join(dir, 'missing.p12')], 'There is no key store'],
      [[join(dir, 'notes.txt')], 'is not a key store tlsautopsy can read'],
      [[store('clean.p12')], 'is protected by a password'],
    ] as const) {
      const r = await run([...argv]);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(sentence);
      expect(r.err).toContain(text);
      expect(r.out).toBe('');
    }
  });

  /** A JKS whose one private-key entry (tag 1) ends after its alias, which holds a newline and an escape sequence. */
  function writeCutJks(): string {
    const alias = Buffer.from('evil\n\u001b[31m', 'utf8');
    const head = Buffer.alloc(12);
    head.writeUInt32BE(JKS_MAGIC, 0);
    head.writeUInt32BE(2, 4);
    head.writeUInt32BE(1, 8);
    writeFileSync(join(dir, 'cut.jks'), Buffer.concat([head, Buffer.from([0, 0, 0, 1, 0, alias.length]), alias, Buffer.alloc(8)]));
    return join(dir, 'cut.jks');
  }

  it('an alias with control characters in a refusal is escaped, the sentence kept on one line', async () => {
    const r = await run([writeCutJks()]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`tlsautopsy: The Java JKS key store '${join(dir, 'cut.jks')}' is damaged (the key entry 'evil\\x0a\\x1b[31m' is cut short); export it again.\n`);
  });

  it('the same refusal from --trust, on the main command and on check-cert, is escaped the same way', async () => {
    const cut = writeCutJks();
    const sample = join(import.meta.dirname, '../../samples/tls-version-mismatch.pcap');
    for (const argv of [['--trust', cut, '--trust-password', 'changeit', sample], ['check-cert', '--trust', cut, '--trust-password', 'changeit', sample]]) {
      const r = await runInProcess(argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain("'evil\\x0a\\x1b[31m'");
      expect(r.err).not.toContain('\u001b');
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    }
  });

  it('usage errors name the option', async () => {
    expect((await run(['--role', 'both', store('clean.p12')])).err).toContain("--role takes client, server or trust, not 'both'.");
    expect((await run(['--at', 'yesterday', store('clean.p12')])).err).toContain("--at takes an ISO-8601 time");
    expect((await run([])).err).toContain('Name the key store or trust store to check.');
    expect((await run(['--limit', 'maxConnections=5', store('clean.p12')])).err).toContain('--limit maxConnections does not bound reading a key store');
    expect((await run(['--expiry-days', '-1', store('clean.p12')])).code).toBe(2);
    expect((await run(['--help'])).out).toContain('Usage: tlsautopsy check-keystore');
  });

  it('the password may come from TLSAUTOPSY_KEYSTORE_PASSWORD', async () => {
    const r = await run([store('clean.p12')], { TLSAUTOPSY_KEYSTORE_PASSWORD: CHECK_PASSWORD });
    expect(r.code, r.err).toBe(0);
  });
});

describe('check-keystore on hostile stores', () => {
  const root = readIdentityStore(readFileSync(store('trust.jks')), 'trust.jks', { password: CHECK_PASSWORD }).entries.find((e) => e.alias === 'check-root')?.chain[0] as Uint8Array;

  it('10,000 entries run bounded; one more than the limit is refused naming the limit', async () => {
    const big = join(dir, 'big.jks');
    writeFileSync(big, writeJks(trustedEntries(Array.from({ length: 10_000 }, (_, i) => `ca-${i}`), root), 'pw'));
    const { code, doc } = await json(['--password', 'pw', big]);
    expect(code).toBe(0);
    expect(doc.entries).toHaveLength(10_000);
    const over = join(dir, 'over.jks');
    writeFileSync(over, writeJks(trustedEntries(['ca-0'], root), 'pw', { claimed: 10_001 }));
    const r = await run(['--password', 'pw', over]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--limit maxTrustStoreEntries=N');
    const raised = await run(['--password', 'pw', '--limit', 'maxTrustStoreEntries=20000', over]);
    expect(raised.err).toContain('damaged');
  }, 60_000);
});
