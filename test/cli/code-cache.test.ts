/**
 * Start-up from V8's code cache (src/cli/code-cache.ts): where the cache may live, that a cache
 * is used only for the very source it was made from, that a refused or damaged one is replaced,
 * and, through the built command, that a run with a cache prints what a run without one prints
 * and that an NDJSON run (which changes a V8 flag while it runs) leaves a cache the next start
 * accepts.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeCacheDirectory, compileWithCodeCache, isOwnPrivateDirectory, leavesCodeCache } from '../../src/cli/code-cache.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BUILT = existsSync(join(ROOT, 'dist/cli/main.cjs')) && existsSync(join(ROOT, 'dist/cli/code-cache.js'));
if (!BUILT) console.log('Skipping the code cache through the command: the command is not built (run npm run build).');

let scratch = '';
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'tlsautopsy-code-cache-test-'));
});

/** What the fixture scripts leave: the values they computed, by name. */
const results = globalThis as unknown as Record<string, unknown>;
afterEach(() => {
  delete results['codeCacheFixture'];
});

/**
 * A CommonJS file that uses `require`, `__filename` and a few functions, and leaves its result.
 * Each call writes it to a directory of its own: V8 keeps what it compiled in the process by
 * source and file name, and would answer a second compilation of the same file from there
 * without looking at the cache.
 */
function fixtureScript(factor: number): string {
  const file = join(mkdtempSync(join(scratch, 'source-')), 'fixture.cjs');
  writeFileSync(
    file,
    [
      "const { basename } = require('node:path');",
      `function scale(x) { return x * ${factor}; }`,
      'function sum(values) { let s = 0; for (const v of values) s += scale(v); return s; }',
      'globalThis.codeCacheFixture = { file: basename(__filename), sum: sum([1, 2, 3]) };',
    ].join('\n'),
  );
  return file;
}

function cacheFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.bin'));
}

describe('codeCacheDirectory', () => {
  it('is off when asked, chosen when named, and per user in the temporary directory otherwise', () => {
    expect(codeCacheDirectory({ TLSAUTOPSY_CODE_CACHE: 'off' })).toBeNull();
    expect(codeCacheDirectory({ TLSAUTOPSY_CODE_CACHE: '0' })).toBeNull();
    expect(codeCacheDirectory({ NODE_DISABLE_COMPILE_CACHE: '1' })).toBeNull();
    expect(codeCacheDirectory({ TLSAUTOPSY_CODE_CACHE: '/some/dir' })).toBe('/some/dir');
    const own = codeCacheDirectory({});
    expect(own?.startsWith(join(tmpdir(), 'tlsautopsy-code-cache'))).toBe(true);
    if (typeof process.getuid === 'function') expect(own?.endsWith(`-${process.getuid()}`)).toBe(true);
  });
});

