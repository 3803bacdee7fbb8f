/**
 * Terminal report: the verdict first (counts, grouped failures), then the table, then for
 * each failed connection its explanation, ladder, certificates and findings, then the
 * hygiene warnings and, last, what the capture could not show — the order a person needs
 * to act (see the report mock-up in the project documentation).
 *
 * What it says comes from the shared view (view.ts, view-certificates.ts, view-ladder.ts),
 * so the text, Markdown and HTML reports say the same thing in the same words; this file
 * only lays it out for a terminal.
 */
import { paint } from './ansi.js';
import { whyText } from './cause.js';
import { stacksLine } from './stack-line.js';
import type { CaptureReport, ConnectionReport, Report } from './model.js';
import { starttlsText } from './model.js';
import { javaLogLine } from './java-log-line.js';
import { identityLines, identityPlace } from './identity-lines.js';
import { sanitizeText } from './sanitize.js';
import { textLadder } from './text-ladder.js';
import { renderFixedTable } from './text-table.js';
import {
  CAPTURE_NOTES_MAX,
  anomalyText,
  captureHeader,
  clientCertText,
  countsLine,
  captureNotes,
  detailLabel,
  endpointText,
  evidenceGaps,
  failureGroups,
  findingViews,
  hygieneWarnings,
  idList,
  inferredNote,
  listingNote,
  needsDetails,
  noteLine,
  shortCipher,
  stageWords,
  statusWord,
  summaryNamesEveryCa,
  unlistedFailuresLine,
  versionText,
} from './view.js';
import { certificateView } from './view-certificates.js';
import { len, TEXT_DEFAULT_WIDTH, wrapParts, wrapText } from './wrap.js';
import type { ServerNameMatch } from '../analysis/rules/host-name.js';
import type { CertificateSummary } from '../x509/index.js';

export interface TextOptions {
  readonly color: boolean;
  /** Ladders and details for every connection, not only the failed ones. */
  readonly verbose: boolean;
  /** Terminal width for wrapping; default `TEXT_DEFAULT_WIDTH` (wrap.ts). */
  readonly width?: number;
}

/** Narrowest width the layout is computed for; a narrower terminal wraps the lines itself. */
const TEXT_MIN_WIDTH = 72;

function certificateLines(role: 'Server' | 'Client', certs: readonly CertificateSummary[], nameMatch: ServerNameMatch | null, width: number): string[] {
  const out: string[] = [];
  certs.forEach((cert, i) => {
    const f = certificateView(cert, role === 'Server' && i === 0 ? nameMatch : null);
    const parts: string[] = [];
    if (f.parseError !== null) {
      parts.push(`unreadable certificate: ${f.parseError}`, `SHA-256 ${f.sha256}`);
    } else {
      parts.push(f.subject, `issuer ${f.issuer}`, f.key, `${f.validity}${f.validityNote !== '' ? ` ${f.validityNote}` : ''}`);
      if (f.weakSignature) parts.push(`weak signature ${f.signature}`);
      if (f.sans.length > 0) {
        const more = f.sans.length - 3 + f.moreSans;
        const shown = f.sans.slice(0, 3).join(', ') + (more > 0 ? ` +${more}` : '');
        parts.push(`SAN ${shown}${f.sniMark !== '' ? ` ${f.sniMark}` : ''}`);
      } else if (f.sniMark !== '') {
        parts.push(f.sniMark);
      }
    }
    const label = i === 0 ? `${role} certificate` : `  ↳ chain [${i}]`;
    out.push(...wrapParts(parts.map(sanitizeText), width, `  ${label.padEnd(20)}`, 22));
  });
  return out;
}

function severityColor(severity: string): string {
  return severity === 'error' ? '31' : severity === 'warning' ? '33' : '36';
}

