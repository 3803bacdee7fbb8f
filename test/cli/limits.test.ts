/**
 * `--limit NAME=VALUE`: every limit of the README's table can be set from the command line,
 * reaches the analysis on every path (one thread, a worker per file, one capture split across
 * workers), and bad names or values are one-sentence usage errors.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANALYSIS_LIMIT_NAMES, LIMIT_NAMES, analysisLimits, limitMinimum, parseLimit } from '../../src/cli/limits.js';
import { analyzeCapture } from '../../src/analyze.js';
import { encodePcap } from '../../src/capture/writer.js';
import { buildFrame } from '../fixtures/frame-builder.js';
import { getPki } from '../fixtures/certs.js';
import { runInProcess } from './run-in-process.js';
import type { CliRun } from './run-in-process.js';

const ROOT = join(import.meta.dirname, '../..');
const SAMPLES = join(ROOT, 'samples');
const OK = join(SAMPLES, 'tls12-mtls-ok-rsa-server.pcap');
const FIVE = join(SAMPLES, 'interleaved-five-connections.pcapng');

function run(argv: string[]): Promise<CliRun> {
  return runInProcess(argv);
}

// Worker threads run compiled code: the worker paths are driven through the built command.
const BUILT = existsSync(join(ROOT, 'dist/cli/worker.js')) && existsSync(join(ROOT, 'dist/cli/split/split-worker.js'));
if (!BUILT) console.log('Skipping the limits through worker threads: the command is not built (run npm run build).');

function runBuilt(argv: string[]): CliRun {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/tlsautopsy'), ...argv], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

interface Json {
  captures: {
    connections: {
      id: number;
      status: string;
      anomalies: { code: string }[];
      timeline: unknown[];
      certificates: { server: { subjectAltNames: { dns: string[]; ip: string[]; omitted: number } }[] };
    }[];
    anomalies: { code: string }[];
  }[];
}

describe('parseLimit', () => {
  it('reads whole numbers, binary byte suffixes and decimal seconds', () => {
    expect(parseLimit('maxConnections=500000')).toEqual({ name: 'maxConnections', value: 500_000 });
    expect(parseLimit('maxHandshakeMessageBytes=1MiB')).toEqual({ name: 'maxHandshakeMessageBytes', value: 1024 * 1024 });
    expect(parseLimit('maxTotalTlsHeldBytes = 2g')).toEqual({ name: 'maxTotalTlsHeldBytes', value: 2 * 1024 ** 3 });
    expect(parseLimit('maxStarttlsScanBytes=64K')).toEqual({ name: 'maxStarttlsScanBytes', value: 65_536 });
    expect(parseLimit('idleTimeoutSeconds=2.5')).toEqual({ name: 'idleTimeoutSeconds', value: 2.5 });
    expect(parseLimit('maxCertificatesPerChain=0')).toEqual({ name: 'maxCertificatesPerChain', value: 0 });
  });

  it('refuses unknown names, missing or malformed values, suffixes on counts, fractions of bytes, values under the minimum', () => {
    const unknown = parseLimit('maxEverything=1');
    expect('error' in unknown && unknown.error).toMatch(/^--limit names one of maxPacketBytes, .*maxTrustStoreEntries, .*maxHeldOutputChars, not 'maxEverything'\.$/);
    for (const text of ['maxConnections', 'maxConnections=', 'maxConnections=-1', 'maxConnections=0', 'maxConnections=1k', 'maxConnections=1e6', 'maxRecordLength=1.5', 'maxOutOfOrderBytes=4TB', 'idleTimeoutSeconds=10s', 'chunkBytes=0']) {
      const r = parseLimit(text);
      expect('error' in r, text).toBe(true);
      if ('error' in r) expect(r.error, text).toMatch(/^--limit \w+ takes .* as in --limit \w+=\S+; not '.*'\.$/);
    }
  });

  it('every name takes every whole value from 64 up (every minimum is lower), and gives it back as the option of that name', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LIMIT_NAMES), fc.integer({ min: 64, max: 2 ** 40 }), (name, value) => {
        const r = parseLimit(`${name}=${value}`);
        expect(r).toEqual({ name, value });
        const options = analysisLimits({ [name]: value });
        expect(options).toEqual((ANALYSIS_LIMIT_NAMES as readonly string[]).includes(name) ? { [name]: value } : {});
      }),
    );
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const r = parseLimit(text);
        if (!('error' in r)) expect(LIMIT_NAMES).toContain(r.name);
      }),
    );
  });

  it('names every row of the README table', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const name of LIMIT_NAMES) expect(readme, name).toMatch(new RegExp(`\\| \`[^|]*\\b${name}\\b`));
  });
});

describe('--limit on the command line', () => {
  it('exits 2 with one sentence for a bad limit', async () => {
    const r = await run(['--limit', 'maxConnections=lots', OK]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^tlsautopsy: --limit maxConnections takes a whole number of at least 1/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('reaches the TLS layer and the certificate summaries (maxCertificatesPerChain, maxSubjectAltNames)', async () => {
    const base = JSON.parse((await run(['--format', 'json', OK])).out) as Json;
    const limited = JSON.parse((await run(['--format', 'json', '--limit', 'maxCertificatesPerChain=1', '--limit', 'maxSubjectAltNames=0', OK])).out) as Json;
    const b = base.captures[0]?.connections[0];
    const l = limited.captures[0]?.connections[0];
    expect(b?.certificates.server.length).toBeGreaterThan(1);
    expect(l?.certificates.server).toHaveLength(1);
    expect(l?.anomalies.map((a) => a.code)).toContain('tls.handshake.certificate.too_many');
    expect(b?.anomalies.map((a) => a.code)).not.toContain('tls.handshake.certificate.too_many');
    const sans = l?.certificates.server[0]?.subjectAltNames;
    expect(sans?.dns).toEqual([]);
    expect(sans?.omitted).toBe((b?.certificates.server[0]?.subjectAltNames.dns.length ?? 0) + (b?.certificates.server[0]?.subjectAltNames.ip.length ?? 0));
    expect(sans?.omitted).toBeGreaterThan(0);
  });

  it('reaches the flow table and the connection records, in whole reports and in worker threads (maxConnections, maxTimelineEntries)', async () => {
    const base = JSON.parse((await run(['--format', 'json', FIVE])).out) as Json;
    for (const jobs of BUILT ? ['1', '2'] : ['1']) {
      const argv = ['--format', 'json', '--jobs', jobs, '--limit', 'maxConnections=1', '--limit', 'maxTimelineEntries=4', FIVE, OK];
      const r = jobs === '1' ? await run(argv) : runBuilt(argv);
      expect(r.code, jobs).toBe(0);
      const limited = JSON.parse(r.out) as Json;
      const five = limited.captures[0]?.connections ?? [];
      // An evicted connection's later packets start another record: more records, none lost.
      expect(five.length, jobs).toBeGreaterThan(base.captures[0]?.connections.length ?? Infinity);
      expect(five.some((c) => c.anomalies.some((a) => a.code === 'flow.evicted')), jobs).toBe(true);
      for (const c of [...five, ...(limited.captures[1]?.connections ?? [])]) expect(c.timeline.length, jobs).toBeLessThanOrEqual(4);
    }
  });

  it('every limit at its minimum: every sample is still analyzed and reported, nothing crashes', async () => {
    for (const name of LIMIT_NAMES) {
      const r = await run(['--format', 'json', '--limit', `${name}=${limitMinimum(name)}`, SAMPLES]);
      expect(r.err, name).toBe('');
      expect(r.code, name).toBe(0);
      const report = JSON.parse(r.out) as Json;
      expect(report.captures.length, name).toBeGreaterThan(10);
    }
  }, 120_000);

  it.skipIf(!BUILT)('gives one capture split over worker threads the same lines as one thread', async () => {
    // The full lines: the timeline is not on a compact one.
    const args = ['--format', 'ndjson', '--detail', 'full', '--limit', 'maxTimelineEntries=5', '--limit', 'chunkBytes=4096', FIVE];
    const one = await run(['--jobs', '1', ...args]);
    const split = runBuilt(['--jobs', '2', ...args]);
    expect(split.code).toBe(one.code);
    expect(split.out).toBe(one.out);
    const lines = one.out.trim().split('\n').map((l) => JSON.parse(l) as { timeline: unknown[] });
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.some((l) => l.timeline.length === 5)).toBe(true);
    for (const l of lines) expect(l.timeline.length).toBeLessThanOrEqual(5);
  });

  it.skipIf(!BUILT)('reaches the flow tables of a split capture: maxConnections is shared out among the workers', () => {
    // Shared out, so the connections ended early differ from one thread's (README, Performance).
    const split = runBuilt(['--format', 'ndjson', '--detail', 'full', '--jobs', '2', '--limit', 'maxConnections=2', FIVE]);
    expect(split.code).toBe(0);
    const lines = split.out.trim().split('\n').map((l) => JSON.parse(l) as { anomalies: { code: string }[] });
    expect(lines.filter((l) => l.anomalies.some((a) => a.code === 'flow.evicted')).length).toBeGreaterThan(5);
  });
});

describe('certificate limits through the library options', () => {
  it('maxCertificatesPerChain, maxSubjectAltNames and certificateCacheEntries reach analyzeCapture', async () => {
    const a = await analyzeCapture(OK, { maxCertificatesPerChain: 1, maxSubjectAltNames: 1, certificateCacheEntries: 1 });
    const c = a.connections[0];
    const server = c?.handshakes[0]?.serverCertificates ?? [];
    expect(server).toHaveLength(1);
    expect(c?.anomalies.map((x) => x.code)).toContain('tls.handshake.certificate.too_many');
    const sans = server[0]?.subjectAltNames;
    expect((sans?.dns.length ?? 0) + (sans?.ip.length ?? 0)).toBe(2);
    expect(sans?.omitted).toBe(0);
    const none = await analyzeCapture(OK, { maxSubjectAltNames: 0 });
    expect(none.connections[0]?.handshakes[0]?.serverCertificates?.[0]?.subjectAltNames.omitted).toBe(2);
  });
});

describe('maxUdpFlows', () => {
  it('past it, later UDP flows are not told apart and the capture says the counts are lower bounds', async () => {
    const quicInitial = Uint8Array.from([0xc3, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0x40, 0x20, ...new Array<number>(40).fill(0)]);
    const packets = Array.from({ length: 5 }, (_, i) => {
      const frame = buildFrame({ link: 'ethernet', ipVersion: 4, transport: 'udp', src: '10.9.0.1', dst: '10.9.0.2', srcPort: 50_000 + i, dstPort: 443, payload: quicInitial });
      return { time: { sec: 1_700_000_000 + i, nsec: 0 }, bytes: frame.bytes };
    });
    const bytes = encodePcap(packets, { linkType: 1 });
    const all = await analyzeCapture((async function* () { yield bytes; })());
    expect(all.udp.quicFlows).toBe(5);
    expect(all.anomalies.map((a) => a.code)).not.toContain('udp.flow_limit');
    const capped = await analyzeCapture((async function* () { yield bytes; })(), { maxUdpFlows: 2 });
    expect(capped.udp.quicFlows).toBe(2);
    expect(capped.udp.flowsCapped).toBe(true);
    expect(capped.anomalies.find((a) => a.code === 'udp.flow_limit')?.message).toBe('More than 2 UDP flows (maxUdpFlows); the later ones were not told apart, so the DTLS and QUIC counts are lower bounds.');
  });
});

describe('limits on the --keylog and --trust files', () => {
  const keys = join(SAMPLES, 'interleaved-five-connections.keys');

  it('a key log over maxKeyLogFileBytes stops the run with one sentence naming the limit', async () => {
    const r = await run(['--keylog', keys, '--limit', 'maxKeyLogFileBytes=100', FIVE]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^tlsautopsy: The key log '.*' is \d+ bytes, more than the 100 allowed; .*--limit maxKeyLogFileBytes=N\.\n$/);
  });

  it('past maxKeyLogEntries the lines of further connections are skipped with a warning, and those connections are not decrypted', async () => {
    const lines = readFileSync(keys, 'utf8').split('\n').filter((l) => /^[A-Z0-9_]+ [0-9a-f]{64} /.test(l));
    const randoms = new Set(lines.map((l) => l.split(' ')[1]));
    expect(randoms.size).toBeGreaterThan(1);
    const full = JSON.parse((await run(['--format', 'json', '--keylog', keys, FIVE])).out) as { captures: { connections: { decryption: { status: string } | null }[] }[] };
    const r = await run(['--format', 'json', '--keylog', keys, '--limit', 'maxKeyLogEntries=1', FIVE]);
    const skipped = lines.filter((l) => l.split(' ')[1] !== lines[0]?.split(' ')[1]).length;
    expect(r.err.trim().split('\n')).toEqual([
      expect.stringMatching(/^tlsautopsy: key log .*interleaved-five-connections\.keys:\d+: skipped: the key logs hold more connections than the 1 kept \(maxKeyLogEntries\); this line and those of further connections are skipped$/),
      `tlsautopsy: key log ${skipped.toLocaleString('en-US')} lines in all skipped past the first 1 connections; raise the limit with --limit maxKeyLogEntries=N`,
    ]);
    const limited = JSON.parse(r.out) as typeof full;
    const decrypted = (rep: typeof full): number => (rep.captures[0]?.connections ?? []).filter((c) => c.decryption?.status === 'decrypted').length;
    expect(decrypted(full)).toBe(randoms.size);
    expect(decrypted(limited)).toBe(1);
  });

  it('a trust store over maxTrustFileBytes stops the run with one sentence naming the limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-limits-'));
    const store = join(dir, 'ca.pem');
    writeFileSync(store, (await getPki()).rootCa.certPem);
    const r = await run(['--trust', store, '--limit', 'maxTrustFileBytes=100', OK]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^tlsautopsy: The trust store '.*' is \d+ bytes, more than the limit of 100; .*--limit maxTrustFileBytes=N\.\n$/);
    expect((await run(['--trust', store, '--quiet', OK])).code).toBe(0);
  });
});
