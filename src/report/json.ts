import type { ConnectionReport, Report } from './model.js';

/** The whole report as one JSON document (docs/report.schema.json). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** One NDJSON line: a connection with the file it came from and the schema version. */
export function renderNdjsonLine(file: string, connection: ConnectionReport): string {
  return `${JSON.stringify({ schemaVersion: 1, file, ...connection })}\n`;
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