function details(c: ConnectionReport, color: boolean, width: number): string[] {
  const head = `#${c.id}  ${endpointText(c.client)} → ${endpointText(c.server)}${c.sni !== null ? ` (${sanitizeText(c.sni)})` : ''}`;
  const where = stageWords(c);
  const tail = where === '' ? '' : c.status === 'ok' ? `, ${where}` : ` ${where}`;
  const status = `${paintStatus(c, color)}${paint(color, '1', tail)}`;
  const titleLines =
    len(head) + 2 + len(statusWord(c)) + len(tail) <= width
      ? [`${paint(color, '1', head)}  ${status}`]
      : [...wrapText(head, width, '', 4).map((l) => paint(color, '1', l)), ...wrapText(`${statusWord(c)}${tail}`, width, '    ', 4).map((l, i) => (i === 0 ? `    ${status}` : l))];
  const out = ['', ...titleLines, ''];
  const stacks = stacksLine(c);
  if (stacks !== null) out.push(...wrapText(sanitizeText(stacks), width, '  ', 2), '');
  out.push(...wrapText(sanitizeText(c.summary), width, '  ', 2));
  if (c.mtls.acceptableCAs.length > 0 && !summaryNamesEveryCa(c)) {
    out.push('', '  The server accepts client certificates issued by');
    for (const ca of c.mtls.acceptableCAs.slice(0, 8)) out.push(...wrapText(sanitizeText(ca), width, '    • ', 6));
    if (c.mtls.acceptableCAs.length > 8) out.push(`    • … and ${c.mtls.acceptableCAs.length - 8} more`);
  }
  const views = findingViews(c);
  const keyStores = identityLines(c);
  const place = identityPlace(c, views.map((v) => v.finding.code));
  if (place < 0) out.push(...identityText(keyStores, width));
  views.forEach((v, i) => {
    const f = v.finding;
    out.push('', `  ${paint(color, severityColor(f.severity), f.severity.toUpperCase())}  ${sanitizeText(f.title)}${inferredNote(f)}`);
    if (v.detail !== '') out.push(...wrapText(sanitizeText(v.detail), width, `  ${detailLabel(f.severity).padEnd(15)}`, 17));
    if (v.fix !== null) out.push(...wrapText(sanitizeText(v.fix), width, '  Fix            ', 17));
    if (i === place) out.push(...identityText(keyStores, width));
  });
  if (c.mtls.evidence !== null) out.push('', ...wrapText(sanitizeText(c.mtls.evidence), width, '  Evidence       ', 17));
  const dec = c.decryption;
  if (dec !== undefined && dec.status !== 'not-attempted') {
    // With a key log, say whether it opened this connection (never silently ignored).
    const text = dec.status === 'decrypted' ? 'decrypted with the key log' : `${dec.reason ?? dec.status}${dec.frame !== undefined ? ` (frame ${dec.frame})` : ''}`;
    out.push(...wrapText(sanitizeText(text), width, '  Decryption     ', 17));
  }
  const javaLogs = javaLogLine(c);
  if (javaLogs !== null) out.push(...wrapText(sanitizeText(javaLogs), width, '  Java log       ', 17));
  out.push('', ...textLadder(c, width, color));
  const certs = [...certificateLines('Server', c.certificates.server, c.nameMatch, width), ...certificateLines('Client', c.certificates.client, null, width)];
  if (certs.length > 0) out.push('', ...certs);
  return out;
}

/** The key store block: the verdict under its store's name, the remarks, then one line per entry. */
function identityText(stores: ReturnType<typeof identityLines>, width: number): string[] {
  const out: string[] = [];
  for (const s of stores) {
    out.push('', ...wrapText(sanitizeText(s.store), width, '  Key store      ', 17));
    out.push(...wrapText(sanitizeText(s.verdict), width, ' '.repeat(17), 17));
    for (const n of s.notes) out.push(...wrapText(sanitizeText(n), width, ' '.repeat(17), 17));
    for (const line of s.entries) out.push(...wrapText(sanitizeText(line), width, `${' '.repeat(17)}• `, 19));
  }
  return out;
}

