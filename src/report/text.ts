/**
 * Terminal report: the verdict first (counts, grouped failures), then the table, then for
 * each failed connection its explanation, ladder, certificates and findings, then the
 * hygiene warnings and, last, what the capture could not show — the order a person needs
 * to act (see the report mock-up in the project documentation).
 *
 * The presentation helpers exported here (endpoint text, failure groups, certificate facts,
 * ladder entries, evidence gaps) are shared with the Markdown and HTML renderers, so the
 * three formats say the same thing in the same words.
 */
import { tallyOf } from './connection-tally.js';
import type { ConnectionTally } from './connection-tally.js';
import { failureTitle, whyText } from './cause.js';
import type { CaptureReport, ConnectionReport, Report, TimelineJson } from './model.js';
import { starttlsText } from './model.js';
import { sanitizeText } from './sanitize.js';
import { renderFixedTable } from './text-table.js';
import type { CertificateSummary } from '../x509/index.js';
import { endpointText as formatEndpoint } from '../util/endpoint.js';

export interface TextOptions {
  readonly color: boolean;
  /** Ladders and details for every connection, not only the failed ones. */
  readonly verbose: boolean;
  /** Terminal width for wrapping; default {@link TEXT_DEFAULT_WIDTH}. */
  readonly width?: number;
}

/** Width used when the terminal's is unknown (output to a file or a pipe). */
export const TEXT_DEFAULT_WIDTH = 120;
/** Narrowest width the layout is computed for; a narrower terminal wraps the lines itself. */
export const TEXT_MIN_WIDTH = 72;
/**
 * Timeline entries drawn per ladder in every format. The connection builder bounds the
 * timeline already; this keeps a ticket or a diagram readable (the rest is counted).
 */
export const LADDER_MAX_ENTRIES = 80;
/** Capture-level anomalies listed by name; the rest are counted. */
export const CAPTURE_NOTES_MAX = 10;

const ESC = String.fromCharCode(27);

function paint(on: boolean, code: string, s: string): string {
  return on ? `${ESC}[${code}m${s}${ESC}[0m` : s;
}

// ---------------------------------------------------------------------------------------
// Shared presentation helpers. They return raw (unescaped) strings: each renderer escapes
// them for its medium (sanitizeText, escapeMarkdown, escapeHtml).
// ---------------------------------------------------------------------------------------

/** `10.0.0.1:443`, `[2001:db8::1]:443`. */
export function endpointText(e: { readonly ip: string; readonly port: number }): string {
  return formatEndpoint(e.ip, e.port);
}

/** `hr.example.com (10.20.9.5:8443)` or the bare endpoint. */
export function serverText(c: ConnectionReport): string {
  return c.sni !== null ? `${c.sni} (${endpointText(c.server)})` : endpointText(c.server);
}

/** Display word of a status. */
export function statusWord(c: ConnectionReport): string {
  switch (c.status) {
    case 'ok':
      return 'ok';
    case 'failed':
      return 'FAILED';
    case 'incomplete':
      return 'incomplete';
    default:
      return 'not TLS';
  }
}

/** The client-certificate column: what happened to mutual TLS, in a few words. */
export function clientCertText(c: ConnectionReport): string {
  if (!c.tls) return '–';
  const m = c.mtls;
  switch (m.state) {
    case 'not-requested':
      return 'not requested';
    case 'requested-not-sent':
      return m.clientCertificates === 0 ? 'requested, empty sent' : 'requested, none sent';
    case 'not-reached':
      return 'requested, not reached';
    case 'sent-accepted':
      return 'sent, accepted';
    case 'sent-rejected':
      return 'sent, rejected';
    case 'optional-not-sent':
      return 'optional, not sent';
    case 'unknown-encrypted':
      if (m.inferred && m.certificateRequested === false) return 'encrypted (likely not requested)';
      if (m.inferred && m.clientCertificates === 0) return 'encrypted (likely requested, none sent)';
      if (m.inferred && m.certificateRequested === true) return 'encrypted (likely sent)';
      return 'encrypted';
    default:
      return '–';
  }
}

export { failureTitle, whyText } from './cause.js';

