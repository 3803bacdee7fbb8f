/**
 * Finding the shared capture corpus: the environment variable or the default directory, a skip
 * reason outside CI when it is missing, and an error in CI (where a skip would pass untested).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS_ENV_VAR, DEFAULT_CORPUS_DIR, locateCorpus } from './corpus.js';

const root = mkdtempSync(join(tmpdir(), 'tlsautopsy-corpus-'));
const withManifest = join(root, 'captures');
mkdirSync(withManifest);
writeFileSync(join(withManifest, 'MANIFEST.json'), '{"captures":[]}');
// A directory that exists but holds no manifest, and one that does not exist at all.
const empty = join(root, 'empty');
mkdirSync(empty);
const nowhere = join(root, 'nowhere');

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('locateCorpus', () => {
  it('finds the corpus the variable names, whatever the default', () => {
    const c = locateCorpus({ [CORPUS_ENV_VAR]: withManifest, CI: 'true' }, nowhere);
    expect(c).toEqual({ dir: withManifest, manifestPath: join(withManifest, 'MANIFEST.json'), present: true, skipReason: null });
  });

  it('uses the default directory when the variable is unset or empty', () => {
    expect(locateCorpus({}, withManifest)).toMatchObject({ dir: withManifest, present: true });
    expect(locateCorpus({ [CORPUS_ENV_VAR]: '' }, withManifest)).toMatchObject({ dir: withManifest, present: true });
  });

  it('defaults to ../shared/captures beside the project', () => {
    expect(DEFAULT_CORPUS_DIR).toBe(join(import.meta.dirname, '../../../shared/captures'));
  });

  it('missing outside CI: not present, with a reason that names the manifest and the variable', () => {
    for (const env of [{ [CORPUS_ENV_VAR]: empty }, { [CORPUS_ENV_VAR]: nowhere, CI: '' }, { [CORPUS_ENV_VAR]: empty, CI: 'false' }, { [CORPUS_ENV_VAR]: empty, CI: '0' }]) {
      const c = locateCorpus(env, withManifest);
      expect(c.present).toBe(false);
      expect(c.dir).toBe(env[CORPUS_ENV_VAR]);
      expect(c.skipReason).toContain(join(env[CORPUS_ENV_VAR], 'MANIFEST.json'));
      expect(c.skipReason).toContain(CORPUS_ENV_VAR);
    }
  });

  it('missing in CI: throws one sentence that says what to set', () => {
    for (const ci of ['true', '1', 'yes']) {
      expect(() => locateCorpus({ [CORPUS_ENV_VAR]: empty, CI: ci }, withManifest)).toThrow(
        `The shared capture corpus is missing (${join(empty, 'MANIFEST.json')} does not exist) and CI does not skip its tests: set ${CORPUS_ENV_VAR} to the directory that holds MANIFEST.json.`,
      );
    }
    expect(() => locateCorpus({ CI: 'true' }, nowhere)).toThrow(join(nowhere, 'MANIFEST.json'));
  });
});
