/** Process entry point: the only place that touches process streams, V8 flags and exits. */
import { setFlagsFromString } from 'node:v8';
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

/**
 * How far V8 may grow the heap past what survived the last full collection, in percent, during
 * an NDJSON run (`--heap-growing-percent`). Such a run writes each connection as it ends and
 * keeps ~20-25 MiB alive whatever the capture, but V8's own sizing lets the heap grow to several
 * times that with garbage between full collections: 155-185 MiB peak on the bench inputs against
 * 123-127 MiB with 25 %, at the same speed (full collections of so small a heap take a few
 * milliseconds). The whole-report formats hold up to `maxReportConnections` reports and keep
 * V8's sizing: collecting their larger heap more often costs more than it saves.
 * Set it yourself to choose: `node --heap-growing-percent=N "$(command -v tlsautopsy)" …` (Node
 * refuses the flag in NODE_OPTIONS).
 */
const NDJSON_HEAP_GROWING_PERCENT = 25;

/** Whether this run changed V8's heap sizing (so that it puts it back when it ends). */
let heapSizingChanged = false;

function keepHeapSmall(): void {
  const chosen = process.execArgv.some((a) => /heap[-_]growing[-_]percent/.test(a));
  if (chosen) return;
  try {
    setFlagsFromString(`--heap-growing-percent=${NDJSON_HEAP_GROWING_PERCENT}`);
    heapSizingChanged = true;
  } catch {
    // A runtime that refuses flags after start-up keeps its own sizing: only the peak differs.
  }
}

/**
 * Puts V8's heap sizing back (0: its own) once the run is over. A code cache written when the
 * process ends (dist/cli/code-cache.js) records V8's flags, and the next start, which begins
 * with the default, would refuse a cache made under another value.
 */
function restoreHeapSizing(): void {
  if (!heapSizingChanged) return;
  try {
    setFlagsFromString('--heap-growing-percent=0');
  } catch {
    // Refused like the change itself: the next start compiles without the cache.
  }
}

void runCli(process.argv.slice(2), {
  streaming: keepHeapSmall,
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
})
  .catch((err: unknown) => {
    process.stderr.write(`tlsautopsy: internal error: ${sanitizeText(err instanceof Error ? err.message : String(err))}; please report it.\n`);
    return 2;
  })
  .then((code) => {
    restoreHeapSizing();
    process.exitCode = code;
    if (interrupt.signal.aborted) {
      // A read that can never finish (an idle pipe, a named pipe whose writer stays open) would keep
      // the process alive: once the report is out, leave.
      process.stdout.write('', () => process.exit(code));
    }
  });
