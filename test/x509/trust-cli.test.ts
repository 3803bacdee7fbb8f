/**
 * The command line with trust stores: `--trust` on a capture (JSON `trust` per connection,
 * anchors counted per store, one sentence for a bad store) and `check-cert` with its exit codes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/model.js';
import { getPki } from '../fixtures/certs.js';
import type { FixturePki } from '../fixtures/certs.js';
import { buildScenario } from '../fixtures/scenarios.js';
import { runInProcess } from '../cli/run-in-process.js';
import type { CliRun } from '../cli/run-in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-trust-cli-'));
let pki: FixturePki;
let capture: string;

function run(argv: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runInProcess(argv, { env });
}

beforeAll(async () => {
  pki = await getPki();
  writeFileSync(join(dir, 'root.pem'), pki.rootCa.certPem);
  writeFileSync(join(dir, 'rogue.pem'), pki.untrustedCa.certPem);
  writeFileSync(join(dir, 'mallory.pem'), pki.clientUntrusted.chainPem);
  writeFileSync(join(dir, 'alice.pem'), pki.client.chainPem);
  writeFileSync(join(dir, 'alice-leaf.pem'), pki.client.certPem);
  writeFileSync(join(dir, 'carol.pem'), pki.clientExpired.chainPem);
  writeFileSync(join(dir, 'hr.pem'), pki.serverEc.chainPem);
  const scenario = await buildScenario('tls12-client-cert-untrusted');
  capture = join(dir, 'untrusted.pcap');
  writeFileSync(capture, scenario.captureBytes);
});

describe('--trust on a capture', () => {
  it('adds the trust verdict to each connection and counts the anchors of each store', async () => {
    const r = await run(['--format', 'json', '--trust', join(dir, 'root.pem'), capture]);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`trust store ${join(dir, 'root.pem')} (PEM): 1 trust anchor`);
    const report = JSON.parse(r.out) as Report;
    const c = report.captures[0]?.connections[0];
    expect(c?.trust?.client).toMatchObject({ verdict: 'untrusted', reason: 'no-path-to-anchor', anchor: null, path: ['CN=mallory, O=Unknown Org'] });
    expect(c?.trust?.server.verdict).toBe('not-checked');
    expect(c?.findings[0]?.code).toBe('trust-client-untrusted');
  });

  it('without --trust the report has no trust object', async () => {
    const r = await run(['--format', 'json', capture]);
    const report = JSON.parse(r.out) as Report;
    expect(report.captures[0]?.connections[0]?.trust).toBeUndefined();
  });

  it('an unreadable store stops the run with one sentence and exit 2', async () => {
    const r = await run(['--trust', join(dir, 'missing.jks'), capture]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`tlsautopsy: There is no trust store '${join(dir, 'missing.jks')}'; check the path.\n`);
    const bad = await run(['--trust-for', 'both', capture]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--trust-for takes client or server, not 'both'.");
  });

  it('ndjson lines carry the trust verdict too', async () => {
    const r = await run(['--format', 'ndjson', '--trust', join(dir, 'root.pem'), capture]);
    const line = JSON.parse(r.out.trim().split('\n')[0] ?? '{}') as { trust?: { client: { reason: string } } };
    expect(line.trust?.client.reason).toBe('no-path-to-anchor');
  });
});

describe('check-cert', () => {
  it('exit 0 for a trusted chain, with the path', async () => {
    const r = await run(['check-cert', '--trust', join(dir, 'root.pem'), '--at', '2026-01-01T00:00:00Z', join(dir, 'alice.pem')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('alice.pem: trusted');
    expect(r.out).toContain('anchor: CN=Corp Root CA, O=Example Corp, C=US');
  });

  it('exit 1 for untrusted, missing intermediate, expired and wrong purpose', async () => {
    const untrusted = await run(['check-cert', '--trust', join(dir, 'root.pem'), join(dir, 'mallory.pem')]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.out).toContain('untrusted (no-path-to-anchor)');
    const leafOnly = await run(['check-cert', '--trust', join(dir, 'root.pem'), '--at', '2026-01-01T00:00:00Z', join(dir, 'alice-leaf.pem')]);
    expect(leafOnly.out).toContain('untrusted (missing-intermediate)');
    const expired = await run(['check-cert', '--format', 'json', '--trust', join(dir, 'root.pem'), '--at', '2026-01-01T00:00:00Z', join(dir, 'carol.pem')]);
    expect(expired.code).toBe(1);
    expect(JSON.parse(expired.out)).toMatchObject({ verdict: 'untrusted', reason: 'expired', purpose: 'client' });
    const asServer = await run(['check-cert', '--trust', join(dir, 'root.pem'), '--trust-for', 'server', '--name', 'hr.example.com', '--at', '2026-01-01T00:00:00Z', join(dir, 'alice.pem')]);
    expect(asServer.out).toContain('(wrong-eku)');
    const server = await run(['check-cert', '--trust', join(dir, 'root.pem'), '--trust-for', 'server', '--name', 'payroll.example.com', '--at', '2026-01-01T00:00:00Z', join(dir, 'hr.pem')]);
    expect(server.code).toBe(1);
    expect(server.out).toContain('(name-mismatch)');
  });

  it('exit 2 for usage errors and unreadable files', async () => {
    expect((await run(['check-cert', join(dir, 'alice.pem')])).err).toContain('Name a trust store with --trust.');
    expect((await run(['check-cert', '--trust', join(dir, 'root.pem')])).code).toBe(2);
    const missing = await run(['check-cert', '--trust', join(dir, 'root.pem'), join(dir, 'nope.pem')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`There is no certificate file '${join(dir, 'nope.pem')}'`);
    expect((await run(['check-cert', '--help'])).out).toContain('Usage: tlsautopsy check-cert');
  });
});
