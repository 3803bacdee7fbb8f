/**
 * `--jobs N` over many files: a pool of worker threads (`node:worker_threads`), one file per
 * worker at a time, results handed back in file order whatever order the files finish in.
 *
 * NDJSON text of the file at the head of the order is passed through as it arrives; text of
 * later files waits until every earlier file is done, so memory holds at most the output of
 * the files in flight.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileOutcome } from './file-task.js';
import type { FilterOptions } from './filters.js';

/** One file for a worker. */
export interface JobRequest {
  readonly index: number;
  readonly path: string;
  readonly mode: 'ndjson' | 'report';
  readonly filters: FilterOptions;
}

/** What a worker posts back: NDJSON text (any number of times), then the outcome once. */
export type JobReply =
  | { readonly kind: 'text'; readonly index: number; readonly text: string }
  | { readonly kind: 'done'; readonly index: number; readonly outcome: FileOutcome };

/** Default of --jobs: the cores the process may use. */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
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
): Promise<void> {
  const waiting: string[][] = paths.map(() => []);
  const outcomes: (FileOutcome | undefined)[] = paths.map(() => undefined);
  let head = 0;
  let nextJob = 0;
  const advance = (): void => {
    for (;;) {
      const pending = waiting[head];
      if (pending === undefined) return;
      for (const t of pending) onText(t);
      pending.length = 0;
      const outcome = outcomes[head];
      if (outcome === undefined) return;
      onDone(head, outcome);
      head++;
    }
  };
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
          const job: JobRequest = { index, path, mode, filters };
          worker.postMessage(job);
        };
        worker.on('message', (reply: JobReply) => {
          if (reply.kind === 'text') {
            if (reply.index === head) onText(reply.text);
            else waiting[reply.index]?.push(reply.text);
            return;
          }
          outcomes[reply.index] = reply.outcome;
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
