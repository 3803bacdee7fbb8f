/**
 * Ctrl-C: the first one ends the reading and the report is still printed, made of what was
 * read (`tcpdump -U -w - | tlsautopsy -` is stopped that way); files not started are reported
 * as not analyzed; a second Ctrl-C quits at once. Runs the built command in a child process,
 * since only a process receives signals. The sources never end, so a command that did not stop
 * would fail on the test timeout; what is checked is the work done (every packet written was
 * read, and the reports say after how many), never how long it took.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/tlsautopsy');
const SAMPLE = join(ROOT, 'samples/tls12-mtls-client-cert-missing.pcap');
const BUILT = existsSync(join(ROOT, 'dist/cli/main.cjs')) && existsSync(join(ROOT, 'dist/cli/worker.js'));
if (!BUILT) console.log('Skipping the Ctrl-C tests: the command is not built (run npm run build).');

interface Finished {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

function start(args: string[]): { child: ChildProcessWithoutNullStreams; done: Promise<Finished> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => void (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => void (err += d.toString('utf8')));
  const ended = (stream: NodeJS.ReadableStream) => new Promise<void>((r) => stream.on('end', r));
  const outputs = Promise.all([ended(child.stdout), ended(child.stderr)]);
  const done = new Promise<Finished>((resolveDone) =>
    child.on('exit', (code) => {
      void outputs.then(() => resolveDone({ code, out, err }));
    }),
  );
  return { child, done };
}

/** A named pipe holding the sample's packets, with its writing end kept open (read blocks, never ends). */
function openFifo(dir: string, name: string): { path: string; close: () => void } {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  // Read-write, so opening does not wait for a reader; the reader then never sees the end.
  const fd = openSync(path, 'r+');
  writeSync(fd, readFileSync(SAMPLE));
  return { path, close: () => closeSync(fd) };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What each open descriptor of a process points to (Linux /proc), or null elsewhere. */
function descriptors(pid: number): { fd: string; target: string }[] | null {
  const dir = `/proc/${pid}/fd`;
  if (!existsSync(dir)) return null;
  const out: { fd: string; target: string }[] = [];
  for (const fd of readdirSync(dir)) {
    try {
      out.push({ fd, target: readlinkSync(join(dir, fd)) });
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

/** Is the child reading its standard input (fd 0 registered with one of its epoll instances)? */
function readingStdin(pid: number): boolean | null {
  const fds = descriptors(pid);
  if (fds === null) return null;
  return fds.some((d) => {
    if (d.target !== 'anon_inode:[eventpoll]') return false;
    try {
      return /^tfd:\s+0\s/m.test(readFileSync(`/proc/${pid}/fdinfo/${d.fd}`, 'utf8'));
    } catch {
      return false;
    }
  });
}

/**
 * Waits until the child reads what the test gives it (standard input, or the named files), so
 * the Ctrl-C comes after its handler is in place and its reading began, then `settle` ms more;
 * a fixed wait where /proc is not there.
 */
async function ready(pid: number | undefined, settle: number, files: readonly string[] = []): Promise<void> {
  if (pid === undefined) return sleep(1500 + settle);
  for (let waited = 0; waited < 15_000; waited += 25) {
    const fds = descriptors(pid);
    if (fds === null) return sleep(1500 + settle);
    const reading = files.length === 0 ? readingStdin(pid) === true : files.every((f) => fds.some((d) => d.target === f));
    if (reading) return sleep(settle);
    await sleep(25);
  }
}

describe.skipIf(!BUILT)('Ctrl-C', () => {
  it('on standard input: the report of what was read, with a note, within the grace period; exit status as usual', async () => {
    const { child, done } = start(['--no-color', '--fail-on', 'client-cert-missing', '-']);
    child.stdin.write(readFileSync(SAMPLE)); // and never ended, like a capture still running
    await ready(child.pid, 200);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(1);
    expect(r.out).toContain('Client certificate missing');
    // The note in words; its code is for --verbose and JSON.
    expect(r.out).toContain('Reading was interrupted after 11 packets');
    expect(r.out).not.toContain('capture.interrupted');
    expect(r.out).not.toContain('The capture ended early');
    expect(r.err).toContain('tlsautopsy: interrupted: the report is made of what was read so far');
  }, 20_000);

  it('a second Ctrl-C quits at once with status 130', async () => {
    const { child, done } = start(['-']);
    child.stdin.write(readFileSync(SAMPLE));
    await ready(child.pid, 200);
    child.kill('SIGINT');
    await sleep(200);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.out).toBe('');
  }, 20_000);

  it('NDJSON over several files: the lines of what was read, then the error line of the file not started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-interrupt-'));
    const fifos = [openFifo(dir, 'a.pcap'), openFifo(dir, 'b.pcap')];
    try {
      const { child, done } = start(['--format', 'ndjson', '--jobs', '2', ...fifos.map((f) => f.path), SAMPLE]);
      await ready(child.pid, 500, fifos.map((f) => f.path));
      child.kill('SIGINT');
      const r = await done;
      expect(r.code).toBe(2);
      const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { file: string; error?: string; status?: string });
      expect(lines.map((l) => l.file)).toEqual([...fifos.map((f) => f.path), SAMPLE]);
      expect(lines.slice(0, 2).every((l) => l.status === 'failed')).toBe(true);
      expect(lines[2]?.error).toBe('The run was interrupted before this file was read; run again to analyze it.');
    } finally {
      for (const f of fifos) f.close();
    }
  }, 20_000);

  it('NDJSON of one capture split over worker threads: reading stops at once, the lines of what was read are written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-interrupt-'));
    const fifo = openFifo(dir, 'one.pcap');
    try {
      const { child, done } = start(['--format', 'ndjson', '--jobs', '2', '--fail-on', 'client-cert-missing', fifo.path]);
      await ready(child.pid, 500, [fifo.path]);
      child.kill('SIGINT');
      const r = await done;
      // The sample's one connection, ended where reading stopped and judged as usual.
      expect(r.code).toBe(1);
      const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { file: string; id: number; status: string; findings: { code: string }[] });
      expect(lines.map((l) => [l.file, l.id, l.status])).toEqual([[fifo.path, 1, 'failed']]);
      expect(lines[0]?.findings.map((f) => f.code)).toContain('client-cert-missing');
      expect(r.err).toContain('tlsautopsy: interrupted');
    } finally {
      fifo.close();
    }
  }, 20_000);

  for (const jobs of ['1', '2']) {
    it(`over several files (--jobs ${jobs}): files being read stop at once, files not started are named as not analyzed`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-interrupt-'));
      const fifos = jobs === '1' ? [openFifo(dir, 'a.pcap')] : [openFifo(dir, 'a.pcap'), openFifo(dir, 'b.pcap')];
      try {
        const { child, done } = start(['--format', 'json', '--jobs', jobs, ...fifos.map((f) => f.path), SAMPLE]);
        await ready(child.pid, 500, fifos.map((f) => f.path));
        child.kill('SIGINT');
        const r = await done;
        expect(r.code).toBe(2);
        const report = JSON.parse(r.out) as { captures: { file: string; error: string | null; anomalies: { code: string; message: string }[]; connections: unknown[] }[] };
        expect(report.captures.map((c) => c.file)).toEqual([...fifos.map((f) => f.path), SAMPLE]);
        for (const cap of report.captures.slice(0, fifos.length)) {
          expect(cap.error).toBeNull();
          expect(cap.anomalies.find((a) => a.code === 'capture.interrupted')?.message).toContain('Reading was interrupted after 11 packets');
          expect(cap.connections).toHaveLength(1);
        }
        expect(report.captures.at(-1)?.error).toBe('The run was interrupted before this file was read; run again to analyze it.');
        expect(r.err).toContain(`${SAMPLE}: The run was interrupted before this file was read`);
      } finally {
        for (const f of fifos) f.close();
      }
    }, 20_000);
  }
});