/** `ECDHE_RSA AES_256_GCM_SHA384` from the IANA name: shorter, same facts. */
export function shortCipher(name: string | null): string {
  if (name === null) return '–';
  return name.replace(/^TLS_/, '').replace('_WITH_', ' ');
}

/** Negotiated version, else the highest offered in parentheses. */
export function versionText(c: ConnectionReport): string {
  return c.versions.negotiated ?? (c.versions.offered[0] !== undefined ? `(${c.versions.offered[0]})` : '–');
}

/** Counts of one capture (listed and unlisted connections), for the big numbers and the counts line. */
export type CaptureCounts = ConnectionTally;

export function captureCounts(cap: CaptureReport): CaptureCounts {
  return tallyOf(cap.connections, cap.unlisted);
}

/** A count as the reports print it: "1,234". */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "12 TLS connections: 9 ok, 3 failed · client certificates: sent on 9, missing on 2". */
export function countsLine(cap: CaptureReport): string {
  const n = captureCounts(cap);
  const parts = [`${n.ok} ok`];
  if (n.failed > 0) parts.push(`${n.failed} failed`);
  if (n.incomplete > 0) parts.push(`${n.incomplete} incomplete`);
  const certParts: string[] = [];
  if (n.certSent > 0) certParts.push(`sent on ${n.certSent}`);
  if (n.certMissing > 0) certParts.push(`missing on ${n.certMissing}`);
  if (n.certRejected > 0) certParts.push(`rejected on ${n.certRejected}`);
  if (n.certEncrypted > 0) certParts.push(`encrypted on ${n.certEncrypted}`);
  return `${plural(n.tls, 'TLS connection')}: ${parts.join(', ')}${certParts.length > 0 ? ` · client certificates: ${certParts.join(', ')}` : ''}${n.notTls > 0 ? ` · ${plural(n.notTls, 'other TCP connection')}` : ''}`;
}

/** Failed connections grouped by cause and server. */
export interface FailureGroup {
  readonly count: number;
  readonly title: string;
  readonly code: string | null;
  readonly clients: readonly string[];
  readonly server: string;
  readonly ids: readonly number[];
}

export function failureGroups(cap: CaptureReport): FailureGroup[] {
  const groups = new Map<string, { count: number; title: string; code: string | null; clients: Set<string>; server: string; ids: number[] }>();
  for (const c of cap.connections) {
    if (c.status !== 'failed') continue;
    const top = c.findings.find((f) => f.severity === 'error');
    const title = failureTitle(c);
    const server = serverText(c);
    const key = `${title}\u0000${server}`;
    const g = groups.get(key) ?? { count: 0, title, code: top?.code ?? null, clients: new Set<string>(), server, ids: [] };
    g.count++;
    g.clients.add(c.client.ip);
    g.ids.push(c.id);
    groups.set(key, g);
  }
  return [...groups.values()]
    .map((g) => ({ count: g.count, title: g.title, code: g.code, clients: [...g.clients], server: g.server, ids: g.ids }))
    .sort((a, b) => b.count - a.count);
}

/** Failed connections the report counts but does not list, by cause; null when there are none. */
export function unlistedFailuresLine(cap: CaptureReport): string | null {
  const u = cap.unlisted;
  if (u == null || u.failed === 0) return null;
  const causes = [...u.failures].sort((a, b) => b.connections - a.connections);
  const list = causes.slice(0, 5).map((f) => `${f.title} (${count(f.connections)}×)`);
  const more = cap.connections.some((c) => c.status === 'failed') ? ' more' : '';
  return `${u.failed === 1 ? `1${more} failed connection is` : `${count(u.failed)}${more} failed connections are`} not listed: ${list.join('; ')}${causes.length > 5 ? '; …' : ''}.`;
}

