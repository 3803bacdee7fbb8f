/**
 * docs/report.schema.json documents every field the reports emit. The published schema leaves
 * objects open (new fields may appear; consumers ignore what they do not know), so on its own it
 * would accept a field nobody documented. Here real reports are checked against a strict copy
 * made in the test, in which every object schema that lists `properties` admits nothing else:
 * a field emitted but not in the schema fails with its JSON path.
 *
 * The reports: every sample capture as JSON and as NDJSON lines (compact and --detail full), run through the command line
 * in-process with the samples' key logs, once with --trust for client chains and once for
 * server chains (an issuing CA taken from a sample as the store, so a chain is trusted), once
 * with --max-report-connections so `unlisted` appears, and with an unreadable file so the error
 * capture and the NDJSON error line appear; the compact lines of every Java fixture capture with
 * its SSL debug logs; plus the factory report.
 *
 * Needs the dev dependency `ajv` (draft 2020-12 through `ajv/dist/2020`); skips with a reason
 * when it is not installed.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderJson, renderNdjson } from '../../src/report/json.js';
import { runInProcess } from '../cli/run-in-process.js';
import { factoryReport } from './report-factory.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SAMPLES = join(ROOT, 'samples');
const JAVA = join(ROOT, 'test/fixtures/java-captures');

type Schema = { readonly [key: string]: unknown };
type Validate = ((data: unknown) => boolean) & { errors?: readonly AjvError[] | null };
interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params: { readonly additionalProperty?: string };
}
interface AjvLike {
  compile(schema: unknown): Validate;
  addSchema(schema: unknown): unknown;
}

async function loadAjv(): Promise<(() => AjvLike) | null> {
  try {
    const name = 'ajv/dist/2020.js';
    const mod = (await import(name)) as { default: new (o: object) => AjvLike };
    return () => new mod.default({ strict: true, allErrors: true, allowUnionTypes: true });
  } catch {
    return null;
  }
}

const newAjv = await loadAjv();
if (newAjv === null) console.log('Skipping the schema coverage tests: the dev dependency ajv is not installed.');

const published = JSON.parse(readFileSync(join(ROOT, 'docs/report.schema.json'), 'utf8')) as Schema;

function isSchema(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keywords whose value is a map of schemas, a list of schemas, or one schema. */
const SCHEMA_MAPS = new Set(['properties', '$defs', 'patternProperties']);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);
const SCHEMA_ONE = new Set(['items', 'additionalProperties', 'unevaluatedProperties', 'not', 'contains', 'if', 'then', 'else']);

function mapValues(m: Schema, f: (s: unknown) => unknown): Schema {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, f(v)]));
}

/**
 * The strict copy: every object schema with `properties` gets `additionalProperties: false`.
 * Maps (byCause: `additionalProperties` is a schema, no `properties`) stay as they are.
 */
