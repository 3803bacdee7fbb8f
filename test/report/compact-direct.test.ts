/**
 * The compact NDJSON line is made straight from the analysis (`compactConnectionOf`) without the
 * full connection record; it must be the very line the record gives (`compactConnection` of
 * `connectionReport`), on real captures: the samples (with and without their key logs), the
 * JSSE captures (with trust and identity stores, and with their Java logs), and the shared
 * corpus when present. So must the glance a whole report takes of a connection before it knows
 * whether it lists it (`connectionGlance`): each of its fields is the record's.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analyze.js';
import type { AnalyzeOptions } from '../../src/analyze.js';
import { contextWith, judgeConnection } from '../../src/analysis/verdict.js';
import type { CaptureContext } from '../../src/analysis/rules/types.js';
import { matchJavaLogs } from '../../src/analysis/java-log-match.js';
import { compactConnection, compactConnectionOf } from '../../src/report/compact.js';
import { connectionGlance, connectionReport } from '../../src/report/connection-report.js';
import type { ConnectionGlance } from '../../src/report/connection-report.js';
import { readKeyLogFiles } from '../../src/decrypt/keylog-files.js';
import { readJavaLog } from '../../src/javalog/read.js';
import { loadTrustSetup } from '../../src/x509/trust/load.js';
import { loadIdentitySetup } from '../../src/x509/identity/setup.js';
import { CAPTURES_DIR, CAPTURES_SKIP_REASON, HAVE_CAPTURES, loadManifest } from '../conformance/manifest.js';

const SAMPLES = resolve(import.meta.dirname, '../../samples');
const JAVA = resolve(import.meta.dirname, '../fixtures/java-captures');
const KEYSTORES = join(JAVA, 'keystores');

/** The fields of a glance, as the glance and the full record each give them. */
function glanceFields(c: ConnectionGlance): unknown {
  return {
    id: c.id,
    status: c.status,
    tls: c.tls,
    sni: c.sni,
    findings: c.findings,
    mtls: c.mtls,
    resumed: c.resumed,
    alerts: c.alerts,
    client: { ip: c.client.ip, port: c.client.port },
    server: { ip: c.server.ip, port: c.server.port },
    notTls: c.notTls.length,
    timeline: c.timeline.map((e) => e.kind),
  };
}

/**
 * Every connection of a capture: the direct line and the record's line, as JSON text, each line
 * followed by the glance's fields as the glance and as the record give them ("no glance" when a
 * Java log's alerts leave the record alone to say them).
 */
async function lines(path: string, options: AnalyzeOptions, context: CaptureContext, withJavaLogs = false): Promise<{ direct: string[]; viaRecord: string[] }> {
  const analysis = await analyzeCapture(path, options);
  const matches = withJavaLogs && options.javaLogs !== undefined ? matchJavaLogs(options.javaLogs, analysis.connections) : null;
  const direct: string[] = [];
  const viaRecord: string[] = [];
  for (const c of analysis.connections) {
    const verdict = judgeConnection(c, context, matches === null ? undefined : (matches.byConnection.get(c.id) ?? []));
    const report = connectionReport(c, verdict);
    const glance = connectionGlance(c, verdict);
    direct.push(JSON.stringify(compactConnectionOf(c, verdict)), glance === null ? 'no glance' : JSON.stringify(glanceFields(glance)));
    viaRecord.push(JSON.stringify(compactConnection(report)), verdict.javaLog !== undefined ? 'no glance' : JSON.stringify(glanceFields(report)));
  }
  return { direct, viaRecord };
}

async function keyLogFor(capture: string): Promise<AnalyzeOptions> {
  const keys = capture.replace(/\.(pcap|pcapng)$/, '.keys');
  if (!existsSync(keys)) return {};
  const { keyLog } = await readKeyLogFiles([keys]);
  return { keyLog };
}

describe('the compact line made straight from the analysis', () => {
  const samples = readdirSync(SAMPLES).filter((f) => /\.(pcap|pcapng)$/.test(f));

  it.each(samples)('equals the record\'s compact line on samples/%s, without and with its key log', async (name) => {
    const path = join(SAMPLES, name);
    const context = contextWith(new Set(), {});
    for (const options of [{}, await keyLogFor(path)]) {
      const { direct, viaRecord } = await lines(path, options, context);
      expect(direct.length).toBeGreaterThan(0);
      expect(direct).toEqual(viaRecord);
    }
  });

  const javaScenarios = readdirSync(JAVA).filter((d) => existsSync(join(JAVA, d, 'capture.pcap')));

  it('equals it on every JSSE capture with trust and identity stores', async () => {
    const trust = await loadTrustSetup([join(KEYSTORES, 'trust-corp.p12')], 'client', { password: 'changeit' });
    const { setup: identity } = await loadIdentitySetup({ paths: [join(KEYSTORES, 'client-carol-and-alice.p12'), join(KEYSTORES, 'client-alice.p12')], side: 'client', alias: null, password: 'changeit', keyPassword: null });
    const context = contextWith(new Set(), { trust, identity });
    let withTrust = 0;
    for (const scenario of javaScenarios) {
      const { direct, viaRecord } = await lines(join(JAVA, scenario, 'capture.pcap'), {}, context);
      expect(direct, scenario).toEqual(viaRecord);
      withTrust += direct.filter((l) => l.includes('"trust":') && l.includes('"identity":')).length;
    }
    expect(withTrust).toBeGreaterThan(0);
  });

  it('equals it on every JSSE capture read with its Java logs', async () => {
    let logged = 0;
    for (const scenario of javaScenarios) {
      const logs = ['client.log', 'server.log'].map((f) => join(JAVA, scenario, f)).filter((f) => existsSync(f));
      if (logs.length === 0) continue;
      const javaLogs = await Promise.all(logs.map((f) => readJavaLog(f)));
      const { direct, viaRecord } = await lines(join(JAVA, scenario, 'capture.pcap'), { javaLogs }, contextWith(new Set(), {}), true);
      expect(direct, scenario).toEqual(viaRecord);
      logged += direct.filter((l) => l.includes('"javaLogs":')).length;
    }
    expect(logged).toBeGreaterThan(0);
  });

  it.skipIf(!HAVE_CAPTURES)(`equals it on every capture of the shared corpus${HAVE_CAPTURES ? '' : ` (skipped: ${CAPTURES_SKIP_REASON})`}`, async () => {
    const context = contextWith(new Set(), {});
    let connections = 0;
    for (const capture of loadManifest()) {
      const { direct, viaRecord } = await lines(join(CAPTURES_DIR, capture.file), {}, context);
      expect(direct, capture.file).toEqual(viaRecord);
      connections += direct.length;
    }
    expect(connections).toBeGreaterThan(100);
  }, 240_000);
});
