/**
 * Whole-report formats on a capture with many connections: they list at most
 * --max-report-connections (failed ones first) and count the rest exactly, so their memory does
 * not grow with the capture while the summary, the counts and --fail-on stay right.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { ip, streamOf } from './support.js';
import { clientHelloRecord, concat, connection, handshakeMessage, inRecords, serverHelloRecord } from './tls-bytes.js';

const N = 30_000;
/** Every FAIL_EVERY-th connection is refused with a fatal handshake_failure alert; the others are still open at the end (incomplete). */
const FAIL_EVERY = 500;
const FAILED = N / FAIL_EVERY;

function capture(): AsyncIterable<Uint8Array> {
  const hello = clientHelloRecord('many.example');
  const accepted = concat(serverHelloRecord(), inRecords(22, handshakeMessage(14, new Uint8Array(0))));
  const refused = new Uint8Array([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
  return streamOf(function* (s) {
    for (let i = 0; i < N; i++) {
      connection(s, { client: ip(10, 50 + (i >>> 16), (i >>> 8) & 0xff, i & 0xff), cport: 20000 + (i % 40000), c2s: hello, ...(i % FAIL_EVERY === 0 ? { s2c: refused } : { s2c: accepted, open: true }) });
      if ((i & 0x3ff) === 0) yield;
    }
  });
}

async function run(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runCli([...args, '-'], { stdin: Readable.from(capture()), stdout: (s) => void (out += s), stderr: () => undefined, stdoutIsTty: false, env: {} });
  return { code, out };
}

interface Json {
  summary: { connections: number; failed: number; incomplete: number; tls: number };
  captures: { connections: { status: string }[]; unlisted?: { connections: number; failed: number; tls: number; failures: { connections: number }[] } }[];
}

describe('whole reports of a capture with many connections', () => {
  it(`lists ${FAILED * 2} of ${N} connections, every failed one first, and counts all of them`, async () => {
    const r = await run(['--format', 'json', '--max-report-connections', String(FAILED * 2), '--fail-on', 'failed']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as Json;
    expect(report.summary).toMatchObject({ connections: N, tls: N, failed: FAILED, incomplete: N - FAILED });
    const cap = report.captures[0];
    expect(cap?.connections).toHaveLength(FAILED * 2);
    expect(cap?.connections.filter((c) => c.status === 'failed')).toHaveLength(FAILED);
    expect(cap?.unlisted).toMatchObject({ connections: N - FAILED * 2, failed: 0, tls: N - FAILED * 2 });
  }, 120_000);

  it('past the limit, failed connections themselves are counted by cause, and the text report says how to see them', async () => {
    const r = await run(['--no-color', '--max-report-connections', '10', '--only', 'failed']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${FAILED} TLS connections: 0 ok, ${FAILED} failed`);
    expect(r.out).toContain(`${FAILED - 10} more failed connections are not listed: No common cipher suite (${FAILED - 10}×).`);
    expect(r.out).toContain(`Listed 10 of ${FAILED} connections`);
    expect(r.out).toContain('--format ndjson');
  }, 120_000);
});
