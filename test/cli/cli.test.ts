/** The command line in-process: inputs, filters, formats and the documented exit codes. */
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './run-in-process.js';
import type { CliRun } from './run-in-process.js';

const SAMPLES = join(import.meta.dirname, '../../samples');

function run(argv: string[], stdin?: Readable): Promise<CliRun> {
  return runInProcess(argv, stdin === undefined ? {} : { stdin });
}

describe('command line', () => {
  it('analyzes a directory of samples and exits 0 without --fail-on', async () => {
    const r = await run([SAMPLES]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('tls12-mtls-client-cert-missing.pcap');
    expect(r.out).toContain('Client certificate missing');
    expect(r.err).toBe('');
  });

  it('exits 1 when a --fail-on code matches, 0 when none does', async () => {
    const missing = join(SAMPLES, 'tls12-mtls-client-cert-missing.pcap');
    expect((await run(['--fail-on', 'client-cert-missing', '--quiet', missing])).code).toBe(1);
    expect((await run(['--fail-on', 'failed', '--quiet', missing])).code).toBe(1);
    const ok = join(SAMPLES, 'tls12-mtls-ok-rsa-server.pcap');
    const r = await run(['--fail-on', 'client-cert-missing,failed', '--quiet', ok]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
  });

  it('exits 2 with one sentence for a usage error', async () => {
    const r = await run(['--format', 'xml', 'x.pcap']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^tlsautopsy: Unknown format 'xml'.*--help/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('reports an unreadable file, still analyzes the others, and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-cli-'));
    const notCapture = join(dir, 'notes.pcap');
    writeFileSync(notCapture, 'GET / HTTP/1.1\r\nHost: example\r\n\r\n');
    const r = await run(['--format', 'json', notCapture, join(SAMPLES, 'tls-version-mismatch.pcap'), join(dir, 'missing.pcap')]);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.out) as { captures: { file: string; error: string | null; connections: unknown[] }[] };
    expect(report.captures.map((c) => c.error === null)).toEqual([false, true, false]);
    expect(report.captures[0]?.error).toMatch(/text/i);
    expect(report.captures[2]?.error).toMatch(/no such file; check the path/);
    expect(report.captures[1]?.connections.length).toBe(1);
    expect(r.err.split('\n').filter((l) => l.length > 0)).toHaveLength(2);
  });

  it('reads a capture from standard input with -', async () => {
    const r = await run(['--format', 'json', '-'], createReadStream(join(SAMPLES, 'tls12-mtls-client-cert-missing.pcap')));
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { captures: { file: string; connections: { status: string; mtls: { state: string } }[] }[] };
    expect(report.captures[0]?.file).toBe('(stdin)');
    expect(report.captures[0]?.connections[0]?.status).toBe('failed');
    expect(report.captures[0]?.connections[0]?.mtls.state).toBe('requested-not-sent');
  });

  it('--only failed keeps failed connections; --sni and --port filter', async () => {
    const file = join(SAMPLES, 'interleaved-five-connections.pcapng');
    const failed = JSON.parse((await run(['--format', 'json', '--only', 'failed', file])).out) as { captures: { connections: { status: string }[] }[] };
    expect(failed.captures[0]?.connections.length).toBeGreaterThan(0);
    expect(failed.captures[0]?.connections.every((c) => c.status === 'failed')).toBe(true);
    const none = JSON.parse((await run(['--format', 'json', '--sni', 'nowhere.example', file])).out) as { captures: { connections: unknown[] }[] };
    expect(none.captures[0]?.connections).toEqual([]);
    const port = JSON.parse((await run(['--format', 'json', '--port', '443', file])).out) as { captures: { connections: unknown[] }[] };
    expect(port.captures[0]?.connections.length).toBe(5);
  });

  it('ndjson has one parseable line per connection', async () => {
    const r = await run(['--format', 'ndjson', join(SAMPLES, 'interleaved-five-connections.pcapng')]);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(5);
    for (const l of lines) expect((JSON.parse(l) as { schemaVersion: number }).schemaVersion).toBe(2);
  });

  it('--version and --help', async () => {
    expect((await run(['--version'])).out).toMatch(/^tlsautopsy \d+\.\d+\.\d+\n$/);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Exit codes');
  });
});

describe('--max-report-connections', () => {
  interface Json {
    summary: { connections: number; ok: number; failed: number; incomplete: number; byCause: Record<string, number> };
    captures: { file: string; connections: { id: number; status: string }[]; unlisted?: { connections: number; failed: number; limit: number } }[];
  }

  it('lists at most N connections over the run, failed ones first, with the same summary as a full report', async () => {
    const full = JSON.parse((await run(['--format', 'json', SAMPLES])).out) as Json;
    const r = await run(['--format', 'json', '--max-report-connections', '4', SAMPLES]);
    expect(r.code).toBe(0);
    const limited = JSON.parse(r.out) as Json;
    expect(limited.summary).toEqual(full.summary);
    const listed = limited.captures.flatMap((c) => c.connections);
    expect(listed).toHaveLength(4);
    expect(full.summary.failed).toBeGreaterThan(4);
    expect(listed.every((c) => c.status === 'failed')).toBe(true);
    for (const [i, cap] of limited.captures.entries()) {
      const all = full.captures[i]?.connections ?? [];
      expect(cap.file).toBe(full.captures[i]?.file);
      expect(cap.connections.length + (cap.unlisted?.connections ?? 0)).toBe(all.length);
      expect(cap.unlisted === undefined || cap.unlisted.limit === 4).toBe(true);
      // The listed connections are the full report's, unchanged.
      for (const c of cap.connections) expect(all.find((x) => x.id === c.id)).toEqual(c);
    }
  });

  it('judges --fail-on on every connection, listed or not', async () => {
    const missing = join(SAMPLES, 'tls12-mtls-client-cert-missing.pcap');
    const r = await run(['--fail-on', 'client-cert-missing', '--max-report-connections', '0', missing]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('1 failed connection is not listed: Client certificate missing (1×).');
    expect(r.out).toContain('Listed 0 of 1 connections');
  });

  it('takes a whole number', async () => {
    const r = await run(['--max-report-connections', 'many', 'x.pcap']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^tlsautopsy: --max-report-connections takes a whole number of connections, not 'many'\./);
  });
});