/** One line a person reads first: "3 of 12 TLS connections failed: client certificate missing (2×), …". */
export function verdictLine(cap: CaptureReport): string {
  if (cap.error !== null) return 'could not be read';
  const n = captureCounts(cap);
  if (n.connections === 0) return 'no TCP connections found';
  if (n.tls === 0) return `no TLS found in ${plural(n.connections, 'TCP connection')}`;
  if (n.failed > 0) {
    const causes = new Map<string, number>();
    for (const g of failureGroups(cap)) causes.set(g.title, (causes.get(g.title) ?? 0) + g.count);
    for (const f of cap.unlisted?.failures ?? []) causes.set(f.title, (causes.get(f.title) ?? 0) + f.connections);
    const list = [...causes].map(([t, k]) => (causes.size > 1 ? `${t} (${k}×)` : t)).slice(0, 3);
    return `${n.failed} of ${plural(n.tls, 'TLS connection')} failed: ${list.join('; ')}${causes.size > 3 ? '; …' : ''}`;
  }
  if (n.incomplete > 0) return `no failures seen; ${n.incomplete} of ${plural(n.tls, 'TLS connection')} incomplete in the capture`;
  return n.tls === 1 ? 'the TLS connection succeeded' : `all ${n.tls} TLS connections succeeded`;
}

/** One line per capture header: file, format, link types, packets, time span. */
export function captureHeader(cap: CaptureReport): string {
  const parts = [cap.file];
  if (cap.format !== null) parts.push(`${cap.format}${cap.gzip ? ' (gzip)' : ''}${cap.linkTypes.length > 0 ? `, ${cap.linkTypes.join(', ')}` : ''}`);
  if (cap.error === null) parts.push(`${cap.packets.toLocaleString('en-US')} packets`);
  if (cap.firstTime !== null && cap.lastTime !== null) parts.push(`${cap.firstTime.slice(0, 19).replace('T', ' ')} – ${cap.lastTime.slice(11, 19)} UTC`);
  return parts.join(' · ');
}

/** Hygiene warnings, one per distinct finding, with the connections it was seen on. */
export interface WarningLine {
  readonly code: string;
  readonly title: string;
  readonly ids: readonly number[];
  /** Connections with the warning that the report does not list. */
  readonly unlisted: number;
}

export function hygieneWarnings(cap: CaptureReport): WarningLine[] {
  const byKey = new Map<string, { code: string; title: string; ids: number[]; unlisted: number }>();
  const line = (code: string, title: string) => {
    const key = `${code}\u0000${title}`;
    const w = byKey.get(key) ?? { code, title, ids: [], unlisted: 0 };
    byKey.set(key, w);
    return w;
  };
  for (const c of cap.connections) {
    for (const f of c.findings) {
      if (f.severity !== 'warning') continue;
      const w = line(f.code, f.title);
      if (!w.ids.includes(c.id)) w.ids.push(c.id);
    }
  }
  for (const u of cap.unlisted?.warnings ?? []) line(u.code, u.title).unlisted += u.connections;
  return [...byKey.values()];
}

/** "#1, #2, #5" (at most eight, then a count), with `unlisted` more that have no listed id. */
export function idList(ids: readonly number[], unlisted = 0): string {
  const shown = ids.slice(0, 8).map((id) => `#${id}`);
  const more = Math.max(0, ids.length - 8) + unlisted;
  if (shown.length === 0) return `${count(more)} not listed`;
  return more > 0 ? `${shown.join(', ')} and ${count(more)} more` : shown.join(', ');
}

/**
 * When the report lists fewer connections than it analyzed: which ones, and how to see the
 * rest. One sentence; null when every connection is listed.
 */
export function listingNote(cap: CaptureReport): string | null {
  const u = cap.unlisted;
  if (u == null || u.connections === 0) return null;
  const listed = cap.connections.length;
  const all = listed + u.connections;
  return (
    `Listed ${count(listed)} of ${count(all)} connections (failed first, then incomplete, then the rest, each in capture order); ` +
    `${u.connections === 1 ? 'the other one is' : `the other ${count(u.connections)} are`} counted above but not shown — raise the limit with --max-report-connections N, or use --format ndjson to list every connection in constant memory.`
  );
}

