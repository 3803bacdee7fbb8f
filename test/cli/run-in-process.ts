/** Runs the command line in this process with captured output: what the CLI tests drive. */
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/run.js';
import type { CliIo } from '../../src/cli/run.js';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** How the run sees its surroundings; each has the default of a non-terminal with no environment. */
export interface CliSetting {
  readonly stdin?: Readable;
  readonly env?: Record<string, string>;
  readonly stdoutIsTty?: boolean;
  readonly columns?: number;
  /** Stands for stdout's room (see CliIo.stdoutReady). */
  readonly stdoutReady?: () => Promise<void> | undefined;
  /** Called with each piece written to stdout, as it is written. */
  readonly onStdout?: (s: string) => void;
  /** Stands for the process's heap setting of an NDJSON run (see CliIo.streaming). */
  readonly streaming?: () => void;
}

export async function runInProcess(argv: readonly string[], setting: CliSetting = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdin: setting.stdin ?? Readable.from([]),
    stdout: (s) => {
      out += s;
      setting.onStdout?.(s);
    },
    stderr: (s) => void (err += s),
    stdoutIsTty: setting.stdoutIsTty ?? false,
    ...(setting.columns !== undefined ? { columns: setting.columns } : {}),
    ...(setting.stdoutReady !== undefined ? { stdoutReady: setting.stdoutReady } : {}),
    ...(setting.streaming !== undefined ? { streaming: setting.streaming } : {}),
    env: setting.env ?? {},
  };
  const code = await runCli([...argv], io);
  return { code, out, err };
}
