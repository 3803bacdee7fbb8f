/**
 * Mistakes on the command line get one sentence that says what to do, never an "internal
 * error" or a report silently written in another format than the file name says.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getPki } from '../fixtures/certs.js';
import { runInProcess } from './run-in-process.js';

const SAMPLE = join(import.meta.dirname, '../../samples/tls12-mtls-client-cert-missing.pcap');
const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-usage-'));

describe('-o FILE', () => {
  it('names a missing directory before analyzing anything', async () => {
    const r = await runInProcess(['-o', '/no/such/dir/x.html', SAMPLE]);
    expect(r.code).toBe(2);
    expect(r.err).toBe("tlsautopsy: Cannot write the report to '/no/such/dir/x.html': the directory /no/such/dir does not exist; create it or choose another path with -o.\n");
    expect(r.err).not.toContain('internal error');
  });

  it('names a missing directory for NDJSON too', async () => {
    const r = await runInProcess(['-o', '/no/such/dir/x.ndjson', SAMPLE]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("Cannot write the report to '/no/such/dir/x.ndjson': the directory /no/such/dir does not exist");
  });

  it('refuses a directory as the report file', async () => {
    const r = await runInProcess(['-o', dir, '--format', 'text', SAMPLE]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`tlsautopsy: Cannot write the report to '${dir}': it is a directory; give a file name with -o.\n`);
  });

  it('refuses an extension that names no format, listing the known ones, and writes nothing', async () => {
    const pdf = join(dir, 'x.pdf');
    const r = await runInProcess(['-o', pdf, SAMPLE]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`tlsautopsy: Cannot tell the report format from the name '${pdf}'; end it in .txt, .json, .ndjson, .jsonl, .md, .markdown, .html, .htm, or give --format. Run 'tlsautopsy --help' for the options.\n`);
    expect(existsSync(pdf)).toBe(false);
  });

  it('takes any name when --format says the format', async () => {
    const log = join(dir, 'report.log');
    const r = await runInProcess(['-o', log, '--format', 'json', SAMPLE]);
    expect(r.code).toBe(0);
    expect(existsSync(log)).toBe(true);
  });
});

describe('unknown options', () => {
  it('-V: one sentence with balanced quotes that points at --version', async () => {
    const r = await runInProcess(['-V']);
    expect(r.code).toBe(2);
    expect(r.err).toBe("tlsautopsy: Unknown option '-V'; did you mean '--version'? Run 'tlsautopsy --help' for the options.\n");
  });

  it('a misspelt long option gets the closest one', async () => {
    const r = await runInProcess(['--keylgo', 'k', SAMPLE]);
    expect(r.code).toBe(2);
    expect(r.err).toBe("tlsautopsy: Unknown option '--keylgo'; did you mean '--keylog'? Run 'tlsautopsy --help' for the options.\n");
  });

  it('check-cert says the same, without a --version it does not have', async () => {
    const r = await runInProcess(['check-cert', '-V']);
    expect(r.code).toBe(2);
    expect(r.err).toBe("tlsautopsy: Unknown option '-V'. Run 'tlsautopsy check-cert --help' for the options.\n");
  });
});

describe('check-cert validity wording', () => {
  beforeAll(async () => {
    const pki = await getPki();
    writeFileSync(join(dir, 'root.pem'), pki.rootCa.certPem);
    writeFileSync(join(dir, 'carol.pem'), pki.clientExpired.chainPem);
  });

  it('says "now" when no time is given: there is no capture', async () => {
    const r = await runInProcess(['check-cert', '--trust', join(dir, 'root.pem'), join(dir, 'carol.pem')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/expired on \S+, before now, \d{4}-/);
    expect(r.out).not.toContain('capture time');
  });

  it('names --at when a time is given', async () => {
    const r = await runInProcess(['check-cert', '--trust', join(dir, 'root.pem'), '--at', '2026-01-01T00:00:00Z', join(dir, 'carol.pem')]);
    expect(r.out).toContain('before the time given with --at, 2026-01-01T00:00:00');
    expect(r.out).not.toContain('capture time');
  });
});

describe('--detail', () => {
  it('is for NDJSON only: with another format it stops the run with one sentence', async () => {
    for (const args of [['--detail', 'full', SAMPLE], ['--format', 'json', '--detail', 'full', SAMPLE], ['-o', join(dir, 'r.md'), '--detail', 'compact', SAMPLE]]) {
      const r = await runInProcess(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toBe("tlsautopsy: --detail applies only to NDJSON output; add --format ndjson, or leave --detail out. Run 'tlsautopsy --help' for the options.\n");
    }
  });

  it('names the two values for an unknown one', async () => {
    const r = await runInProcess(['--format', 'ndjson', '--detail', 'short', SAMPLE]);
    expect(r.code).toBe(2);
    expect(r.err).toBe("tlsautopsy: Unknown --detail value 'short'; use compact or full. Run 'tlsautopsy --help' for the options.\n");
  });

  it('takes the format from an .ndjson or .jsonl file name', async () => {
    for (const name of ['r.ndjson', 'r.jsonl']) {
      const out = join(dir, name);
      const r = await runInProcess(['-o', out, '--detail', 'full', SAMPLE]);
      expect(r.code, r.err).toBe(0);
      expect(readFileSync(out, 'utf8')).toContain('"timeline":');
    }
  });
});
