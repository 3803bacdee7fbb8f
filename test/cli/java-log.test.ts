/**
 * --java-log on the command line: repeatable, read once, an unreadable file is one sentence and
 * exit 2, and every output format carries what the logs told (JSON fields, the text line).
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './run-in-process.js';

const DIR = resolve(import.meta.dirname, '../fixtures/java-captures/jsse-tls13-client-ca-not-listed');
const CAPTURE = join(DIR, 'capture.pcap');
const LOGS = ['--java-log', join(DIR, 'client.log'), '--java-log', join(DIR, 'server.log')];

interface JsonOut {
  captures: { javaLogs?: unknown; connections: { mtls: { clientCertificates: number | null; inferred: boolean; source?: string }; alerts: { code: number | null; source?: string }[]; javaLogs?: { side: string; matchedBy: string }[]; findings: { code: string; inferred?: boolean }[] }[] }[];
}

describe('--java-log', () => {
  it('JSON: exact client certificate count and alert code, the logs named on the connection and the capture', async () => {
    const r = await runInProcess(['--format', 'json', ...LOGS, CAPTURE]);
    expect(r.err).toBe('');
    const c = (JSON.parse(r.out) as JsonOut).captures[0]?.connections[0];
    expect(c?.mtls).toMatchObject({ clientCertificates: 0, inferred: false, source: 'java-log' });
    expect(c?.alerts.map((a) => [a.code, a.source])).toEqual([[42, 'java-log']]);
    expect(c?.javaLogs?.map((l) => [l.side, l.matchedBy])).toEqual([['client', 'client-random'], ['server', 'client-random']]);
    expect(c?.findings[0]).toMatchObject({ code: 'client-cert-missing', inferred: false });
    expect((JSON.parse(r.out) as JsonOut).captures[0]?.javaLogs).toEqual([
      { file: join(DIR, 'client.log'), handshakes: 1, matched: 1 },
      { file: join(DIR, 'server.log'), handshakes: 1, matched: 1 },
    ]);
  });

  it('--fail-on client-cert-missing fires on the logged fact', async () => {
    const r = await runInProcess(['--format', 'json', '--fail-on', 'client-cert-missing', ...LOGS, CAPTURE]);
    expect(r.code).toBe(1);
  });

  it('NDJSON lines carry the connection\'s logs', async () => {
    const r = await runInProcess(['--format', 'ndjson', ...LOGS, CAPTURE]);
    const line = JSON.parse(r.out.trim()) as { javaLogs: unknown[]; mtls: { source?: string } };
    expect(line.javaLogs).toHaveLength(2);
    expect(line.mtls.source).toBe('java-log');
  });

  it('NDJSON split across worker threads (--jobs 2) says the same as one thread', async () => {
    const one = await runInProcess(['--format', 'ndjson', '--jobs', '1', ...LOGS, CAPTURE]);
    const two = await runInProcess(['--format', 'ndjson', '--jobs', '2', ...LOGS, CAPTURE]);
    expect(one.out).toContain('"source":"java-log"');
    expect(two.out).toBe(one.out);
  });

  it('text: a line names the logs and how they matched, the finding quotes JSSE', async () => {
    const r = await runInProcess(['--no-color', ...LOGS, CAPTURE]);
    const flat = r.out.replace(/\s+/g, ' ');
    expect(flat).toContain(`Java log ${join(DIR, 'client.log')} (client side, matched by ClientHello random);`);
    expect(flat).toContain('"Empty client certificate chain" (the server\'s Java log');
  });

  it('an unreadable log stops the run with one sentence (exit 2)', async () => {
    const missing = join(DIR, 'no-such.log');
    const r = await runInProcess(['--java-log', missing, CAPTURE]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`tlsautopsy: The Java log '${missing}' cannot be read (there is no such file); check the path given to --java-log.\n`);
    expect(r.out).toBe('');
  });

  it('a file with no Java debug output is told as a warning, and matches nothing', async () => {
    const r = await runInProcess(['--format', 'json', '--java-log', CAPTURE, CAPTURE]);
    expect(r.err).toContain('holds no Java SSL debug output');
    const cap = (JSON.parse(r.out) as JsonOut).captures[0];
    expect(cap?.javaLogs).toEqual([{ file: CAPTURE, handshakes: 0, matched: 0 }]);
    expect(cap?.connections[0]?.javaLogs).toEqual([]);
  });

  it('--limit javaLogTimeWindowMs and the reader limits are accepted', async () => {
    const r = await runInProcess(['--format', 'json', '--limit', 'javaLogTimeWindowMs=100', '--limit', 'maxJavaLogHandshakes=1', ...LOGS, CAPTURE]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
  });
});
