/**
 * docs/report.schema.json against real reports: the factory model, and every sample
 * capture analyzed end to end. Needs the dev dependency `ajv` (draft 2020-12 through
 * `ajv/dist/2020`); skips with a reason when it is not installed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJson, renderNdjson } from '../../src/report/json.js';
import { buildReport } from '../../src/report/model.js';
import { factoryReport } from './report-factory.js';

const ROOT = resolve(import.meta.dirname, '../..');
const schema = JSON.parse(readFileSync(join(ROOT, 'docs/report.schema.json'), 'utf8')) as Record<string, unknown>;

type Validate = ((data: unknown) => boolean) & { errors?: unknown };
interface AjvLike {
  compile(schema: unknown): Validate;
}

async function loadAjv(): Promise<AjvLike | null> {
  try {
    const name = 'ajv/dist/2020.js';
    const mod = (await import(name)) as { default: new (o: object) => AjvLike };
    return new mod.default({ strict: true, allErrors: true, allowUnionTypes: true });
  } catch {
    return null;
  }
}

const ajv = await loadAjv();
if (ajv === null) console.log('Skipping the report schema tests: the dev dependency ajv is not installed.');

describe.skipIf(ajv === null)('report JSON schema', () => {
  const validate = (ajv as AjvLike).compile(schema);
  const check = (data: unknown): unknown => (validate(data) ? null : validate.errors);

  it('accepts the factory report as the JSON renderer writes it', () => {
    expect(check(JSON.parse(renderJson(factoryReport())))).toBeNull();
  });

  it('accepts reports with key log decryption and trust-store verdicts, and rejects an unknown decryption status', async () => {
    const { runCli } = await import('../../src/cli/run.js');
    const { Readable } = await import('node:stream');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { getPki } = await import('../fixtures/certs.js');
    const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-schema-'));
    const store = join(dir, 'ca.pem');
    const pki = await getPki();
    writeFileSync(store, pki.rootCa.certPem);
    let out = '';
    const sample = join(ROOT, 'samples/tls13-mtls-client-cert-missing.pcapng');
    const io = { stdin: Readable.from([]), stdout: (t: string) => void (out += t), stderr: () => undefined, stdoutIsTty: false, env: {} };
    await runCli(['--format', 'json', '--keylog', join(ROOT, 'samples/tls13-mtls-client-cert-missing.keys'), '--trust', store, sample], io);
    const report = JSON.parse(out) as { captures: { connections: Record<string, unknown>[] }[] };
    const c = report.captures[0]?.connections[0];
    expect((c?.['decryption'] as { status: string }).status).toBe('decrypted');
    expect(c?.['trust']).toBeDefined();
    expect(check(report)).toBeNull();
    (c as Record<string, unknown>)['decryption'] = { status: 'maybe' };
    expect(check(report)).not.toBeNull();
  });

  it('accepts a report that lists fewer connections than it counts, and rejects a negative unlisted count', () => {
    const limited = JSON.parse(readFileSync(join(ROOT, 'test/report/__golden__/limited/interleaved-five-connections.json'), 'utf8')) as { captures: { unlisted?: Record<string, unknown> }[] };
    expect(limited.captures[0]?.unlisted).toBeDefined();
    expect(check(limited)).toBeNull();
    (limited.captures[0]?.unlisted as Record<string, unknown>)['failed'] = -1;
    expect(check(limited)).not.toBeNull();
  });

  it('accepts an empty report', () => {
    expect(check(JSON.parse(renderJson(buildReport([]))))).toBeNull();
  });

  it('rejects values outside the contract', () => {
    const good = JSON.parse(renderJson(factoryReport())) as { captures: { connections: Record<string, unknown>[] }[] } & Record<string, unknown>;
    const mutate = (f: (r: typeof good) => void): unknown => {
      const r = structuredClone(good);
      f(r);
      return validate(r);
    };
    expect(mutate(() => undefined)).toBe(true);
    expect(mutate((r) => (r['schemaVersion'] = 1))).toBe(false);
    expect(mutate((r) => delete r['summary'])).toBe(false);
    expect(mutate((r) => ((r.captures[0]!.connections[0] as Record<string, unknown>)['status'] = 'broken'))).toBe(false);
    expect(mutate((r) => ((r.captures[0]!.connections[0] as Record<string, unknown>)['stage'] = 'handshake'))).toBe(false);
    expect(mutate((r) => ((r.captures[0]!.connections[0]!['mtls'] as Record<string, unknown>)['state'] = 'maybe'))).toBe(false);
    expect(mutate((r) => (((r.captures[0]!.connections[0]!['findings'] as Record<string, unknown>[])[0] as Record<string, unknown>)['severity'] = 'fatal'))).toBe(false);
    expect(mutate((r) => (((r.captures[0]!.connections[0]!['alerts'] as Record<string, unknown>[])[0] as Record<string, unknown>)['level'] = 'critical'))).toBe(false);
    expect(mutate((r) => (((r.captures[0]!.connections[0]!['certificates'] as { server: Record<string, unknown>[] }).server[0] as Record<string, unknown>)['sha256'] = 'XYZ'))).toBe(false);
    expect(mutate((r) => delete (r.captures[0]!.connections[0] as Record<string, unknown>)['sni'])).toBe(false);
    // Additions anywhere are allowed.
    expect(mutate((r) => ((r.captures[0]!.connections[0] as Record<string, unknown>)['newField'] = { any: 1 }))).toBe(true);
  });

  it('accepts every NDJSON line (connections, compact and full, and the error line of an unreadable capture) as #/$defs/ndjsonLine', () => {
    const one = (ajv as AjvLike).compile({ $ref: `${String(schema['$id'])}#/$defs/ndjsonLine` });
    const compactOnly = (ajv as AjvLike).compile({ $ref: `${String(schema['$id'])}#/$defs/ndjsonCompactLine` });
    const fullOnly = (ajv as AjvLike).compile({ $ref: `${String(schema['$id'])}#/$defs/ndjsonConnectionLine` });
    for (const detail of ['compact', 'full'] as const) {
      const lines = renderNdjson(factoryReport(), { detail }).trim().split('\n');
      expect(lines.length).toBeGreaterThan(5);
      expect(lines.filter((l) => 'error' in (JSON.parse(l) as object)).length).toBe(1);
      for (const line of lines) expect(one(JSON.parse(line)), line.slice(0, 80)).toBe(true);
      const connections = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => !('error' in l));
      for (const c of connections) expect((detail === 'compact' ? compactOnly : fullOnly)(c)).toBe(true);
      const first = connections[0] as Record<string, unknown>;
      delete first['file'];
      expect(one(first)).toBe(false);
    }
    // A full line is not a compact one: it has the JA3 string beside the hash, which is allowed, but a compact line lacks what a full one requires.
    const compact = JSON.parse(renderNdjson(factoryReport()).split('\n')[0] as string) as Record<string, unknown>;
    expect(fullOnly(compact)).toBe(false);
    expect(compactOnly({ ...compact, status: 'broken' })).toBe(false);
    expect(compactOnly({ ...compact, ja3: 'e7d705a3286e19ea42f587b344ee6865' })).toBe(false);
    expect(one({ schemaVersion: 2, file: 'x.pcap' })).toBe(false);
    expect(one({ ...compact, schemaVersion: 1 })).toBe(false);
  });

  const samples = join(ROOT, 'samples');
  const files = existsSync(samples) ? readdirSync(samples).filter((f) => /\.(pcap|pcapng)(\.gz)?$/.test(f)) : [];
  it.skipIf(files.length === 0)('accepts the report of every sample capture', async () => {
    const { analyzeCapture } = await import('../../src/analyze.js');
    const { captureReport } = await import('../../src/report/model.js');
    const captures = [];
    for (const f of files) captures.push(captureReport(`samples/${f}`, await analyzeCapture(join(samples, f))));
    const report = JSON.parse(renderJson(buildReport(captures))) as { summary: { tls: number } };
    expect(report.summary.tls).toBeGreaterThan(0);
    expect(check(report)).toBeNull();
  });
});
