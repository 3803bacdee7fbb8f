import type { ConnectionReport, Report } from './model.js';

/** The whole report as one JSON document (docs/report.schema.json). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The line prefix of the last file: every line of a capture starts with the same two fields. */
let prefixFile: string | null = null;
let prefix = '';

/** One NDJSON line: a connection with the file it came from and the schema version. */
export function renderNdjsonLine(file: string, connection: ConnectionReport): string {
  if (file !== prefixFile) {
    prefixFile = file;
    prefix = `{"schemaVersion":1,"file":${JSON.stringify(file)}`;
  }
  // The two fields are spliced in front of the report's own text instead of spreading the
  // report into a new ~45-property object per line; the text is the same as the spread's.
  const body = JSON.stringify(connection);
  return body === '{}' ? `${prefix}}\n` : `${prefix},${body.slice(1)}\n`;
}

/** All connections of a report as NDJSON (the live path writes lines as connections end). */
export function renderNdjson(report: Report): string {
  let out = '';
  for (const cap of report.captures) {
    if (cap.error !== null) out += `${JSON.stringify({ schemaVersion: 1, file: cap.file, error: cap.error })}\n`;
    for (const c of cap.connections) out += renderNdjsonLine(cap.file, c);
  }
  return out;
}
