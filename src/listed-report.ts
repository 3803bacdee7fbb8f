/**
 * One capture's report made in bounded memory: each connection is judged as it ends and only
 * the reports the listing keeps stay (past `maxReportConnections` they are only counted), so
 * memory no longer grows with the capture. The command line's whole-report formats and the
 * library's `analyzeFile`/`analyzeStream` with `maxReportConnections` are made this way.
 */
import { analyzeCapture } from './analyze.js';
import type { AnalyzeOptions } from './analyze.js';
import type { Connection } from './analysis/connection.js';
import { serverKey } from './analysis/rules/types.js';
import { MAX_CONTEXT_TLS_SERVERS, contextWith, judgeConnection, rememberTlsServer } from './analysis/verdict.js';
import type { CaptureSource } from './capture/types.js';
import { CaptureListing, DEFAULT_MAX_REPORT_CONNECTIONS } from './report/listing.js';
import { addFilteredOut, captureReportWith } from './report/model.js';
import { connectionGlance, connectionReport } from './report/connection-report.js';
import type { ConnectionGlance } from './report/connection-report.js';
import { JavaLogMatcher } from './analysis/java-log-match.js';
import type { CaptureReport, ConnectionReport, FilteredOut } from './report/model.js';

/**
 * Default of `maxPendingNotTls`: connections that did not speak TLS, held to the end of the
 * capture so that their verdict knows whether another connection to the same server spoke TLS;
 * past this many, they are judged at once with what is known so far (as NDJSON always does).
 */
export const DEFAULT_MAX_PENDING_NOT_TLS = 4_096;

export interface ListedReportOptions extends AnalyzeOptions {
  /** Warn about certificates expiring within this many days (default 30). */
  readonly expiryDays?: number;
  /** Connections listed one by one (default 10,000; failed ones first); the others are counted in `unlisted`. */
  readonly maxReportConnections?: number;
  /** Distinct TLS servers remembered for the verdicts of connections that did not speak TLS (default 65,536). */
  readonly maxTlsServers?: number;
  /** Connections without TLS held to the end to be judged with the whole capture's servers (default 4,096). */
  readonly maxPendingNotTls?: number;
  /** Which judged connections the report is about (default all); the others are only counted, in `filteredOut`. */
  readonly keep?: (report: ConnectionReport) => boolean;
  /**
   * Like `keep`, read on a glance at each connection (the fields that filter, rank and count it).
   * Without `keep`, a connection the listing would not list is then only counted, never built
   * into a full record: most of the cost of a report of a large capture.
   */
  readonly filter?: (connection: ConnectionGlance) => boolean;
}

/** Analyzes one capture into its report, listing at most `maxReportConnections` connections. */
export async function listedCaptureReport(source: CaptureSource, label: string, options: ListedReportOptions = {}): Promise<CaptureReport> {
  const { expiryDays, maxReportConnections, maxTlsServers, maxPendingNotTls, keep, filter, javaLogs, ...analyzeOptions } = options;
  // Only a connection that did not speak TLS reads the capture context ("another connection to
  // this server spoke TLS"), so those wait for the end when they can.
  const servers = new Set<string>();
  const context = contextWith(servers, { ...(expiryDays !== undefined ? { expiryDays } : {}), ...(options.trust !== undefined ? { trust: options.trust } : {}), ...(options.identity !== undefined ? { identity: options.identity } : {}) });
  const listing = new CaptureListing(maxReportConnections ?? DEFAULT_MAX_REPORT_CONNECTIONS);
  const maxPending = maxPendingNotTls ?? DEFAULT_MAX_PENDING_NOT_TLS;
  const notTls: Connection[] = [];
  let filteredOut: FilteredOut | undefined;
  const matcher = javaLogs === undefined ? null : new JavaLogMatcher(javaLogs, options.javaLogTimeWindowMs !== undefined ? { javaLogTimeWindowMs: options.javaLogTimeWindowMs } : {});
  // A connection whose client sent nothing can only match a Java log by time, which needs the
  // clock offset the other connections teach: it waits for the end, like those without TLS.
  const silent: Connection[] = [];
  const judge = (c: Connection): void => {
    const verdict = judgeConnection(c, context, matcher?.match(c));
    const glance = filter !== undefined || keep === undefined ? connectionGlance(c, verdict) : null;
    if (glance !== null) {
      if (filter !== undefined && !filter(glance)) {
        filteredOut = addFilteredOut(filteredOut, glance);
        return;
      }
      if (keep === undefined && !listing.wouldList(glance)) {
        listing.count(glance);
        return;
      }
    }
    const report = connectionReport(c, verdict);
    if (glance === null && filter !== undefined && !filter(report)) filteredOut = addFilteredOut(filteredOut, report);
    else if (keep === undefined || keep(report)) listing.add(report);
    else filteredOut = addFilteredOut(filteredOut, report);
  };
  const analysis = await analyzeCapture(source, {
    ...analyzeOptions,
    retainConnections: false,
    onConnection: (c) => {
      options.onConnection?.(c);
      if (c.tls === true) rememberTlsServer(servers, serverKey(c), maxTlsServers ?? MAX_CONTEXT_TLS_SERVERS);
      if (c.tls === false && notTls.length < maxPending && !servers.has(serverKey(c))) notTls.push(c);
      else if (matcher !== null && silent.length < maxPending && matcher.wantsLater(c)) silent.push(c);
      else judge(c);
    },
  });
  for (const c of notTls) judge(c);
  for (const c of silent) judge(c);
  const { connections, unlisted } = listing.finish();
  const made = captureReportWith(label, matcher === null ? analysis : { ...analysis, anomalies: [...analysis.anomalies, ...matcher.notes()] }, connections);
  // Said in the report, so that a filter matching nothing does not read as a capture without TLS.
  const capture = filteredOut === undefined ? made : { ...made, filteredOut };
  const withLogs = matcher === null ? capture : { ...capture, javaLogs: matcher.summaries() };
  return unlisted === null ? withLogs : { ...withLogs, unlisted };
}
