/**
 * Anomalies past `maxConnectionAnomalies` / `maxCaptureAnomalies` are not dropped silently: the
 * report lists the first ones and then, for each code only counted, one line that says how many
 * more there were and which limit lists them.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analyze.js';
import type { AnalyzeOptions, CaptureAnalysis } from '../../src/analyze.js';
import type { Anomaly } from '../../src/util/anomaly.js';
import { F, bytesOf, ip } from '../hostile/support.js';
import type { PcapStream } from '../hostile/support.js';
import { CLIENT_IP, SERVER_IP, clientHelloRecord, connection } from '../hostile/tls-bytes.js';
import { runInProcess } from '../cli/run-in-process.js';

async function analyze(fill: (s: PcapStream) => void, options: AnalyzeOptions): Promise<CaptureAnalysis> {
  const bytes = bytesOf(fill);
  return analyzeCapture(
    (async function* () {
      yield bytes;
    })(),
    options,
  );
}

/** The count a summary line states for `code`, or undefined when there is none. */
function summarized(anomalies: readonly Anomaly[], code: string, limit: string): number | undefined {
  const line = anomalies.find((a) => a.code === code && a.count !== undefined);
  if (line === undefined) return undefined;
  expect(line.message).toContain(`(${limit} lists `);
  return line.count;
}

/** Ends the capture inside a packet record: 4 of its 60 bytes written (capture.truncated_file). */
function endCutShort(s: PcapStream): void {
  const cut = new Uint8Array(16 + 4);
  const v = new DataView(cut.buffer);
  v.setUint32(0, 1_800_000_100, true);
  v.setUint32(8, 60, true);
  v.setUint32(12, 60, true);
  s.raw(cut);
}

/** A client that sends `n` ClientHellos to a server that never answers. */
function repeatedHellos(s: PcapStream, n: number): void {
  const hellos = Array.from({ length: n }, () => clientHelloRecord('again.example'));
  const c2s = new Uint8Array(hellos.reduce((sum, h) => sum + h.length, 0));
  let at = 0;
  for (const h of hellos) {
    c2s.set(h, at);
    at += h.length;
  }
  connection(s, { cport: 40000, c2s, s2c: new Uint8Array(0), mss: hellos[0]?.length ?? 1 });
}

describe('anomaly limits in the report', () => {
  it('a connection lists maxConnectionAnomalies of its TLS anomalies and counts the rest in one line', async () => {
    const all = await analyze((s) => repeatedHellos(s, 8), {});
    const every = all.connections[0]?.anomalies.filter((a) => a.code === 'tls.handshake.repeated_client_hello') ?? [];
    expect(every.length).toBeGreaterThan(3);

    const limited = await analyze((s) => repeatedHellos(s, 8), { maxConnectionAnomalies: 2 });
    const listed = limited.connections[0]?.anomalies ?? [];
    expect(listed.filter((a) => a.code === 'tls.handshake.repeated_client_hello' && a.frame !== undefined)).toEqual(every.slice(0, 2));
    expect(summarized(listed, 'tls.handshake.repeated_client_hello', 'maxConnectionAnomalies')).toBe(every.length - 2);
  });

  it('the TCP layer of a connection obeys the same limit', async () => {
    const two = (s: PcapStream): void => {
      s.add({ src: CLIENT_IP, dst: SERVER_IP, sport: 40001, dport: 443, seq: 1, flags: F.SYN });
      s.add({ src: ip(10, 0, 0, 77), dst: SERVER_IP, sport: 40002, dport: 443, seq: 1, flags: F.SYN });
    };
    const all = await analyze(two, { maxConnections: 1 });
    expect(all.connections[0]?.anomalies.map((a) => a.code)).toEqual(['flow.evicted']);
    const none = await analyze(two, { maxConnections: 1, maxConnectionAnomalies: 0 });
    const listed = none.connections[0]?.anomalies ?? [];
    expect(listed).toHaveLength(1);
    expect(summarized(listed, 'flow.evicted', 'maxConnectionAnomalies')).toBe(1);
  });

  it('a capture lists maxCaptureAnomalies of its anomalies and counts the rest, the reader\'s included', async () => {
    // Records shorter than an Ethernet header: one decode anomaly each.
    const runts = (s: PcapStream): void => {
      for (let i = 0; i < 30; i++) {
        const rec = new Uint8Array(16 + 6);
        const v = new DataView(rec.buffer);
        v.setUint32(0, 1_800_000_000 + i, true);
        v.setUint32(8, 6, true);
        v.setUint32(12, 6, true);
        s.raw(rec);
      }
      // A last record cut short: the reader's own anomaly.
      endCutShort(s);
    };
    const all = await analyze(runts, {});
    const counts = new Map<string, number>();
    for (const a of all.anomalies) counts.set(a.code, (counts.get(a.code) ?? 0) + 1);
    expect(all.anomalies.length).toBeGreaterThan(3);

    const limited = await analyze(runts, { maxCaptureAnomalies: 3 });
    expect(limited.anomalies.slice(0, 3)).toEqual(all.anomalies.slice(0, 3));
    // Every anomaly of the whole list is either among the first three or counted in its code's line.
    for (const [code, n] of counts) {
      const first = all.anomalies.slice(0, 3).filter((a) => a.code === code).length;
      expect(summarized(limited.anomalies, code, 'maxCaptureAnomalies') ?? 0, code).toBe(n - first);
    }
  });
});

describe('where the file was cut', () => {
  it('is known to the analysis even when no capture anomaly is listed', async () => {
    const cutShort = (s: PcapStream): void => {
      connection(s, { cport: 40003, c2s: clientHelloRecord('cut.example'), s2c: new Uint8Array(0), open: true });
      endCutShort(s);
    };
    const all = await analyze(cutShort, {});
    const none = await analyze(cutShort, { maxCaptureAnomalies: 0 });
    expect(all.connections[0]?.captureCut).toBeDefined();
    expect(none.connections[0]?.captureCut).toEqual(all.connections[0]?.captureCut);
    expect(none.anomalies.map((a) => a.code)).toEqual(['capture.truncated_file']);
    expect(summarized(none.anomalies, 'capture.truncated_file', 'maxCaptureAnomalies')).toBe(1);
  });
});

describe('the line that counts anomalies past a limit, in the reports', () => {
  it('names its code where the report shows messages alone, and only there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-anomaly-limits-'));
    const cut = join(dir, 'cut.pcap');
    const whole = readFileSync(join(import.meta.dirname, '../../samples/tls12-mtls-ok-rsa-server.pcap'));
    writeFileSync(cut, whole.subarray(0, whole.length - 10));
    const line = '1 more anomaly with this code was counted but not listed (maxCaptureAnomalies lists 0; raise it with --limit maxCaptureAnomalies=N).';
    const named = `capture.truncated_file: ${line}`;
    for (const format of ['text', 'markdown', 'html']) {
      // Words only: the text report wraps its lines, Markdown escapes _ and parentheses.
      const out = (await runInProcess(['--format', format, '--limit', 'maxCaptureAnomalies=0', cut])).out.replace(/\s+/g, ' ').replace(/\\([_()])/g, '$1');
      expect(out, format).toContain(named);
      expect(out.split(named).length, format).toBe(2);
    }
    const verbose = (await runInProcess(['--verbose', '--limit', 'maxCaptureAnomalies=0', cut])).out.replace(/\s+/g, ' ');
    expect(verbose).toContain(named);
    expect(verbose).not.toContain(`capture.truncated_file: ${named}`);
  });
});
