/**
 * Cross-check with Wireshark: tshark decrypts the same generated captures with the same key
 * logs (`-o tls.keylog_file:F`); the handshake message types and alert codes each side sent,
 * in order, must be the ones tlsautopsy decrypted. Skipped with a printed reason when tshark
 * is not installed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScenarioName } from '../fixtures/scenarios.js';
import { analyzeScenario } from './scenario-support.js';

function haveTshark(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const HAVE_TSHARK = haveTshark();
if (!HAVE_TSHARK) console.log('decrypt/tshark: skipped — tshark is not installed (apt-get install tshark).');

const dir = HAVE_TSHARK ? mkdtempSync(join(tmpdir(), 'tlsautopsy-tshark-')) : '';
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** Per client port and side: handshake types and alert codes in wire order. */
type Sequences = Map<string, { handshake: number[]; alerts: number[] }>;

function side(map: Sequences, key: string): { handshake: number[]; alerts: number[] } {
  let s = map.get(key);
  if (s === undefined) {
    s = { handshake: [], alerts: [] };
    map.set(key, s);
  }
  return s;
}

function tsharkSequences(capture: string, keys: string, serverPorts: ReadonlySet<number>): Sequences {
  const out = execFileSync(
    'tshark',
    ['-r', capture, '-o', `tls.keylog_file:${keys}`, '-T', 'fields', '-E', 'separator=;', '-e', 'frame.number', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'tls.handshake.type', '-e', 'tls.alert_message.desc'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const map: Sequences = new Map();
  for (const line of out.split('\n')) {
    const [, src, dst, types, alerts] = line.split(';');
    if (src === undefined || dst === undefined || src === '') continue;
    const fromServer = serverPorts.has(Number(src));
    const key = `${fromServer ? dst : src}/${fromServer ? 'server' : 'client'}`;
    const s = side(map, key);
    for (const t of (types ?? '').split(',')) if (t !== '') s.handshake.push(Number(t));
    for (const a of (alerts ?? '').split(',')) if (a !== '') s.alerts.push(Number(a));
  }
  return map;
}

const CASES: readonly ScenarioName[] = ['tls13-mtls-ok', 'tls13-client-cert-missing', 'tls13-client-cert-untrusted', 'tls12-mtls-ok', 'tls12-client-cert-missing', 'interleaved-connections'];

describe.skipIf(!HAVE_TSHARK)('tshark decrypts the same messages and alerts', () => {
  for (const name of CASES) {
    it(name, async () => {
      const d = await analyzeScenario(name);
      const capture = join(dir, `${name}.${d.scenario.expected.format}`);
      const keys = join(dir, `${name}.keys`);
      writeFileSync(capture, d.scenario.captureBytes);
      writeFileSync(keys, d.scenario.keylog);
      const serverPorts = new Set(d.scenario.expected.connections.map((c) => c.server.port));
      const theirs = tsharkSequences(capture, keys, serverPorts);
      const ours: Sequences = new Map();
      for (const c of d.analysis.connections) {
        for (const t of c.timeline) {
          if (t.from === null || t.code === undefined) continue;
          const s = side(ours, `${c.client.port}/${t.from}`);
          if (t.kind === 'handshake') s.handshake.push(t.code);
          else if (t.kind === 'alert') s.alerts.push(t.code);
        }
      }
      // Something was decrypted on both sides, so the comparison is not vacuous.
      expect([...theirs.values()].some((s) => s.handshake.includes(20))).toBe(true);
      const nonEmpty = (m: Sequences) => Object.fromEntries([...m].filter(([, s]) => s.handshake.length + s.alerts.length > 0));
      expect(nonEmpty(ours)).toEqual(nonEmpty(theirs));
    });
  }
});
