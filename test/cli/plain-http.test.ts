/**
 * A connection whose client never spoke TLS is "not TLS", not a failure: `curl http://…` to a
 * plain HTTP server must not make `--fail-on error` fail a CI job. A TLS client answered in HTTP
 * still is one.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { httpServer, plainHttpClient, runSession } from '../fixtures/tls-session.js';
import type { SessionOptions } from '../fixtures/tls-session.js';
import { synthesizeTcp } from '../fixtures/tcp-synth.js';
import { writeCapture } from '../fixtures/write-capture.js';
import { runInProcess } from './run-in-process.js';

const SAMPLES = join(import.meta.dirname, '../../samples');

interface JsonConnection {
  readonly status: string;
  readonly findings: readonly { readonly code: string; readonly severity: string }[];
}

async function capture(session: SessionOptions, serverPort: number): Promise<string> {
  const record = await runSession(session);
  const frames = synthesizeTcp(record, { client: { ip: '10.0.0.5', port: 50300 }, server: { ip: '10.0.0.20', port: serverPort } });
  const path = join(mkdtempSync(join(tmpdir(), 'tlsautopsy-http-')), 'plain-http.pcap');
  writeFileSync(path, writeCapture(frames, { format: 'pcap' }));
  return path;
}

function connections(json: string): JsonConnection[] {
  const report = JSON.parse(json) as { captures: { connections: JsonConnection[] }[] };
  return report.captures.flatMap((c) => c.connections);
}

describe('plain HTTP between a plain client and a plain server', () => {
  let path = '';
  beforeAll(async () => {
    path = await capture({ client: plainHttpClient('intranet.example.com'), server: httpServer() }, 80);
  });

  it('is not TLS, with no error finding', async () => {
    const run = await runInProcess(['--format', 'json', path]);
    expect(run.code).toBe(0);
    const [c, ...rest] = connections(run.out);
    expect(rest).toEqual([]);
    expect(c?.status).toBe('not-tls');
    expect(c?.findings.map((f) => f.code)).not.toContain('not-tls-reply');
    expect(c?.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('does not trip --fail-on error', async () => {
    const run = await runInProcess(['--fail-on', 'error', '--quiet', path]);
    expect(run.code).toBe(0);
  });

  it('is still worth saying on a standard TLS port (plaintext-to-tls-port, not not-tls-reply)', async () => {
    const onTlsPort = await capture({ client: plainHttpClient(), server: httpServer() }, 443);
    const [c] = connections((await runInProcess(['--format', 'json', onTlsPort])).out);
    expect(c?.status).toBe('not-tls');
    expect(c?.findings.map((f) => f.code)).toEqual(['plaintext-to-tls-port']);
  });
});

describe('a ClientHello answered in HTTP', () => {
  it('is still not-tls-reply, an error that trips --fail-on error', async () => {
    const sample = join(SAMPLES, 'tls-client-to-http-server.pcap');
    const [c] = connections((await runInProcess(['--format', 'json', sample])).out);
    expect(c?.findings.map((f) => f.code)).toContain('not-tls-reply');
    expect((await runInProcess(['--fail-on', 'error', '--quiet', sample])).code).toBe(1);
  });
});
