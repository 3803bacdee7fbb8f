/** `--keylog FILE` on the command line: repeatable, bad lines warned about, a wrong path stops the run. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args.js';
import type { Report } from '../../src/report/model.js';
import { scenario } from './scenario-support.js';
import { runInProcess } from '../cli/run-in-process.js';
import type { CliRun } from '../cli/run-in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-keylog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(argv: string[]): Promise<CliRun> {
  return runInProcess(argv);
}

describe('--keylog', () => {
  it('is repeatable', () => {
    expect(parseCliArgs(['--keylog', 'a.keys', '--keylog', 'b.keys', 'x.pcap']).keylogs).toEqual(['a.keys', 'b.keys']);
    expect(parseCliArgs(['x.pcap']).keylogs).toEqual([]);
  });

  it('decrypts with the merged files and reports each connection\'s decryption in JSON', async () => {
    const s = await scenario('tls13-client-cert-missing');
    const capture = join(dir, 'missing.pcapng');
    writeFileSync(capture, s.captureBytes);
    const lines = s.keylog.trim().split('\n');
    const half = Math.ceil(lines.length / 2);
    writeFileSync(join(dir, 'a.keys'), `# first half\n${lines.slice(0, half).join('\n')}\nNOT A KEY LOG LINE\n`);
    writeFileSync(join(dir, 'b.keys'), `${lines.slice(half).join('\n')}\n`);
    const r = await run(['--format', 'json', '--keylog', join(dir, 'a.keys'), '--keylog', join(dir, 'b.keys'), capture]);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`key log ${join(dir, 'a.keys')}:${half + 2}: skipped: unknown label 'NOT'`);
    const report = JSON.parse(r.out) as Report;
    const c = report.captures[0]?.connections[0];
    expect(c?.decryption).toEqual({ status: 'decrypted' });
    expect(c?.mtls.state).toBe('requested-not-sent');
    expect(c?.alerts[0]).toMatchObject({ from: 'server', code: 116, name: 'certificate_required', encrypted: false, decrypted: true });
  });

  it('without a key log the JSON says so', async () => {
    const capture = join(dir, 'missing.pcapng');
    const r = await run(['--format', 'json', capture]);
    const c = (JSON.parse(r.out) as Report).captures[0]?.connections[0];
    expect(c?.decryption?.status).toBe('not-attempted');
    expect(c?.decryption?.reason).toContain('--keylog');
  });

  it('a key log path that cannot be read is a usage error', async () => {
    const r = await run(['--keylog', join(dir, 'nope.keys'), join(dir, 'missing.pcapng')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`The key log '${join(dir, 'nope.keys')}' cannot be read (there is no such file)`);
  });
});