/** What the capture could not show and what would reveal it; one sentence each. */
export function evidenceGaps(cap: CaptureReport): string[] {
  const out: string[] = [];
  const u = cap.unlisted;
  const encrypted = cap.connections.filter((c) => c.tls && c.mtls.state === 'unknown-encrypted');
  const encryptedCount = encrypted.length + (u?.certEncrypted ?? 0);
  if (encryptedCount > 0) {
    const likelySent = encrypted.filter((c) => c.mtls.inferred && c.mtls.certificateRequested === true && c.mtls.clientCertificates !== 0);
    const likelyNone = encrypted.filter((c) => c.mtls.inferred && c.mtls.clientCertificates === 0);
    const likelyNotRequested = encrypted.filter((c) => c.mtls.inferred && c.mtls.certificateRequested === false);
    const hints: string[] = [];
    if (likelySent.length > 0) hints.push(`the client almost certainly sent a certificate on ${idList(likelySent.map((c) => c.id))}`);
    if (likelyNone.length > 0) hints.push(`a certificate was likely requested and none sent on ${idList(likelyNone.map((c) => c.id))}`);
    if (likelyNotRequested.length > 0) hints.push(`no certificate was likely requested on ${idList(likelyNotRequested.map((c) => c.id))}`);
    out.push(
      `${encryptedCount === 1 ? '1 connection is' : `${count(encryptedCount)} connections are`} TLS 1.3: the certificate exchange is encrypted — run again with --keylog FILE to see it${hints.length > 0 ? `; from record sizes ${hints.join(', ')}` : ''}.`,
    );
  }
  const incomplete = cap.connections.filter((c) => c.status === 'incomplete');
  const incompleteCount = incomplete.length + (u?.incomplete ?? 0);
  if (incompleteCount > 0) {
    out.push(`${incompleteCount === 1 ? '1 connection' : `${count(incompleteCount)} connections`} (${idList(incomplete.map((c) => c.id), u?.incomplete)}) did not finish inside the capture: capture longer, or start it before the client connects.`);
  }
  const gaps = cap.connections.filter((c) => c.timeline.some((e) => e.kind === 'gap'));
  if (gaps.length + (u?.withGaps ?? 0) > 0) {
    out.push(`Bytes are missing from ${idList(gaps.map((c) => c.id), u?.withGaps)}: capture with a full snap length (tcpdump -s 0) and a larger buffer (-B 8192).`);
  }
  // An interrupted read says so in its own capture note.
  if (cap.stoppedEarly && !cap.anomalies.some((a) => a.code === 'capture.interrupted')) out.push('The capture ended early (truncated file or a limit reached): the last connections may be incomplete.');
  if (cap.udp.dtlsFlows + cap.udp.quicFlows > 0) {
    out.push(`Also present and not analyzed: ${cap.udp.dtlsFlows} DTLS and ${cap.udp.quicFlows} QUIC flow(s) over UDP.`);
  }
  return out;
}

/** A certificate as the reports show it: one fact per field, unescaped. */
export interface CertificateView {
  readonly subject: string;
  readonly issuer: string;
  /** "RSA 2048", "EC P-256", "Ed25519". */
  readonly key: string;
  readonly notBefore: string | null;
  readonly notAfter: string | null;
  /** "valid 2025-03-01 → 2027-03-01". */
  readonly validity: string;
  /** "(463 days left)", "(EXPIRED 12 days before the capture)", "(not yet valid)", or "". */
  readonly validityNote: string;
  /** True when the capture time lies outside the validity period. */
  readonly outOfValidity: boolean;
  readonly sans: readonly string[];
  /** Names not listed (other kinds, or past the summary's bound). */
  readonly moreSans: number;
  /** Does a DNS SAN (or the subject CN without SANs) cover the SNI? null: no SNI or not the leaf. */
  readonly sniMatch: boolean | null;
  readonly signature: string;
  readonly weakSignature: boolean;
  readonly sha256: string;
  readonly parseError: string | null;
}

/** RFC 6125 §6.4.3: a wildcard stands for exactly one left-most label. */
function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return p === h;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

function keyText(cert: CertificateSummary): string {
  const k = cert.publicKey;
  if (k === null) return 'key ?';
  if (k.algorithm === 'EC') return `EC ${k.curve ?? (k.bits !== null ? String(k.bits) : '?')}`;
  if (k.algorithm === 'RSA' || k.algorithm === 'RSA-PSS' || k.algorithm === 'DSA') return `${k.algorithm} ${k.bits ?? '?'}`;
  return k.algorithm;
}

