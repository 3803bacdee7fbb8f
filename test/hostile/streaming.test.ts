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

const BUILT = existsSync(join(ROOT, 'dist/cli/worker.js'));
if (!BUILT) console.log('Skipping the --jobs test: the command is not built (run npm run build).');

describe.skipIf(!BUILT)('--jobs over many files', () => {
  it('worker threads give the same output, in file order, as --jobs 1', () => {
    const files = readdirSync(SAMPLES).filter((f) => /\.pcap(ng)?$/.test(f)).sort().map((f) => join(SAMPLES, f));
    const cli = join(ROOT, 'bin/tlsautopsy');
    for (const format of ['ndjson', 'json']) {
      const one = spawnSync(process.execPath, [cli, '--format', format, '--jobs', '1', ...files], { encoding: 'utf8' });
      const many = spawnSync(process.execPath, [cli, '--format', format, '--jobs', '3', ...files], { encoding: 'utf8' });
      expect(one.status).toBe(0);
      expect(many.status).toBe(0);
      expect(many.stdout).toBe(one.stdout);
      expect(many.stdout.length).toBeGreaterThan(1000);
    }
    const lines = spawnSync(process.execPath, [cli, '--format', 'ndjson', '--jobs', '2', ...files], { encoding: 'utf8' }).stdout.trim().split('\n');
    const order = lines.map((l) => (JSON.parse(l) as { file: string }).file);
    expect(order).toEqual([...order].sort((a, b) => files.indexOf(a) - files.indexOf(b)));
  }, 120_000);
});
