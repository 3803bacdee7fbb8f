/**
 * Streaming and output hygiene: a capture piped on standard input, a pipe that closes in the
 * middle of a packet, escape sequences from the wire in the terminal report, and nothing
 * written but the requested output. Also `--jobs` over many files (through the built command).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { x509, issue } from '../x509/helpers.js';
import { ROOT, SAMPLES, bytesOf, loadSchemaValidator } from './support.js';
import type { PcapStream } from './support.js';
import { certificateBody, clientHelloRecord, concat, connection, goodConnection, handshakeMessage, inRecords, serverHelloRecord } from './tls-bytes.js';
import { runInProcess } from '../cli/run-in-process.js';
import { encodePcap } from '../../src/capture/writer.js';
import { buildFrame } from '../fixtures/frame-builder.js';
import type { CliRun } from '../cli/run-in-process.js';

function run(argv: string[], stdin?: Readable, tty = false): Promise<CliRun> {
  return runInProcess(argv, { ...(stdin !== undefined ? { stdin } : {}), stdoutIsTty: tty, columns: 120 });
}

/** A Readable that hands out `bytes` in small pieces, as a pipe does. */
function pipeOf(bytes: Uint8Array, piece = 4096): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += piece) yield Buffer.from(bytes.subarray(i, Math.min(bytes.length, i + piece)));
    })(),
  );
}

function manyConnections(s: PcapStream, n: number): void {
  for (let i = 0; i < n; i++) goodConnection(s, 10000 + i);
}

const validate = await loadSchemaValidator();

describe('streaming from a pipe', () => {
  it('cat capture | tlsautopsy --format ndjson - : one line per connection, as they end', async () => {
    const bytes = bytesOf((s) => manyConnections(s, 500));
    const r = await run(['--format', 'ndjson', '-'], pipeOf(bytes));
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { file: string; sni: string; client: { port: number } });
    expect(lines).toHaveLength(500);
    expect(lines.every((l) => l.file === '(stdin)' && l.sni === 'good.example')).toBe(true);
    expect(new Set(lines.map((l) => l.client.port)).size).toBe(500);
  });

  it('a pipe that closes mid-packet yields a report and capture.truncated_file', async () => {
    const whole = bytesOf((s) => manyConnections(s, 20));
    const cut = whole.subarray(0, whole.length - 30); // inside the last packet
    const r = await run(['--format', 'json', '-'], pipeOf(cut, 1000));
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { captures: { anomalies: { code: string }[]; connections: unknown[]; stoppedEarly: boolean }[] };
    const cap = report.captures[0];
    expect(cap?.anomalies.map((a) => a.code)).toContain('capture.truncated_file');
    expect(cap?.stoppedEarly).toBe(true);
    expect(cap?.connections).toHaveLength(20);
    if (validate !== null) expect(validate(report)).toBeNull();
  });
});

describe('terminal and file output hygiene', () => {
  const EVIL_SNI = 'a\u001b[31mRED\u001b]0;owned\u0007.example';
  const capture = async (): Promise<Uint8Array> => {
    const cert = await issue({ name: 'CN=cert\u001b[2Jclear', kind: 'p256', extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'x\u001b[5mblink' }])] });
    const flight = concat(serverHelloRecord(), inRecords(22, concat(handshakeMessage(11, certificateBody([cert.der])), handshakeMessage(14, new Uint8Array(0)))));
    return bytesOf((s) => connection(s, { cport: 4242, c2s: clientHelloRecord(EVIL_SNI), s2c: flight }));
  };

  it('escape sequences in an SNI or a certificate never reach the terminal raw', async () => {
    const bytes = await capture();
    for (const argv of [['-v', '-'], ['-v', '--color', '-'], ['-v', '--no-color', '-']]) {
      const r = await run(argv, pipeOf(bytes), true);
      expect(r.code).toBe(0);
      // Only the report's own SGR colour codes may appear: ESC [ digits ; m.
      const escapes = [...r.out.matchAll(/\u001b(.{0,8})/g)].map((m) => m[1] ?? '');
      for (const e of escapes) expect(e).toMatch(/^\[[\d;]*m/);
      expect(r.out).not.toContain('\u0007');
      expect(r.out).not.toContain('\u001b]');
      expect(r.out).not.toContain('\u001b[2J');
      expect(r.out).not.toContain('\u001b[5m');
      expect(r.out).toContain('RED'); // the name is shown, defanged
      if (argv.includes('--no-color')) expect(r.out).not.toContain('\u001b');
    }
  });

  it('writes only the requested output file, nothing to stdout and nothing else on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-hostile-'));
    const input = join(dir, 'in.pcap');
    writeFileSync(input, await capture());
    for (const [name, format] of [['out.ndjson', 'ndjson'], ['out.json', 'json'], ['out.md', 'markdown'], ['out.html', 'html'], ['out.txt', 'text']] as const) {
      const r = await run(['-o', join(dir, name), input]);
      expect(r.code).toBe(0);
      expect(r.out).toBe('');
      expect(r.err).toBe('');
      expect(readFileSync(join(dir, name), 'utf8').length, format).toBeGreaterThan(10);
    }
    expect(readdirSync(dir).sort()).toEqual(['in.pcap', 'out.html', 'out.json', 'out.md', 'out.ndjson', 'out.txt']);
  });
});

