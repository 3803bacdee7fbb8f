/**
 * `npm run fuzz -- --minutes N`: runs the property campaigns (the `*.property.test.ts` and
 * `properties.test.ts` files and the mutation tests under test/) round after round for N minutes,
 * each round with a fresh random seed and more runs per property than the suite uses. A property
 * that fails has its shrunk counterexample saved under test/fuzz-regressions/, where
 * test/fuzz-regressions/replay.test.ts replays it on every `npm test` until it is fixed.
 *
 * Options: --minutes N (default 5), --runs F (multiplier of each property's own run count,
 * default 10), --seed S (the first round's seed, to repeat a round), --rounds K (stop after K
 * rounds), --property-seconds T (longest time one property may draw inputs, default 40),
 * --out DIR (where failures are saved), --root DIR (the project whose tests run); test files
 * given after the options replace the default campaign files.
 */
import { randomInt } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_PROPERTY_SECONDS, DEFAULT_RUNS_FACTOR, FUZZ_ENV } from './fuzz/campaign.js';
import { listFixtureFiles, readFixture } from './fuzz/fixture.js';
import { PROJECT_ROOT, runVitest } from './fuzz/vitest-child.js';

/** The runner's options after parsing. */
export interface FuzzOptions {
  readonly minutes: number;
  readonly runsFactor: number;
  readonly firstSeed: number | null;
  readonly maxRounds: number;
  readonly propertySeconds: number;
  readonly outDir: string;
  readonly root: string;
  readonly files: readonly string[];
}

/** A command-line mistake, reported as one sentence. */
export class FuzzUsageError extends Error {
  readonly code = 'fuzz.usage';
}

/** Parses the runner's arguments (those after `npm run fuzz --`). */
export function parseFuzzArgs(argv: readonly string[]): FuzzOptions {
  let minutes = 5;
  let runsFactor = DEFAULT_RUNS_FACTOR;
  let firstSeed: number | null = null;
  let maxRounds = Number.POSITIVE_INFINITY;
  let propertySeconds = DEFAULT_PROPERTY_SECONDS;
  let outDir: string | null = null;
  let root = PROJECT_ROOT;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      files.push(arg);
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new FuzzUsageError(`${arg} needs a value, e.g. ${arg} 5.`);
    switch (arg) {
      case '--minutes':
        minutes = positive(arg, value);
        break;
      case '--runs':
        runsFactor = positive(arg, value);
        break;
      case '--seed':
        firstSeed = seedOf(value);
        break;
      case '--rounds':
        maxRounds = Math.floor(positive(arg, value));
        break;
      case '--property-seconds':
        propertySeconds = positive(arg, value);
        break;
      case '--out':
        outDir = path.resolve(value);
        break;
      case '--root':
        root = path.resolve(value);
        break;
      default:
        throw new FuzzUsageError(`Unknown option ${arg}; use --minutes, --runs, --seed, --rounds, --property-seconds, --out or --root.`);
    }
  }
  return { minutes, runsFactor, firstSeed, maxRounds, propertySeconds, outDir: outDir ?? path.join(root, 'test', 'fuzz-regressions'), root, files };
}

function positive(option: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new FuzzUsageError(`${option} takes a positive number, not "${text}".`);
  return n;
}

function seedOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || Math.abs(n) > 0xffffffff) throw new FuzzUsageError(`--seed takes a 32-bit integer (as printed for each round), not "${text}".`);
  return n | 0;
}

/** Whether a test file is one of the property or mutation campaigns. */
export function isCampaignFile(relativePath: string): boolean {
  const name = path.basename(relativePath);
  return name.endsWith('.property.test.ts') || name === 'properties.test.ts' || (name.includes('mutation') && name.endsWith('.test.ts'));
}

/** The campaign files under `root`/test, relative to `root`, sorted. */
export function campaignFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(full);
      } else if (isCampaignFile(entry.name)) {
        found.push(path.relative(root, full).split(path.sep).join('/'));
      }
    }
  };
  walk(path.join(root, 'test'));
  return found.sort();
}

/**
 * Runs the rounds; resolves to the process exit code (1 when any round failed). The test
 * runs' own output goes to this process's stdout and stderr, or is kept out of them with
 * `childOutput: 'quiet'` (a test that plants a failure keeps the suite's log clean).
 */
export async function fuzz(options: FuzzOptions, log: (line: string) => void, childOutput: 'shown' | 'quiet' = 'shown'): Promise<number> {
  const files = options.files.length > 0 ? options.files : campaignFiles(options.root);
  if (files.length === 0) throw new FuzzUsageError(`No property campaign files under ${path.join(options.root, 'test')}; name test files *.property.test.ts or give them after the options.`);
  mkdirSync(options.outDir, { recursive: true });
  const deadline = Date.now() + options.minutes * 60_000;
  const saved: string[] = [];
  const failedRounds: number[] = [];
  let round = 0;
  log(`fuzzing ${files.length} files for ${options.minutes} min, runs ×${options.runsFactor}, failures saved in ${path.relative(process.cwd(), options.outDir) || '.'}`);
  while (Date.now() < deadline && round < options.maxRounds) {
    round++;
    const seed = round === 1 && options.firstSeed !== null ? options.firstSeed : randomInt(-0x80000000, 0x80000000);
    log(`round ${round} · seed ${seed} (repeat with --seed ${seed} --rounds 1)`);
    const before = new Set(listFixtureFiles(options.outDir));
    const run = await runVitest(
      options.root,
      [...files, '--reporter', 'dot', '--testTimeout', String(Math.max(60_000, options.propertySeconds * 3000))],
      {
        [FUZZ_ENV.seed]: String(seed),
        [FUZZ_ENV.runs]: String(options.runsFactor),
        [FUZZ_ENV.out]: options.outDir,
        [FUZZ_ENV.deadline]: String(deadline),
        [FUZZ_ENV.propertySeconds]: String(options.propertySeconds),
        [FUZZ_ENV.root]: options.root,
      },
      childOutput === 'quiet',
    );
    const fresh = listFixtureFiles(options.outDir).filter((f) => !before.has(f));
    for (const file of fresh) {
      const f = readFixture(file);
      log(`  saved ${path.relative(process.cwd(), file)}: ${f.testFile} › ${f.testName} (seed ${f.seed}, path ${f.path}): ${f.failure}`);
    }
    saved.push(...fresh);
    if (run.exitCode !== 0) {
      failedRounds.push(round);
      if (fresh.length === 0) log(`  round ${round} failed (exit ${run.exitCode}) without a new counterexample${childOutput === 'shown' ? ': see the output above' : ''}`);
    }
  }
  log(`${round} round${round === 1 ? '' : 's'}, ${failedRounds.length} failed, ${saved.length} counterexample${saved.length === 1 ? '' : 's'} saved`);
  return failedRounds.length > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = await fuzz(parseFuzzArgs(process.argv.slice(2)), (line) => console.log(line));
  } catch (e) {
    if (!(e instanceof FuzzUsageError)) throw e;
    console.error(e.message);
    process.exitCode = 2;
  }
}
