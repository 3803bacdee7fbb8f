/**
 * The library's entry points: `analyzeFile` and `analyzeStream` give the report the command
 * line's JSON gives, and with `maxReportConnections` they list at most that many connections
 * (failed first), counting the others, in memory that no longer grows with the capture.
 */
import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile, analyzeStream } from '../../src/index.js';
import type { Report } from '../../src/index.js';
import { runInProcess } from '../cli/run-in-process.js';

const SAMPLES = join(import.meta.dirname, '../../samples');
const FILES = readdirSync(SAMPLES)
  .filter((f) => /\.(pcap|pcapng)$/.test(f))
  .map((f) => join(SAMPLES, f));

/** The parts of a report that do not depend on when and by which version it was made. */
function stable(r: Report): unknown {
  return JSON.parse(JSON.stringify(r.captures));
}

describe('analyzeFile', () => {
  it('gives the same captures as the command line JSON, for every sample', async () => {
    for (const path of FILES) {
      const cli = JSON.parse((await runInProcess(['--format', 'json', path])).out) as Report;
      expect(stable(await analyzeFile(path)), path).toEqual(stable(cli));
    }
  });

  it('with a listing limit above the count, gives exactly the report that keeps every connection', async () => {
    for (const path of FILES) {
      expect(stable(await analyzeFile(path, { maxReportConnections: 1_000_000 })), path).toEqual(stable(await analyzeFile(path)));
    }
  });

  it('with a listing limit below the count, lists the failed connections first and counts the others', async () => {
    const path = join(SAMPLES, 'interleaved-five-connections.pcapng');
    const full = await analyzeFile(path);
    const all = full.captures[0]?.connections ?? [];
    expect(all.length).toBe(5);
    const limited = await analyzeFile(path, { maxReportConnections: 2 });
    const cap = limited.captures[0];
    expect(cap?.connections).toHaveLength(2);
    expect(cap?.unlisted?.connections).toBe(3);
    expect(cap?.unlisted?.limit).toBe(2);
    expect(limited.summary).toEqual(full.summary);
    const rank = (s: string): number => (s === 'failed' ? 0 : s === 'incomplete' ? 1 : 2);
    const best = [...all].sort((a, b) => rank(a.status) - rank(b.status) || a.id - b.id).slice(0, 2).map((c) => c.id).sort((a, b) => a - b);
    expect(cap?.connections.map((c) => c.id)).toEqual(best);
    for (const c of cap?.connections ?? []) expect(c).toEqual(all.find((x) => x.id === c.id));
  });

  it('keep: only the connections it accepts are listed and counted', async () => {
    const path = join(SAMPLES, 'interleaved-five-connections.pcapng');
    const all = (await analyzeFile(path)).captures[0]?.connections ?? [];
    const wanted = all.filter((c) => c.id % 2 === 1).map((c) => c.id);
    const r = await analyzeFile(path, { keep: (c) => c.id % 2 === 1 });
    expect(r.captures[0]?.connections.map((c) => c.id)).toEqual(wanted);
    expect(r.summary.connections).toBe(wanted.length);
  });
});

describe('analyzeStream', () => {
  it('reads a capture from a stream, named as given, with the same connections as the file', async () => {
    const path = join(SAMPLES, 'tls12-mtls-client-cert-missing.pcap');
    const fromStream = await analyzeStream(createReadStream(path), { name: 'piped.pcap', maxReportConnections: 10 });
    const fromFile = await analyzeFile(path);
    expect(fromStream.captures[0]?.file).toBe('piped.pcap');
    expect(fromStream.captures[0]?.connections).toEqual(fromFile.captures[0]?.connections);
  });
});
