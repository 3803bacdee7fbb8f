/**
 * HTML report: one self-contained file that opens offline. Verdict counts as large numbers,
 * a host map, then a sortable, filterable connection table whose rows expand (with
 * details/summary, so it reads without JavaScript) to the ladder, findings and certificates.
 *
 * Safety: every string from the model goes through `escapeHtml`; the page loads nothing
 * (no URLs at all besides the SVG namespace) and its Content-Security-Policy allows only
 * the one inline stylesheet and script, by hash.
 */
import { createHash } from 'node:crypto';
import { HTML_SCRIPT, HTML_STYLE } from './html-assets.js';
import { hostMapSvg, ladderSvg } from './html-svg.js';
import { captureHash } from './markdown.js';
import { stacksLine } from './stack-line.js';
import type { ReportMeta } from './markdown.js';
import type { CaptureReport, ConnectionReport, Report } from './model.js';
import { starttlsText } from './model.js';
import { javaLogLine } from './java-log-line.js';
import { identityLines, identityPlace } from './identity-lines.js';
import { escapeHtml } from './sanitize.js';
import {
  captureCounts,
  CAPTURE_NOTES_MAX,
  anomalyText,
  clientCertText,
  count,
  certificateCountsText,
  countsLine,
  filteredOutText,
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
import type { ServerNameMatch } from '../analysis/rules/host-name.js';
import type { CertificateSummary } from '../x509/index.js';
import { groupedInteger } from '../util/grouped-integer.js';

const e = escapeHtml;
/** Anomalies listed in one connection's technical details; the JSON report has them all. */
const CONNECTION_ANOMALIES_MAX = 50;

/** CSP source for an inline element: its SHA-256, base64 (CSP Level 2 hash source). */
function cspHash(content: string): string {
  return `'sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}'`;
}

/** The Content-Security-Policy of every HTML report: nothing but the inline style and script. */
export const HTML_CSP = [
  "default-src 'none'",
  `style-src ${cspHash(HTML_STYLE)}`,
  `script-src ${cspHash(HTML_SCRIPT)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function ipSortKey(ip: string): string {
  // IPv4 sorts numerically when zero-padded; IPv6 sorts after IPv4, textually.
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  return v4 === null ? `6:${ip}` : `4:${v4.slice(1).map((p) => p.padStart(3, '0')).join('.')}`;
}

function endpointSortKey(ep: { ip: string; port: number }): string {
  return `${ipSortKey(ep.ip)}:${String(ep.port).padStart(5, '0')}`;
}

const STATUS_ORDER: Readonly<Record<string, number>> = { failed: 0, incomplete: 1, ok: 2, 'not-tls': 3 };

function badge(c: ConnectionReport): string {
  return `<span class="badge st-${e(c.status)}">${e(statusWord(c))}</span>`;
}

function certificatesTable(c: ConnectionReport): string {
  const rows: string[] = [];
  const add = (role: string, certs: readonly CertificateSummary[], nameMatch: ServerNameMatch | null): void => {
    certs.forEach((cert, i) => {
      const f = certificateView(cert, i === 0 ? nameMatch : null);
      const who = i === 0 ? role : `${role} chain [${i}]`;
      if (f.parseError !== null) {
        rows.push(`<tr><td>${e(who)}</td><td colspan="4" class="bad">unreadable: ${e(f.parseError)}</td><td class="mono">${e(f.sha256)}</td></tr>`);
        return;
      }
      const mark = f.sniMark === '' ? '' : f.sniMatch === true ? e(f.sniMark) : `<span class="bad">${e(f.sniMark)}</span>`;
      const sans =
        f.sans.length > 0
          ? `<br><span class="muted">SAN ${e(f.sans.slice(0, 8).join(', '))}${f.sans.length + f.moreSans > 8 ? ' …' : ''}</span>${mark !== '' ? ` ${mark}` : ''}`
          : mark !== ''
            ? `<br>${mark}`
            : '';
      const validity = `${e(f.validity)}${f.validityNote !== '' ? ` ${e(f.validityNote)}` : ''}`;
      rows.push(
        `<tr><td>${e(who)}</td><td>${e(f.subject)}${sans}</td><td>${e(f.issuer)}</td><td${f.outOfValidity ? ' class="bad"' : ''}>${validity}</td><td class="key">${e(f.key)}${f.weakSignature ? `<br><span class="bad">weak signature ${e(f.signature)}</span>` : ''}</td><td class="mono">${e(f.sha256)}</td></tr>`,
      );
    });
  };
  add('Server', c.certificates.server, c.nameMatch);
  add('Client', c.certificates.client, null);
  if (rows.length === 0) return '';
  return `<h4>Certificates</h4>\n<table class="certs"><thead><tr><th>Role</th><th>Subject</th><th>Issuer</th><th>Validity</th><th>Key</th><th>SHA-256</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** The key store block: the verdict under its store's name, the remarks, then one item per entry. */
function identityHtml(stores: ReturnType<typeof identityLines>): string[] {
  return stores.map(
    (s) => `<div class="keystore"><p><b>Key store ${e(s.store)}:</b> ${e(s.verdict)}${s.notes.map((n) => ` ${e(n)}`).join('')}</p><ul>${s.entries.map((line) => `<li>${e(line)}</li>`).join('')}</ul></div>`,
  );
}

function connectionDetail(c: ConnectionReport): string {
  const out: string[] = ['<div class="conn-detail">', `<p class="story">${e(c.summary)}</p>`];
  const stacks = stacksLine(c);
  if (stacks !== null) out.push(`<p class="muted">${e(stacks)}</p>`);
  const javaLogs = javaLogLine(c);
  if (javaLogs !== null) out.push(`<p>Java log: ${e(javaLogs)}</p>`);
  if (c.mtls.acceptableCAs.length > 0 && !summaryNamesEveryCa(c)) {
    out.push('<p>The server accepts client certificates issued by:</p><ul>', ...c.mtls.acceptableCAs.slice(0, 50).map((ca) => `<li>${e(ca)}</li>`));
    if (c.mtls.acceptableCAs.length > 50) out.push(`<li>… and ${c.mtls.acceptableCAs.length - 50} more</li>`);
    out.push('</ul>');
  }
  const views = findingViews(c);
  const keyStores = identityLines(c);
  const place = identityPlace(c, views.map((v) => v.finding.code));
  if (place < 0) out.push(...identityHtml(keyStores));
  views.forEach((v, i) => {
    const f = v.finding;
    const rows = [
      v.detail !== '' ? `<dt>${e(detailLabel(f.severity))}</dt><dd>${e(v.detail)}</dd>` : '',
      v.fix !== null ? `<dt>Fix</dt><dd>${e(v.fix)}</dd>` : '',
      f.frames.length > 0 ? `<dt>Frames</dt><dd>${f.frames.slice(0, 30).join(', ')}${f.frames.length > 30 ? ', …' : ''}</dd>` : '',
    ].join('');
    out.push(
      `<div class="finding sev-${e(f.severity)}"><span class="badge sev-${e(f.severity)}">${e(f.severity)}</span> <b>${e(f.title)}</b>${inferredNote(f) !== '' ? ' <span class="muted">(inferred)</span>' : ''}`,
      `${rows !== '' ? `<dl>${rows}</dl>` : ''}</div>`,
    );
    if (i === place) out.push(...identityHtml(keyStores));
  });
  if (c.mtls.evidence !== null) out.push(`<p><b>Evidence:</b> ${e(c.mtls.evidence)}</p>`);
  out.push(`<h4>Ladder</h4>\n<figure>${ladderSvg(c)}</figure>`);
  const certs = certificatesTable(c);
  if (certs !== '') out.push(certs);
  const facts: [string, string][] = [
    ['Versions offered', c.versions.offered.join(', ')],
    ['Cipher suite', c.cipherSuite ?? '–'],
    ['ALPN', `${c.alpn.offered.join(', ')}${c.alpn.negotiated !== null ? ` → ${c.alpn.negotiated}` : ''}`],
    ['Frames', `${c.firstFrame}–${c.lastFrame}`],
    ['TCP end', `${c.tcpEnd.how}${c.tcpEnd.from !== null ? ` by the ${c.tcpEnd.from}` : ''}${c.tcpEnd.frame !== null ? `, frame ${c.tcpEnd.frame}` : ''}`],
  ];
  for (const n of c.notTls) facts.push([`First bytes (${n.from})`, n.firstBytes]);
  out.push(`<h4>Facts</h4>\n<dl class="facts">${facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v === '' ? '–' : v)}</dd>`).join('')}</dl>`);
  // Fingerprints, the message history and anomaly codes are for specialists: folded away.
  const technical: [string, string][] = [
    ['History', c.history],
    ['JA3 / JA3S', `${c.ja3?.hash ?? '–'} / ${c.ja3s?.hash ?? '–'}`],
    ['JA4', c.ja4 ?? '–'],
  ];
  out.push(
    `<details class="technical"><summary>Technical details</summary>\n<dl class="facts">${technical.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v === '' ? '–' : v)}</dd>`).join('')}</dl>`,
    ...(c.anomalies.length > 0
      ? [
          '<h4>Anomalies</h4><ul>',
          ...c.anomalies.slice(0, CONNECTION_ANOMALIES_MAX).map((a) => `<li><code>${e(a.code)}</code>${a.frame !== undefined ? ` (frame ${a.frame})` : ''}: ${e(a.message)}</li>`),
          ...(c.anomalies.length > CONNECTION_ANOMALIES_MAX ? [`<li>… and ${c.anomalies.length - CONNECTION_ANOMALIES_MAX} more (see the JSON report).</li>`] : []),
          '</ul>',
        ]
      : []),
    '</details>',
  );
  out.push('</div>');
  return out.join('\n');
}

