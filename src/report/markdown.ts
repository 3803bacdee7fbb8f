/**
 * Markdown report for tickets: a title with the verdict, the counts and grouped failures,
 * the connection table, then for each failed connection its explanation, findings, a
 * Mermaid ladder (and the same ladder as plain text for trackers without Mermaid) and its
 * certificates; a footer that makes the ticket reproducible (version, command line,
 * capture SHA-256).
 *
 * Every string that came from the wire goes through `md()` (table cells and prose) or
 * `mermaidText()` (inside the diagram), so no capture can inject markup, links or diagram
 * statements.
 */
import { stacksLine } from './stack-line.js';
import type { CaptureReport, ConnectionReport, Report, TimelineJson } from './model.js';
import { starttlsText } from './model.js';
import { javaLogLine } from './java-log-line.js';
import { identityLines, identityPlace } from './identity-lines.js';
import { escapeMarkdown, sanitizeText } from './sanitize.js';
import { textLadder } from './text-ladder.js';
import {
  CAPTURE_NOTES_MAX,
  anomalyText,
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
  statusAndStage,
  statusWord,
  summaryNamesEveryCa,
  unlistedFailuresLine,
  verdictLine,
  versionText,
  whyText,
} from './view.js';
import { certificateView } from './view-certificates.js';
import { isFatalEntry, ladderEntries } from './view-ladder.js';
import type { ServerNameMatch } from '../analysis/rules/host-name.js';
import type { CertificateSummary } from '../x509/index.js';
import { groupedInteger } from '../util/grouped-integer.js';

/** What the Markdown and HTML reports add to the model so a ticket can be reproduced. */
export interface ReportMeta {
  /** The command as it was run, shell-quoted. */
  readonly commandLine: string;
  /** SHA-256 of each capture file (lower-case hex), keyed by `CaptureReport.file`; "(stdin)" for standard input. */
  readonly captureSha256: Readonly<Record<string, string>>;
}

/** The SHA-256 given for a capture (own keys only: a file may be named `constructor`). */
export function captureHash(meta: ReportMeta, file: string): string {
  return Object.hasOwn(meta.captureSha256, file) ? (meta.captureSha256[file] as string) : '(not computed)';
}

/**
 * Escapes a wire string for Markdown prose and table cells. On top of `escapeMarkdown`:
 * `&` (so `&lt;` on the wire stays literal), `~` (strikethrough) and `=`/`-` runs that could
 * start a heading underline are harmless inline, so only `&` and `~` are added.
 */
export function md(s: string): string {
  return escapeMarkdown(s.replace(/&/g, '&amp;')).replace(/~/g, '\\~');
}

/**
 * Text inside a Mermaid message or participant label. Mermaid reads `;` and newlines as
 * statement ends, `#…;` as an entity, `:` as the message separator, `->>`/`-->>` as arrows,
 * `<…>` as HTML and a backtick run could close the Markdown fence. Each such character is
 * written as a Mermaid entity code (`#59;` for `;`), which renders as the character itself.
 */