function strictCopy(root: Schema): Schema {
  const defs = isSchema(root['$defs']) ? root['$defs'] : {};
  const close = (node: unknown): unknown => {
    if (!isSchema(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (SCHEMA_MAPS.has(k) && isSchema(v)) out[k] = mapValues(v, close);
      else if (SCHEMA_LISTS.has(k) && Array.isArray(v)) out[k] = v.map(close);
      else if (SCHEMA_ONE.has(k) && isSchema(v)) out[k] = close(v);
      else out[k] = v;
    }
    const ref = out['$ref'];
    if (typeof ref === 'string' && isSchema(out['properties'])) {
      // A $ref beside `properties` adds fields to the referenced object (an NDJSON line is a
      // connection plus file and schemaVersion). Closing both on their own would reject every
      // line, so the referenced object's fields are merged in and the whole is closed once.
      const name = /^#\/\$defs\/([^/]+)$/.exec(ref)?.[1];
      const target = name === undefined ? undefined : close(defs[name]);
      if (!isSchema(target) || !isSchema(target['properties'])) throw new Error(`strictCopy: cannot merge ${ref}`);
      const required = [...((target['required'] as string[] | undefined) ?? []), ...((out['required'] as string[] | undefined) ?? [])];
      delete out['$ref'];
      Object.assign(out, { ...target, ...out, properties: { ...target['properties'], ...out['properties'] }, required });
    }
    if (isSchema(out['properties']) && !isSchema(out['additionalProperties'])) out['additionalProperties'] = false;
    return out;
  };
  return { ...(close(root) as Schema), $id: `${String(root['$id'])}:strict` };
}

/** `/captures/0/connections/3/foo` as `$.captures[0].connections[3].foo`. */
function jsonPath(pointer: string, extra?: string): string {
  const parts = pointer === '' ? [] : pointer.slice(1).split('/').map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (extra !== undefined) parts.push(extra);
  return `$${parts.map((p) => (/^\d+$/.test(p) ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('')}`;
}

/**
 * What a validation found, one line each: an undocumented field once per place in the shape
 * (array indexes as [*]) with the first instance, then other mismatches.
 */
function problems(validate: Validate, data: unknown, source: string): string[] {
  if (validate(data)) return [];
  const out = new Map<string, string>();
  for (const e of validate.errors ?? []) {
    if (e.keyword === 'additionalProperties' && e.params.additionalProperty !== undefined) {
      const at = jsonPath(e.instancePath, e.params.additionalProperty);
      const shape = at.replace(/\[\d+\]/g, '[*]');
      if (!out.has(shape)) out.set(shape, `${source}: ${shape} is emitted but not documented in docs/report.schema.json${shape === at ? '' : ` (first at ${at})`}`);
    } else {
      const text = `${source}: ${jsonPath(e.instancePath)} ${e.message ?? e.keyword}`;
      out.set(text, text);
    }
  }
  return [...out.values()];
}

interface Validators {
  readonly report: Validate;
  readonly compactLine: Validate;
  readonly connectionLine: Validate;
  readonly errorLine: Validate;
}

function validators(schema: Schema): Validators {
  const ajv = (newAjv as () => AjvLike)();
  ajv.addSchema(schema);
  const id = String(schema['$id']);
  return {
    report: ajv.compile({ $ref: id }),
    compactLine: ajv.compile({ $ref: `${id}#/$defs/ndjsonCompactLine` }),
    connectionLine: ajv.compile({ $ref: `${id}#/$defs/ndjsonConnectionLine` }),
    errorLine: ajv.compile({ $ref: `${id}#/$defs/ndjsonErrorLine` }),
  };
}

function ndjsonProblems(v: Validators, text: string, source: string, detail: 'compact' | 'full' = 'compact'): string[] {
  const out: string[] = [];
  for (const [i, line] of text.trim().split('\n').entries()) {
    const data = JSON.parse(line) as Record<string, unknown>;
    out.push(...problems('error' in data ? v.errorLine : detail === 'full' ? v.connectionLine : v.compactLine, data, `${source} line ${i + 1}`));
  }
  return out;
}

describe.skipIf(newAjv === null)('report JSON schema: every emitted field is documented', () => {
  const strict = strictCopy(published);
  const strictV = validators(strict);
  const publishedV = validators(published);

  /** CLI runs: label → output. */
  const runs = new Map<string, string>();

  beforeAll(async () => {
    const captures = readdirSync(SAMPLES).filter((f) => /\.(pcap|pcapng)(\.gz)?$/.test(f));
    expect(captures.length).toBeGreaterThan(5);
    const keylogs = readdirSync(SAMPLES)
      .filter((f) => f.endsWith('.keys'))
      .flatMap((f) => ['--keylog', join(SAMPLES, f)]);
    const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-schema-coverage-'));
    const unreadable = join(dir, 'not-a-capture.pcap');
    writeFileSync(unreadable, 'this is not a packet capture\n');

    // Client chains: the fixture root, as the existing schema test does (the sample chains were
    // made by another run of the fixture PKI, so they come out untrusted, with problems).
    const { getPki } = await import('../fixtures/certs.js');
    const clientStore = join(dir, 'root.pem');
    writeFileSync(clientStore, (await getPki()).rootCa.certPem);
    // Server chains: the issuing CA a sample server sent, so the chain ends at an anchor.
    const { analyzeCapture } = await import('../../src/analyze.js');
    const analysis = await analyzeCapture(join(SAMPLES, 'tls12-mtls-ok-rsa-server.pcap'));
    const issuing = analysis.connections.flatMap((c) => c.handshakes).flatMap((h) => h.serverCertificateDers ?? [])[1];
    expect(issuing).toBeDefined();
    const serverStore = join(dir, 'issuing-ca.der');
    writeFileSync(serverStore, issuing as Uint8Array);

    const inputs = [SAMPLES, unreadable];
    // A capture cut inside a packet, with no capture anomaly listed: the line that counts them.
    const cut = join(dir, 'cut.pcap');
    const whole = readFileSync(join(SAMPLES, 'tls12-mtls-ok-rsa-server.pcap'));
    writeFileSync(cut, whole.subarray(0, whole.length - 10));
    const javaRoot = join(ROOT, 'test/fixtures/java-captures');
    const javaFixtures = readdirSync(javaRoot)
      .map((d) => join(javaRoot, d))
      .filter((d) => existsSync(join(d, 'capture.pcap')));
    const plans: [string, string[]][] = [
      ['json', ['--format', 'json', ...keylogs, ...inputs]],
      ['ndjson', ['--format', 'ndjson', ...keylogs, ...inputs]],
      ['ndjson --detail full', ['--format', 'ndjson', '--detail', 'full', ...keylogs, ...inputs]],
      ['json --trust', ['--format', 'json', ...keylogs, '--trust', clientStore, SAMPLES]],
      ['ndjson --trust', ['--format', 'ndjson', ...keylogs, '--trust', clientStore, SAMPLES]],
      ['ndjson --detail full --trust', ['--format', 'ndjson', '--detail', 'full', ...keylogs, '--trust', clientStore, SAMPLES]],
      ['json --trust-for server', ['--format', 'json', ...keylogs, '--trust', serverStore, '--trust-for', 'server', SAMPLES]],
      ['ndjson --trust-for server', ['--format', 'ndjson', ...keylogs, '--trust', serverStore, '--trust-for', 'server', SAMPLES]],
      ['json --max-report-connections', ['--format', 'json', '--max-report-connections', '3', SAMPLES]],
      ['json --limit maxCaptureAnomalies=0', ['--format', 'json', '--limit', 'maxCaptureAnomalies=0', cut]],
      // Every Java fixture capture with every log: compact lines with javaLogs and mTLS facts told by a log.
      ['ndjson --java-log', ['--format', 'ndjson', ...javaFixtures.flatMap((d) => ['client.log', 'server.log'].filter((f) => existsSync(join(d, f))).flatMap((f) => ['--java-log', join(d, f)])), ...javaFixtures.map((d) => join(d, 'capture.pcap'))]],
      // --java-log on a JSSE capture: javaLogs per connection and capture, an alert told by the log, a log that matched nothing.
      ['json --java-log', ['--format', 'json', ...['client.log', 'server.log'].flatMap((f) => ['--java-log', join(ROOT, 'test/fixtures/java-captures/jsse-tls13-client-ca-not-listed', f)]), '--java-log', join(ROOT, 'test/fixtures/java-captures/jsse-tls13-client-cert-expired/server.log'), join(ROOT, 'test/fixtures/java-captures/jsse-tls13-client-ca-not-listed/capture.pcap')]],
      // --identity: two client stores (the second store's verdict in `also`), an empty Certificate and a sent one; a server store with its alias.
      ['json --identity', ['--format', 'json', ...['client-carol-and-alice.p12', 'client-mallory.p12'].flatMap((f) => ['--identity', join(JAVA, 'keystores', f)]), '--identity-password', 'changeit', join(JAVA, 'jsse-tls12-keystore-carol-and-alice/capture.pcap'), join(JAVA, 'jsse-tls12-client-ca-not-listed/capture.pcap')]],
      ['ndjson --identity-for server', ['--format', 'ndjson', '--identity', join(JAVA, 'keystores/server-hr.p12'), '--identity-password', 'changeit', '--identity-for', 'server', '--alias', 'hr', join(JAVA, 'jsse-tls12-mtls-ok/capture.pcap')]],
      ['ndjson --detail full --identity-for server', ['--format', 'ndjson', '--detail', 'full', '--identity', join(JAVA, 'keystores/server-hr.p12'), '--identity-password', 'changeit', '--identity-for', 'server', '--alias', 'hr', join(JAVA, 'jsse-tls12-mtls-ok/capture.pcap')]],
    ];
    for (const [label, argv] of plans) {
      const r = await runInProcess(argv);
      expect(r.out.length, `${label}: ${r.err}`).toBeGreaterThan(0);
      runs.set(label, r.out);
    }
  }, 120_000);

  const output = (label: string): string => {
    const out = runs.get(label);
    if (out === undefined) throw new Error(`no run ${label}`);
    return out;
  };

  it('the runs show the optional parts: decryption, trust verdicts, the error capture, unlisted', () => {
    const all = [...runs.entries()].filter(([l]) => l.startsWith('json')).map(([, out]) => out);
    const text = all.join('\n');
    expect(text).toContain('"status": "decrypted"');
    expect(text).toContain('"verdict": "trusted"');
    expect(text).toContain('"verdict": "untrusted"');
    expect(text).toMatch(/"anchorSource": "[^"]+"/);
    expect(text).toContain('"unlisted": {');
    expect(output('json --limit maxCaptureAnomalies=0')).toContain('"count": 1');
    expect(text).toContain('"source": "java-log"');
    expect(text).toContain('"matchedBy": "client-random"');
    expect(text).toContain('"code": "javalog.no_match"');
    expect(text).toContain('"SunX509": "carol"');
    expect(text).toContain('"also": [');
    expect(output('ndjson --identity-for server')).toContain('"side":"server"');
    expect(output('json')).toMatch(/"error": "[^"]+"/);
    expect(output('ndjson').split('\n').some((l) => l.includes('"error":') && !l.includes('"id":'))).toBe(true);
  });

  for (const label of ['json', 'json --trust', 'json --trust-for server', 'json --max-report-connections', 'json --limit maxCaptureAnomalies=0', 'json --java-log', 'json --identity']) {
    it(`documents every field of the JSON report of the samples (${label})`, () => {
      const report = JSON.parse(output(label)) as unknown;
      expect(problems(strictV.report, report, label)).toEqual([]);
      expect(problems(publishedV.report, report, label)).toEqual([]);
    });
  }

  for (const label of ['ndjson', 'ndjson --detail full', 'ndjson --trust', 'ndjson --detail full --trust', 'ndjson --trust-for server', 'ndjson --java-log', 'ndjson --identity-for server', 'ndjson --detail full --identity-for server']) {
    const detail = label.includes('--detail full') ? 'full' : 'compact';
    it(`documents every field of every NDJSON line of the samples (${label})`, () => {
      expect(ndjsonProblems(strictV, output(label), label, detail)).toEqual([]);
      expect(ndjsonProblems(publishedV, output(label), label, detail)).toEqual([]);
    });
  }

  it('the compact runs show their optional parts: decryption, trust verdicts, Java log matches', () => {
    const compact = ['ndjson', 'ndjson --trust', 'ndjson --java-log'].map(output).join('');
    expect(compact).toContain('"decryption":{"status":"decrypted"}');
    expect(compact).toContain('"trust":{"client":{"verdict":"untrusted"');
    expect(compact).toContain('"javaLogs":[{');
    expect(output('ndjson')).not.toContain('"timeline"');
    expect(output('ndjson --detail full')).toContain('"timeline"');
  });

  it('documents every field of the factory report, as JSON and as NDJSON', () => {
    const report = factoryReport();
    expect(problems(strictV.report, JSON.parse(renderJson(report)), 'factory')).toEqual([]);
    const lines = renderNdjson(report);
    expect(lines).toContain('"error":');
    expect(ndjsonProblems(strictV, lines, 'factory ndjson')).toEqual([]);
    expect(ndjsonProblems(strictV, renderNdjson(report, { detail: 'full' }), 'factory ndjson full', 'full')).toEqual([]);
  });

  it('the strict copy rejects an undocumented field, naming its path, where the published schema accepts it', () => {
    const report = JSON.parse(renderJson(factoryReport())) as { captures: { connections: { certificates: { server: Record<string, unknown>[] } }[] }[] };
    const cert = report.captures[0]?.connections[0]?.certificates.server[0];
    expect(cert).toBeDefined();
    (cert as Record<string, unknown>)['undocumentedField'] = true;
    expect(problems(strictV.report, report, 'changed')).toEqual([
      'changed: $.captures[*].connections[*].certificates.server[*].undocumentedField is emitted but not documented in docs/report.schema.json (first at $.captures[0].connections[0].certificates.server[0].undocumentedField)',
    ]);
    expect(problems(publishedV.report, report, 'changed')).toEqual([]);

    const line = `${renderNdjson(factoryReport()).split('\n')[0]?.slice(0, -1)},"newTopField":1}`;
    expect(ndjsonProblems(strictV, line, 'line')).toEqual(['line line 1: $.newTopField is emitted but not documented in docs/report.schema.json']);
    expect(ndjsonProblems(publishedV, line, 'line')).toEqual([]);
    const errorLine = JSON.stringify({ schemaVersion: 2, file: 'x.pcap', error: 'unreadable', hint: 'new' });
    expect(ndjsonProblems(strictV, errorLine, 'error')).toEqual(['error line 1: $.hint is emitted but not documented in docs/report.schema.json']);
    expect(ndjsonProblems(publishedV, errorLine, 'error')).toEqual([]);
  });

  it('the strict copy closes every object that lists properties and leaves maps open', () => {
    let closed = 0;
    const maps: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${at}/${i}`));
      if (!isSchema(node)) return;
      if (isSchema(node['properties'])) {
        expect(node['additionalProperties'], at).toBe(false);
        closed++;
      }
      if (isSchema(node['additionalProperties'])) maps.push(at);
      for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`);
    };
    walk(strict, '#');
    expect(closed).toBeGreaterThan(20);
    expect(maps).toEqual(['#/properties/summary/properties/byCause', '#/$defs/capture/properties/unlisted/properties/byCause']);
    // The published schema keeps every object open.
    expect(JSON.stringify(published)).not.toContain('"additionalProperties":false');
  });

  it('describes every field in a sentence', () => {
    const missing: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${at}/${i}`));
      if (!isSchema(node)) return;
      if (isSchema(node['properties'])) {
        for (const [name, field] of Object.entries(node['properties'])) {
          const d = isSchema(field) ? field['description'] : undefined;
          if (typeof d !== 'string' || !/^\S.*\.$/s.test(d)) missing.push(`${at}/properties/${name}`);
        }
      }
      for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`);
    };
    walk(published, '#');
    expect(missing).toEqual([]);
  });
});
