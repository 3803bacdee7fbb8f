import { randomUUID } from 'node:crypto';
import { SCHEMA_VERSION } from './model.js';
import type { ConnectionReport, Report } from './model.js';
import { compactConnection } from './compact.js';
import type { CompactConnection } from './compact.js';

/** The whole report as one JSON document (docs/report.schema.json). */
export function renderJson(report: Report): string {
  let out = '';
  for (const piece of renderJsonPieces(report)) out += piece;
  return out;
}

/** Connections per piece of `renderJsonPieces`. */
const CONNECTIONS_PER_PIECE = 64;

/**
 * The same document as `renderJson`, in pieces of a few connections each, so that a report of
 * tens of thousands of connections is written out without ever being one string of hundreds
 * of megabytes. The frame (everything but the connections) is rendered with a marker in place
 * of each capture's connection list; each connection is then rendered on its own and indented
 * to its depth, which gives exactly the text one `JSON.stringify(report, null, 2)` gives.
 */
export function* renderJsonPieces(report: Report): Generator<string> {
  // A marker no wire string can contain (it is made afresh for each report).
  const marker = `@@connections-${randomUUID()}@@`;
  const frame = JSON.stringify({ ...report, captures: report.captures.map((cap, i) => ({ ...cap, connections: [`${marker}${i}`] })) }, null, 2);
  let at = 0;
  for (const [i, cap] of report.captures.entries()) {
    const token = `"${marker}${i}"`;
    const tokenAt = frame.indexOf(token, at);
    if (tokenAt < 0) continue;
    // The list as rendered around the marker: "[\n" + indent + marker + "\n" + closing indent + "]".
    const open = frame.lastIndexOf('[', tokenAt);
    const close = frame.indexOf(']', tokenAt + token.length);
    const indent = frame.slice(frame.lastIndexOf('\n', tokenAt) + 1, tokenAt);
    yield frame.slice(at, open);
    if (cap.connections.length === 0) {
      yield '[]';
    } else {
      const closing = frame.slice(frame.lastIndexOf('\n', close) + 1, close);
      let piece = '[';
      for (const [k, c] of cap.connections.entries()) {
        piece += `${k === 0 ? '' : ','}\n${indent}${JSON.stringify(c, null, 2).replaceAll('\n', `\n${indent}`)}`;
        if ((k + 1) % CONNECTIONS_PER_PIECE === 0) {
          yield piece;
          piece = '';
        }
      }
      yield `${piece}\n${closing}]`;
    }
    at = close + 1;
  }
  yield `${frame.slice(at)}\n`;
}

/**
 * How much of a connection an NDJSON line carries: `compact` (the default) what a pipeline
 * filters on (report/compact.ts); `full` the whole connection record, as in the JSON report.
 */
export type NdjsonDetail = 'compact' | 'full';

/** The text every NDJSON line of a capture starts with: `{"schemaVersion":2,"file":…` (no comma). */
export function ndjsonFilePrefix(file: string): string {
  return `{"schemaVersion":${SCHEMA_VERSION},"file":${JSON.stringify(file)}`;
}

/** The line prefix of the last file: every line of a capture starts with the same two fields. */
let prefixFile: string | null = null;
let prefix = '';

/**
 * One NDJSON line: a connection (compact or full) with the file it came from and the schema
 * version, which come first; the connection's `id` follows them in both kinds of line.
 */
export function renderNdjsonLine(file: string, connection: ConnectionReport, detail: NdjsonDetail = 'compact'): string {
  return ndjsonLine(file, detail === 'full' ? connection : compactConnection(connection));
}

/** One NDJSON line of a connection already in its line's shape (a compact connection, or a full record). */
export function ndjsonLine(file: string, connection: CompactConnection | ConnectionReport): string {
  if (file !== prefixFile) {
    prefixFile = file;
    prefix = ndjsonFilePrefix(file);
  }
  // The two fields are spliced in front of the connection's own text instead of spreading it
  // into a new object per line; the text is the same as the spread's.
  const body = JSON.stringify(connection);
  return body === '{}' ? `${prefix}}\n` : `${prefix},${body.slice(1)}\n`;
}

/** The line that stands for a capture that could not be read (the same at both details). */
export function renderNdjsonErrorLine(file: string, error: string): string {
  return `${JSON.stringify({ schemaVersion: SCHEMA_VERSION, file, error })}\n`;
}

/** All connections of a report as NDJSON (the live path writes lines as connections end). */
export function renderNdjson(report: Report, options: { readonly detail?: NdjsonDetail } = {}): string {
  const detail = options.detail ?? 'compact';
  let out = '';
  for (const cap of report.captures) {
    if (cap.error !== null) out += renderNdjsonErrorLine(cap.file, cap.error);
    for (const c of cap.connections) out += renderNdjsonLine(cap.file, c, detail);
  }
  return out;
}
