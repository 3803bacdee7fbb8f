/**
 * NDJSON written as the capture is read: each connection's line leaves as soon as the
 * connection ends, and nothing of it is kept (`retainConnections: false`), so memory stays
 * flat whatever the capture size. Lines come in the order connections end.
 *
 * The verdict's capture context ("other connections to this server spoke TLS") is built from
 * the connections that ended so far, so a connection judged early knows less of the capture
 * than the whole-report formats do.
 */
import { analyzeCapture } from '../analyze.js';
import { JavaLogMatcher } from '../analysis/java-log-match.js';
import type { JavaLogEvidence } from '../analysis/java-log-match.js';
import type { AnalyzeOptions } from '../analyze.js';
import { contextWith, judgeConnection, rememberTlsServer } from '../analysis/verdict.js';
import { serverKey } from '../analysis/rules/types.js';
import type { CaptureContext } from '../analysis/rules/types.js';
import type { Connection } from '../analysis/connection.js';
import type { CaptureSource } from '../capture/types.js';
import { connectionReport } from '../report/connection-report.js';
import { ndjsonLine } from '../report/json.js';
import { compactConnectionOf } from '../report/compact.js';
import { keep, matchesFailOn } from './filters.js';
import type { FilterOptions } from './filters.js';

/** Lines are handed to `write` in batches of about this many characters. */
const BATCH_CHARS = 64 * 1024;

/** What streaming one capture found. */
export interface NdjsonStreamResult {
  /** Connections analyzed (before filtering). */
  readonly connections: number;
  /** Lines written (after filtering). */
  readonly written: number;
  /** A written connection matched a --fail-on term. */
  readonly failOnHit: boolean;
}

/**
 * Analyzes one capture and writes one NDJSON line per connection that passes the filters.
 * Errors of the capture (not a capture, unreadable) propagate after the lines written so far.
 */
export async function streamNdjson(
  source: CaptureSource,
  file: string,
  filters: FilterOptions,
  write: (text: string) => void,
  options: AnalyzeOptions = {},
): Promise<NdjsonStreamResult> {
  const tlsServers = new Set<string>();
  const context = contextWith(tlsServers, { expiryDays: filters.expiryDays, ...(options.trust !== undefined ? { trust: options.trust } : {}), ...(options.identity !== undefined ? { identity: options.identity } : {}) });
  let batch = '';
  let connections = 0;
  let written = 0;
  let failOnHit = false;
  // Lines go out as connections end, so a Java log is matched by ClientHello random and by the clock offset learned so far.
  const matcher = options.javaLogs === undefined ? null : new JavaLogMatcher(options.javaLogs, options.javaLogTimeWindowMs !== undefined ? { javaLogTimeWindowMs: options.javaLogTimeWindowMs } : {});
  // Connections mostly follow others to the same server: its key is made and added once per run of them.
  let lastTlsServer: Connection['server'] | null = null;
  const onConnection: AnalyzeOptions['onConnection'] = (c) => {
    connections++;
    if (c.tls === true && (lastTlsServer === null || c.server.port !== lastTlsServer.port || c.server.ip !== lastTlsServer.ip)) {
      rememberTlsServer(tlsServers, serverKey(c), filters.limits?.maxTlsServers);
      lastTlsServer = c.server;
    }
    const line = ndjsonLineOf(c, context, file, filters, matcher?.match(c));
    if (line.text === null) return;
    written++;
    if (line.failOn) failOnHit = true;
    batch += line.text;
    if (batch.length >= BATCH_CHARS) {
      write(batch);
      batch = '';
    }
  };
  try {
    await analyzeCapture(source, { ...options, onConnection, retainConnections: false });
  } finally {
    if (batch.length > 0) write(batch);
  }
  return { connections, written, failOnHit };
}

/** A connection judged and rendered, with what the filters and --fail-on say of it. */
export interface NdjsonLine {
  /** The line (with its newline), or null when the filters leave the connection out. */
  readonly text: string | null;
  /** The line is written and matches a --fail-on term. */
  readonly failOn: boolean;
}

/** Judges one connection in the given context and renders its line, if the filters keep it. */
export function ndjsonLineOf(c: Connection, context: CaptureContext, file: string, filters: FilterOptions, javaLogs?: readonly JavaLogEvidence[]): NdjsonLine {
  const verdict = judgeConnection(c, context, javaLogs);
  // The compact line is made without the full record, which only `--detail full` writes.
  const line = filters.ndjsonDetail === 'full' ? connectionReport(c, verdict) : compactConnectionOf(c, verdict);
  if (!keep(line, filters)) return { text: null, failOn: false };
  return { text: ndjsonLine(file, line), failOn: filters.failOn.some((t) => matchesFailOn(line, t)) };
}
