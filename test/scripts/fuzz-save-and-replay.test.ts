/**
 * The whole path of a fuzz failure, on a property planted in a scratch project: a round finds it
 * and saves the shrunk input; the replay fails on that input while the bug is there, passes once
 * it is fixed, and tells a fixture whose test is gone from one that passes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz, parseFuzzArgs } from '../../scripts/fuzz.js';
import { decodeValue, listFixtureFiles, readFixture } from '../../scripts/fuzz/fixture.js';
import { replayFixture } from '../../scripts/fuzz/replay.js';
import { PROJECT_ROOT, runVitest } from '../../scripts/fuzz/vitest-child.js';

/** A "decoder" that fails on a record header announcing more than 0x4000 bytes, behind a seed that never draws one. */
const PLANTED = (bug: boolean): string => `import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

function recordLength(bytes: Uint8Array): number | 'short' {
  if (bytes.length < 5) return 'short';
  const n = (bytes[3]! << 8) | bytes[4]!;
  ${bug ? "if (n > 0x4000) throw new RangeError('record longer than 2^14');" : ''}
  return n;
}

describe('planted record header', () => {
  it('reads any header without throwing', () => {
    fc.assert(fc.property(fc.nat(3), (n) => {
      expect(recordLength(new Uint8Array(n))).toBe('short');
    }));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 5, maxLength: 12 }), fc.boolean(), (bytes, _flag) => {
        expect(typeof recordLength(bytes)).toBe('number');
      }),
      { numRuns: 1, seed: 3, examples: [[Uint8Array.of(0x16, 3, 3, 0, 5), false]] },
    );
  });
});
`;

describe('fuzz: save a failing property and replay it', () => {
  let root = '';
  let out = '';
  const lines: string[] = [];

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'tlsautopsy-fuzz-'));
    out = path.join(root, 'saved');
    mkdirSync(path.join(root, 'test'));
    symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    writeFileSync(path.join(root, 'test', 'planted.property.test.ts'), PLANTED(true));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('the suite alone does not see the bug (one run, a fixed seed)', async () => {
    const plain = await runVitest(root, [], {}, true);
    expect(plain.output).toMatch(/1 passed/);
    expect(plain.exitCode).toBe(0);
  });

  it('a fuzz round multiplies the runs, finds it, prints the seed and saves the shrunk bytes', async () => {
    const code = await fuzz(parseFuzzArgs(['--root', root, '--out', out, '--rounds', '1', '--runs', '50', '--seed', '12345', '--minutes', '5']), (l) => lines.push(l), 'quiet');
    expect(code).toBe(1);
    expect(lines).toContain('round 1 · seed 12345 (repeat with --seed 12345 --rounds 1)');
    const files = listFixtureFiles(out);
    expect(files).toHaveLength(1);
    const f = readFixture(files[0] as string);
    expect(f).toMatchObject({ testFile: 'test/planted.property.test.ts', testName: 'planted record header > reads any header without throwing', call: 1, failure: 'record longer than 2^14' });
    // Shrunk to a smallest header over the limit: five bytes, zeros but for a length just past 2^14, the flag false.
    const [bytes, flag] = (f.counterexample ?? []).map((v) => decodeValue(v));
    expect(flag).toBe(false);
    expect(bytes).toBeInstanceOf(Uint8Array);
    const b = bytes as Uint8Array;
    expect([b.length, b[0], b[1], b[2]]).toEqual([5, 0, 0, 0]);
    expect([0x4001, 0x4100]).toContain(((b[3] ?? 0) << 8) | (b[4] ?? 0));
    expect(f.path).toMatch(/^\d+(:\d+)*$/);
    expect(lines.some((l) => l.includes(`saved ${path.relative(process.cwd(), files[0] as string)}`) && l.includes('record longer than 2^14'))).toBe(true);
    expect(lines.at(-1)).toBe('1 round, 1 failed, 1 counterexample saved');
  });

  it('the replay fails on the saved input while the bug is there', async () => {
    const r = await replayFixture(listFixtureFiles(out)[0] as string, root);
    expect(r).toMatchObject({ reached: true, failed: true });
    expect(r.output).toContain('record longer than 2^14');
    expect(r.output).toMatch(/Counterexample: \[Uint8Array\.from\(\[0,0,0,(64,1|65,0)\]\),false\]/);
  });

  it('a second round finding the same failure keeps the first fixture', async () => {
    const before = listFixtureFiles(out);
    const more: string[] = [];
    const code = await fuzz(parseFuzzArgs(['--root', root, '--out', out, '--rounds', '1', '--runs', '50', '--seed', '999']), (l) => more.push(l), 'quiet');
    expect(code).toBe(1);
    expect(listFixtureFiles(out)).toEqual(before);
    expect(more.at(-1)).toBe('1 round, 1 failed, 0 counterexamples saved');
  });

  it('the replay passes once the bug is fixed', async () => {
    writeFileSync(path.join(root, 'test', 'planted.property.test.ts'), PLANTED(false));
    const r = await replayFixture(listFixtureFiles(out)[0] as string, root);
    expect(r).toMatchObject({ reached: true, failed: false });
  });

  it('a fixture whose test is gone is told apart from one that passes', async () => {
    const file = listFixtureFiles(out)[0] as string;
    const stale = path.join(out, 'stale.json');
    writeFileSync(stale, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), testName: 'planted record header > a test that was renamed' }));
    const r = await replayFixture(stale, root);
    expect(r.reached).toBe(false);
  });
});
