/**
 * tlsautopsy as a library: analyze a capture, judge its connections, render a report.
 * The command line is one client of this API.
 */
export { analyzeCapture } from './analyze.js';
export type { AnalyzeOptions, CaptureAnalysis, LinkTypeCount } from './analyze.js';
export { listedCaptureReport } from './listed-report.js';
export type { ListedReportOptions } from './listed-report.js';
export { readCapture } from './capture/index.js';
export type { CaptureFormat, CaptureInfo, CaptureResult, CaptureSource, Packet } from './capture/types.js';
export type { Connection, Handshake, AlertRecord, TimelineEntry, Role } from './analysis/connection.js';
export type { ClientHelloInfo, ServerHelloInfo, CertificateRequestInfo } from './analysis/handshake-info.js';
export { judgeConnection, captureContext } from './analysis/verdict.js';
export type { Verdict, Finding, Status, Stage, MtlsState, MtlsVerdict, Severity } from './analysis/verdict-types.js';
export { STAGES } from './analysis/verdict-types.js';
export type { StackIdentity, ConnectionStacks } from './analysis/stack-identification.js';
export { buildReport, captureReport, SCHEMA_VERSION } from './report/model.js';
export type { Report, CaptureReport, ConnectionReport } from './report/model.js';
export { renderJson, renderNdjson } from './report/json.js';
export type { NdjsonDetail } from './report/json.js';
export type { CompactConnection } from './report/compact.js';
export { renderText } from './report/text.js';
export type { Anomaly, AnomalySeverity } from './util/anomaly.js';
export { TlsAutopsyError } from './util/errors.js';
export type { Timestamp } from './util/time.js';
export { readJavaLog } from './javalog/read.js';
export type { JavaLog, LoggedHandshake } from './javalog/types.js';
export { loadIdentitySetup } from './x509/identity/index.js';
export type { IdentityRequestOptions, IdentitySetup, LoadedIdentitySetup } from './x509/identity/index.js';
export type { IdentityStoreVerdict } from './analysis/identity-verdict.js';

import { analyzeCapture } from './analyze.js';
import { listedCaptureReport } from './listed-report.js';
import type { ListedReportOptions } from './listed-report.js';
import { buildReport, captureReport } from './report/model.js';
import type { CaptureReport, Report } from './report/model.js';
import type { CaptureSource } from './capture/types.js';
import { readJavaLogFilesCached } from './javalog/read-files.js';
import type { JavaLogLimits } from './javalog/types.js';

/**
 * Options of `analyzeFile` and `analyzeStream`: those of the listed report, plus the paths of
 * Java SSL debug logs to read (`javaLogPaths`, limits as for --java-log), added to any
 * `javaLogs` already read.
 */
export type AnalyzeFileOptions = ListedReportOptions & JavaLogLimits & { readonly javaLogPaths?: readonly string[] };

/**
 * Analyzes one capture file and returns the report (the JSON contract). Every connection is
 * kept, unless `maxReportConnections` (or `keep`, or `filter`) is given: then each connection is judged as it
 * ends and at most that many are listed, failed ones first, the others counted in `unlisted`, so
 * memory no longer grows with the capture (as the command line's whole-report formats do).
 */
export async function analyzeFile(path: string, options: AnalyzeFileOptions = {}): Promise<Report> {
  return buildReport([await reportOf(path, path, options)]);
}

/** Analyzes a capture read from a stream (e.g. `process.stdin`); options as `analyzeFile`. */
export async function analyzeStream(stream: NodeJS.ReadableStream | AsyncIterable<Uint8Array>, options: AnalyzeFileOptions & { name?: string } = {}): Promise<Report> {
  const { name, ...rest } = options;
  return buildReport([await reportOf(stream as AsyncIterable<Uint8Array>, name ?? '(stream)', rest)]);
}

async function reportOf(source: CaptureSource, label: string, given: AnalyzeFileOptions): Promise<CaptureReport> {
  const { javaLogPaths, maxJavaLogFileBytes, maxJavaLogLineChars, maxJavaLogHandshakes, maxJavaLogBodyLines, ...rest } = given;
  const limits: JavaLogLimits = {
    ...(maxJavaLogFileBytes !== undefined ? { maxJavaLogFileBytes } : {}),
    ...(maxJavaLogLineChars !== undefined ? { maxJavaLogLineChars } : {}),
    ...(maxJavaLogHandshakes !== undefined ? { maxJavaLogHandshakes } : {}),
    ...(maxJavaLogBodyLines !== undefined ? { maxJavaLogBodyLines } : {}),
  };
  // An unreadable log rejects with the same one sentence as --java-log.
  const options: ListedReportOptions =
    javaLogPaths === undefined || javaLogPaths.length === 0 ? rest : { ...rest, javaLogs: [...(rest.javaLogs ?? []), ...(await readJavaLogFilesCached(javaLogPaths, limits)).logs] };
  if (options.maxReportConnections !== undefined || options.keep !== undefined || options.filter !== undefined) return listedCaptureReport(source, label, options);
  return captureReport(label, await analyzeCapture(source, options), options);
}
