/**
 * Runs the fixture generator's real handshakes through the whole analysis, once per test
 * process, and pairs each expected connection with the analyzed one.
 */
import { analyzeCapture } from '../../src/analyze.js';
import type { CaptureAnalysis } from '../../src/analyze.js';
import type { Connection } from '../../src/analysis/connection.js';
import { captureContext, judgeConnection } from '../../src/analysis/verdict.js';
import type { Verdict } from '../../src/analysis/verdict-types.js';
import { buildScenario } from '../fixtures/scenarios.js';
import type { ExpectedConnection, Scenario, ScenarioName } from '../fixtures/scenarios.js';

export interface AnalyzedScenario {
  readonly scenario: Scenario;
  readonly analysis: CaptureAnalysis;
  readonly pairs: readonly { readonly expected: ExpectedConnection; readonly connection: Connection | undefined; readonly verdict: Verdict | undefined }[];
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

const cache = new Map<ScenarioName, Promise<AnalyzedScenario>>();

export function analyzedScenario(name: ScenarioName): Promise<AnalyzedScenario> {
  let p = cache.get(name);
  if (p === undefined) {
    p = (async () => {
      const scenario = await buildScenario(name);
      const analysis = await analyzeCapture(once(scenario.captureBytes));
      const context = captureContext(analysis.connections);
      const pairs = scenario.expected.connections.map((expected) => {
        const connection = analysis.connections.find(
          (c) =>
            c.client.ip === expected.client.ip && c.client.port === expected.client.port && c.server.ip === expected.server.ip && c.server.port === expected.server.port,
        );
        return { expected, connection, verdict: connection === undefined ? undefined : judgeConnection(connection, context) };
      });
      return { scenario, analysis, pairs };
    })();
    cache.set(name, p);
  }
  return p;
}

/** Frames (1-based) whose TCP payload, sent by `dir`, contains `needle`. */
export function framesCarrying(scenario: Scenario, dir: 'c2s' | 's2c', needle: readonly number[]): number[] {
  const out: number[] = [];
  scenario.frames.forEach((f, i) => {
    if (f.meta.dir !== dir) return;
    const p = f.meta.payload;
    outer: for (let j = 0; j + needle.length <= p.length; j++) {
      for (let k = 0; k < needle.length; k++) if (p[j + k] !== needle[k]) continue outer;
      out.push(i + 1);
      return;
    }
  });
  return out;
}
