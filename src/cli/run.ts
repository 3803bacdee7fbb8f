/**
 * The command: analyze every input, filter, render, decide the exit code.
 * All I/O goes through `CliIo` so tests can run it in-process.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import { buildReport, TOOL } from '../report/model.js';
import { RunListing } from '../report/listing.js';
import type { Report } from '../report/model.js';
import { renderJson, renderJsonPieces, renderNdjson } from '../report/json.js';
import { renderText } from '../report/text.js';
import { renderHtml, renderHtmlPieces } from '../report/html.js';
import { renderMarkdown } from '../report/markdown.js';
import type { ReportMeta } from '../report/markdown.js';
import { TlsAutopsyError } from '../util/errors.js';
import { HELP, formatFromExtension, parseCliArgs } from './args.js';
import type { CliOptions, OutputFormat } from './args.js';
import { expandInputs } from './inputs.js';
import type { InputFile } from './inputs.js';
import { ndjsonFile, notAnalyzed, reportFile } from './file-task.js';
import type { FileOutcome, NdjsonWrite, SplitWorkers } from './file-task.js';
import { filterOptions, identityRequest } from './filters.js';
import { defaultJobs, runJobs, splitWorkerScript, workerScript } from './jobs.js';
import { createProgress } from './progress.js';
import { readKeyLogFilesCached } from '../decrypt/keylog-files.js';
import { describeTrustStore, loadTrustSetupCached } from '../x509/trust/index.js';
import { loadIdentitySetupCached } from '../x509/identity/index.js';
import { runCheckCert } from './check-cert.js';
import { runCheckKeystore } from './check-keystore.js';
import { javaLogLimits, keyLogLimits, trustLimits } from './limits.js';
import { readJavaLogFilesCached } from '../javalog/read-files.js';
import { cannotWriteText, outputFileProblem } from './output-file.js';
import { userErrorLine } from './user-error.js';

export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: (s: string) => void;
  /** Bytes for stdout (UTF-8 NDJSON of a split analysis); when absent they are decoded and given to `stdout`. */
  readonly stdoutBytes?: (bytes: Uint8Array) => void;
  readonly stderr: (s: string) => void;
  readonly stdoutIsTty: boolean;
  /** A progress line is drawn on stderr only when it is a terminal. */
  readonly stderrIsTty?: boolean;
  /** Terminal width when stdout is a terminal (wrapping of the text report). */
  readonly columns?: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Fired on the first Ctrl-C: reading stops (standard input after a short grace, so the packets a
   * capturing `tcpdump` flushes as it exits still count), files not started are reported as not
   * analyzed, and the report is made of what was read.
   */
  readonly interrupt?: AbortSignal;
  /**
   * A promise while stdout holds more than its buffer (undefined when it has room): NDJSON reads
   * the capture no faster than the reader of stdout takes the lines (`| jq`, `| gzip`), so
   * memory does not grow with the output.
   */
  readonly stdoutReady?: () => Promise<void> | undefined;
  /**
   * Called once before an NDJSON run reads its first capture: such a run holds a few MiB of live
   * state whatever the capture's size, so the process may tell its heap to stay close to that.
   */
  readonly streaming?: () => void;
}

/** How long standard input may still deliver after Ctrl-C (the producer, e.g. tcpdump, got it too and is closing the pipe). */
const STDIN_GRACE_MS = 2000;

/** A signal that fires `ms` after `signal` does. */
function afterGrace(signal: AbortSignal, ms: number): AbortSignal {
  const delayed = new AbortController();
  // Unref'd: when the input ends sooner the process must not wait for the timer.
  const start = (): void => void setTimeout(() => delayed.abort(), ms).unref();
  if (signal.aborted) start();
  else signal.addEventListener('abort', start, { once: true });
  return delayed.signal;
}

const EXIT_OK = 0;
const EXIT_FAIL_ON = 1;
const EXIT_USAGE = 2;

/** POSIX-shell quoting of one argument, only when it needs it. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Writes text pieces to a file, replacing it. */
async function writePieces(path: string, pieces: Iterable<string>): Promise<void> {
  const handle = await open(path, 'w');
  try {
    for (const piece of pieces) await handle.write(piece);
  } finally {
    await handle.close();
  }
}

