/**
 * Start-up from V8's code cache: the command (one bundled CommonJS file, dist/cli/main.cjs) is
 * compiled from the bytecode a previous run left, instead of from its source.
 *
 * Why: on a capture of a few hundred handshakes, compiling the program is a quarter of the run.
 * V8 compiles each function the first time it runs; a cache made when a run ends holds the
 * bytecode of every function that run needed, so the next run compiles almost nothing (measured
 * with Node 20: 131 → 101 ms on a sample capture). Node 22's own compile cache is made right
 * after the module is compiled, before any of its functions ran, and saves less (81 → 66 ms with
 * this cache on Node 22).
 *
 * Safety: V8 checks a cache against its own version and flags, but of the source only its
 * length, so the cache file is named by the SHA-256 of the source: a changed program never meets
 * bytecode of another. The cache directory is the user's own (see `codeCacheDirectory`);
 * bytecode found anywhere else is never run.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** How many cache files (one per program version and Node version) a directory keeps. */
const KEPT_CACHE_FILES = 8;

/** What happened to the cache of one start. */
export type CodeCacheState =
  /** No directory to keep a cache in (turned off, or the directory is not safe to use). */
  | 'off'
  /** No cache yet for this program and Node version: the source was compiled. */
  | 'missing'
  /** V8 refused the cache (other flags, a damaged file): the source was compiled. */
  | 'rejected'
  /** Compiled from the cache. */
  | 'used';

/**
 * The directory for the code cache, or null when there must be none:
 * `TLSAUTOPSY_CODE_CACHE=off` (or Node's `NODE_DISABLE_COMPILE_CACHE=1`) turns it off;
 * `TLSAUTOPSY_CODE_CACHE=DIR` chooses the directory; the default is `tlsautopsy-code-cache-UID`
 * in the system's temporary directory.
 */
export function codeCacheDirectory(env: NodeJS.ProcessEnv): string | null {
  const chosen = env['TLSAUTOPSY_CODE_CACHE'];
  if (chosen === 'off' || chosen === '0' || (env['NODE_DISABLE_COMPILE_CACHE'] ?? '') !== '') return null;
  if (chosen !== undefined && chosen !== '') return chosen;
  const uid = typeof process.getuid === 'function' ? `-${process.getuid()}` : '';
  return join(tmpdir(), `tlsautopsy-code-cache${uid}`);
}

/**
 * Whether `dir` may hold bytecode this process will run: a real directory (not a link), owned by
 * this user, that no one else may write to. Creates it (mode 700) when it does not exist. A
 * shared temporary directory lets anyone create a name first; such a directory is refused.
 * Windows reports every writable directory as writable by all, so no cache is kept there.
 */
export function isOwnPrivateDirectory(dir: string): boolean {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch {
    // Exists already (checked below), or cannot be made (refused below).
  }
  try {
    const st = lstatSync(dir);
    if (!st.isDirectory()) return false;
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return false;
    return (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** A script compiled with the code cache when there was a usable one. */
export interface CachedScript {
  readonly state: CodeCacheState;
  /** Runs the file as a CommonJS module (its `require` resolves from the file's own directory). */
  run(): void;
  /**
   * Writes the cache when this start had none or V8 refused it: the bytecode of everything
   * compiled so far, so call it when the run is over. Never throws: a cache that cannot be
   * written only leaves the next start as slow as this one.
   */
  save(): void;
}

/** Compiles the CommonJS file `file`, from the cache in `dir` when there is one that fits. */
export function compileWithCodeCache(file: string, dir: string | null): CachedScript {
  const bytes = readFileSync(file);
  const usable = dir !== null && isOwnPrivateDirectory(dir);
  const cacheFile = usable ? join(dir, `${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}-${process.version}-${process.arch}.bin`) : null;
  let cached: Buffer | undefined;
  if (cacheFile !== null) {
    try {
      cached = readFileSync(cacheFile);
    } catch {
      cached = undefined;
    }
  }
  // The wrapper Node puts around every CommonJS module, on the first line so that line numbers stay.
  const source = `(function (exports, require, module, __filename, __dirname) { ${bytes.toString('utf8')}\n});`;
  const script = new Script(source, { filename: file, ...(cached !== undefined ? { cachedData: cached } : {}) });
  const state: CodeCacheState = cacheFile === null ? 'off' : cached === undefined ? 'missing' : script.cachedDataRejected === true ? 'rejected' : 'used';
  return {
    state,
    run() {
      const wrapper = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
      const module = { exports: {} };
      wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
    },
    save() {
      if (cacheFile === null || state === 'used') return;
      // Written under a name of its own, then renamed: a run starting meanwhile reads the whole
      // file or none.
      const partial = `${cacheFile}.${process.pid}.partial`;
      try {
        writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
        renameSync(partial, cacheFile);
        keepNewest(dirname(cacheFile), KEPT_CACHE_FILES);
      } catch {
        // A full or read-only disk: the next start compiles the source, as this one did.
        rmSync(partial, { force: true });
      }
    },
  };
}

/** Removes all but the `kept` most recently written cache files of `dir` (older versions' ones). */
function keepNewest(dir: string, kept: number): void {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.bin'))
    .map((name) => ({ path: join(dir, name), written: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.written - a.written);
  for (const old of files.slice(kept)) rmSync(old.path, { force: true });
}

/**
 * Whether a run with these arguments should leave the cache, when there is none: one that
 * analyzes a capture, so that the cache holds the analysis and report code. A run that only
 * prints help, the version or checks a certificate or key store compiles little of it, and a
 * cache it left would serve later analyses poorly (V8 would accept it, and compile the rest).
 */
export function leavesCodeCache(argv: readonly string[]): boolean {
  if (argv.length === 0 || argv[0]?.startsWith('check-') === true) return false;
  return !argv.some((a) => a === '--help' || a === '-h' || a === '--version');
}

/**
 * Runs the bundled command `file` (bin/tlsautopsy's one job): compiled from the code cache when
 * one fits, and leaving one when the run ends if it had none.
 */
export function launch(file: string): void {
  const script = compileWithCodeCache(file, codeCacheDirectory(process.env));
  if (script.state !== 'used' && leavesCodeCache(process.argv.slice(2))) process.once('exit', () => script.save());
  script.run();
}
