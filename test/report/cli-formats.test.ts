/** The Markdown and HTML formats through the command: format choice, footer command line and SHA-256. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli, shellQuote } from '../../src/cli/run.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SAMPLE = 'samples/tls12-mtls-client-cert-missing.pcap';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const code = await runCli(argv, { stdin: new PassThrough(), stdout: (s) => (out += s), stderr: (s) => (err += s), stdoutIsTty: false, env: {} });
    return { code, out, err };
  } finally {
    process.chdir(cwd);
  }
}

const sha = createHash('sha256').update(readFileSync(join(ROOT, SAMPLE))).digest('hex');

describe('markdown and html on the command line', () => {
  it('quotes arguments for a POSIX shell only when needed', () => {
    expect(shellQuote('samples/a-b_c.pcap')).toBe('samples/a-b_c.pcap');
    expect(shellQuote('my capture.pcap')).toBe("'my capture.pcap'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$(rm -rf /)')).toBe("'$(rm -rf /)'");
    expect(shellQuote('')).toBe("''");
  });

  it('writes Markdown with the command line and the capture SHA-256', async () => {
    const r = await run(['--format', 'markdown', SAMPLE]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(/^# samples\/tls12-mtls-client-cert-missing\.pcap: 1 of 1 TLS connection failed/);
    expect(r.out).toContain('```mermaid\nsequenceDiagram');
    expect(r.out).toContain(`\`\`\`sh\ntlsautopsy --format markdown ${SAMPLE}\n\`\`\``);
    expect(r.out).toContain(`| ${SAMPLE.replace(/_/g, '\\_')} | \`${sha}\` |`);
  });

  it('picks HTML from the output file extension', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tlsautopsy-cli-'));
    try {
      const file = join(dir, 'report.html');
      const r = await run(['-o', file, SAMPLE]);
      expect(r.code).toBe(0);
      const html = await readFile(file, 'utf8');
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain(`<td class="mono">${sha}</td>`);
      expect(html).toContain(`<pre>tlsautopsy -o ${file} ${SAMPLE}</pre>`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('marks a capture it cannot read instead of failing the report', async () => {
    const r = await run(['--format', 'markdown', 'samples/no-such-file.pcap']);
    expect(r.code).toBe(2);
    expect(r.out).toContain('| samples/no-such-file.pcap | `(unreadable)` |');
  });
});