/** The facts of one certificate for display; `sni` is given for the leaf of the server chain. */
export function certificateView(cert: CertificateSummary, sni: string | null = null): CertificateView {
  const san = cert.subjectAltNames;
  const dns = san.dns;
  const sans = [...dns, ...san.ip, ...san.uri, ...san.email];
  const moreSans = san.other + san.omitted;
  let sniMatch: boolean | null = null;
  if (sni !== null && cert.parseError === null) {
    const cn = cert.subjectCommonName;
    sniMatch = dns.length > 0 ? dns.some((d) => hostMatches(d, sni)) : cn !== null && hostMatches(cn, sni);
  }
  let validityNote = '';
  const days = cert.daysToExpiry;
  switch (cert.validAtCapture) {
    case 'valid':
      validityNote = days === null ? '' : `(${plural(days, 'day')} left)`;
      break;
    case 'expired':
      validityNote = days === null ? '(EXPIRED at capture time)' : `(EXPIRED ${plural(Math.abs(days), 'day')} before the capture)`;
      break;
    case 'not-yet-valid':
      validityNote = '(NOT YET VALID at capture time)';
      break;
    default:
      validityNote = '';
  }
  const day = (s: string | null): string => (s === null ? '?' : s.slice(0, 10));
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    key: keyText(cert),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    validity: `valid ${day(cert.notBefore)} → ${day(cert.notAfter)}`,
    validityNote,
    outOfValidity: cert.validAtCapture === 'expired' || cert.validAtCapture === 'not-yet-valid',
    sans,
    moreSans,
    sniMatch,
    signature: cert.signatureAlgorithm ?? '?',
    weakSignature: cert.weakSignature,
    sha256: cert.sha256,
    parseError: cert.parseError,
  };
}

/** The timeline entries a ladder shows, and how many were left out. */
export function ladderEntries(c: ConnectionReport, max = LADDER_MAX_ENTRIES): { entries: readonly TimelineJson[]; omitted: number } {
  return { entries: c.timeline.slice(0, max), omitted: Math.max(0, c.timeline.length - max) };
}

/** Does this entry end the handshake badly (drawn with a cross)? */
export function isFatalEntry(e: TimelineJson): boolean {
  return (e.kind === 'alert' && !e.label.includes('warning')) || (e.kind === 'tcp' && e.label === 'RST');
}

/** Connections a report explains in full: failed ones, and any other with an error finding (e.g. plaintext to a TLS port). */
export function needsDetails(c: ConnectionReport): boolean {
  return c.status === 'failed' || c.findings.some((f) => f.severity === 'error');
}

/** Label of a finding's detail: for an error it names the likely cause, else it is the detail. */
export function detailLabel(severity: string): string {
  return severity === 'error' ? 'Likely cause' : 'Detail';
}

/**
 * A finding's detail as shown under the connection's summary: the summary is the detail's
 * first sentence, so it is not printed twice — what follows it is the likely cause.
 */
export function findingDetail(summary: string, detail: string): string {
  if (!detail.startsWith(summary)) return detail;
  const rest = detail.slice(summary.length).trim();
  return rest === '' ? detail : rest;
}

/** " (inferred)" unless the title says so already. */
export function inferredNote(f: { readonly title: string; readonly inferred?: boolean }): string {
  return f.inferred === true && !/inferred/i.test(f.title) ? ' (inferred)' : '';
}