/** SHA-256 of a file, streamed (a second pass over the capture); null when it cannot be read. */
async function fileSha256(path: string): Promise<string | null> {
  return new Promise((resolve) => {
    const hash = createHash('sha256');
    const stream = createReadStream(path);
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', () => resolve(null));
    stream.on('end', () => resolve(hash.digest('hex')));
  });
}

/** What the Markdown and HTML reports print so a ticket can be reproduced. */
async function reportMeta(argv: readonly string[], files: readonly { readonly path: string }[]): Promise<ReportMeta> {
  // No prototype: a capture may be named `__proto__`.
  const captureSha256 = Object.create(null) as Record<string, string>;
  for (const f of files) {
    if (f.path === '-') captureSha256['(stdin)'] = '(stdin)';
    else captureSha256[f.path] = (await fileSha256(f.path)) ?? '(unreadable)';
  }
  return { commandLine: ['tlsautopsy', ...argv].map(shellQuote).join(' '), captureSha256 };
}

function render(report: Report, format: OutputFormat, o: CliOptions, color: boolean, width: number | undefined, meta: ReportMeta | null): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'ndjson':
      return renderNdjson(report);
    case 'markdown':
      return renderMarkdown(report, meta ?? { commandLine: 'tlsautopsy', captureSha256: {} });
    case 'html':
      return renderHtml(report, meta ?? { commandLine: 'tlsautopsy', captureSha256: {} });
    default:
      return renderText(report, width === undefined ? { color, verbose: o.verbose } : { color, verbose: o.verbose, width });
  }
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv[0] === 'check-cert') return runCheckCert(argv.slice(1), io);
  if (argv[0] === 'check-keystore') return runCheckKeystore(argv.slice(1), io);
  let o: CliOptions;
  try {
    o = parseCliArgs(argv);
  } catch (err) {
    if (err instanceof TlsAutopsyError) {
      io.stderr(userErrorLine(err));
      return EXIT_USAGE;
    }
    throw err;
  }
  if (o.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (o.version) {
    io.stdout(`${TOOL.name} ${TOOL.version}\n`);
    return EXIT_OK;
  }

  if (o.output !== null) {
    const problem = outputFileProblem(o.output);
    if (problem !== null) {
      io.stderr(`tlsautopsy: ${problem}\n`);
      return EXIT_USAGE;
    }
  }
  const files = await expandInputs(o.inputs);
  if (files.length === 0) {
    io.stderr('tlsautopsy: No capture files were found in the given directories; name pcap or pcapng files directly.\n');
    return EXIT_USAGE;
  }
  if (o.keylogs.length > 0) {
    // Read here first so that a wrong path stops the run and bad lines are told once.
    try {
      const { warnings } = await readKeyLogFilesCached(o.keylogs, keyLogLimits(o.limits));
      if (!o.quiet) for (const w of warnings) io.stderr(`tlsautopsy: key log ${w}\n`);
    } catch (err) {
      if (err instanceof TlsAutopsyError) {
        io.stderr(userErrorLine(err));
        return EXIT_USAGE;
      }
      throw err;
    }
  }
  if (o.javaLogs.length > 0) {
    // Read here first so that a wrong path stops the run and what the reader noticed is told once.
    try {
      const { warnings } = await readJavaLogFilesCached(o.javaLogs, javaLogLimits(o.limits));
      if (!o.quiet) for (const w of warnings) io.stderr(`tlsautopsy: ${w}\n`);
    } catch (err) {
      if (err instanceof TlsAutopsyError) {
        io.stderr(userErrorLine(err));
        return EXIT_USAGE;
      }
      throw err;
    }
  }
  if (o.trust.length > 0) {
    // Loaded here first so that a wrong path or password stops the run with one sentence.
    o = { ...o, trustPassword: o.trustPassword ?? io.env['TLSAUTOPSY_TRUST_PASSWORD'] ?? null };
    try {
      const setup = await loadTrustSetupCached({ paths: o.trust, purpose: o.trustFor, password: o.trustPassword, limits: trustLimits(o.limits) });
      if (!o.quiet) {
        for (const s of setup.stores) {
          io.stderr(`tlsautopsy: trust store ${describeTrustStore(s)}\n`);
          for (const note of s.notes) io.stderr(`tlsautopsy: ${note}\n`);
        }
      }
    } catch (err) {
      if (err instanceof TlsAutopsyError) {
        io.stderr(userErrorLine(err));
        return EXIT_USAGE;
      }
      throw err;
    }
  }
  if (o.identity.length > 0) {
    // Loaded here first so that a wrong path, password or alias stops the run with one sentence.
    o = { ...o, identityPassword: o.identityPassword ?? io.env['TLSAUTOPSY_IDENTITY_PASSWORD'] ?? null };
    const request = identityRequest(o);
    try {
      const loaded = request === null ? null : await loadIdentitySetupCached(request);
      if (!o.quiet) for (const note of loaded?.notes ?? []) io.stderr(`tlsautopsy: ${note}\n`);
    } catch (err) {
      if (err instanceof TlsAutopsyError) {
        io.stderr(userErrorLine(err));
        return EXIT_USAGE;
      }
      throw err;
    }
  }
  if (!o.quiet) {
    io.interrupt?.addEventListener('abort', () => io.stderr('\ntlsautopsy: interrupted: the report is made of what was read so far (Ctrl-C again quits at once).\n'), { once: true });
  }
  const format = o.format ?? (o.output !== null ? formatFromExtension(o.output) : null) ?? 'text';
  if (format === 'ndjson') return runNdjson(o, files, io);
  // Each capture arrives listing at most maxReportConnections; the run keeps that many of them all.
  const listing = new RunListing(o.maxReportConnections);
  let unreadable = 0;
  let failOnHit = false;
  await analyzeAll(o, files, io, 'report', () => undefined, undefined, (f, outcome) => {
    if (outcome.capture !== undefined) listing.add(outcome.capture);
    if (outcome.failOnHit === true) failOnHit = true;
    if (outcome.error !== null) {
      unreadable++;
      io.stderr(`tlsautopsy: ${f.path}: ${outcome.error}\n`);
    }
  });
  const report = buildReport(listing.finish());
  const color = o.output === null && io.stdoutIsTty && o.color !== false && io.env['NO_COLOR'] === undefined ? true : o.color === true;
  let pieces: Iterable<string>;
  try {
    const meta = format === 'markdown' || format === 'html' ? await reportMeta(argv, files) : null;
    // JSON and HTML go out in pieces: a report of many thousands of connections is never one huge string.
    pieces =
      format === 'json'
        ? renderJsonPieces(report)
        : format === 'html'
          ? renderHtmlPieces(report, meta ?? { commandLine: 'tlsautopsy', captureSha256: {} })
          : [render(report, format, o, color, io.stdoutIsTty && o.output === null ? io.columns : undefined, meta)];
  } catch (err) {
    if (err instanceof TlsAutopsyError) {
      io.stderr(userErrorLine(err));
      return EXIT_USAGE;
    }
    throw err;
  }
  if (o.output !== null) {
    try {
      await writePieces(o.output, pieces);
    } catch (err) {
      if (err instanceof TlsAutopsyError) throw err;
      io.stderr(`tlsautopsy: ${cannotWriteText(o.output, err)}\n`);
      return EXIT_USAGE;
    }
  }
  else if (!o.quiet) {
    for (const piece of pieces) {
      io.stdout(piece);
      await io.stdoutReady?.();
    }
  }

  if (unreadable > 0 && unreadable === files.length) return EXIT_USAGE;
  // Judged on every connection as it ended, listed or not.
  if (o.failOn.length > 0 && failOnHit) return EXIT_FAIL_ON;
  return unreadable > 0 ? EXIT_USAGE : EXIT_OK;
}

