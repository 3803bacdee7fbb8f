/**
 * Where the shared capture corpus is: real third-party captures with their expected facts in
 * MANIFEST.json, kept outside the project (they are not ours to copy). Every test that reads the
 * corpus finds it here, so one environment variable moves it for all of them.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The environment variable naming the corpus directory (the one that holds MANIFEST.json). */
export const CORPUS_ENV_VAR = 'TLSAUTOPSY_SHARED_CAPTURES';

/** Where the corpus is when the variable is unset: `../shared/captures` beside the project. */
export const DEFAULT_CORPUS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/captures');

/** The corpus as found: its directory and manifest, and why its tests skip when it is absent. */
export interface Corpus {
  readonly dir: string;
  readonly manifestPath: string;
  readonly present: boolean;
  /** The sentence a skipping test prints; null when the corpus is present. */
  readonly skipReason: string | null;
}

/** The environment a lookup reads: `process.env`, or an explicit one in tests. */
export type CorpusEnv = Readonly<Record<string, string | undefined>>;

/**
 * Finds the corpus from `TLSAUTOPSY_SHARED_CAPTURES`, else `defaultDir`. Outside CI a missing
 * corpus gives a skip reason; when `CI` is set (to anything but "", "0" or "false") it throws,
 * because CI always has the corpus and a skip there would pass without testing anything.
 */
export function locateCorpus(env: CorpusEnv = process.env, defaultDir: string = DEFAULT_CORPUS_DIR): Corpus {
  const named = env[CORPUS_ENV_VAR];
  const dir = named !== undefined && named !== '' ? resolve(named) : defaultDir;
  const manifestPath = join(dir, 'MANIFEST.json');
  if (existsSync(manifestPath)) return { dir, manifestPath, present: true, skipReason: null };
  if (inCi(env)) {
    throw new Error(`The shared capture corpus is missing (${manifestPath} does not exist) and CI does not skip its tests: set ${CORPUS_ENV_VAR} to the directory that holds MANIFEST.json.`);
  }
  return { dir, manifestPath, present: false, skipReason: `${manifestPath} is not there (set ${CORPUS_ENV_VAR} to the corpus directory to run these tests)` };
}

function inCi(env: CorpusEnv): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** The corpus of this run; importing a test that needs it fails in CI when it is missing. */
export const SHARED_CORPUS: Corpus = locateCorpus();
