/** Process entry point: the only place that touches process streams and exits. */
import { runCli } from './run.js';

// A reader that stops early (`| head`, `| jq` that exits) closes the pipe: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: (s) => process.stdout.write(s),
  stdoutBytes: (b) => process.stdout.write(b),
  stderr: (s) => process.stderr.write(s),
  stdoutIsTty: process.stdout.isTTY === true,
  stderrIsTty: process.stderr.isTTY === true,
  ...(process.stdout.isTTY === true && process.stdout.columns > 0 ? { columns: process.stdout.columns } : {}),
  env: process.env,
}).catch((err: unknown) => {
  process.stderr.write(`tlsautopsy: internal error: ${err instanceof Error ? err.message : String(err)}; please report it.\n`);
  return 2;
});
process.exitCode = code;
