/**
 * Worker thread of `--jobs N`: analyzes the files it is sent, one at a time, and posts back
 * NDJSON text in batches (as connections end) or the filtered capture report. Text it has sent
 * and not yet seen written (acknowledged) is bounded: past `maxHeldOutputChars` the reading of
 * the capture waits for acknowledgements.
 */
import { parentPort } from 'node:worker_threads';
import { ndjsonFile, reportFile } from './file-task.js';
import { MAX_UNWRITTEN_CHARS } from './jobs.js';
import type { JobAck, JobReply, JobRequest, JobStop } from './jobs.js';

const port = parentPort;
if (port !== null) {
  let unwritten = 0;
  let maxHeld = MAX_UNWRITTEN_CHARS;
  let resume: (() => void) | null = null;
  const beforeChunk = (): Promise<void> | undefined =>
    unwritten <= maxHeld
      ? undefined
      : new Promise<void>((resolve) => {
          resume = resolve;
        });
  // The file being analyzed: a stop (the run was interrupted) ends its reading.
  let current: AbortController | null = null;
  port.on('message', (message: JobRequest | JobAck | JobStop) => {
    if ('kind' in message && message.kind === 'stop') {
      current?.abort();
      return;
    }
    if ('kind' in message) {
      unwritten -= message.chars;
      if (unwritten <= maxHeld && resume !== null) {
        const r = resume;
        resume = null;
        r();
      }
      return;
    }
    const job = message;
    maxHeld = job.filters.limits?.maxHeldOutputChars ?? MAX_UNWRITTEN_CHARS;
    const stopper = new AbortController();
    current = stopper;
    const signal = stopper.signal;
    const post = (reply: JobReply): void => port.postMessage(reply);
    const sendText = (chunk: string | Uint8Array): void => {
      // Files here are analyzed on this thread alone, so their lines come as text.
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      unwritten += text.length;
      post({ kind: 'text', index: job.index, text });
    };
    const work =
      job.mode === 'ndjson'
        ? ndjsonFile(job.path, job.path, job.filters, sendText, { beforeChunk, signal }).then((outcome) => post({ kind: 'done', index: job.index, outcome }))
        : reportFile(job.path, job.path, job.filters, { signal }).then((outcome) => post({ kind: 'done', index: job.index, outcome }));
    work.catch((err: unknown) => post({ kind: 'done', index: job.index, outcome: { error: `internal error: ${err instanceof Error ? err.message : String(err)}` } }));
  });
}