/**
 * Analyzes every file, on worker threads when there are several files and --jobs (default:
 * the cores) allows it, else one after another on this thread. Callbacks come in file order.
 */
async function analyzeAll(
  o: CliOptions,
  files: readonly InputFile[],
  io: CliIo,
  mode: 'ndjson' | 'report',
  onText: NdjsonWrite,
  /** Output pacing: awaited before each read (and before a worker may send more), when the output can fall behind. */
  outputReady: (() => Promise<void> | undefined) | undefined,
  onDone: (file: InputFile, outcome: FileOutcome) => void,
): Promise<void> {
  const filters = filterOptions(o);
  const jobs = o.jobs ?? defaultJobs();
  const script = workerScript();
  // Standard input belongs to this thread; a single file gains nothing from a worker.
  const interrupt = io.interrupt;
  if (script !== null && jobs > 1 && files.length > 1 && !files.some((f) => f.path === '-')) {
    await runJobs(script, files.map((f) => f.path), jobs, mode, filters, onText, (i, outcome) => onDone(files[i] as InputFile, outcome), interrupt, outputReady);
    return;
  }
  for (const f of files) {
    if (interrupt?.aborted === true) {
      const skipped = notAnalyzed(f.path, mode);
      if (skipped.line !== null) onText(skipped.line);
      onDone(f, skipped.outcome);
      continue;
    }
    const source = f.path === '-' ? io.stdin : f.path;
    const progress = o.quiet ? null : createProgress(f.path, io.stderrIsTty === true, io.stderr);
    const signal = interrupt === undefined ? undefined : f.path === '-' ? afterGrace(interrupt, STDIN_GRACE_MS) : interrupt;
    const extra = {
      ...(progress === null ? {} : { onProgress: (bytes: number, packets: number, gzip: boolean) => progress.update(bytes, packets, gzip) }),
      ...(signal === undefined ? {} : { signal }),
      ...(outputReady === undefined ? {} : { beforeChunk: outputReady }),
    };
    const split = mode === 'ndjson' && files.length === 1 ? splitWorkers(o.jobs) : null;
    const outcome = mode === 'ndjson' ? await ndjsonFile(f.path, source, filters, onText, extra, split) : await reportFile(f.path, source, filters, extra);
    progress?.done();
    onDone(f, outcome);
  }
}