export function mermaidText(s: string): string {
  return sanitizeText(s)
    .replace(/[;#:<>`&"%]/g, (ch) => `#${ch.charCodeAt(0)};`)
    .replace(/[\s\u2028\u2029]+/g, ' ')
    .trim();
}

/** A code fence longer than any backtick run inside `body`. */
function fence(body: string, info = ''): string {
  let longest = 0;
  for (const m of body.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const f = '`'.repeat(Math.max(3, longest + 1));
  return `${f}${info}\n${body}\n${f}`;
}

/** Inline code with a delimiter longer than any backtick run inside. */
function code(s: string): string {
  const clean = sanitizeText(s);
  let longest = 0;
  for (const m of clean.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const d = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${d}${pad}${clean}${pad}${d}`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function anchor(cap: number, id: number): string {
  return `c${cap}-${id}`;
}

function mermaidLadder(c: ConnectionReport): string {
  const lines = [
    'sequenceDiagram',
    `    participant C as Client ${mermaidText(endpointText(c.client))}`,
    `    participant S as Server ${mermaidText(c.sni !== null ? `${c.sni} ${endpointText(c.server)}` : endpointText(c.server))}`,
  ];
  const { entries, omitted } = ladderEntries(c);
  for (const e of entries) lines.push(`    ${mermaidStep(e)}`);
  if (omitted > 0) lines.push(`    Note over C,S: ${omitted} more events not drawn`);
  return lines.join('\n');
}

function mermaidStep(e: TimelineJson): string {
  const text = `${mermaidText(e.label)} (frame ${e.frame})`;
  if (e.from === null) return `Note over C,S: ${text}`;
  const [a, b] = e.from === 'client' ? ['C', 'S'] : ['S', 'C'];
  // Crossed arrows end the handshake; dotted ones are TCP control, not TLS.
  const arrow = isFatalEntry(e) ? '-x' : e.kind === 'tcp' ? '-->>' : '->>';
  return `${a}${arrow}${b}: ${text}`;
}

function certificateTable(c: ConnectionReport): string[] {
  const rows: string[] = [];
  const add = (role: string, certs: readonly CertificateSummary[], nameMatch: ServerNameMatch | null): void => {
    certs.forEach((cert, i) => {
      const f = certificateView(cert, i === 0 ? nameMatch : null);
      const who = i === 0 ? role : `${role} chain [${i}]`;
      if (f.parseError !== null) {
        rows.push(row([who, `unreadable: ${md(f.parseError)}`, '', '', '', code(f.sha256)]));
        return;
      }
      const validity = `${f.validity}${f.validityNote !== '' ? ` ${f.validityNote}` : ''}`;
      const mark = f.sniMark !== '' ? ` ${f.sniMark}` : '';
      const sans = f.sans.length > 0 ? `<br>SAN ${md(f.sans.slice(0, 5).join(', '))}${f.sans.length + f.moreSans > 5 ? ' …' : ''}${mark}` : mark !== '' ? `<br>${f.sniMark}` : '';
      const key = `${md(f.key)}${f.weakSignature ? `<br>**weak signature** ${md(f.signature)}` : ''}`;
      rows.push(row([who, `${md(f.subject)}${sans}`, md(f.issuer), f.outOfValidity ? `**${md(validity)}**` : md(validity), key, code(f.sha256)]));
    });
  };
  add('Server', c.certificates.server, c.nameMatch);
  add('Client', c.certificates.client, null);
  if (rows.length === 0) return [];
  return [row(['Role', 'Subject', 'Issuer', 'Validity', 'Key', 'SHA-256']), row(['---', '---', '---', '---', '---', '---']), ...rows];
}

/** The key store block: the verdict under its store's name, the remarks, then one item per entry. */
function identityMarkdown(stores: ReturnType<typeof identityLines>): string[] {
  const out: string[] = [];
  for (const s of stores) {
    out.push(`**Key store ${md(s.store)}:** ${md(s.verdict)}${s.notes.map((n) => ` ${md(n)}`).join('')}`, '', ...s.entries.map((line) => `- ${md(line)}`), '');
  }
  return out;
}

function connectionSection(c: ConnectionReport, capIndex: number): string[] {
  const out: string[] = [];
  out.push(
    `### <a id="${anchor(capIndex, c.id)}"></a>#${c.id} ${md(endpointText(c.client))} → ${md(endpointText(c.server))}${c.sni !== null ? ` (${md(c.sni)})` : ''} — ${md(statusAndStage(c))}`,
    '',
    md(c.summary),
    '',
  );
  const stacks = stacksLine(c);
  if (stacks !== null) out.push(`*${md(stacks)}*`, '');
  const javaLogs = javaLogLine(c);
  if (javaLogs !== null) out.push(`Java log: ${md(javaLogs)}`, '');
  if (c.mtls.acceptableCAs.length > 0 && !summaryNamesEveryCa(c)) {
    out.push('The server accepts client certificates issued by:', '', ...c.mtls.acceptableCAs.slice(0, 20).map((ca) => `- ${md(ca)}`));
    if (c.mtls.acceptableCAs.length > 20) out.push(`- … and ${c.mtls.acceptableCAs.length - 20} more`);
    out.push('');
  }
  const views = findingViews(c);
  const keyStores = identityLines(c);
  const place = identityPlace(c, views.map((v) => v.finding.code));
  if (place < 0) out.push(...identityMarkdown(keyStores));
  views.forEach((v, i) => {
    const f = v.finding;
    out.push(`**${f.severity.toUpperCase()} — ${md(f.title)}**${inferredNote(f)}`, '');
    if (v.detail !== '') out.push(`- **${detailLabel(f.severity)}:** ${md(v.detail)}`);
    if (v.fix !== null) out.push(`- **Fix:** ${md(v.fix)}`);
    if (f.frames.length > 0) out.push(`- **Frames:** ${f.frames.slice(0, 20).join(', ')}${f.frames.length > 20 ? ', …' : ''}`);
    out.push('');
    if (i === place) out.push(...identityMarkdown(keyStores));
  });
  if (c.mtls.evidence !== null) out.push(`**Evidence:** ${md(c.mtls.evidence)}`, '');
  out.push(fence(mermaidLadder(c), 'mermaid'), '');
  out.push('<details><summary>Ladder as text</summary>', '', fence(textLadder(c).join('\n'), 'text'), '', '</details>', '');
  const certs = certificateTable(c);
  if (certs.length > 0) {
    for (const line of certs) out.push(line);
    out.push('');
  }
  return out;
}

function captureSection(cap: CaptureReport, capIndex: number, multi: boolean): string[] {
  const out: string[] = [];
  if (multi) out.push(`## ${md(cap.file)} — ${md(verdictLine(cap))}`, '');
  if (cap.error !== null) {
    out.push(`**Error:** ${md(cap.error)}`, '');
    return out;
  }
  const details = [cap.format ?? '', cap.gzip ? 'gzip' : '', ...cap.linkTypes].filter((s) => s !== '');
  out.push(`${md(details.join(', '))} · ${groupedInteger(cap.packets)} packets${cap.firstTime !== null && cap.lastTime !== null ? ` · ${cap.firstTime.slice(0, 19).replace('T', ' ')} – ${cap.lastTime.slice(11, 19)} UTC` : ''}`, '');
  out.push(`**${md(countsLine(cap))}**`, '');
  const groups = failureGroups(cap);
  if (groups.length > 0) {
    out.push(row(['Result', 'Count', 'Cause', 'Clients', 'Server', 'Connections']), row(['---', '---:', '---', '---', '---', '---']));
    for (const g of groups) {
      const clients = `${g.clients.slice(0, 5).join(', ')}${g.clients.length > 5 ? ', …' : ''}`;
      out.push(row(['**FAILED**', String(g.count), md(g.title), md(clients), md(g.server), g.ids.slice(0, 8).map((id) => `[#${id}](#${anchor(capIndex, id)})`).join(' ')]));
    }
    out.push('');
  }
  const moreFailed = unlistedFailuresLine(cap);
  if (moreFailed !== null) out.push(`**FAILED** ${md(moreFailed)}`, '');
  if (cap.connections.length > 0) {
    const h = multi ? '###' : '##';
    out.push(`${h} Connections`, '');
    out.push(row(['#', 'Client', 'Server (SNI)', 'Version', 'Cipher', 'Client cert', 'Result', 'Why']), row(['---:', '---', '---', '---', '---', '---', '---', '---']));
    for (const c of cap.connections) {
      const id = needsDetails(c) ? `[${c.id}](#${anchor(capIndex, c.id)})` : String(c.id);
      out.push(
        row([
          id,
          md(endpointText(c.client)),
          `${md(endpointText(c.server))}${c.sni !== null ? ` (${md(c.sni)})` : ''}${c.starttls !== null ? ` [${md(starttlsText(c.starttls))}]` : ''}`,
          md(versionText(c)),
          md(shortCipher(c.cipherSuite)),
          md(clientCertText(c)),
          c.status === 'failed' ? '**FAILED**' : statusWord(c),
          md(whyText(c)),
        ]),
      );
    }
    out.push('');
  }
  const listing = listingNote(cap);
  if (listing !== null) out.push(`_${md(listing)}_`, '');
  const failed = cap.connections.filter(needsDetails);
  if (failed.length > 0) {
    out.push(`${multi ? '###' : '##'} Failed connections`, '');
    for (const c of failed) for (const line of connectionSection(c, capIndex)) out.push(line);
  }
  const warnings = hygieneWarnings(cap);
  if (warnings.length > 0) {
    out.push(`${multi ? '###' : '##'} Warnings`, '', ...warnings.map((w) => `- ${md(w.title)} (${idList(w.ids, w.unlisted)})`), '');
  }
  const infos = captureNotes(cap);
  if (infos.length > 0) out.push(`${multi ? '###' : '##'} Notes`, '', ...infos.map((w) => `- ${md(noteLine(w))}`), '');
  const gaps = evidenceGaps(cap);
  // The message says what happened in words; the anomaly codes are in the JSON report.
  const notes = cap.anomalies.slice(0, CAPTURE_NOTES_MAX).map((a) => md(anomalyText(a)));
  if (cap.anomalies.length > CAPTURE_NOTES_MAX) notes.push(`… and ${cap.anomalies.length - CAPTURE_NOTES_MAX} more capture notes (see the JSON report).`);
  if (gaps.length > 0 || notes.length > 0) {
    out.push(`${multi ? '###' : '##'} What the capture does not show`, '', ...gaps.map((g) => `- ${md(g)}`), ...notes.map((n) => `- ${n}`), '');
  }
  return out;
}

/** Renders the report as GitHub-flavoured Markdown with Mermaid diagrams. Pure: no I/O. */
export function renderMarkdown(report: Report, meta: ReportMeta): string {
  const multi = report.captures.length > 1;
  const out: string[] = [];
  const first = report.captures[0];
  if (!multi && first !== undefined) {
    out.push(`# ${md(first.file)}: ${md(verdictLine(first))}`, '');
  } else {
    const s = report.summary;
    const verdict = s.failed > 0 ? `${s.failed} of ${s.tls} TLS connections failed` : s.tls > 0 ? `no failures in ${s.tls} TLS connections` : 'no TLS connections found';
    out.push(`# ${report.captures.length} captures: ${verdict}`, '');
  }
  // Line by line: a capture's section can hold more lines than a call can take arguments.
  report.captures.forEach((cap, i) => {
    for (const line of captureSection(cap, i, multi)) out.push(line);
  });
  out.push('---', '', `Generated by ${md(report.tool.name)} ${md(report.tool.version)} (report schema ${report.schemaVersion}).`, '', 'Command line:', '', fence(sanitizeText(meta.commandLine), 'sh'), '');
  out.push(row(['Capture', 'SHA-256']), row(['---', '---']));
  for (const cap of report.captures) out.push(row([md(cap.file), code(captureHash(meta, cap.file))]));
  return `${out.join('\n')}\n`;
}
