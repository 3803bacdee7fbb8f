/**
 * --fail-on terms are checked against the rule registry: a typo is a usage error naming the
 * closest term, not a condition that silently never matches.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_CODES, RULES } from '../../src/analysis/rules/index.js';
import { failOnTermError } from '../../src/cli/fail-on-terms.js';
import { runInProcess } from './run-in-process.js';

const ROOT = join(import.meta.dirname, '../..');
const SAMPLES = join(ROOT, 'samples');
const RULES_DIR = join(ROOT, 'src', 'analysis', 'rules');

/** Codes written as literals in the rules' sources, found the way test/analysis/rules-docs.test.ts finds them. */
function literalCodes(): Set<string> {
  const sources = readdirSync(RULES_DIR).map((f) => readFileSync(join(RULES_DIR, f), 'utf8')).join('\n');
  const out = new Set<string>();
  for (const m of sources.matchAll(/(?:code|findingCode): '([a-z0-9-]+)'/g)) out.add(m[1] as string);
  for (const m of sources.matchAll(/code: \w+ \? '([a-z0-9-]+)' : '([a-z0-9-]+)'/g)) out.add(m[1] as string).add(m[2] as string);
  for (const m of sources.matchAll(/code: `trust-\$\{purpose\}-([a-z]+)`/g)) out.add(`trust-client-${m[1] as string}`).add(`trust-server-${m[1] as string}`);
  return out;
}

describe('the registry of finding codes', () => {
  it('holds every code the rules write, and nothing else', () => {
    expect([...literalCodes()].sort()).toEqual([...FINDING_CODES]);
  });

  it('names the codes of every rule', () => {
    for (const rule of RULES) expect(rule.codes.length, rule.id).toBeGreaterThan(0);
  });

  it('holds every code the samples produce', async () => {
    const r = await runInProcess(['--format', 'ndjson', '--jobs', '1', SAMPLES]);
    const seen = r.out.trim().split('\n').flatMap((line) => (JSON.parse(line) as { findings: { code: string }[] }).findings.map((f) => f.code));
    expect(seen.length).toBeGreaterThan(10);
    for (const code of seen) expect(FINDING_CODES).toContain(code);
  });
});

describe('--fail-on terms', () => {
  it('accepts every code, severity and status', () => {
    for (const term of [...FINDING_CODES, 'error', 'warning', 'info', 'failed', 'incomplete']) expect(failOnTermError(term), term).toBeNull();
  });

  it('refuses a misspelt code with exit 2, naming the closest one', async () => {
    const r = await runInProcess(['--fail-on', 'client-cert-mising', join(SAMPLES, 'tls12-mtls-ok-rsa-server.pcap')]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe("tlsautopsy: Unknown finding code 'client-cert-mising' in --fail-on; did you mean 'client-cert-missing'? Run 'tlsautopsy --help' for the options.\n");
  });

  it('checks each term of a list, and suggests severities too', async () => {
    const r = await runInProcess(['--fail-on', 'client-cert-missing,erorr', join(SAMPLES, 'tls12-mtls-ok-rsa-server.pcap')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("did you mean 'error'?");
  });

  it('lists what it takes when nothing is close', async () => {
    const r = await runInProcess(['--fail-on', 'everything-bad', join(SAMPLES, 'tls12-mtls-ok-rsa-server.pcap')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("Unknown finding code 'everything-bad' in --fail-on; --fail-on takes finding codes (listed in docs/diagnoses.md), error, warning, info, failed or incomplete.");
  });

  it('still matches severities from the worst: warning catches errors, error does not catch warnings', async () => {
    const missing = join(SAMPLES, 'tls12-mtls-client-cert-missing.pcap');
    expect((await runInProcess(['--fail-on', 'warning', '--quiet', missing])).code).toBe(1);
    const ok = join(SAMPLES, 'tls13-mtls-ok.pcapng');
    const okFindings = await runInProcess(['--format', 'ndjson', ok]);
    const severities = okFindings.out.trim().split('\n').flatMap((l) => (JSON.parse(l) as { findings: { severity: string }[] }).findings.map((f) => f.severity));
    expect(severities).not.toContain('error');
    expect((await runInProcess(['--fail-on', 'error', '--quiet', ok])).code).toBe(0);
  });
});
