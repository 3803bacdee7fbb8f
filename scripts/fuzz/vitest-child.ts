/**
 * Starts vitest in a child process for a fuzz round or a replay: the campaign settings travel as
 * environment variables (scripts/fuzz/campaign.ts reads them in every test worker).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The project this script belongs to: its vitest and its vitest.config.ts serve every root. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VITEST_ENTRY = `${PROJECT_ROOT}node_modules/vitest/vitest.mjs`;
const VITEST_CONFIG = `${PROJECT_ROOT}vitest.config.ts`;

/** What a child vitest run gave. */
export interface ChildRun {
  readonly exitCode: number;
  /** stdout and stderr interleaved, when captured; empty when they went to this process's own. */
  readonly output: string;
}

/**
 * Runs `vitest run …args` with `root` as its root and the fuzz variables in `fuzzEnv`. Variables
 * of an enclosing vitest (when a test starts this) and of an enclosing campaign are dropped, so
 * the child is configured by `fuzzEnv` alone.
 */
export function runVitest(root: string, args: readonly string[], fuzzEnv: Readonly<Record<string, string>>, capture: boolean): Promise<ChildRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VITEST') && !k.startsWith('TLSAUTOPSY_FUZZ_') && k !== 'TEST' && k !== 'NODE_ENV') env[k] = v;
  Object.assign(env, fuzzEnv, { FORCE_COLOR: '0', NO_COLOR: '1' });
  const child = spawn(process.execPath, [VITEST_ENTRY, 'run', '--config', VITEST_CONFIG, '--root', root, ...args], {
    cwd: root,
    env,
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (t: string) => void (output += t));
  child.stderr?.setEncoding('utf8').on('data', (t: string) => void (output += t));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ exitCode: code ?? (signal === null ? 1 : 128), output }));
  });
}