function paintStatus(c: ConnectionReport, color: boolean): string {
  const word = statusWord(c);
  switch (c.status) {
    case 'ok':
      return paint(color, '32', word);
    case 'failed':
      return paint(color, '1;31', word);
    case 'incomplete':
      return paint(color, '33', word);
    default:
      return paint(color, '2', word);
  }
}

interface Column {
  readonly head: string;
  readonly width: number;
  readonly cell: (c: ConnectionReport) => string;
}

/** Columns that fit `width`: the cipher column goes first when room is short. */
function columns(width: number, color: boolean, maxId: number): Column[] {
  // The # column fits the largest id: a cut id ("10…") names no connection.
  const fixed = { id: Math.max(5, String(maxId).length + 2), client: 23, version: 9, cert: 16, result: 12, cipher: 24 };
  const minServer = 22;
  const minWhy = 24;
  const withCipher = fixed.id + fixed.client + fixed.version + fixed.cert + fixed.result + fixed.cipher + minServer + minWhy + 9 <= width;
  const used = fixed.id + fixed.client + fixed.version + fixed.cert + fixed.result + (withCipher ? fixed.cipher : 0) + (withCipher ? 9 : 8);
  const spare = Math.max(minServer + minWhy, width - used);
  const server = Math.max(minServer, Math.floor(spare * 0.45));
  const why = Math.max(minWhy, spare - server);
  const cols: Column[] = [
    { head: '#', width: fixed.id, cell: (c) => String(c.id) },
    { head: 'client', width: fixed.client, cell: (c) => endpointText(c.client) },
    {
      head: 'server (SNI)',
      width: server,
      cell: (c) => `${endpointText(c.server)}${c.sni !== null ? ` (${sanitizeText(c.sni)})` : ''}${c.starttls !== null ? ` [${sanitizeText(starttlsText(c.starttls))}]` : ''}`,
    },
    { head: 'version', width: fixed.version, cell: versionText },
  ];
  if (withCipher) cols.push({ head: 'cipher', width: fixed.cipher, cell: (c) => shortCipher(c.cipherSuite) });
  cols.push(
    { head: 'client cert', width: fixed.cert, cell: clientCertText },
    { head: 'result', width: fixed.result, cell: (c) => paintStatus(c, color) },
    { head: 'why', width: why, cell: (c) => sanitizeText(whyText(c)) },
  );
  return cols;
}

/** Below this width the table becomes one wrapped line per connection. */
const TEXT_TABLE_MIN_WIDTH = 110;

function compactRows(cap: CaptureReport, color: boolean, width: number): string {
  const out: string[] = [];
  for (const c of cap.connections) {
    const word = statusWord(c);
    const parts = [
      `${endpointText(c.client)} → ${endpointText(c.server)}${c.sni !== null ? ` (${sanitizeText(c.sni)})` : ''}`,
      versionText(c),
      `client cert: ${clientCertText(c)}`,
    ];
    const why = whyText(c);
    if (why !== '') parts.push(sanitizeText(why));
    const first = `  #${String(c.id).padEnd(4)} ${word.padEnd(10)} `;
    const lines = wrapParts(parts, width, first, first.length);
    out.push(...lines.map((l, i) => (i === 0 ? `  #${String(c.id).padEnd(4)} ${paintStatus(c, color)}${' '.repeat(10 - word.length)} ${l.slice(first.length)}` : l)));
  }
  return out.join('\n');
}

function table(cap: CaptureReport, color: boolean, width: number): string {
  if (width < TEXT_TABLE_MIN_WIDTH) return compactRows(cap, color, width);
  const cols = columns(width, color, cap.connections.reduce((m, c) => Math.max(m, c.id), 0));
  return renderFixedTable(
    { head: cols.map((c) => c.head), style: { head: color ? ['bold'] : [], border: color ? ['grey'] : [] }, colWidths: cols.map((c) => c.width) },
    cap.connections.map((c) => cols.map((col) => col.cell(c))),
  );
}