/**
 * Worker threads for one NDJSON capture, only when --jobs asks for several: on the 2-core
 * machines measured, one analysis thread already keeps both cores partly busy (the garbage
 * collector runs beside it) and a split run was no faster, so it is not the default.
 */
function splitWorkers(asked: number | null | undefined): SplitWorkers | null {
  const script = splitWorkerScript();
  if (script === null || asked === null || asked === undefined || asked < 2) return null;
  return { script, threads: asked };
}

/** --format ndjson: lines go out as connections end, to stdout or the -o file. */
async function runNdjson(o: CliOptions, files: readonly InputFile[], io: CliIo): Promise<number> {
  io.streaming?.();
  let fd: number | null = null;
  if (o.output !== null) {
    try {
      fd = openSync(o.output, 'w');
    } catch (err) {
      io.stderr(`tlsautopsy: ${cannotWriteText(o.output, err)}\n`);
      return EXIT_USAGE;
    }
  }
  const out = fd;
  const utf8 = new TextDecoder();
  const write: NdjsonWrite = (chunk) => {
    if (out !== null) {
      if (typeof chunk === 'string') writeSync(out, chunk);
      else for (let at = 0; at < chunk.length; ) at += writeSync(out, chunk, at);
    } else if (o.quiet) return;
    else if (typeof chunk === 'string') io.stdout(chunk);
    else if (io.stdoutBytes !== undefined) io.stdoutBytes(chunk);
    else io.stdout(utf8.decode(chunk));
  };
  let unreadable = 0;
  let hit = false;
  try {
    // Lines to stdout wait for its reader; a file (-o) is written synchronously and never falls behind.
    const outputReady = out === null && !o.quiet ? io.stdoutReady : undefined;
    await analyzeAll(o, files, io, 'ndjson', write, outputReady, (f, outcome) => {
      if (outcome.failOnHit === true) hit = true;
      if (outcome.error !== null) {
        unreadable++;
        io.stderr(`tlsautopsy: ${f.path}: ${outcome.error}\n`);
      }
    });
  } finally {
    if (out !== null) closeSync(out);
  }
  if (unreadable > 0 && unreadable === files.length) return EXIT_USAGE;
  if (o.failOn.length > 0 && hit) return EXIT_FAIL_ON;
  return unreadable > 0 ? EXIT_USAGE : EXIT_OK;
}
