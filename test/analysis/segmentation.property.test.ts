/**
 * The same real handshake, cut into TCP segments in every way fast-check can think of
 * (1-byte segments included), reordered and duplicated, yields exactly the same connection
 * record: history, every message, certificates, alerts and verdict. This is the TLS layer's
 * segmentation independence, checked end to end through reassembly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analyze.js';
import type { Connection } from '../../src/analysis/connection.js';
import { captureContext, judgeConnection } from '../../src/analysis/verdict.js';
import { buildScenario } from '../fixtures/scenarios.js';
import type { ScenarioName } from '../fixtures/scenarios.js';
import { synthesizeTcp } from '../fixtures/tcp-synth.js';
import type { Impairment } from '../fixtures/tcp-synth.js';
import { writeCapture } from '../fixtures/write-capture.js';

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** What must not depend on segmentation (frame numbers do, so they are left out). */
function essence(c: Connection): unknown {
  const verdict = judgeConnection(c, captureContext([c]));
  return {
    // Reordering across directions may change how the two sides interleave; each side's own order may not change.
    clientHistory: c.history.replace(/[^A-Z]/g, ''),
    serverHistory: c.history.replace(/[^a-z]/g, ''),
    tls: c.tls,
    handshakes: c.handshakes.map((h) => ({
      ch: h.clientHello?.ja4,
      sh: h.serverHello?.ja3s,
      server: h.serverCertificates?.map((x) => x.sha256),
      client: h.clientCertificates?.map((x) => x.sha256),
      cas: h.certificateRequest?.certificateAuthorities,
      // Each side's records in its own order (how the sides interleave may change).
      clientRecords: h.encryptedRecords.filter((r) => r.from === 'client').map((r) => `${r.kind}:${r.length}`),
      serverRecords: h.encryptedRecords.filter((r) => r.from === 'server').map((r) => `${r.kind}:${r.length}`),
    })),
    // Each side's alerts in its own order (a reordered segment may move one side's close past the other's).
    clientAlerts: c.alerts.filter((a) => a.from === 'client').map((a) => `${a.encrypted}:${a.description}`),
    serverAlerts: c.alerts.filter((a) => a.from === 'server').map((a) => `${a.encrypted}:${a.description}`),
    status: verdict.status,
    stage: verdict.stage,
    mtls: verdict.mtls,
    findings: verdict.findings.map((f) => f.code),
  };
}

/** One recorded session per scenario: a new handshake would differ (ECDSA signature lengths vary). */
const scenarios = new Map<ScenarioName, ReturnType<typeof buildScenario>>();

async function analyzeSegmented(name: ScenarioName, segmentSize: { min: number; max: number; seed: number }, impairments: Impairment[]): Promise<unknown> {
  let pending = scenarios.get(name);
  if (pending === undefined) {
    pending = buildScenario(name);
    scenarios.set(name, pending);
  }
  const scenario = await pending;
  const session = scenario.sessions[0];
  const expected = scenario.expected.connections[0];
  if (session === undefined || expected === undefined) throw new Error('scenario without a session');
  const frames = synthesizeTcp(session, { client: expected.client, server: expected.server, segmentSize, impairments });
  const analysis = await analyzeCapture(once(writeCapture(frames, { format: 'pcap' })));
  const c = analysis.connections[0];
  if (c === undefined) throw new Error('no connection');
  return essence(c);
}

describe('segmentation independence, end to end', () => {
  for (const name of ['tls12-mtls-ok', 'tls12-client-cert-missing', 'tls13-client-cert-missing'] as const) {
    it(`${name}: any segmentation, reordering or duplication gives the same record`, async () => {
      const reference = await analyzeSegmented(name, { min: 1448, max: 1448, seed: 1 }, []);
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 300 }),
          fc.integer({ min: 0, max: 1200 }),
          fc.integer({ min: 1, max: 1_000_000 }),
          fc.array(
            fc.record({
              kind: fc.constantFrom('reorder' as const, 'duplicate' as const),
              dir: fc.constantFrom('c2s' as const, 's2c' as const),
              index: fc.integer({ min: 0, max: 6 }),
            }),
            { maxLength: 3 },
          ),
          async (min, spread, seed, impairments) => {
            const got = await analyzeSegmented(name, { min, max: min + spread, seed }, impairments);
            expect(got).toEqual(reference);
          },
        ),
        {
          numRuns: 25,
          // Once found: the server's alert, held out of order, kept its own (earlier) frame and was
          // read as coming before the ServerHello (no-common-cipher-suite instead of client-cert-missing).
          examples: [[261, 1143, 506768, [{ kind: 'reorder', dir: 's2c', index: 0 }]]],
        },
      );
    });
  }
});
