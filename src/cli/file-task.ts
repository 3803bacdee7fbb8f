/**
 * Analyzing one input file for the command line, the same way on the main thread and in a
 * worker thread: either a filtered `CaptureReport` (whole-report formats) or NDJSON lines
 * written as connections end.
 */
import type { AnalyzeOptions } from '../analyze.js';
import { listedCaptureReport } from '../listed-report.js';
import { readKeyLogFilesCached } from '../decrypt/keylog-files.js';
import { loadTrustSetupCached } from '../x509/trust/index.js';
import { loadIdentitySetupCached } from '../x509/identity/index.js';
import { readJavaLogFilesCached } from '../javalog/read-files.js';
import type { CaptureSource } from '../capture/types.js';
import { failedCaptureReport } from '../report/model.js';
import type { CaptureReport } from '../report/model.js';
import { TlsAutopsyError } from '../util/errors.js';
import { keep, matchesFailOn } from './filters.js';
import type { FilterOptions } from './filters.js';
import { streamNdjson } from './ndjson-stream.js';
import { renderNdjsonErrorLine } from '../report/json.js';
import { analysisLimits, javaLogLimits, keyLogLimits } from './limits.js';
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
function fileLabel(path: string): string {
  return path === '-' ? '(stdin)' : path;
}

/** One sentence for an error that is not a TlsAutopsyError. */
function errorSentence(path: string, err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return `There is no file '${path}'; check the path.`;
  if (code === 'EACCES' || code === 'EPERM') return `The file '${path}' cannot be read (permission denied); run with access to it.`;
  if (code === 'EISDIR') return `'${path}' is a directory with no capture files in it.`;
  const message = err instanceof Error ? err.message : String(err);
  return `The file could not be analyzed (${message}); please report this with the capture if you can share it.`;
}

/** Analysis options the filters carry: the --limit values, and the --keylog files, --java-log files, --trust and --identity stores, read once per thread. */
export async function analyzeOptions(filters: FilterOptions): Promise<AnalyzeOptions> {
  const paths = filters.keylogs ?? [];
  const withKeyLog = { ...analysisLimits(filters.limits), ...(paths.length === 0 ? {} : { keyLog: (await readKeyLogFilesCached(paths, keyLogLimits(filters.limits))).keyLog }) };
  const window = filters.limits?.javaLogTimeWindowMs;
  const withJavaLogs =
    filters.javaLogs === undefined
      ? withKeyLog
      : { ...withKeyLog, javaLogs: (await readJavaLogFilesCached(filters.javaLogs, javaLogLimits(filters.limits))).logs, ...(window !== undefined ? { javaLogTimeWindowMs: window } : {}) };
  const withTrust = filters.trust === undefined ? withJavaLogs : { ...withJavaLogs, trust: await loadTrustSetupCached(filters.trust) };
  return filters.identity === undefined ? withTrust : { ...withTrust, identity: (await loadIdentitySetupCached(filters.identity)).setup };
}

function messageOf(path: string, err: unknown): string {
  return err instanceof TlsAutopsyError ? err.message : errorSentence(path, err);
}

/** Analyzes one file into a filtered capture report (or a failed one). */
export async function reportFile(path: string, source: CaptureSource, filters: FilterOptions, extra: Pick<AnalyzeOptions, 'onProgress' | 'signal'> = {}): Promise<FileOutcome> {
  const label = fileLabel(path);
  try {
    let failOnHit = false;
    const capture = await listedCaptureReport(source, label, {
      ...(await analyzeOptions(filters)),
      ...extra,
      expiryDays: filters.expiryDays,
      ...(filters.maxReportConnections !== undefined ? { maxReportConnections: filters.maxReportConnections } : {}),
      ...(filters.limits?.maxTlsServers !== undefined ? { maxTlsServers: filters.limits.maxTlsServers } : {}),
      ...(filters.limits?.maxPendingNotTls !== undefined ? { maxPendingNotTls: filters.limits.maxPendingNotTls } : {}),
      // --fail-on is judged on every kept connection, listed or only counted.
      filter: (c) => {
        if (!keep(c, filters)) return false;
        if (!failOnHit && filters.failOn.some((t) => matchesFailOn(c, t))) failOnHit = true;
        return true;
      },
    });
    return { error: null, capture, failOnHit };
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
    ? { outcome: { error: message, failOnHit: false }, line: renderNdjsonErrorLine(label, message) }
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
        : await streamNdjsonSplit(split.script, source, label, filters, write, {
            threads: split.threads,
            ...(extra.onProgress !== undefined ? { onProgress: extra.onProgress } : {}),
            ...(extra.signal !== undefined ? { signal: extra.signal } : {}),
            ...(extra.beforeChunk !== undefined ? { beforeChunk: extra.beforeChunk } : {}),
          });
    return { error: null, failOnHit: r.failOnHit };
  } catch (err) {
    const message = messageOf(path, err);
    write(renderNdjsonErrorLine(label, message));
    return { error: message, failOnHit: false };
  }
}
