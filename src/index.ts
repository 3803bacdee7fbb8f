/**
 * tlsautopsy as a library: analyze a capture, judge its connections, render a report.
 * The command line is one client of this API.
 */
export { analyzeCapture } from './analyze.js';
export type { AnalyzeOptions, CaptureAnalysis, LinkTypeCount } from './analyze.js';
export { readCapture } from './capture/index.js';
export type { CaptureFormat, CaptureInfo, CaptureResult, CaptureSource, Packet } from './capture/types.js';
export type { Connection, Handshake, AlertRecord, TimelineEntry, Role } from './analysis/connection.js';
export type { ClientHelloInfo, ServerHelloInfo, CertificateRequestInfo } from './analysis/handshake-info.js';
export { judgeConnection, captureContext } from './analysis/verdict.js';
export type { Verdict, Finding, Status, Stage, MtlsState, MtlsVerdict, Severity } from './analysis/verdict-types.js';
export { STAGES } from './analysis/verdict-types.js';
export { buildReport, captureReport, SCHEMA_VERSION } from './report/model.js';
export type { Report, CaptureReport, ConnectionReport } from './report/model.js';
export { renderJson, renderNdjson } from './report/json.js';
export { renderText } from './report/text.js';
export type { Anomaly, AnomalySeverity } from './util/anomaly.js';
export { TlsAutopsyError } from './util/errors.js';
export type { Timestamp } from './util/time.js';

import { analyzeCapture } from './analyze.js';
import type { AnalyzeOptions } from './analyze.js';
import { buildReport, captureReport } from './report/model.js';
import type { Report } from './report/model.js';

/** Analyzes one capture file and returns the full report (the JSON contract). */
export async function analyzeFile(path: string, options: AnalyzeOptions & { expiryDays?: number } = {}): Promise<Report> {
  const analysis = await analyzeCapture(path, options);
  return buildReport([captureReport(path, analysis, options)]);
}

/** Analyzes a capture read from a stream (e.g. `process.stdin`). */
export async function analyzeStream(stream: NodeJS.ReadableStream | AsyncIterable<Uint8Array>, options: AnalyzeOptions & { expiryDays?: number; name?: string } = {}): Promise<Report> {
  const analysis = await analyzeCapture(stream as AsyncIterable<Uint8Array>, options);
  return buildReport([captureReport(options.name ?? '(stream)', analysis, options)]);
}