const COLUMNS = ['#', 'client', 'server', 'SNI', 'version', 'cipher', 'client cert', 'result', 'why'] as const;

function connectionBody(c: ConnectionReport): string {
  const cells = [
    `<td data-v="${c.id}">${c.id}</td>`,
    `<td class="mono" data-v="${e(endpointSortKey(c.client))}">${e(endpointText(c.client))}</td>`,
    `<td class="mono" data-v="${e(endpointSortKey(c.server))}">${e(endpointText(c.server))}</td>`,
    `<td>${e(c.sni ?? '')}${c.starttls !== null ? ` <span class="muted">[${e(starttlsText(c.starttls))}]</span>` : ''}</td>`,
    `<td>${e(versionText(c))}</td>`,
    `<td>${e(shortCipher(c.cipherSuite))}</td>`,
    `<td>${e(clientCertText(c))}</td>`,
    `<td data-v="${STATUS_ORDER[c.status] ?? 9}">${badge(c)}</td>`,
    `<td>${e(whyText(c))}</td>`,
  ];
  const open = needsDetails(c) ? ' open' : '';
  const shown = findingViews(c).length;
  const what = [`ladder`, shown > 0 ? `${shown} finding${shown === 1 ? '' : 's'}` : '', c.certificates.server.length + c.certificates.client.length > 0 ? 'certificates' : '']
    .filter((s) => s !== '')
    .join(', ');
  return [
    `<tbody class="conn st-${e(c.status)}" data-id="${c.id}" data-status="${e(c.status)}">`,
    `<tr class="row">${cells.join('')}</tr>`,
    `<tr class="detail"><td colspan="${COLUMNS.length}"><details${open}><summary>#${c.id} ${e(statusAndStage(c))} — ${e(what)}</summary>`,
    connectionDetail(c),
    '</details></td></tr>',
    '</tbody>',
  ].join('\n');
}

