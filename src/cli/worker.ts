/**
 * Worker thread of `--jobs N`: analyzes the files it is sent, one at a time, and posts back
 * NDJSON text in batches (as connections end) or the filtered capture report.
 */
import { parentPort } from 'node:worker_threads';
import { ndjsonFile, reportFile } from './file-task.js';
import type { JobRequest, JobReply } from './jobs.js';

const port = parentPort;
if (port !== null) {
  port.on('message', (job: JobRequest) => {
    const post = (reply: JobReply): void => port.postMessage(reply);
    const work =
      job.mode === 'ndjson'
        ? ndjsonFile(job.path, job.path, job.filters, (text) => post({ kind: 'text', index: job.index, text })).then((outcome) => post({ kind: 'done', index: job.index, outcome }))
        : reportFile(job.path, job.path, job.filters).then((outcome) => post({ kind: 'done', index: job.index, outcome }));
    work.catch((err: unknown) => post({ kind: 'done', index: job.index, outcome: { error: `internal error: ${err instanceof Error ? err.message : String(err)}` } }));
  });
}
