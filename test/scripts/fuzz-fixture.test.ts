import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodeValue,
  encodeCounterexample,
  encodeValue,
  fixtureFileName,
  fixtureProblem,
  listFixtureFiles,
  readFixture,
  saveFixture,
  type RegressionFixture,
} from '../../scripts/fuzz/fixture.js';
import { propertySeed, settingsFromEnv } from '../../scripts/fuzz/campaign.js';
import { parseFuzzArgs, isCampaignFile } from '../../scripts/fuzz.js';

/** Values of the kinds properties in this suite draw, nested. */
const arbValue = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b)),
    fc.double(),
    fc.integer(),
    fc.bigInt(),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.date(),
    fc.int16Array({ maxLength: 4 }),
    fc.bigUint64Array({ maxLength: 2 }),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constant('$type')), tie('node'), { maxKeys: 3 }),
    fc.uniqueArray(fc.integer(), { maxLength: 3 }).map((xs) => new Set(xs)),
    fc.array(fc.tuple(fc.string(), tie('node')), { maxLength: 3 }).map((es) => new Map(es)),
  ),
})).node;

describe('fuzz fixture values', () => {
  it('every value survives encoding, JSON and decoding with its type', () => {
    fc.assert(
      fc.property(arbValue, (v) => {
        const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(v))));
        expect(back).toStrictEqual(v);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps bytes as a hex string a person can read', () => {
    expect(encodeValue([Uint8Array.of(0x16, 0x03, 0x01), { len: 5 }])).toEqual([{ $type: 'bytes', hex: '160301' }, { len: 5 }]);
    expect(encodeValue(new Uint8Array([0, 1, 2, 3]).subarray(1, 3))).toEqual({ $type: 'bytes', hex: '0102' });
  });

  it('has no JSON form for functions and class instances, and says so with null', () => {
    class Packet {
      readonly x = 1;
    }
    expect(encodeCounterexample([Uint8Array.of(1), () => 1])).toBeNull();
    expect(encodeCounterexample([new Packet()])).toBeNull();
    expect(encodeCounterexample([new DataView(new ArrayBuffer(2))])).toBeNull();
    expect(encodeCounterexample([1, 'a'])).toEqual([1, 'a']);
  });

  it('refuses an unknown tag instead of replaying something else', () => {
    expect(() => decodeValue({ $type: 'regexp', source: 'a' })).toThrow(/Unknown value tag "regexp"/);
  });
});

describe('fuzz fixture files', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });
  const fixture = (over: Partial<RegressionFixture> = {}): RegressionFixture => ({
    format: 1,
    testFile: 'test/decode/headers.test.ts',
    testName: 'ipv4 > never throws',
    call: 0,
    seed: -5,
    path: '3:1',
    numRuns: 3000,
    counterexample: [{ $type: 'bytes', hex: '45' }],
    failure: 'boom',
    ...over,
  });

  it('names a file after the test, the call and the seed', () => {
    expect(fixtureFileName(fixture())).toBe('decode-headers--ipv4-never-throws--0--fffffffb.json');
  });

  it('saves once per test and call: the same failure found again keeps the first file', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'fixtures-'));
    const first = saveFixture(dir, fixture());
    expect(first.isNew).toBe(true);
    expect(readFixture(first.file)).toEqual(fixture());
    expect(saveFixture(dir, fixture({ seed: 99, path: '7' }))).toEqual({ file: first.file, isNew: false });
    const other = saveFixture(dir, fixture({ call: 1 }));
    expect(other.isNew).toBe(true);
    expect(listFixtureFiles(dir)).toEqual([first.file, other.file].sort());
  });

  it('rejects a malformed fixture with the file named and what to do', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'fixtures-'));
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...fixture(), seed: 'x' }));
    expect(() => readFixture(file)).toThrow(`${file} is not a fuzz regression fixture (seed is not an integer); fix or delete it.`);
    expect(fixtureProblem([])).toBe('not an object');
    expect(fixtureProblem({ ...fixture(), format: 2 })).toBe('format is not 1');
    expect(fixtureProblem({ ...fixture(), counterexample: 'ab' })).toBe('counterexample is neither an array nor null');
    expect(JSON.parse(readFileSync(file, 'utf8')).seed).toBe('x');
  });

  it('finds no fixture in a folder that does not exist', () => {
    expect(listFixtureFiles(path.join(tmpdir(), 'no-such-folder-for-fixtures'))).toEqual([]);
  });
});

describe('fuzz settings', () => {
  it('is off without a seed, fuzzes with one, replays with a fixture', () => {
    expect(settingsFromEnv({})).toEqual({ mode: 'off' });
    const s = settingsFromEnv({ TLSAUTOPSY_FUZZ_SEED: '42', TLSAUTOPSY_FUZZ_RUNS: '3', TLSAUTOPSY_FUZZ_ROOT: '/r', TLSAUTOPSY_FUZZ_DEADLINE: '1000' });
    expect(s).toEqual({ mode: 'fuzz', root: '/r', seed: 42, runsFactor: 3, outDir: path.join('/r', 'test', 'fuzz-regressions'), deadline: 1000, propertyMs: 40_000 });
    expect(settingsFromEnv({ TLSAUTOPSY_FUZZ_SEED: '1', TLSAUTOPSY_FUZZ_RUNS: 'lots' })).toMatchObject({ runsFactor: 10, deadline: null });
  });

  it('gives each property of a round its own seed, the same on every repeat of the round', () => {
    expect(propertySeed(7, 'a|b|0')).toBe(propertySeed(7, 'a|b|0'));
    const seeds = new Set(['a|b|0', 'a|b|1', 'a|c|0'].flatMap((p) => [propertySeed(7, p), propertySeed(8, p)]));
    expect(seeds.size).toBe(6);
  });

  it('parses the runner options and refuses bad ones in one sentence', () => {
    const o = parseFuzzArgs(['--minutes', '2', '--runs', '4', '--seed', '-12', '--rounds', '3', 'test/x.property.test.ts']);
    expect(o).toMatchObject({ minutes: 2, runsFactor: 4, firstSeed: -12, maxRounds: 3, files: ['test/x.property.test.ts'] });
    expect(() => parseFuzzArgs(['--minutes', '0'])).toThrow('--minutes takes a positive number, not "0".');
    expect(() => parseFuzzArgs(['--minutes'])).toThrow('--minutes needs a value, e.g. --minutes 5.');
    expect(() => parseFuzzArgs(['--seed', '1.5'])).toThrow(/--seed takes a 32-bit integer/);
    expect(() => parseFuzzArgs(['--hours', '1'])).toThrow(/^Unknown option --hours; use --minutes/);
  });

  it('takes the property files, the properties files and the mutation tests as campaigns', () => {
    expect(['a/reassembly.property.test.ts', 'capture/properties.test.ts', 'hostile/mutations.test.ts', 'decode/headers.test.ts', 'x/properties.ts'].filter(isCampaignFile)).toEqual([
      'a/reassembly.property.test.ts',
      'capture/properties.test.ts',
      'hostile/mutations.test.ts',
    ]);
  });
});
