/**
 * Golden files for every report format on the bundled samples (committed captures, so the
 * output is deterministic): text, JSON, Markdown and compact NDJSON for each sample, HTML for
 * two, and the full NDJSON lines (--detail full) of them all in one file. A change in
 * any report shows up here as a diff to review (`vitest -u` accepts it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SAMPLES = readdirSync(join(ROOT, 'samples'))
  .filter((f) => /\.(pcap|pcapng)$/.test(f))
  .sort();
const HTML_SAMPLES = new Set(['interleaved-five-connections.pcapng', 'tls12-mtls-client-cert-missing.pcap']);

async function render(args: string[]): Promise<string> {
  let out = '';
  await runCli(args, { stdin: Readable.from([]), stdout: (s) => void (out += s), stderr: () => undefined, stdoutIsTty: false, env: {}, columns: 120 });
  return out;
}

describe('report formats on the samples', () => {
  it('has samples to check', () => expect(SAMPLES.length).toBeGreaterThan(10));
  for (const sample of SAMPLES) {
    // Relative paths keep the command line in the Markdown/HTML footer the same on every machine.
    const file = `samples/${sample}`;
    it(sample, async () => {
      process.chdir(ROOT);
      await expect(await render(['--no-color', '--verbose', file])).toMatchFileSnapshot(`./__golden__/samples/${sample}.txt`);
      await expect(await render(['--format', 'json', file])).toMatchFileSnapshot(`./__golden__/samples/${sample}.json`);
      await expect(await render(['--format', 'markdown', file])).toMatchFileSnapshot(`./__golden__/samples/${sample}.md`);
      await expect(await render(['--format', 'ndjson', file])).toMatchFileSnapshot(`./__golden__/samples/${sample}.ndjson`);
      if (HTML_SAMPLES.has(sample)) await expect(await render(['--format', 'html', file])).toMatchFileSnapshot(`./__golden__/samples/${sample}.html`);
    });
  }

  it('--detail full: the whole connection record on each NDJSON line', async () => {
    process.chdir(ROOT);
    await expect(await render(['--format', 'ndjson', '--detail', 'full', 'samples/'])).toMatchFileSnapshot('./__golden__/samples-full.ndjson');
  });

  it('the README shows the compact line the command writes', async () => {
    process.chdir(ROOT);
    const file = 'samples/tls12-mtls-client-cert-missing.pcap';
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
    const shown = readme.filter((l) => l.startsWith(`{"schemaVersion":`) && l.includes(`"file":"${file}"`));
    expect(shown).toEqual([(await render(['--format', 'ndjson', file])).trimEnd()]);
  });

  it('lists at most --max-report-connections connections and says so in every format', async () => {
    process.chdir(ROOT);
    const file = 'samples/interleaved-five-connections.pcapng';
    const limited = ['--max-report-connections', '2', file];
    await expect(await render(['--no-color', ...limited])).toMatchFileSnapshot('./__golden__/limited/interleaved-five-connections.txt');
    await expect(await render(['--format', 'json', ...limited])).toMatchFileSnapshot('./__golden__/limited/interleaved-five-connections.json');
    await expect(await render(['--format', 'markdown', ...limited])).toMatchFileSnapshot('./__golden__/limited/interleaved-five-connections.md');
    await expect(await render(['--format', 'html', ...limited])).toMatchFileSnapshot('./__golden__/limited/interleaved-five-connections.html');
  });
});
