/**
 * `--identity` through the command line, held to real OpenJDK 17 clients: for every committed
 * JSSE-client scenario with a client key store whose key manager ran, the report's prediction for
 * the key manager the scenario configured (SunX509 by default) is the certificate JSSE sent —
 * logged by the client, and, where the capture shows the Certificate (TLS 1.2, or TLS 1.3 with the
 * peer's key log), the one on the wire too; an empty Certificate is a null alias. TLS 1.3 between
 * two JSSE peers has no key log: the request then comes from the client's --java-log.
 * Then the usage errors (exit 2, one sentence), the server side and the rendered reports.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readIdentityStore } from '../../src/x509/identity/index.js';
import type { IdentityJson, Report } from '../../src/report/model.js';
import { loggedClientCertificate, normalizeDn, readScenario } from '../fixtures/java/ground-truth.js';
import type { CommittedScenario } from '../fixtures/java/ground-truth.js';
import { JAVA_SCENARIOS } from '../fixtures/java/java-scenarios.js';
import { JAVA_CAPTURES_DIR } from '../fixtures/java/make-java-captures.js';
import { runInProcess } from './run-in-process.js';
import { trustedEntries, writeJks } from '../x509/jks-writer.js';

const KEYSTORES = join(JAVA_CAPTURES_DIR, 'keystores');

function clientProperties(s: CommittedScenario): Readonly<Record<string, string>> {
  const config = s.truth.client.config as { systemProperties?: Record<string, string> } | null;
  return config?.systemProperties ?? {};
}

function keyManagerOf(s: CommittedScenario): 'SunX509' | 'PKIX' {
  const file = clientProperties(s)['java.security.properties'];
  if (file === undefined) return 'SunX509';
  const text = readFileSync(join(JAVA_CAPTURES_DIR, '..', '..', '..', file), 'utf8');
  return /^ssl\.KeyManagerFactory\.algorithm=PKIX$/m.test(text) ? 'PKIX' : 'SunX509';
}

function identityOf(out: string): IdentityJson | null | undefined {
  const report = JSON.parse(out) as Report;
  return report.captures[0]?.connections[0]?.identity;
}

const withKeyStore = JAVA_SCENARIOS.map((d) => readScenario(JAVA_CAPTURES_DIR, d.name)).filter(
  (s) => s.truth.client.stack === 'jsse' && clientProperties(s)['javax.net.ssl.keyStore'] !== undefined && (s.clientLog?.includes('X509KeyManager class') ?? false),
);

describe('--identity predicts the certificate JSSE sent', () => {
  it('covers the JSSE-client scenarios with a key store, TLS 1.2 and 1.3, both key managers', () => {
    const names = withKeyStore.map((s) => s.truth.name);
    expect(names.length).toBeGreaterThanOrEqual(15);
    for (const name of ['jsse-tls12-client-ca-not-listed', 'jsse-tls13-client-ca-not-listed', 'jsse-node-tls13-client-ca-not-listed', 'jsse-tls12-keystore-carol-and-alice', 'jsse-tls12-keystore-carol-and-alice-pkix', 'jsse-node-tls12-keystore-alice-and-bob-rsa-only', 'jsse-tls13-mtls-ok-jks']) {
      expect(names).toContain(name);
    }
  });

  for (const s of withKeyStore) {
    it(s.truth.name, async () => {
      const props = clientProperties(s);
      const storePath = join(JAVA_CAPTURES_DIR, props['javax.net.ssl.keyStore'] ?? '');
      const password = props['javax.net.ssl.keyStorePassword'] ?? '';
      const dir = join(JAVA_CAPTURES_DIR, s.truth.name);
      const keylog = join(dir, 'keylog.txt');
      const tls13 = s.clientLog?.includes('"certificate_request_context"') ?? false;
      const extra = existsSync(keylog) ? ['--keylog', keylog] : tls13 ? ['--java-log', join(dir, 'client.log')] : [];
      const r = await runInProcess(['--format', 'json', '--identity', storePath, '--identity-password', password, ...extra, s.capturePath]);
      expect(r.code, r.err).toBe(0);
      const identity = identityOf(r.out);
      expect(identity, 'a CertificateRequest is known').toBeTruthy();
      if (identity === null || identity === undefined) return;
      expect(identity.request).toBe(existsSync(keylog) ? (tls13 ? 'keylog' : 'wire') : tls13 ? 'java-log' : 'wire');
      expect(identity.notes.some((n) => n.startsWith('The request is known from the Java log'))).toBe(identity.request === 'java-log');

      // What JSSE sent, as its own log says: the leaf's subject, matched to the store's entries.
      const store = readIdentityStore(readFileSync(storePath), storePath, { password });
      const leaf = loggedClientCertificate(s.clientLog, 'Produced')?.[0];
      const expected = leaf === undefined ? null : (store.entries.find((e) => normalizeDn(e.certificates[0]?.summary.subject ?? '') === normalizeDn(leaf))?.alias ?? `(no entry for ${leaf})`);
      expect(identity.keyManagers[keyManagerOf(s)]).toBe(expected);
      if (expected === null) expect(identity.verdict).toMatch(keyManagerOf(s) === 'SunX509' && identity.keyManagers.PKIX === null ? /empty Certificate/ : /.+/);

      // What the wire shows, when it shows the client's Certificate.
      if (!tls13 || existsSync(keylog)) {
        expect(identity.sent).not.toBeNull();
        expect(identity.sent?.empty).toBe(expected === null);
        expect(identity.sent?.alias ?? null).toBe(expected);
      }
    });
  }

  it('the JKS whose key has its own password: no ClientHello, so nothing to weigh, and --alias says the key does not open', async () => {
    const s = readScenario(JAVA_CAPTURES_DIR, 'jsse-tls12-keystore-jks-separate-key-password');
    const store = join(KEYSTORES, 'client-alice-keypass.jks');
    const r = await runInProcess(['--format', 'json', '--identity', store, '--identity-password', 'changeit', '--alias', 'alice', s.capturePath]);
    expect(r.code, r.err).toBe(0);
    expect(identityOf(r.out)).toBeNull();
    expect(r.err).toContain(`The key password does not open the key of alias 'alice' in 'client-alice-keypass.jks': Java fails with "Cannot recover key"`);
    const right = await runInProcess(['--format', 'json', '--identity', store, '--identity-password', 'changeit', '--identity-key-password', 'keypass1', '--alias', 'alice', s.capturePath]);
    expect(right.code, right.err).toBe(0);
    expect(right.err).not.toContain('Cannot recover key');
  });
});

describe('--alias on the client side: what the client sent, said against the configured alias', () => {
  async function notesWith(scenario: string, store: string, alias: string): Promise<readonly string[] | undefined> {
    const s = readScenario(JAVA_CAPTURES_DIR, scenario);
    const r = await runInProcess(['--format', 'json', '--identity', join(KEYSTORES, store), '--identity-password', 'changeit', '--alias', alias, s.capturePath]);
    expect(r.code, r.err).toBe(0);
    return identityOf(r.out)?.notes;
  }

  it('the alias it sent, another alias of the store, a certificate the store does not hold', async () => {
    // JSSE sent carol (expired) from client-carol-and-alice.p12: its SunX509 key manager does not check validity.
    expect(await notesWith('jsse-tls12-keystore-carol-and-alice', 'client-carol-and-alice.p12', 'carol')).toEqual(["The client sent its configured alias 'carol', which does not qualify for this request: expired at the capture time."]);
    expect(await notesWith('jsse-tls12-keystore-carol-and-alice', 'client-carol-and-alice.p12', 'alice')).toEqual([
      "The client sent 'carol', not its configured alias 'alice' (which qualifies for this request): its key manager does not use that alias; check which alias its configuration names.",
    ]);
    expect(await notesWith('jsse-tls12-keystore-carol-and-alice', 'client-alice.p12', 'alice')).toEqual([
      "The client sent 'CN=carol, OU=Finance, O=Example Corp, C=US', which no entry of client-alice.p12 holds, not its configured alias 'alice': it uses another key store.",
    ]);
  });

  it('an empty Certificate, whether the alias qualifies or not', async () => {
    // JSSE sent an empty Certificate: mallory's issuer is not among the CAs the server listed.
    expect(await notesWith('jsse-tls12-client-ca-not-listed', 'client-mallory.p12', 'mallory')).toEqual([
      "The client sent an empty Certificate, not its configured alias 'mallory', which does not qualify for this request: issued by a CA the server does not list.",
    ]);
    expect(await notesWith('jsse-tls12-client-ca-not-listed', 'client-alice.p12', 'alice')).toEqual([
      "The client sent an empty Certificate, not its configured alias 'alice', which qualifies for this request: the client does not use this alias of client-alice.p12.",
    ]);
  });
});

describe('--identity usage errors: exit 2, one sentence', () => {
  const capture = join(JAVA_CAPTURES_DIR, 'jsse-tls12-client-ca-not-listed', 'capture.pcap');
  const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-identity-'));
  const corrupt = join(dir, 'corrupt.p12');
  const bytes = readFileSync(join(KEYSTORES, 'client-alice.p12'));
  writeFileSync(corrupt, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const notAStore = join(dir, 'notes.txt');
  writeFileSync(notAStore, 'not a key store\n');

  const cases: [string, string[], RegExp][] = [
    ['a wrong store password', ['--identity', join(KEYSTORES, 'client-alice.p12'), '--identity-password', 'wrong'], /client-alice\.p12.*password/],
    ['no password for a protected store', ['--identity', join(KEYSTORES, 'client-alice.p12')], /is protected by a password; give it with --identity-password\./],
    ['a JKS with a wrong password', ['--identity', join(KEYSTORES, 'client-alice.jks'), '--identity-password', 'wrong'], /failed its integrity check with the given password/],
    ['a corrupt store', ['--identity', corrupt, '--identity-password', 'changeit'], /corrupt\.p12/],
    ['a file that is no key store', ['--identity', notAStore, '--identity-password', 'changeit'], /is not a key store tlsautopsy can read/],
    ['a missing store', ['--identity', join(dir, 'missing.p12'), '--identity-password', 'changeit'], /There is no key store '.*missing\.p12'; check the path\./],
    ['an alias the store lacks', ['--identity', join(KEYSTORES, 'client-carol-and-alice.p12'), '--identity-password', 'changeit', '--alias', 'bob'], /There is no alias 'bob' in 'client-carol-and-alice\.p12' \(its key entries are 'carol', 'alice'\); give one of them with --alias\./],
    ['an alias that is no key entry', ['--identity', join(KEYSTORES, 'trust-corp.p12'), '--identity-password', 'changeit', '--alias', 'corp-root'], /The alias 'corp-root' in 'trust-corp\.p12' is a trusted certificate, not a key entry/],
    ['--alias without --identity', ['--alias', 'alice'], /--alias applies to an identity key store; give the store with --identity FILE\./],
    ['--identity-for with a wrong value', ['--identity', join(KEYSTORES, 'client-alice.p12'), '--identity-for', 'both'], /--identity-for takes client or server, not 'both'\./],
    ['an entry limit the store exceeds', ['--identity', join(KEYSTORES, 'client-carol-and-alice.p12'), '--identity-password', 'changeit', '--limit', 'maxTrustStoreEntries=1'], /raise the limit with --limit maxTrustStoreEntries=N/],
  ];
  for (const [what, argv, message] of cases) {
    it(what, async () => {
      const r = await runInProcess([...argv, capture]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      const lines = r.err.trim().split('\n');
      expect(lines, r.err).toHaveLength(1);
      expect(lines[0]).toMatch(/^tlsautopsy: /);
      expect(lines[0]).toMatch(message);
    });
  }

  it('--limit maxKeyChecks=0 leaves the keys unchecked, with a note, and still runs', async () => {
    const r = await runInProcess(['--format', 'json', '--identity', join(KEYSTORES, 'client-alice.jks'), '--identity-password', 'changeit', '--limit', 'maxKeyChecks=0', capture]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/was not checked .*more keys than the 0 it checks per store/);
  });

  it('the store password may come from TLSAUTOPSY_IDENTITY_PASSWORD', async () => {
    const r = await runInProcess(['--format', 'json', '--identity', join(KEYSTORES, 'client-mallory.p12'), capture], { env: { TLSAUTOPSY_IDENTITY_PASSWORD: 'changeit' } });
    expect(r.code, r.err).toBe(0);
    expect(identityOf(r.out)?.keyManagers).toEqual({ SunX509: null, PKIX: null });
  });
});

describe('--identity-for server', () => {
  const capture = join(JAVA_CAPTURES_DIR, 'jsse-tls12-mtls-ok', 'capture.pcap');

  it('names the entry that holds the certificate the server sent, and its configured alias', async () => {
    const r = await runInProcess(['--format', 'json', '--identity', join(KEYSTORES, 'server-hr.p12'), '--identity-password', 'changeit', '--identity-for', 'server', '--alias', 'hr', '--fail-on', 'identity-server-cert-mismatch', capture]);
    expect(r.code, r.err).toBe(0);
    const identity = identityOf(r.out);
    expect(identity?.side).toBe('server');
    expect(identity?.sent?.alias).toBe('hr');
    expect(identity?.verdict).toMatch(/^The server sent the certificate of its configured alias 'hr' \(SHA-256 [0-9a-f]{16}…\)\.$/);
  });

  it('without --alias, names the entry that holds the certificate sent; in TLS 1.3 without keys, says it is encrypted', async () => {
    const store = ['--identity', join(KEYSTORES, 'server-hr.p12'), '--identity-password', 'changeit', '--identity-for', 'server'];
    const r = await runInProcess(['--format', 'json', ...store, capture]);
    expect(identityOf(r.out)?.verdict).toMatch(/^The server sent the certificate of alias 'hr' in server-hr\.p12 \(SHA-256 [0-9a-f]{16}…\)\.$/);
    const tls13 = await runInProcess(['--format', 'json', ...store, join(JAVA_CAPTURES_DIR, 'jsse-tls13-client-ca-not-listed', 'capture.pcap')]);
    const identity = identityOf(tls13.out);
    expect(identity?.sent).toBeNull();
    expect(identity?.verdict).toBe("The server's certificate is encrypted (TLS 1.3); give the key log with --keylog to compare it with server-hr.p12.");
  });

  it('a server presenting another certificate than its configured alias is a finding --fail-on knows', async () => {
    const r = await runInProcess(['--format', 'json', '--identity', join(KEYSTORES, 'client-alice.p12'), '--identity-password', 'changeit', '--identity-for', 'server', '--alias', 'alice', '--fail-on', 'identity-server-cert-mismatch', capture]);
    expect(r.code, r.err).toBe(1);
    const report = JSON.parse(r.out) as Report;
    const c = report.captures[0]?.connections[0];
    const finding = c?.findings.find((f) => f.code === 'identity-server-cert-mismatch');
    expect(finding?.severity).toBe('warning');
    expect(finding?.detail).toMatch(/^The server sent 'CN=hr\.example\.com, O=Example Corp, C=US' \(SHA-256 [0-9a-f]{64}\) at frame \d+, not the certificate of its configured alias 'alice' in client-alice\.p12 \('CN=alice, OU=Finance, O=Example Corp, C=US', SHA-256 [0-9a-f]{64}\); no entry of client-alice\.p12 holds it\.$/);
    expect(c?.identity?.sent?.alias).toBeNull();
  });
});

describe('the reports show the key store verdict beside the client-certificate finding', () => {
  const capture = join(JAVA_CAPTURES_DIR, 'jsse-tls12-client-ca-not-listed', 'capture.pcap');
  const argv = ['--identity', join(KEYSTORES, 'client-mallory.p12'), '--identity-password', 'changeit', capture];
  const verdict = "No entry of client-mallory.p12 qualifies, so the Java client sends an empty Certificate: 'mallory' is issued by 'CN=Rogue Device CA, O=Unknown Org', which the server does not list. To fix it, import a certificate issued by 'CN=Corp Root CA, O=Example Corp, C=US' under a new alias, or ask the server to also trust 'CN=Rogue Device CA, O=Unknown Org'.";
  const entry = "'mallory' CN=mallory, O=Unknown Org (issued by CN=Rogue Device CA, O=Unknown Org): issued by a CA the server does not list";

  it('text: the verdict and one line per entry, right after the finding', async () => {
    const r = await runInProcess(['--no-color', ...argv], { columns: 400, stdoutIsTty: true });
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n');
    const at = lines.findIndex((l) => l.startsWith('  Key store      client-mallory.p12 (client key store)'));
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at - 3, at).some((l) => l.startsWith('  Fix '))).toBe(true);
    expect(lines.slice(at - 6, at).some((l) => l.includes('ERROR  Client certificate missing'))).toBe(true);
    expect(lines[at + 1]?.trim()).toBe(verdict);
    expect(lines[at + 2]?.trim()).toBe('The client did send an empty Certificate.');
    expect(lines[at + 3]?.trim()).toBe(`• ${entry}`);
  });

  it('Markdown and HTML: the same sentences', async () => {
    const md = await runInProcess(['--format', 'markdown', ...argv]);
    expect(md.out).toContain('**Key store client-mallory.p12 \\(client key store\\):** No entry of client-mallory.p12 qualifies');
    expect(md.out).toContain(`- 'mallory' CN=mallory, O=Unknown Org \\(issued by CN=Rogue Device CA, O=Unknown Org\\): issued by a CA the server does not list`);
    expect(md.out.indexOf('**Key store')).toBeGreaterThan(md.out.indexOf('Client certificate missing'));
    const html = await runInProcess(['--format', 'html', ...argv]);
    expect(html.out).toContain('<div class="keystore"><p><b>Key store client-mallory.p12 (client key store):</b> No entry of client-mallory.p12 qualifies');
    expect(html.out).toContain('<li>&#39;mallory&#39; CN=mallory, O=Unknown Org (issued by CN=Rogue Device CA, O=Unknown Org): issued by a CA the server does not list</li>');
  });

  it('without --identity there is no identity field and no key store block', async () => {
    const r = await runInProcess(['--format', 'json', capture]);
    expect(r.out).not.toContain('"identity"');
    const text = await runInProcess(['--no-color', capture]);
    expect(text.out).not.toContain('Key store      ');
  });
});

describe('the README section "Why did my Java client send no certificate?"', () => {
  it('shows the output its command really prints', async () => {
    const readme = readFileSync(join(JAVA_CAPTURES_DIR, '..', '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Why did my Java client send no certificate?'));
    const command = /```sh example\n(npx tlsautopsy --identity test\/fixtures[^\n]*)\n```/.exec(section)?.[1];
    const shown = /```text\n([\s\S]*?)```/.exec(section)?.[1];
    expect(command).toBeDefined();
    expect(shown).toBeDefined();
    const argv = (command ?? '').replace(/^npx tlsautopsy /, '').split(' ').map((a) => (a.startsWith('test/') ? join(JAVA_CAPTURES_DIR, '..', '..', '..', a) : a));
    const r = await runInProcess(argv);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(shown);
  });
});

describe('the library', () => {
  it('loadIdentitySetup, then analyzeFile with `identity`, gives what --identity gives', async () => {
    const { analyzeFile, loadIdentitySetup } = await import('../../src/index.js');
    const { setup } = await loadIdentitySetup({ paths: [join(KEYSTORES, 'client-carol-and-alice.p12')], side: 'client', alias: null, password: 'changeit', keyPassword: null });
    const capture = join(JAVA_CAPTURES_DIR, 'jsse-tls12-keystore-carol-and-alice', 'capture.pcap');
    const report = await analyzeFile(capture, { identity: setup });
    const identity = report.captures[0]?.connections[0]?.identity;
    expect(identity?.keyManagers).toEqual({ SunX509: 'carol', PKIX: 'alice' });
    expect(identity?.entries.map((e) => [e.alias, e.eligible, e.reasons])).toEqual([
      ['carol', false, ['expired']],
      ['alice', true, []],
    ]);
    const listed = await analyzeFile(capture, { identity: setup, maxReportConnections: 5 });
    expect(listed.captures[0]?.connections[0]?.identity).toEqual(identity);
  });
});

describe('a store of 10,000 entries', () => {
  it('is weighed in a bounded run: every entry in JSON, twelve lines and a count in text', async () => {
    const der = readIdentityStore(readFileSync(join(KEYSTORES, 'client-alice.jks')), 'client-alice.jks', { password: 'changeit' }).entries[0]?.chain[0];
    if (der === undefined) throw new Error('no certificate in client-alice.jks');
    const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-identity-big-'));
    const big = join(dir, 'big.jks');
    writeFileSync(big, writeJks(trustedEntries(Array.from({ length: 10_000 }, (_, i) => `ca-${i}`), der), 'pw'));
    const capture = join(JAVA_CAPTURES_DIR, 'jsse-tls12-client-ca-not-listed', 'capture.pcap');
    const json = await runInProcess(['--format', 'json', '--identity', big, '--identity-password', 'pw', capture]);
    expect(json.code, json.err).toBe(0);
    const identity = identityOf(json.out);
    expect(identity?.entries).toHaveLength(10_000);
    expect(identity?.verdict).toBe("big.jks holds no key entry, so the Java client sends an empty Certificate; import a key entry whose certificate was issued by 'CN=Corp Root CA, O=Example Corp, C=US' (keytool -importkeystore from a PKCS#12).");
    const text = await runInProcess(['--no-color', '--identity', big, '--identity-password', 'pw', capture]);
    expect(text.out.split('\n').filter((l) => l.includes(': not a key entry'))).toHaveLength(12);
    expect(text.out).toContain('• … and 9,988 more entries');
  }, 60_000);
});

describe('a TLS 1.3 request nobody could read', () => {
  it('leaves identity null and says how to weigh the store', async () => {
    const argv = ['--identity', join(KEYSTORES, 'client-mallory.p12'), '--identity-password', 'changeit', join(JAVA_CAPTURES_DIR, 'jsse-tls13-client-ca-not-listed', 'capture.pcap')];
    const json = await runInProcess(['--format', 'json', ...argv]);
    expect(identityOf(json.out)).toBeNull();
    const text = await runInProcess(['--no-color', ...argv], { columns: 400, stdoutIsTty: true });
    expect(text.out).toContain("  Key store      identity key store\n                 Not weighed: the server's CertificateRequest is encrypted (TLS 1.3); give the key log with --keylog, or the client's Java SSL debug log with --java-log, to weigh the store against it.");
  });
});