/**
 * A capture's section as lines, with each connection standing for its rows (rendered when the
 * lines are written out, so a large capture's rows are never all held as text at once).
 */
function captureSectionLines(cap: CaptureReport, capIndex: number): (string | ConnectionReport)[] {
  const out: (string | ConnectionReport)[] = [`<section class="capture" id="capture-${capIndex}">`, `<h2>${e(cap.file)}</h2>`];
  if (cap.error !== null) {
    out.push(`<p class="bad">${e(cap.error)}</p>`, '</section>');
    return out;
  }
  const metaParts = [[cap.format ?? '', cap.gzip ? 'gzip' : '', ...cap.linkTypes].filter((s) => s !== '').join(', '), `${groupedInteger(cap.packets)} packets`];
  if (cap.firstTime !== null && cap.lastTime !== null) metaParts.push(`${cap.firstTime.slice(0, 19).replace('T', ' ')} – ${cap.lastTime.slice(11, 19)} UTC`);
  out.push(`<p class="meta">${e(metaParts.join(' · '))}</p>`, `<p class="verdict"><b>${e(verdictLine(cap))}</b></p>`);
  const n = captureCounts(cap);
  const number = (cls: string, value: number, label: string): string => `<div class="number ${cls}"><b>${count(value)}</b>${e(label)}</div>`;
  // The counts once, as big numbers (zeros left out); the line below adds only what they do not say.
  const numbers = [number('tls', n.tls, 'TLS connections'), number('ok', n.ok, 'ok'), number('failed', n.failed, 'failed')];
  if (n.incomplete > 0) numbers.push(number('incomplete', n.incomplete, 'incomplete'));
  if (n.notTls > 0) numbers.push(number('not-tls', n.notTls, 'not TLS'));
  out.push('<div class="numbers">', ...numbers, '</div>');
  const certs = certificateCountsText(cap);
  const filtered = filteredOutText(cap).replace(/^ · /, '');
  const extra = [certs, filtered].filter((x) => x !== '');
  if (n.connections === 0 && cap.filteredOut != null) out.push(`<p class="certline">${e(countsLine(cap))}</p>`);
  else if (extra.length > 0) out.push(`<p class="certline muted">${e(extra.join(' · '))}</p>`);
  const groups = failureGroups(cap);
  if (groups.length > 0) {
    // The first screen answers what failed, why and what to change: each cause with its story and fix.
    out.push('<ul class="groups">');
    for (const g of groups) {
      const clients = `${g.clients.slice(0, 5).join(', ')}${g.clients.length > 5 ? ', …' : ''}`;
      const first = cap.connections.find((c) => c.id === g.ids[0]);
      const top = first?.findings.find((f) => f.severity === 'error');
      // A capture of one connection shows its story and fix right below, open: said once, there.
      const alone = cap.connections.length === 1;
      const story = first !== undefined && !alone ? `<p class="why">${e(first.summary)}</p>` : '';
      const fix = top !== undefined && !alone ? `<p class="fix"><b>Fix</b> ${e(top.fix)}</p>` : '';
      out.push(`<li><span class="badge st-failed">FAILED</span> <b>${g.count}× ${e(g.title)}</b> — ${e(clients)} → ${e(g.server)} <span class="muted">(${e(idList(g.ids))})</span>${story}${fix}</li>`);
    }
    out.push('</ul>');
  }
  const moreFailed = unlistedFailuresLine(cap);
  if (moreFailed !== null) out.push(`<p><span class="badge st-failed">FAILED</span> ${e(moreFailed)}</p>`);
  const map = hostMapSvg(cap, capIndex);
  if (map !== '') out.push(`<figure>${map}<figcaption>Clients on the left, servers on the right; each line is a client–server pair, coloured by its worst result. Select a line to list its connections.</figcaption></figure>`);
  if (cap.connections.length > 0) {
    out.push(
      `<div class="controls" hidden><input type="search" placeholder="Filter connections" aria-label="Filter connections"><select aria-label="Result"><option value="">all results</option><option value="failed">failed</option><option value="incomplete">incomplete</option><option value="ok">ok</option><option value="not-tls">not TLS</option></select><span class="edge-filter" hidden><span></span> <button type="button">show all</button></span><span class="shown muted"></span></div>`,
      `<div class="table-wrap"><table class="conns"><thead><tr>${COLUMNS.map((h) => `<th aria-sort="none"><button type="button">${e(h)}</button></th>`).join('')}</tr></thead>`,
    );
    // Failed first, then incomplete, then the rest, each by id: what needs attention is on top.
    // One by one: a capture can have more connections than a call takes arguments.
    for (const c of [...cap.connections].sort((a, b) => (STATUS_ORDER[a.status] ?? 9) - (STATUS_ORDER[b.status] ?? 9) || a.id - b.id)) out.push(c);
    out.push('</table></div>');
  }
  const listing = listingNote(cap);
  if (listing !== null) out.push(`<p class="muted">${e(listing)}</p>`);
  const warnings = hygieneWarnings(cap);
  if (warnings.length > 0) out.push('<h3>Warnings</h3><ul>', ...warnings.map((w) => `<li><span class="badge sev-warning">warning</span> ${e(w.title)} <span class="muted">(${e(idList(w.ids, w.unlisted))})</span></li>`), '</ul>');
  const infos = captureNotes(cap);
  if (infos.length > 0) out.push('<h3>Notes</h3><ul>', ...infos.map((w) => `<li><span class="badge sev-info">info</span> ${e(noteLine(w))}</li>`), '</ul>');
  const gaps = evidenceGaps(cap);
  // The message says what happened in words; the anomaly code is its tooltip (and in the JSON report).
  const notes = cap.anomalies.slice(0, CAPTURE_NOTES_MAX).map((a) => `<span title="${e(a.code)}">${e(anomalyText(a))}</span>`);
  if (cap.anomalies.length > CAPTURE_NOTES_MAX) notes.push(`… and ${cap.anomalies.length - CAPTURE_NOTES_MAX} more capture notes (see the JSON report).`);
  if (gaps.length > 0 || notes.length > 0) out.push('<h3>What the capture does not show</h3><ul>', ...gaps.map((g) => `<li>${e(g)}</li>`), ...notes.map((x) => `<li>${x}</li>`), '</ul>');
  out.push('</section>');
  return out;
}