describe('a slow reader of stdout', () => {
  it('holds the reading back: NDJSON never runs far ahead of what stdout took', async () => {
    // 3,000 connections, ~2 MB of NDJSON, read 4 KiB at a time. Stdout here has a 256 KiB
    // buffer that empties only when the analysis waits for it, as a pipe to a slow reader does.
    const bytes = bytesOf((s) => {
      for (let i = 0; i < 3000; i++) goodConnection(s, 10_000 + i);
    });
    const ROOM = 256 * 1024;
    let buffered = 0;
    let most = 0;
    let waits = 0;
    const r = await runInProcess(['--format', 'ndjson', '--limit', 'chunkBytes=4096', '-'], {
      stdin: pipeOf(bytes),
      onStdout: (s) => {
        buffered += s.length;
        most = Math.max(most, buffered);
      },
      stdoutReady: () => {
        if (buffered <= ROOM) return undefined;
        waits++;
        return new Promise<void>((resolve) =>
          setImmediate(() => {
            buffered = 0;
            resolve();
          }),
        );
      },
    });
    expect(r.code).toBe(0);
    expect(r.out.length).toBeGreaterThan(8 * ROOM);
    expect(r.out.trim().split('\n')).toHaveLength(3000);
    expect(waits).toBeGreaterThan(0);
    // Past the buffer by at most one batch of lines (64 Ki characters) and what one 4 KiB read ends.
    expect(most).toBeLessThan(ROOM + 64 * 1024 + 64 * 1024);
  });
});

const BUILT = existsSync(join(ROOT, 'dist/cli/worker.js'));
if (!BUILT) console.log('Skipping the --jobs test: the command is not built (run npm run build).');

describe.skipIf(!BUILT)('--jobs over many files', () => {
  it('worker threads give the same output, in file order, as --jobs 1', () => {
    const files = readdirSync(SAMPLES).filter((f) => /\.pcap(ng)?$/.test(f)).sort().map((f) => join(SAMPLES, f));
    const cli = join(ROOT, 'bin/tlsautopsy');
    for (const format of [['ndjson'], ['ndjson', '--detail', 'full'], ['json']]) {
      const one = spawnSync(process.execPath, [cli, '--format', ...format, '--jobs', '1', ...files], { encoding: 'utf8' });
      const many = spawnSync(process.execPath, [cli, '--format', ...format, '--jobs', '3', ...files], { encoding: 'utf8' });
      expect(one.status).toBe(0);
      expect(many.status).toBe(0);
      expect(many.stdout).toBe(one.stdout);
      expect(many.stdout.length).toBeGreaterThan(1000);
    }
    const lines = spawnSync(process.execPath, [cli, '--format', 'ndjson', '--jobs', '2', ...files], { encoding: 'utf8' }).stdout.trim().split('\n');
    const order = lines.map((l) => (JSON.parse(l) as { file: string }).file);
    expect(order).toEqual([...order].sort((a, b) => files.indexOf(a) - files.indexOf(b)));
  }, 120_000);

  it('a worker whose files finish before their turn gets its output credit back (it does not stall)', () => {
    // The first file is slow (300,000 DNS packets, no connection); meanwhile the other worker
    // runs through the samples, whose text waits behind it. With almost no credit, a worker that
    // lost the credit of a finished file would wait forever before its next one.
    const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-credit-'));
    const dns = buildFrame({ link: 'ethernet', ipVersion: 4, transport: 'udp', src: '10.9.0.1', dst: '10.9.0.2', srcPort: 5353, dstPort: 53, payload: new Uint8Array(40) }).bytes;
    const slow = join(dir, 'slow.pcap');
    writeFileSync(slow, encodePcap(Array.from({ length: 300_000 }, (_, i) => ({ time: { sec: 1_700_000_000 + Math.floor(i / 1000), nsec: (i % 1000) * 1000 }, bytes: dns })), { linkType: 1 }));
    const samples = readdirSync(SAMPLES).filter((f) => /\.pcap(ng)?$/.test(f)).sort().map((f) => join(SAMPLES, f));
    const args = ['--format', 'ndjson', '--limit', 'maxHeldOutputChars=1', slow, ...samples, ...samples];
    const cli = join(ROOT, 'bin/tlsautopsy');
    const one = spawnSync(process.execPath, [cli, '--jobs', '1', ...args], { encoding: 'utf8', timeout: 60_000 });
    const many = spawnSync(process.execPath, [cli, '--jobs', '2', ...args], { encoding: 'utf8', timeout: 60_000 });
    expect(one.status).toBe(0);
    expect(many.signal, 'the run with two workers stalled').toBeNull();
    expect(many.status).toBe(0);
    expect(many.stdout).toBe(one.stdout);
    expect(many.stdout.split('\n').length).toBeGreaterThan(2 * samples.length);
  }, 150_000);
});
