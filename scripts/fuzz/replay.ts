/**
 * Replays one saved failure: runs the fixture's test in a child vitest with the fixture's
 * counterexample fed to the property it came from (scripts/fuzz/campaign.ts, replay mode).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FUZZ_ENV } from './campaign.js';
import { readFixture } from './fixture.js';
import { PROJECT_ROOT, runVitest } from './vitest-child.js';

/** The outcome of replaying one fixture. */
export interface ReplayResult {
  /** The property still fails on the saved input. */
  readonly failed: boolean;
  /**
   * The replay reached the fixture's property. False when its test or its `fc.assert` call is gone
   * (renamed, moved, removed): the fixture then tests nothing and must be updated or deleted.
   */
  readonly reached: boolean;
  readonly exitCode: number;
  readonly output: string;
}

/** Replays `fixtureFile` against the tests under `root` (the project by default). */
export async function replayFixture(fixtureFile: string, root: string = PROJECT_ROOT): Promise<ReplayResult> {
  const fixture = readFixture(fixtureFile);
  const scratch = mkdtempSync(path.join(tmpdir(), 'tlsautopsy-replay-'));
  const markFile = path.join(scratch, 'reached');
  try {
    const run = await runVitest(
      root,
      [fixture.testFile, '--testNamePattern', `${escapeRegExp(lastSegment(fixture.testName))}$`],
      { [FUZZ_ENV.replay]: path.resolve(fixtureFile), [FUZZ_ENV.replayMark]: markFile, [FUZZ_ENV.root]: root },
      true,
    );
    let reached = false;
    try {
      reached = readFileSync(markFile, 'utf8').length > 0;
    } catch {
      reached = false;
    }
    return { failed: run.exitCode !== 0, reached, exitCode: run.exitCode, output: run.output };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// vitest matches the pattern against the name joined with spaces, not with the ' > ' that
// expect.getState() gives, so the test's own title is matched (the campaign checks the full name).
function lastSegment(fullName: string): string {
  return fullName.split(' > ').at(-1) ?? fullName;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