/** "+3 ms", "+1.2 s". */
export function formatDelta(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "14:02:11.201" from an ISO time. */
export function clockTime(iso: string): string {
  return iso.slice(11, 23);
}

// ---------------------------------------------------------------------------------------
// Text layout.
// ---------------------------------------------------------------------------------------

/** Code points, so a multi-unit character counts once when padding. */
function len(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function truncate(s: string, room: number): string {
  if (len(s) <= room) return s;
  return `${[...s].slice(0, Math.max(0, room - 1)).join('')}…`;
}

/**
 * Word-wraps `text` to `width` columns: the first line after `first`, the others after
 * `indent` spaces. Words longer than a line are cut.
 */
export function wrapText(text: string, width: number, first: string, indent: number): string[] {
  const lines: string[] = [];
  const room = Math.max(16, width - indent);
  let line = first;
  let lineLen = len(first);
  let empty = true;
  const pad = ' '.repeat(indent);
  for (const raw of text.split(' ')) {
    if (raw === '') continue;
    let word = raw;
    while (len(word) > room) {
      // A word longer than a line: fill the rest of this line with its head.
      const free = Math.max(1, (empty ? room - Math.max(0, lineLen - indent) : room - Math.max(0, lineLen - indent) - 1));
      const head = [...word].slice(0, free).join('');
      line += (empty ? '' : ' ') + head;
      lines.push(line);
      word = [...word].slice(free).join('');
      line = pad;
      lineLen = indent;
      empty = true;
    }
    const need = len(word) + (empty ? 0 : 1);
    if (!empty && lineLen + need > width) {
      lines.push(line);
      line = pad + word;
      lineLen = indent + len(word);
    } else {
      line += (empty ? '' : ' ') + word;
      lineLen += need;
    }
    empty = false;
  }
  if (!empty || lines.length === 0) lines.push(line);
  return lines;
}

/** Joins parts with " · ", breaking only between parts, with a hanging indent. */
function wrapParts(parts: readonly string[], width: number, first: string, indent: number): string[] {
  const lines: string[] = [];
  let line = first;
  let lineLen = len(first);
  let fresh = true;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const sep = fresh ? '' : ' · ';
    // Room for the " ·" that ends a line when the next part moves down.
    const room = i < parts.length - 1 ? width - 2 : width;
    if (lineLen + len(sep) + len(part) > room && (fresh || indent + len(part) > room)) {
      // The part does not fit even on a line of its own: wrap it by words.
      const head = fresh ? line : `${line} ·`;
      const wrapped = fresh ? wrapText(part, room, head, indent) : [head, ...wrapText(part, room, ' '.repeat(indent), indent)];
      lines.push(...wrapped.slice(0, -1));
      line = wrapped[wrapped.length - 1] as string;
      lineLen = len(line);
    } else if (!fresh && lineLen + len(sep) + len(part) > room) {
      lines.push(`${line} ·`);
      line = ' '.repeat(indent) + part;
      lineLen = indent + len(part);
    } else {
      line += sep + part;
      lineLen += len(sep) + len(part);
    }
    fresh = false;
  }
  lines.push(line);
  return lines;
}

/**
 * The connection as a ladder between client and server, one row per timeline entry:
 *
 *     │ ── ClientHello · SNI hr.example.com ───▶ │  #4     14:02:11.201
 *     │ ◀─ ServerHello ───────────────────────── │  #6     +2 ms
 */
export function textLadder(c: ConnectionReport, width = TEXT_DEFAULT_WIDTH, color = false): string[] {
  // Columns: 4 indent + "│ " + inner + " │" + "  #frame  time  ✖" (about 24).
  const inner = Math.max(30, Math.min(60, width - 4 - 4 - 24));
  const lines = [`  client${' '.repeat(inner + 1)}server`];
  const { entries, omitted } = ladderEntries(c);
  let previous: TimelineJson | null = null;
  for (const e of entries) {
    const label = truncate(sanitizeText(e.label), inner - 6);
    let arrow: string;
    if (e.from === 'client') arrow = `── ${label} ${'─'.repeat(Math.max(1, inner - len(label) - 5))}▶`;
    else if (e.from === 'server') arrow = `◀─ ${label} ${'─'.repeat(Math.max(1, inner - len(label) - 4))}`;
    else {
      const text = `· ${label} ·`;
      const left = Math.max(0, Math.floor((inner - len(text)) / 2));
      arrow = `${' '.repeat(left)}${text}`;
    }
    arrow += ' '.repeat(Math.max(0, inner - len(arrow)));
    const when = previous === null ? clockTime(e.time) : previous.frame === e.frame ? '' : `+${formatDelta(e.offsetMs - previous.offsetMs)}`;
    previous = e;
    const fatal = isFatalEntry(e);
    const mark = fatal ? `  ${paint(color, '31', '✖')}` : '';
    const row = `    │ ${fatal ? paint(color, '31', arrow) : arrow} │  ${`#${e.frame}`.padEnd(7)} ${when}`;
    lines.push(`${when === '' && mark === '' ? row.trimEnd() : row}${mark}`);
  }
  if (omitted > 0) lines.push(`    │ ${`… ${plural(omitted, 'more event')}`.padEnd(inner)} │`);
  return lines;
}

function certificateLines(role: 'Server' | 'Client', certs: readonly CertificateSummary[], sni: string | null, width: number): string[] {
  const out: string[] = [];
  certs.forEach((cert, i) => {
    const f = certificateView(cert, role === 'Server' && i === 0 ? sni : null);
    const parts: string[] = [];
    if (f.parseError !== null) {
      parts.push(`unreadable certificate: ${f.parseError}`, `SHA-256 ${f.sha256}`);
    } else {
      parts.push(f.subject, `issuer ${f.issuer}`, f.key, `${f.validity}${f.validityNote !== '' ? ` ${f.validityNote}` : ''}`);
      if (f.weakSignature) parts.push(`weak signature ${f.signature}`);
      if (f.sans.length > 0) {
        const more = f.sans.length - 3 + f.moreSans;
        const shown = f.sans.slice(0, 3).join(', ') + (more > 0 ? ` +${more}` : '');
        parts.push(`SAN ${shown}${f.sniMatch === null ? '' : f.sniMatch ? ' ✔ SNI' : ' ✘ SNI'}`);
      } else if (f.sniMatch !== null) {
        parts.push(f.sniMatch ? 'CN ✔ SNI' : 'no SAN ✘ SNI');
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
  const tail = ` at ${c.stage}`;
  const status = `${paintStatus(c, color)}${paint(color, '1', tail)}`;
  const titleLines =
    len(head) + 2 + len(statusWord(c)) + len(tail) <= width
      ? [`${paint(color, '1', head)}  ${status}`]
      : [...wrapText(head, width, '', 4).map((l) => paint(color, '1', l)), `    ${status}`];
  const out = ['', ...titleLines, ''];
  out.push(...wrapText(sanitizeText(c.summary), width, '  ', 2));
  if (c.mtls.acceptableCAs.length > 0) {
    out.push('', '  The server accepts client certificates issued by');
    for (const ca of c.mtls.acceptableCAs.slice(0, 8)) out.push(...wrapText(sanitizeText(ca), width, '    • ', 6));
    if (c.mtls.acceptableCAs.length > 8) out.push(`    • … and ${c.mtls.acceptableCAs.length - 8} more`);
  }
  for (const f of c.findings) {
    out.push('', `  ${paint(color, severityColor(f.severity), f.severity.toUpperCase())}  ${sanitizeText(f.title)}${inferredNote(f)}`);
    out.push(...wrapText(sanitizeText(findingDetail(c.summary, f.detail)), width, `  ${detailLabel(f.severity).padEnd(15)}`, 17));
    out.push(...wrapText(sanitizeText(f.fix), width, '  Fix            ', 17));
  }
  if (c.mtls.evidence !== null) out.push('', ...wrapText(sanitizeText(c.mtls.evidence), width, '  Evidence       ', 17));
  const dec = c.decryption;
  if (dec !== undefined && dec.status !== 'not-attempted') {
    // With a key log, say whether it opened this connection (never silently ignored).
    const text = dec.status === 'decrypted' ? 'decrypted with the key log' : `${dec.reason ?? dec.status}${dec.frame !== undefined ? ` (frame ${dec.frame})` : ''}`;
    out.push(...wrapText(sanitizeText(text), width, '  Decryption     ', 17));
  }
  out.push('', ...textLadder(c, width, color));
  const certs = [...certificateLines('Server', c.certificates.server, c.sni, width), ...certificateLines('Client', c.certificates.client, null, width)];
  if (certs.length > 0) out.push('', ...certs);
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
export const TEXT_TABLE_MIN_WIDTH = 110;

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
      if (options.verbose || needsDetails(c)) out.push(...details(c, color, width));
    }
    const warnings = hygieneWarnings(cap);
    if (warnings.length > 0) {
      out.push('', paint(color, '1', 'Warnings'));
      for (const w of warnings) {
        const lines = wrapText(`${sanitizeText(w.title)} (${idList(w.ids, w.unlisted)})`, width, '  WARN  ', 8);
        out.push(...lines.map((l, i) => (i === 0 ? `  ${paint(color, '33', 'WARN')}${l.slice(6)}` : l)));
      }
    }
    const gaps = evidenceGaps(cap);
    const notes = cap.anomalies.slice(0, CAPTURE_NOTES_MAX).map((a) => `${sanitizeText(a.code)}${a.frame !== undefined ? ` (frame ${a.frame})` : ''}: ${sanitizeText(a.message)}`);
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
