/**
 * `--jobs N` over many files: a pool of worker threads (`node:worker_threads`), one file per
 * worker at a time, results handed back in file order whatever order the files finish in.
 *
 * NDJSON text of the file at the head of the order is passed through as it arrives; text of
 * later files waits until every earlier file is done. A worker whose text waits stops reading
 * once `maxHeldOutputChars` of it are held, until its file comes to the head.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { notAnalyzed } from './file-task.js';
import type { FileOutcome } from './file-task.js';
import type { FilterOptions } from './filters.js';
import { CLI_DEFAULTS } from './limits.js';

/** One file for a worker. */
export interface JobRequest {
  readonly index: number;
  readonly path: string;
  readonly mode: 'ndjson' | 'report';
  readonly filters: FilterOptions;
}

/** Told to a worker when NDJSON text it sent has been written out: it may send that much more. */
export interface JobAck {
  readonly kind: 'ack';
  readonly chars: number;
}

/**
 * Default of `--limit maxHeldOutputChars`: NDJSON characters a worker may have sent and not yet
 * seen written. A file that is not first in the order has its text held in memory until the files
 * before it are done (never in a temporary file: nothing is written but the output asked for);
 * past this, its worker waits, so the memory of held output stays bounded (about 2 bytes per
 * character at most, per worker).
 */
export const MAX_UNWRITTEN_CHARS: number = CLI_DEFAULTS.maxHeldOutputChars;

/** Told to a worker when the run is interrupted: it stops reading its file and reports what it read. */
export interface JobStop {
  readonly kind: 'stop';
}

/** What a worker posts back: NDJSON text (any number of times), then the outcome once. */
export type JobReply =
  | { readonly kind: 'text'; readonly index: number; readonly text: string }
  | { readonly kind: 'done'; readonly index: number; readonly outcome: FileOutcome };

/**
 * Cores one analysis thread keeps busy: V8's optimizing compiler and garbage collector run on
 * helper threads beside it. Measured on a 2-core machine with `--jobs 1`: 3.3 s of CPU in 2.2 s
 * (four 32 MiB captures). Two worker threads there were slower than one thread on every size
 * tried (4 × 1, 8 and 32 MiB: 1.2–1.5× the time; 2 × 100 MiB: 1.05×), each warming up on its
 * own with no core left for the helpers.
 */
const CORES_PER_ANALYSIS_THREAD = 1.5;

/**
 * Default of --jobs: as many threads as the cores keep busy (`cores` / 1.5, rounded down), so
 * one, no worker threads, on 2 cores; 2 on 3 or 4 cores, 5 on 8.
 */
export function defaultJobs(cores: number = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / CORES_PER_ANALYSIS_THREAD));
}

/** The compiled worker script, or null when running from sources (tests), where no worker can start. */
export function workerScript(): URL | null {
  const url = new URL('./worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

/** The compiled worker of a split analysis (one capture on several threads), or null from sources. */
export function splitWorkerScript(): URL | null {
  const url = new URL('./split/split-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

/**
 * Runs every file on `threads` workers. `onText` gets NDJSON text and `onDone` each outcome,
 * both strictly in file order.
 */
export async function runJobs(
  script: URL,
  paths: readonly string[],
  threads: number,
  mode: JobRequest['mode'],
  filters: FilterOptions,
  onText: (text: string) => void,
  onDone: (index: number, outcome: FileOutcome) => void,
  interrupt?: AbortSignal,
  outputReady?: () => Promise<void> | undefined,
): Promise<void> {
  const waiting: string[][] = paths.map(() => []);
  const workerOf: (Worker | undefined)[] = paths.map(() => undefined);
  // Who analyzed each file, kept after it is done: its text may be written (and the credit given
  // back) only once earlier files are done, and a worker that never got that credit back would
  // wait forever before a later file.
  const analyzedBy: (Worker | undefined)[] = paths.map(() => undefined);
  // A worker's credit comes back once its text is written and the output has room for more, so
  // a slow reader of stdout holds the workers back instead of the text piling up here.
  const ack = (index: number, chars: number): void => {
    const message: JobAck = { kind: 'ack', chars };
    const send = (): void => analyzedBy[index]?.postMessage(message);
    const wait = outputReady?.();
    if (wait === undefined) send();
    else void wait.then(send);
  };
  const outcomes: (FileOutcome | undefined)[] = paths.map(() => undefined);
  let head = 0;
  let nextJob = 0;
  const advance = (): void => {
    for (;;) {
      const pending = waiting[head];
      if (pending === undefined) return;
      let chars = 0;
      for (const t of pending) {
        onText(t);
        chars += t.length;
      }
      pending.length = 0;
      if (chars > 0) ack(head, chars);
      const outcome = outcomes[head];
      if (outcome === undefined) return;
      onDone(head, outcome);
      head++;
    }
  };
  // Interrupted: files being read stop where they are; files not started are reported as not analyzed.
  interrupt?.addEventListener(
    'abort',
    () => {
      const stop: JobStop = { kind: 'stop' };
      for (const w of new Set(workerOf)) w?.postMessage(stop);
    },
    { once: true },
  );
  const count = Math.max(1, Math.min(threads, paths.length));
  const workers: Promise<void>[] = [];
  for (let w = 0; w < count; w++) {
    workers.push(
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(script);
        const feed = (): void => {
          const index = nextJob++;
          const path = paths[index];
          if (path === undefined) {
            void worker.terminate().then(() => resolve());
            return;
          }
          if (interrupt?.aborted === true) {
            const skipped = notAnalyzed(path, mode);
            if (skipped.line !== null) waiting[index]?.push(skipped.line);
            outcomes[index] = skipped.outcome;
            advance();
            feed();
            return;
          }
          const job: JobRequest = { index, path, mode, filters };
          workerOf[index] = worker;
          analyzedBy[index] = worker;
          worker.postMessage(job);
        };
        worker.on('message', (reply: JobReply) => {
          if (reply.kind === 'text') {
            if (reply.index === head) {
              onText(reply.text);
              ack(reply.index, reply.text.length);
            } else {
              waiting[reply.index]?.push(reply.text);
            }
            return;
          }
          outcomes[reply.index] = reply.outcome;
          workerOf[reply.index] = undefined;
          advance();
          feed();
        });
        worker.on('error', reject);
        feed();
      }),
    );
  }
  await Promise.all(workers);
  advance();
}