/** Renders the report as one self-contained HTML document. Pure: no I/O. */
export function renderHtml(report: Report, meta: ReportMeta): string {
  let out = '';
  for (const piece of renderHtmlPieces(report, meta)) out += piece;
  return out;
}

/** Characters gathered before a piece of `renderHtmlPieces` is handed out. */
const PIECE_CHARS = 256 * 1024;

/** The document of `renderHtml`, in pieces of a few hundred KB, for writing out as it is made. */
export function* renderHtmlPieces(report: Report, meta: ReportMeta): Generator<string> {
  const title = report.captures.length === 1 && report.captures[0] !== undefined ? `${report.captures[0].file}: ${verdictLine(report.captures[0])}` : `${report.captures.length} captures`;
  const s = report.summary;
  const out: string[] = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // A constant of ours (quotes are single): written as is so the policy reads as it is.
    `<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${e(`${report.tool.name}: ${title}`)}</title>`,
    `<style>${HTML_STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${e(report.tool.name)} report</h1>`,
    // Each capture gives its own counts; the run's totals only help when there are several.
    ...(report.captures.length > 1 ? [`<p class="meta">${report.captures.length} captures · ${s.connections} connection${s.connections === 1 ? '' : 's'}, ${s.tls} TLS: ${s.ok} ok, ${s.failed} failed, ${s.incomplete} incomplete</p>`] : []),
    '</header>',
    '<main>',
  ];
  const tail: string[] = [
    '</main>',
    '<footer>',
    `<p>Generated by ${e(report.tool.name)} ${e(report.tool.version)} (report schema ${report.schemaVersion}). Command line:</p>`,
    `<pre>${e(meta.commandLine)}</pre>`,
    '<table class="hashes"><thead><tr><th>Capture</th><th>SHA-256</th></tr></thead><tbody>',
    ...report.captures.map((cap) => `<tr><td>${e(cap.file)}</td><td class="mono">${e(captureHash(meta, cap.file))}</td></tr>`),
    '</tbody></table>',
    '</footer>',
    `<script>${HTML_SCRIPT}</script>`,
    '</body>',
    '</html>',
  ];
  // Every line ends with a newline: the same text as joining all lines with newlines plus one.
  let piece = '';
  for (const line of out) piece += `${line}\n`;
  for (const [i, cap] of report.captures.entries()) {
    for (const line of captureSectionLines(cap, i)) {
      piece += `${typeof line === 'string' ? line : connectionBody(line)}\n`;
      if (piece.length >= PIECE_CHARS) {
        yield piece;
        piece = '';
      }
    }
  }
  for (const line of tail) piece += `${line}\n`;
  yield piece;
}
