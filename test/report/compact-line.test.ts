/**
 * The compact NDJSON line against the full one, on every sample (with its key logs, and with a
 * trust store) and every Java fixture capture (with its SSL debug logs): each compact line says
 * nothing the full line does not say — every field it has sits at the same path with the same
 * value, arrays keep their length — and it has every field a pipeline filters on. And its size:
 * an ordinary handshake's line stays small.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/run-in-process.js';

const ROOT = resolve(import.meta.dirname, '../..');
// Relative, as a user names them: the file name is part of every line's size.
const SAMPLES = 'samples';
const JAVA = join(ROOT, 'test/fixtures/java-captures');

type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

/** Where `part` says something `whole` does not: each path with what differs; empty when part is a selection of whole. */
function notIn(part: Json, whole: Json, at = '$'): string[] {
  if (Array.isArray(part)) {
    if (!Array.isArray(whole)) return [`${at}: an array where the full line has ${JSON.stringify(whole)}`];
    if (part.length !== whole.length) return [`${at}: ${part.length} items where the full line has ${whole.length}`];
    return part.flatMap((p, i) => notIn(p, whole[i] as Json, `${at}[${i}]`));
  }
  if (part !== null && typeof part === 'object') {
    if (whole === null || typeof whole !== 'object' || Array.isArray(whole)) return [`${at}: an object where the full line has ${JSON.stringify(whole)}`];
    const w = whole as { readonly [k: string]: Json };
    return Object.entries(part).flatMap(([k, v]) => (k in w ? notIn(v, w[k] as Json, `${at}.${k}`) : [`${at}.${k}: not in the full line`]));
  }
  return part === whole ? [] : [`${at}: ${JSON.stringify(part)} where the full line has ${JSON.stringify(whole)}`];
}

/** What every compact connection line holds (the optional ones only when the run gives them). */
const ALWAYS = ['schemaVersion', 'file', 'id', 'client', 'server', 'sni', 'status', 'stage', 'versions', 'cipherSuite', 'alpn', 'resumed', 'mtls', 'findings', 'alerts', 'certificates', 'tcpEnd', 'ja3', 'ja3s', 'ja4', 'startTime', 'durationMs', 'handshakeMs'];

const lines = (out: string): Record<string, Json>[] =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, Json>);

describe('compact NDJSON lines', () => {
  /** Label → [compact output, full output]. */
  const runs = new Map<string, [string, string]>();

  beforeAll(async () => {
    process.chdir(ROOT);
    const keylogs = readdirSync(SAMPLES)
      .filter((f) => f.endsWith('.keys'))
      .flatMap((f) => ['--keylog', join(SAMPLES, f)]);
    const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-compact-'));
    const { getPki } = await import('../fixtures/certs.js');
    const store = join(dir, 'root.pem');
    writeFileSync(store, (await getPki()).rootCa.certPem);
    const fixtures = readdirSync(JAVA).filter((d) => existsSync(join(JAVA, d, 'capture.pcap')));
    const javaLogs = fixtures.flatMap((d) => ['client.log', 'server.log'].filter((f) => existsSync(join(JAVA, d, f))).flatMap((f) => ['--java-log', join(JAVA, d, f)]));
    const plans: [string, string[]][] = [
      ['samples', [SAMPLES]],
      ['samples --keylog', [...keylogs, SAMPLES]],
      ['samples --trust', [...keylogs, '--trust', store, SAMPLES]],
      ['java fixtures --java-log', [...javaLogs, ...fixtures.map((d) => join(JAVA, d, 'capture.pcap'))]],
    ];
    for (const [label, args] of plans) {
      const compact = await runInProcess(['--format', 'ndjson', '--jobs', '1', ...args]);
      const full = await runInProcess(['--format', 'ndjson', '--jobs', '1', '--detail', 'full', ...args]);
      expect(compact.code, `${label}: ${compact.err}`).toBe(full.code);
      runs.set(label, [compact.out, full.out]);
    }
  }, 180_000);

  const run = (label: string): [Record<string, Json>[], Record<string, Json>[]] => {
    const r = runs.get(label);
    if (r === undefined) throw new Error(`no run ${label}`);
    return [lines(r[0]), lines(r[1])];
  };

  for (const label of ['samples', 'samples --keylog', 'samples --trust', 'java fixtures --java-log']) {
    it(`say only what the full line says, line for line (${label})`, () => {
      const [compact, full] = run(label);
      expect(compact.length).toBeGreaterThan(10);
      expect(compact.length).toBe(full.length);
      for (const [i, c] of compact.entries()) {
        const f = full[i] as Record<string, Json>;
        const where = `${String(f['file'])} #${String(f['id'])}`;
        expect(notIn(c, f), where).toEqual([]);
        expect(Object.keys(c).filter((k) => !ALWAYS.includes(k) && !['decryption', 'trust', 'javaLogs'].includes(k)), where).toEqual([]);
        for (const k of ALWAYS) expect(c, `${where}: ${k}`).toHaveProperty(k);
        // What a pipeline filters on, spelled out (notIn already holds them equal where present).
        expect(c['status']).toBe(f['status']);
        expect(c['stage']).toBe(f['stage']);
        const codes = (x: Record<string, Json>): Json => (x['findings'] as { code: string; severity: string }[]).map((g) => `${g.code}:${g.severity}`);
        expect(codes(c)).toEqual(codes(f));
        expect((c['alerts'] as Json[]).length).toBe((f['alerts'] as Json[]).length);
        expect(c['ja3']).toEqual(f['ja3'] === null ? null : { hash: (f['ja3'] as { hash: string }).hash });
        expect(c['ja3s']).toEqual(f['ja3s'] === null ? null : { hash: (f['ja3s'] as { hash: string }).hash });
        expect(c['ja4']).toBe(f['ja4']);
        // Decryption is told when something was decrypted or tried; trust and Java logs whenever the full line has them.
        const dec = f['decryption'] as { status: string };
        expect('decryption' in c, where).toBe(dec.status !== 'not-attempted');
        expect('trust' in c).toBe('trust' in f);
        expect('javaLogs' in c).toBe('javaLogs' in f);
      }
    });
  }

  it('the runs show the optional parts: decryption, trust verdicts, Java log matches, mTLS told by a log', () => {
    const all = [...runs.values()].map(([compact]) => compact).join('');
    expect(all).toContain('"decryption":{"status":"decrypted"}');
    expect(all).toContain('"trust":{"client":{"verdict":');
    expect(all).toContain('"javaLogs":[{"file":');
    expect(all).toContain('"source":"java-log"');
  });

  it('keep an ordinary handshake short: at most 1.5 KiB when only the server sent a chain, 2 KiB with both chains', () => {
    const [compact] = run('samples --keylog');
    const [, full] = run('samples --keylog');
    let total = 0;
    let fullTotal = 0;
    for (const [i, c] of compact.entries()) {
      const bytes = Buffer.byteLength(JSON.stringify(c)) + 1;
      total += bytes;
      fullTotal += Buffer.byteLength(JSON.stringify(full[i])) + 1;
      const chains = c['certificates'] as { client: Json[] };
      expect(bytes, `${String(c['file'])} #${String(c['id'])}`).toBeLessThanOrEqual(chains.client.length === 0 ? 1536 : 2048);
    }
    // About a fifth of the full line on average.
    expect(total * 4).toBeLessThan(fullTotal);
  });
});
