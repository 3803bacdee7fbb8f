/**
 * Replays every failure that `npm run fuzz` saved in this folder: each stays a failing test until
 * the code (or the property) is fixed, and a fixture whose property is gone fails too, so it is
 * updated or deleted rather than silently testing nothing.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listFixtureFiles, readFixture } from '../../scripts/fuzz/fixture.js';
import { replayFixture } from '../../scripts/fuzz/replay.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const fixtures = listFixtureFiles(HERE);

describe('saved fuzz failures', () => {
  it('this folder holds only fixtures, this test and its README', () => {
    const others = readdirSync(HERE).filter((n) => !n.endsWith('.json') && n !== 'README.md' && n !== path.basename(fileURLToPath(import.meta.url)));
    expect(others).toEqual([]);
    for (const file of fixtures) expect(readFixture(file).testFile).toMatch(/^test\/.+\.test\.ts$/);
  });

  it.each(fixtures.map((f) => [path.basename(f), f] as const))('%s: the property passes on the saved input', async (_name, file) => {
    const fixture = readFixture(file);
    const r = await replayFixture(file);
    expect(r.reached, `${fixture.testFile} › ${fixture.testName} (call ${fixture.call}) no longer exists; update or delete ${path.basename(file)}.`).toBe(true);
    expect(r.failed, r.output).toBe(false);
  }, 300_000);
});
