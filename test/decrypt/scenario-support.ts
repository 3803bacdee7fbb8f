/**
 * The fixture generator's real handshakes analyzed with their key logs (once per test
 * process), paired with the ground truth of each connection.
 */
import { analyzeCapture } from '../../src/analyze.js';
import type { AnalyzeOptions, CaptureAnalysis } from '../../src/analyze.js';
import type { Connection } from '../../src/analysis/connection.js';
import { captureContext, judgeConnection } from '../../src/analysis/verdict.js';
import type { Verdict } from '../../src/analysis/verdict-types.js';
import { parseKeyLog } from '../../src/decrypt/keylog.js';
import { buildScenario } from '../fixtures/scenarios.js';
import type { ExpectedConnection, Scenario, ScenarioName } from '../fixtures/scenarios.js';

interface Pair {
  readonly expected: ExpectedConnection;
  readonly connection: Connection | undefined;
  readonly verdict: Verdict | undefined;
}

export interface Decrypted {
  readonly scenario: Scenario;
  readonly analysis: CaptureAnalysis;
  readonly pairs: readonly Pair[];
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

const scenarios = new Map<ScenarioName, Promise<Scenario>>();

export function scenario(name: ScenarioName): Promise<Scenario> {
  let p = scenarios.get(name);
  if (p === undefined) {
    p = buildScenario(name);
    scenarios.set(name, p);
  }
  return p;
}

/** Analyzes a scenario's capture with the given options (by default: its own key log). */
export async function analyzeScenario(name: ScenarioName, options?: (s: Scenario) => AnalyzeOptions): Promise<Decrypted> {
  const s = await scenario(name);
  const analysis = await analyzeCapture(once(s.captureBytes), options === undefined ? { keyLog: parseKeyLog(s.keylog, `${name}.keys`) } : options(s));
  const context = captureContext(analysis.connections);
  const pairs = s.expected.connections.map((expected) => {
    const connection = analysis.connections.find(
      (c) => c.client.ip === expected.client.ip && c.client.port === expected.client.port && c.server.ip === expected.server.ip && c.server.port === expected.server.port,
    );
    return { expected, connection, verdict: connection === undefined ? undefined : judgeConnection(connection, context) };
  });
  return { scenario: s, analysis, pairs };
}

/** The only connection of a one-connection scenario, with its verdict. */
export function single(d: Decrypted): { expected: ExpectedConnection; connection: Connection; verdict: Verdict } {
  const p = d.pairs[0];
  if (d.pairs.length !== 1 || p === undefined || p.connection === undefined || p.verdict === undefined) throw new Error(`${d.scenario.name}: expected one analyzed connection`);
  return { expected: p.expected, connection: p.connection, verdict: p.verdict };
}
