/**
 * What `fc.assert` does inside a fuzz round or a regression replay.
 *
 * The suite's properties pass their own `numRuns` (and often a fixed `seed`) to `fc.assert`, and
 * fast-check lets those local parameters win over `fc.configureGlobal`, so a global setting could
 * neither raise their runs nor change their seed. Instead, scripts/fuzz/setup.ts replaces
 * `fc.assert` with the function built here: in a fuzz round it multiplies each property's own run
 * count, draws its seed from the round's, bounds it in time, and saves a shrunk failure as a
 * fixture; in a replay it feeds the saved counterexample back to the one property it came from.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import type * as FastCheck from 'fast-check';
import { decodeValue, encodeCounterexample, readFixture, saveFixture, type RegressionFixture } from './fixture.js';

type Fc = typeof FastCheck;
type AnyProperty = FastCheck.IRawProperty<unknown[]>;
type AssertParameters = FastCheck.Parameters<unknown[]>;
type Details = FastCheck.RunDetails<unknown[]>;

/** Names of the environment variables the runner and the replay set. */
export const FUZZ_ENV = {
  /** Round seed (32-bit integer); its presence turns fuzzing on. */
  seed: 'TLSAUTOPSY_FUZZ_SEED',
  /** Multiplier of each property's own `numRuns`. */
  runs: 'TLSAUTOPSY_FUZZ_RUNS',
  /** Folder where failures are saved. */
  out: 'TLSAUTOPSY_FUZZ_OUT',
  /** Epoch milliseconds after which properties stop drawing new inputs. */
  deadline: 'TLSAUTOPSY_FUZZ_DEADLINE',
  /** Longest time one property may draw inputs, in seconds. */
  propertySeconds: 'TLSAUTOPSY_FUZZ_PROPERTY_SECONDS',
  /** A fixture to replay (its presence turns replay on). */
  replay: 'TLSAUTOPSY_FUZZ_REPLAY',
  /** A file to which the replay appends a line when it reaches the fixture's property. */
  replayMark: 'TLSAUTOPSY_FUZZ_REPLAY_MARK',
  /** The project root that fixtures' test paths are relative to. */
  root: 'TLSAUTOPSY_FUZZ_ROOT',
} as const;

/** Runs per property when neither the test nor `fc.configureGlobal` says (fast-check's own default). */
const FAST_CHECK_DEFAULT_RUNS = 100;
/** Default multiplier of a property's runs in a fuzz round. */
export const DEFAULT_RUNS_FACTOR = 10;
/** Default bound on one property's time in a fuzz round: below the suite's 60 s test timeout. */
export const DEFAULT_PROPERTY_SECONDS = 40;
/**
 * Under this much time before the deadline a property runs as in the suite (its own runs, no time
 * bound): fast-check counts a property interrupted before its first run as failed, which would be
 * a failure of the clock, not of the code.
 */
const MIN_FUZZ_WINDOW_MS = 10_000;

/** How `fc.assert` behaves, read from the environment. */
export type CampaignSettings =
  | { readonly mode: 'off' }
  | {
      readonly mode: 'fuzz';
      readonly root: string;
      readonly seed: number;
      readonly runsFactor: number;
      readonly outDir: string;
      readonly deadline: number | null;
      readonly propertyMs: number;
    }
  | { readonly mode: 'replay'; readonly root: string; readonly fixture: RegressionFixture; readonly markFile: string | null };

/** Reads the settings the runner (scripts/fuzz.ts) or the replay (scripts/fuzz/replay.ts) passed down. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): CampaignSettings {
  const root = env[FUZZ_ENV.root] ?? process.cwd();
  const replay = env[FUZZ_ENV.replay];
  if (replay !== undefined && replay !== '') return { mode: 'replay', root, fixture: readFixture(replay), markFile: env[FUZZ_ENV.replayMark] ?? null };
  const seed = env[FUZZ_ENV.seed];
  if (seed === undefined || seed === '') return { mode: 'off' };
  const deadline = Number(env[FUZZ_ENV.deadline]);
  return {
    mode: 'fuzz',
    root,
    seed: Number(seed) | 0,
    runsFactor: positiveNumber(env[FUZZ_ENV.runs], DEFAULT_RUNS_FACTOR),
    outDir: env[FUZZ_ENV.out] ?? path.join(root, 'test', 'fuzz-regressions'),
    deadline: Number.isFinite(deadline) && deadline > 0 ? deadline : null,
    propertyMs: positiveNumber(env[FUZZ_ENV.propertySeconds], DEFAULT_PROPERTY_SECONDS) * 1000,
  };
}

function positiveNumber(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text !== undefined && text !== '' && Number.isFinite(n) && n > 0 ? n : fallback;
}

/** The running test, as vitest names it; `null` outside a test. */
export interface TestIdentity {
  /** Absolute path of the test file. */
  readonly file: string;
  /** Full name, `describe > test`. */
  readonly name: string;
}

