/**
 * Key log files from disk: each reason a file cannot be read in the one sentence the user gets,
 * the size limit, and the warnings for skipped lines and connections past the limit.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readKeyLogFiles } from '../../src/decrypt/keylog-files.js';
import { TlsAutopsyError } from '../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-keylog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const random = (i: number): string => i.toString(16).padStart(2, '0').repeat(32);
const line = (i: number): string => `CLIENT_RANDOM ${random(i)} ${'ab'.repeat(48)}`;

async function refusal(p: Promise<unknown>): Promise<TlsAutopsyError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TlsAutopsyError) return e;
    throw e;
  }
  throw new Error('expected a TlsAutopsyError');
}

describe('key log files', () => {
  it('a missing file and a path through a file: one sentence each, saying what to check', async () => {
    const missing = join(dir, 'none.log');
    expect((await refusal(readKeyLogFiles([missing]))).message).toBe(`The key log '${missing}' cannot be read (there is no such file); check the path given to --keylog.`);
    const file = join(dir, 'plain.log');
    writeFileSync(file, line(1));
    const through = join(file, 'x.log');
    expect((await refusal(readKeyLogFiles([through]))).message).toMatch(/cannot be read \(ENOTDIR: not a directory, open '.*x\.log'\); check the path given to --keylog\.$/);
  });

  it('a file over maxFileBytes is refused with the limit to raise', async () => {
    const file = join(dir, 'big.log');
    writeFileSync(file, `${line(1)}\n${line(2)}\n`);
    expect((await refusal(readKeyLogFiles([file], { maxFileBytes: 100 }))).message).toBe(
      `The key log '${file}' is ${2 * (line(1).length + 1)} bytes, more than the 100 allowed; keep only the connections of this capture in it, or raise the limit with --limit maxKeyLogFileBytes=N.`,
    );
  });

  it('skipped lines past maxWarnings and connections past maxEntries are counted in warnings', async () => {
    const file = join(dir, 'many.log');
    writeFileSync(file, [line(1), line(2), line(3), 'NOT A LINE', 'CLIENT_RANDOM zz', 'BROKEN'].join('\n'));
    const { keyLog, warnings } = await readKeyLogFiles([file], { maxWarnings: 1, maxEntries: 1 });
    expect(keyLog.size).toBe(1);
    expect(warnings[0]).toBe(`${file}:2: skipped: the key logs hold more connections than the 1 kept (maxKeyLogEntries); this line and those of further connections are skipped`);
    expect(warnings.slice(1)).toEqual(['3 more key log lines skipped', '2 lines in all skipped past the first 1 connections; raise the limit with --limit maxKeyLogEntries=N']);
    const one = join(dir, 'one.log');
    writeFileSync(one, [line(1), line(2), 'X'].join('\n'));
    expect((await readKeyLogFiles([one], { maxWarnings: 1, maxEntries: 1 })).warnings.slice(1)).toEqual([
      '1 more key log line skipped',
      '1 line in all skipped past the first 1 connections; raise the limit with --limit maxKeyLogEntries=N',
    ]);
  });
});
