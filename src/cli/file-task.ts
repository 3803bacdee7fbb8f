/**
 * Analyzing one input file for the command line, the same way on the main thread and in a
 * worker thread: either a filtered `CaptureReport` (whole-report formats) or NDJSON lines
 * written as connections end.
 */
import { analyzeCapture } from '../analyze.js';
import type { AnalyzeOptions } from '../analyze.js';
import { readKeyLogFilesCached } from '../decrypt/keylog-files.js';
import { loadTrustSetupCached } from '../x509/trust/index.js';
import type { CaptureSource } from '../capture/types.js';
import { captureReportWith, connectionReport, failedCaptureReport } from '../report/model.js';
import type { CaptureReport } from '../report/model.js';
import { contextWith, judgeConnection, rememberTlsServer } from '../analysis/verdict.js';
import { serverKey } from '../analysis/rules/types.js';
import type { Connection } from '../analysis/connection.js';
import { TlsAutopsyError } from '../util/errors.js';
import { keep, matchesFailOn } from './filters.js';
import { CaptureListing, DEFAULT_MAX_REPORT_CONNECTIONS } from '../report/listing.js';
import type { FilterOptions } from './filters.js';
import { ndjsonErrorLine, streamNdjson } from './ndjson-stream.js';
import { analysisLimits, keyLogLimits } from './limits.js';
import { streamNdjsonSplit } from './split/split-run.js';

/** The outcome of one file. `error` is the one-sentence message when it could not be read. */
export interface FileOutcome {
  readonly error: string | null;
  /** Whole-report formats: the capture, filtered. */
  readonly capture?: CaptureReport;
  /** NDJSON: a written connection matched --fail-on. */
  readonly failOnHit?: boolean;
}

/** The label of an input in reports: `(stdin)` for `-`. */
export function fileLabel(path: string): string {
  return path === '-' ? '(stdin)' : path;
}

/** One sentence for an error that is not a TlsAutopsyError. */
export function errorSentence(path: string, err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return `There is no file '${path}'; check the path.`;
  if (code === 'EACCES' || code === 'EPERM') return `The file '${path}' cannot be read (permission denied); run with access to it.`;
  if (code === 'EISDIR') return `'${path}' is a directory with no capture files in it.`;
  const message = err instanceof Error ? err.message : String(err);
  return `The file could not be analyzed (${message}); please report this with the capture if you can share it.`;
}

/** Analysis options the filters carry: the --limit values, and the --keylog files and --trust stores, read once per thread. */
export async function analyzeOptions(filters: FilterOptions): Promise<AnalyzeOptions> {
  const paths = filters.keylogs ?? [];
  const withKeyLog = { ...analysisLimits(filters.limits), ...(paths.length === 0 ? {} : { keyLog: (await readKeyLogFilesCached(paths, keyLogLimits(filters.limits))).keyLog }) };
  return filters.trust === undefined ? withKeyLog : { ...withKeyLog, trust: await loadTrustSetupCached(filters.trust) };
}

function messageOf(path: string, err: unknown): string {
  return err instanceof TlsAutopsyError ? err.message : errorSentence(path, err);
}

/**
 * Connections that did not speak TLS, held to the end of the capture so that their verdict
 * knows whether another connection to the same server spoke TLS; past this many, they are
 * judged at once with what is known so far (as NDJSON always does).
 */
export const MAX_PENDING_NOT_TLS = 4_096;

/** Analyzes one file into a filtered capture report (or a failed one). */
export async function reportFile(path: string, source: CaptureSource, filters: FilterOptions, extra: Pick<AnalyzeOptions, 'onProgress' | 'signal'> = {}): Promise<FileOutcome> {
  const label = fileLabel(path);
  try {
    const options = { ...(await analyzeOptions(filters)), ...extra };
    // Each connection is judged as it ends and only its (kept, listed) report stays: the
    // analysis records are dropped at once, and past maxReportConnections a report is only
    // counted. Only a connection that did not speak TLS reads the capture context ("another
    // connection to this server spoke TLS"), so those wait for the end when they can.
    const servers = new Set<string>();
    const context = contextWith(servers, { expiryDays: filters.expiryDays, ...(options.trust !== undefined ? { trust: options.trust } : {}) });
    const listing = new CaptureListing(filters.maxReportConnections ?? DEFAULT_MAX_REPORT_CONNECTIONS);
    let failOnHit = false;
    const notTls: Connection[] = [];
    const maxPendingNotTls = filters.limits?.maxPendingNotTls ?? MAX_PENDING_NOT_TLS;
    const judge = (c: Connection): void => {
      const report = connectionReport(c, judgeConnection(c, context));
      if (!keep(report, filters)) return;
      if (!failOnHit && filters.failOn.some((t) => matchesFailOn(report, t))) failOnHit = true;
      listing.add(report);
    };
    const analysis = await analyzeCapture(source, {
      ...options,
      retainConnections: false,
      onConnection: (c) => {
        if (c.tls === true) rememberTlsServer(servers, serverKey(c), filters.limits?.maxTlsServers);
        if (c.tls === false && notTls.length < maxPendingNotTls && !servers.has(serverKey(c))) notTls.push(c);
        else judge(c);
      },
    });
    for (const c of notTls) judge(c);
    const { connections, unlisted } = listing.finish();
    const capture = captureReportWith(label, analysis, connections);
    return { error: null, capture: unlisted === null ? capture : { ...capture, unlisted }, failOnHit };
  } catch (err) {
    const message = messageOf(path, err);
    return { error: message, capture: failedCaptureReport(label, message) };
  }
}

/**
 * A file the run did not get to because it was interrupted: reported like a file that could not
 * be read (with its NDJSON error line in that mode), so the report says which files it lacks.
 */
export function notAnalyzed(path: string, mode: 'ndjson' | 'report'): { readonly outcome: FileOutcome; readonly line: string | null } {
  const label = fileLabel(path);
  const message = 'The run was interrupted before this file was read; run again to analyze it.';
  return mode === 'ndjson'
    ? { outcome: { error: message, failOnHit: false }, line: ndjsonErrorLine(label, message) }
    : { outcome: { error: message, capture: failedCaptureReport(label, message) }, line: null };
}

/** Where NDJSON goes: text, or UTF-8 bytes (from a split analysis). */
export type NdjsonWrite = (chunk: string | Uint8Array) => void;

/** Worker threads for one capture (`--jobs N` on a single file): the compiled split worker and how many. */
export interface SplitWorkers {
  readonly script: URL;
  readonly threads: number;
}

/** Analyzes one file, writing NDJSON lines (and an error line when it cannot be read). */
export async function ndjsonFile(
  path: string,
  source: CaptureSource,
  filters: FilterOptions,
  write: NdjsonWrite,
  extra: Pick<AnalyzeOptions, 'onProgress' | 'beforeChunk' | 'signal'> = {},
  split: SplitWorkers | null = null,
): Promise<FileOutcome> {
  const label = fileLabel(path);
  try {
    const r =
      split === null
        ? await streamNdjson(source, label, filters, write, { ...(await analyzeOptions(filters)), ...extra })
        : await streamNdjsonSplit(split.script, source, label, filters, write, { threads: split.threads, ...(extra.onProgress !== undefined ? { onProgress: extra.onProgress } : {}), ...(extra.signal !== undefined ? { signal: extra.signal } : {}) });
    return { error: null, failOnHit: r.failOnHit };
  } catch (err) {
    const message = messageOf(path, err);
    write(ndjsonErrorLine(label, message));
    return { error: message, failOnHit: false };
  }
}