/**
 * A seed for one property of a round, so that each property draws its own inputs while the round
 * stays reproducible from its one printed seed (FNV-1a of the property's place, mixed with it).
 */
export function propertySeed(roundSeed: number, place: string): number {
  let h = 0x811c9dc5 ^ roundSeed;
  for (let i = 0; i < place.length; i++) h = Math.imul(h ^ place.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** Builds the `fc.assert` that replaces fast-check's own under the given settings. */
export function campaignAssert(fc: Fc, settings: CampaignSettings, currentTest: () => TestIdentity | null): Fc['assert'] {
  const original = fc.assert as (property: AnyProperty, params?: AssertParameters) => Promise<void> | void;
  if (settings.mode === 'off') return fc.assert;
  const calls = new Map<string, number>();

  const wrapped = (property: AnyProperty, params?: AssertParameters): Promise<void> | void => {
    const test = currentTest();
    if (test === null) return original(property, params);
    const testFile = path.relative(settings.root, test.file).split(path.sep).join('/');
    const key = `${testFile}|${test.name}`;
    const call = calls.get(key) ?? 0;
    calls.set(key, call + 1);
    const place = { testFile, testName: test.name, call };
    return settings.mode === 'fuzz' ? fuzzOne(fc, settings, place, property, params) : replayOne(original, settings, place, property, params);
  };
  return wrapped as Fc['assert'];
}

interface Place {
  readonly testFile: string;
  readonly testName: string;
  readonly call: number;
}

function fuzzOne(
  fc: Fc,
  settings: Extract<CampaignSettings, { mode: 'fuzz' }>,
  place: Place,
  property: AnyProperty,
  params: AssertParameters | undefined,
): Promise<void> | void {
  const check = fc.check as (property: AnyProperty, params?: AssertParameters) => Promise<Details> | Details;
  const baseRuns = params?.numRuns ?? fc.readConfigureGlobal().numRuns ?? FAST_CHECK_DEFAULT_RUNS;
  const window = settings.deadline === null ? settings.propertyMs : Math.min(settings.propertyMs, settings.deadline - Date.now());
  if (window < MIN_FUZZ_WINDOW_MS) return (fc.assert as (p: AnyProperty, q?: AssertParameters) => Promise<void> | void)(property, params);
  const seed = propertySeed(settings.seed, `${place.testFile}|${place.testName}|${place.call}`);
  const runParams: AssertParameters = {
    ...params,
    seed,
    numRuns: Math.ceil(baseRuns * settings.runsFactor),
    plugins: [...(params?.plugins ?? []), fc.interruptAfterTimeLimit(window)],
  };
  const settle = (details: Details, message: string | undefined): void => {
    if (!details.failed) return;
    let saved = '';
    if (details.counterexample !== null && details.counterexamplePath !== null) {
      const fixture: RegressionFixture = {
        format: 1,
        ...place,
        seed: details.seed,
        path: details.counterexamplePath,
        numRuns: runParams.numRuns ?? baseRuns,
        counterexample: encodeCounterexample(details.counterexample),
        failure: firstLine(details.errorInstance),
      };
      const { file, isNew } = saveFixture(settings.outDir, fixture);
      saved = `${isNew ? 'saved as' : 'already saved as'} ${path.relative(settings.root, file)}\n`;
    }
    throw new Error(`${saved}${message ?? 'property failed'}`, { cause: details.errorInstance });
  };
  const out = check(property, runParams);
  if (out instanceof Promise) return out.then(async (details) => settle(details, await fc.asyncDefaultReportMessage(details)));
  settle(out, fc.defaultReportMessage(out));
}

function replayOne(
  original: (property: AnyProperty, params?: AssertParameters) => Promise<void> | void,
  settings: Extract<CampaignSettings, { mode: 'replay' }>,
  place: Place,
  property: AnyProperty,
  params: AssertParameters | undefined,
): Promise<void> | void {
  const { fixture } = settings;
  if (place.testFile !== fixture.testFile || place.testName !== fixture.testName || place.call !== fixture.call) return original(property, params);
  if (settings.markFile !== null) appendMark(settings.markFile, place);
  // The saved values first: they replay even after the test's arbitraries change. Seed and path
  // only when some argument had no JSON form.
  const replayParams: AssertParameters =
    fixture.counterexample !== null
      ? { ...params, examples: [fixture.counterexample.map((v) => decodeValue(v))], numRuns: 1, endOnFailure: true }
      : { ...params, seed: fixture.seed, path: fixture.path, numRuns: fixture.numRuns, endOnFailure: true };
  return original(property, replayParams);
}

function appendMark(file: string, place: Place): void {
  // Synchronous on purpose: the mark must be on disk before the property can fail the test.
  appendFileSync(file, `${JSON.stringify(place)}\n`);
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.slice(0, 300) ?? '';
}