/** Renders the report for a terminal or a text file. Pure: no I/O. */
export function renderText(report: Report, options: TextOptions): string {
  const width = Math.max(TEXT_MIN_WIDTH, options.width ?? TEXT_DEFAULT_WIDTH);
  const color = options.color;
  const out: string[] = [];
  for (const cap of report.captures) {
    out.push(...wrapText(`${report.tool.name} ${report.tool.version} · ${sanitizeText(captureHeader(cap))}`, width, '', 2).map((l) => paint(color, '1', l)));
    if (cap.error !== null) {
      out.push(`  ${paint(color, '31', 'error')}: ${sanitizeText(cap.error)}`, '');
      continue;
    }
    out.push('', ...wrapText(countsLine(cap), width, '', 2), '');
    const groups = failureGroups(cap);
    for (const g of groups) {
      const clients = `${g.clients.slice(0, 3).join(', ')}${g.clients.length > 3 ? ', …' : ''}`;
      const text = `${`${g.count}× ${sanitizeText(g.title)}`.padEnd(36)} ${clients} → ${sanitizeText(g.server)}`;
      // Keep the aligned columns when the line fits; wrap (collapsing the padding) when not.
      const lines = len(text) + 10 <= width ? [`  FAILED  ${text}`] : wrapText(text, width, '  FAILED  ', 10);
      out.push(...lines.map((l, i) => (i === 0 ? `  ${paint(color, '1;31', 'FAILED')}${l.slice(8)}` : l)));
    }
    const moreFailed = unlistedFailuresLine(cap);
    if (moreFailed !== null) out.push(...wrapText(sanitizeText(moreFailed), width, '  FAILED  ', 10).map((l, i) => (i === 0 ? `  ${paint(color, '1;31', 'FAILED')}${l.slice(8)}` : l)));
    if (groups.length > 0 || moreFailed !== null) out.push('');
    if (cap.connections.length > 0) out.push(table(cap, color, width));
    const listing = listingNote(cap);
    if (listing !== null) out.push(...wrapText(listing, width, '  ', 2));
    for (const c of cap.connections) {
      // One string a connection: a long report's lines would otherwise all stay alive, each
      // copied by every young-generation collection until the final join.
      if (options.verbose || needsDetails(c)) out.push(details(c, color, width).join('\n'));
    }
    const warnings = hygieneWarnings(cap);
    if (warnings.length > 0) {
      out.push('', paint(color, '1', 'Warnings'));
      for (const w of warnings) {
        const lines = wrapText(`${sanitizeText(w.title)} (${idList(w.ids, w.unlisted)})`, width, '  WARN  ', 8);
        out.push(...lines.map((l, i) => (i === 0 ? `  ${paint(color, '33', 'WARN')}${l.slice(6)}` : l)));
      }
    }
    const infos = captureNotes(cap);
    if (infos.length > 0) {
      out.push('', paint(color, '1', 'Notes'));
      for (const w of infos) {
        const lines = wrapText(sanitizeText(noteLine(w)), width, '  INFO  ', 8);
        out.push(...lines.map((l, i) => (i === 0 ? `  ${paint(color, '36', 'INFO')}${l.slice(6)}` : l)));
      }
    }
    const gaps = evidenceGaps(cap);
    // Anomaly codes and frames are for --verbose: the message says what happened in words.
    const notes = cap.anomalies.slice(0, CAPTURE_NOTES_MAX).map((a) => (options.verbose ? `${sanitizeText(a.code)}${a.frame !== undefined ? ` (frame ${a.frame})` : ''}: ${sanitizeText(a.message)}` : sanitizeText(anomalyText(a))));
    if (cap.anomalies.length > CAPTURE_NOTES_MAX) notes.push(`… and ${cap.anomalies.length - CAPTURE_NOTES_MAX} more capture notes (see the JSON report).`);
    if (gaps.length > 0 || notes.length > 0) {
      out.push('', paint(color, '1', 'What the capture does not show'));
      for (const g of gaps) out.push(...wrapText(sanitizeText(g), width, '  • ', 4));
      for (const n of notes) out.push(...wrapText(n, width, '  • ', 4));
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