describe('isOwnPrivateDirectory', () => {
  it('creates a missing directory that only its owner may enter', () => {
    const dir = join(scratch, 'new');
    expect(isOwnPrivateDirectory(dir)).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('refuses a directory others may write to, a link and a file', () => {
    const shared = join(scratch, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    expect(isOwnPrivateDirectory(shared)).toBe(false);
    chmodSync(shared, 0o775);
    expect(isOwnPrivateDirectory(shared)).toBe(false);
    chmodSync(shared, 0o755);
    expect(isOwnPrivateDirectory(shared)).toBe(true);

    const link = join(scratch, 'link');
    symlinkSync(shared, link);
    expect(isOwnPrivateDirectory(link)).toBe(false);

    const file = join(scratch, 'file');
    writeFileSync(file, '');
    expect(isOwnPrivateDirectory(file)).toBe(false);
  });
});

describe('compileWithCodeCache', () => {
  it('compiles from source, leaves a cache, then compiles from it with the same result', () => {
    const dir = join(scratch, 'cache');
    const first = compileWithCodeCache(fixtureScript(2), dir);
    expect(first.state).toBe('missing');
    first.run();
    expect(results['codeCacheFixture']).toEqual({ file: 'fixture.cjs', sum: 12 });
    first.save();
    const [written] = cacheFiles(dir);
    expect(written).toMatch(new RegExp(`^[0-9a-f]{32}-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.bin$`));
    expect(statSync(join(dir, written ?? '')).mode & 0o777).toBe(0o600);

    delete results['codeCacheFixture'];
    const second = compileWithCodeCache(fixtureScript(2), dir);
    expect(second.state).toBe('used');
    second.run();
    expect(results['codeCacheFixture']).toEqual({ file: 'fixture.cjs', sum: 12 });
  });

  it('never meets the bytecode of another source, even one of the same length', () => {
    // V8 checks a cache against the source's length only: run with the other source's bytecode,
    // this one would compute 12, not 18.
    const dir = join(scratch, 'cache');
    const before = compileWithCodeCache(fixtureScript(2), dir);
    before.run();
    before.save();
    const file = fixtureScript(3);
    const after = compileWithCodeCache(file, dir);
    expect(after.state).toBe('missing');
    after.run();
    expect(results['codeCacheFixture']).toEqual({ file: 'fixture.cjs', sum: 18 });
  });

  it('compiles from source when the cache is damaged, and replaces it', () => {
    const dir = join(scratch, 'cache');
    const first = compileWithCodeCache(fixtureScript(2), dir);
    first.run();
    first.save();
    const [name] = cacheFiles(dir);
    const path = join(dir, name ?? '');
    const damaged = readFileSync(path);
    damaged.fill(0x5a, 0, 64);
    writeFileSync(path, damaged);

    const second = compileWithCodeCache(fixtureScript(2), dir);
    expect(second.state).toBe('rejected');
    second.run();
    expect(results['codeCacheFixture']).toEqual({ file: 'fixture.cjs', sum: 12 });
    second.save();
    expect(compileWithCodeCache(fixtureScript(2), dir).state).toBe('used');
  });

  it('keeps no cache without a directory, or in one others may write to', () => {
    const file = fixtureScript(2);
    const off = compileWithCodeCache(file, null);
    expect(off.state).toBe('off');
    off.run();
    off.save();
    expect(results['codeCacheFixture']).toEqual({ file: 'fixture.cjs', sum: 12 });

    const shared = join(scratch, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const refused = compileWithCodeCache(file, shared);
    expect(refused.state).toBe('off');
    refused.run();
    refused.save();
    expect(cacheFiles(shared)).toEqual([]);
  });

  it('keeps the eight newest caches of a directory', () => {
    const dir = join(scratch, 'cache');
    mkdirSync(dir, { mode: 0o700 });
    const old = Array.from({ length: 10 }, (_, i) => `${String(i).padStart(32, '0')}-old.bin`);
    old.forEach((name, i) => {
      writeFileSync(join(dir, name), '');
      utimesSync(join(dir, name), 1_000_000 + i, 1_000_000 + i);
    });
    const script = compileWithCodeCache(fixtureScript(2), dir);
    script.run();
    script.save();
    const kept = cacheFiles(dir).sort();
    expect(kept).toHaveLength(8);
    // The new cache and the seven newest old ones.
    expect(kept.filter((name) => name.endsWith('-old.bin'))).toEqual(old.slice(3).sort());
  });
});

describe('leavesCodeCache', () => {
  it('is true for an analysis, false for help, the version and the check commands', () => {
    expect(leavesCodeCache(['capture.pcap'])).toBe(true);
    expect(leavesCodeCache(['--format', 'ndjson', 'a.pcap', 'b.pcapng'])).toBe(true);
    expect(leavesCodeCache([])).toBe(false);
    expect(leavesCodeCache(['--version'])).toBe(false);
    expect(leavesCodeCache(['--help'])).toBe(false);
    expect(leavesCodeCache(['-h'])).toBe(false);
    expect(leavesCodeCache(['check-cert', 'server.pem'])).toBe(false);
    expect(leavesCodeCache(['check-keystore', 'store.p12'])).toBe(false);
  });
});

describe.skipIf(!BUILT)('the command with a code cache', () => {
  const SAMPLE = join(ROOT, 'samples/tls12-mtls-client-cert-missing.pcap');

  function run(cache: string, ...argv: string[]): string {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/tlsautopsy'), ...argv], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, TLSAUTOPSY_CODE_CACHE: cache, NODE_DISABLE_COMPILE_CACHE: '' },
    });
    expect(r.status, r.stderr).not.toBe(2);
    return r.stdout;
  }

  it('prints the same report with and without one, and keeps the cache an NDJSON run left', () => {
    const dir = join(scratch, 'cache');
    run(dir, '--version');
    expect(existsSync(dir) ? cacheFiles(dir) : []).toEqual([]);

    const without = run('off', '--format', 'ndjson', SAMPLE);
    expect(without).toContain('"schemaVersion"');
    expect(run(dir, '--format', 'ndjson', SAMPLE)).toBe(without);
    const [name] = cacheFiles(dir);
    expect(name).toBeDefined();
    const path = join(dir, name ?? '');
    const written = statSync(path).mtimeMs;

    // A start that found the cache usable does not write it again: an NDJSON run sets V8's heap
    // sizing while it runs, and a cache written under that flag would be refused at every start.
    expect(run(dir, '--format', 'ndjson', SAMPLE)).toBe(without);
    expect(run(dir, SAMPLE)).toBe(run('off', SAMPLE));
    expect(cacheFiles(dir)).toEqual([name]);
    expect(statSync(path).mtimeMs).toBe(written);
  });
});
