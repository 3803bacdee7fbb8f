/** Process entry point: the only place that touches process streams and exits. */
import { runCli } from './run.js';
import { sanitizeText } from '../report/sanitize.js';

// A reader that stops early (`| head`, `| jq` that exits) closes the pipe: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

// The first Ctrl-C ends the reading and still prints the report (`tcpdump -U -w - | tlsautopsy -`
// is stopped that way); a second one quits at once, with the usual status of an interrupt.
const interrupt = new AbortController();
process.once('SIGINT', () => {
  interrupt.abort();
  process.once('SIGINT', () => process.exit(130));
});

// One promise for everyone waiting on stdout's room (the reading, each worker's credit), so
// waiting adds one 'drain' listener at most.
let stdoutDrained: Promise<void> | null = null;
function stdoutReady(): Promise<void> | undefined {
  if (!process.stdout.writableNeedDrain) return undefined;
  stdoutDrained ??= new Promise<void>((resolve) => {
    process.stdout.once('drain', () => {
      stdoutDrained = null;
      resolve();
    });
  });
  return stdoutDrained;
}

const code = await runCli(process.argv.slice(2), {
  interrupt: interrupt.signal,
  stdin: process.stdin,
  stdout: (s) => process.stdout.write(s),
  stdoutBytes: (b) => process.stdout.write(b),
  stdoutReady,
  stderr: (s) => process.stderr.write(s),
  stdoutIsTty: process.stdout.isTTY === true,
  stderrIsTty: process.stderr.isTTY === true,
  ...(process.stdout.isTTY === true && process.stdout.columns > 0 ? { columns: process.stdout.columns } : {}),
  env: process.env,
}).catch((err: unknown) => {
  process.stderr.write(`tlsautopsy: internal error: ${sanitizeText(err instanceof Error ? err.message : String(err))}; please report it.\n`);
  return 2;
});
process.exitCode = code;
if (interrupt.signal.aborted) {
  // A read that can never finish (an idle pipe, a named pipe whose writer stays open) would keep
  // the process alive: once the report is out, leave.
  process.stdout.write('', () => process.exit(code));
}
