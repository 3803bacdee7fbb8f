/**
 * The report's view: what the text, Markdown and HTML renderers say about a capture and its
 * connections (endpoint text, counts and verdict lines, failure groups, hygiene warnings,
 * evidence gaps, finding labels), so the three formats say the same thing in the same words.
 *
 * Every function returns raw (unescaped) strings: each renderer escapes them for its medium
 * (sanitizeText, escapeMarkdown, escapeHtml). Certificates are in view-certificates.ts and
 * ladder entries in view-ladder.ts. (A little over 400 lines: one small function per thing a
 * report says, kept together so that a wording is found in one place.)
 */
import { tallyOf } from './connection-tally.js';
import type { ConnectionTally } from './connection-tally.js';
import { failureTitle } from './cause.js';
import type { CaptureReport, ConnectionReport, FilteredOut } from './model.js';
import { firstSentence } from '../analysis/summary.js';
import type { Finding } from '../analysis/verdict-types.js';
import { endpointText as formatEndpoint } from '../util/endpoint.js';
import { groupedInteger } from '../util/grouped-integer.js';
import { unusedKeyLogReason } from '../tls/session/decryption.js';
import type { Anomaly } from '../util/anomaly.js';

/** The finding of packets cut by the snap length (analysis/rules/evidence-missing.ts). */
const SNAP_LENGTH_CODE = 'snap-length-truncated';

/** Capture-level anomalies listed by name; the rest are counted. */
export const CAPTURE_NOTES_MAX = 10;

/** An anomaly in words; a line that stands for anomalies past a limit says their code, as its message does not. */
export function anomalyText(a: Anomaly): string {
  return a.count === undefined ? a.message : `${a.code}: ${a.message}`;
}

/** `10.0.0.1:443`, `[2001:db8::1]:443`. */
export function endpointText(e: { readonly ip: string; readonly port: number }): string {
  return formatEndpoint(e.ip, e.port);
}

/** `hr.example.com (10.20.9.5:8443)` or the bare endpoint. */
function serverText(c: ConnectionReport): string {
  return c.sni !== null ? `${c.sni} (${endpointText(c.server)})` : endpointText(c.server);
}

/** Display word of a status. */
export function statusWord(c: Pick<ConnectionReport, 'status'>): string {
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
      // From record sizes: the same words as the cleartext states, marked as inferred.
      if (m.inferred && m.certificateRequested === false) return 'not requested (inferred)';
      if (m.inferred && m.clientCertificates === 0) return 'requested, none sent (inferred)';
      if (m.inferred && m.certificateRequested === true) return 'sent (inferred)';
      return 'encrypted';
    default:
      return '–';
  }
}

export { whyText } from './cause.js';

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
  return groupedInteger(n);
}

/** "1 day", "3 days". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "12 TLS connections: 9 ok, 3 failed · client certificates: sent on 9, missing on 2". */
export function countsLine(cap: CaptureReport): string {
  const n = captureCounts(cap);
  if (n.connections === 0 && cap.filteredOut != null && cap.filteredOut.connections > 0) {
    return `No connection matches the filter: ${plural(cap.filteredOut.connections, 'connection')} left out (${filteredOutParts(cap.filteredOut).join(', ')})`;
  }
  // Counts of TLS connections only; a connection that failed before TLS began is told apart.
  const parts = [`${n.ok} ok`];
  const failedTls = n.failed - n.failedNotTls;
  if (failedTls > 0) parts.push(`${failedTls} failed`);
  if (n.incomplete > 0) parts.push(`${n.incomplete} incomplete`);
  const certParts: string[] = [];
  if (n.certSent > 0) certParts.push(`sent on ${n.certSent}`);
  if (n.certMissing > 0) certParts.push(`missing on ${n.certMissing}`);
  if (n.certRejected > 0) certParts.push(`rejected on ${n.certRejected}`);
  if (n.certEncrypted > 0) certParts.push(`encrypted on ${n.certEncrypted}`);
  const tls = n.tls === 0 ? 'No TLS connection' : `${plural(n.tls, 'TLS connection')}: ${parts.join(', ')}`;
  return `${tls}${certParts.length > 0 ? ` · client certificates: ${certParts.join(', ')}` : ''}${n.failedNotTls > 0 ? ` · ${plural(n.failedNotTls, 'connection')} failed before TLS began` : ''}${n.notTls > n.failedNotTls ? ` · ${plural(n.notTls - n.failedNotTls, 'other TCP connection')}` : ''}${filteredOutText(cap)}`;
}

/** " · 3 more left out by the filter (2 ok, 1 not TLS)", or '' when no filter left any out. */
export function filteredOutText(cap: CaptureReport): string {
  const f = cap.filteredOut;
  if (f == null || f.connections === 0) return '';
  return ` · ${plural(f.connections, 'more connection')} left out by the filter (${filteredOutParts(f).join(', ')})`;
}

function filteredOutParts(f: FilteredOut): string[] {
  const parts: string[] = [];
  if (f.ok > 0) parts.push(`${count(f.ok)} ok`);
  if (f.failed > 0) parts.push(`${count(f.failed)} failed`);
  if (f.incomplete > 0) parts.push(`${count(f.incomplete)} incomplete`);
  if (f.notTls > 0) parts.push(`${count(f.notTls)} not TLS`);
  return parts;
}

/** "client certificates: sent on 9, missing on 2", or '' when no TLS connection says. */
export function certificateCountsText(cap: CaptureReport): string {
  const n = captureCounts(cap);
  const parts: string[] = [];
  if (n.certSent > 0) parts.push(`sent on ${n.certSent}`);
  if (n.certMissing > 0) parts.push(`missing on ${n.certMissing}`);
  if (n.certRejected > 0) parts.push(`rejected on ${n.certRejected}`);
  if (n.certEncrypted > 0) parts.push(`encrypted on ${n.certEncrypted}`);
  return parts.length > 0 ? `client certificates: ${parts.join(', ')}` : '';
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
  const f = cap.filteredOut;
  if (n.connections === 0 && f != null && f.connections > 0) {
    return `no connection matches the filter (${plural(f.connections, 'connection')} left out: ${filteredOutParts(f).join(', ')})`;
  }
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
  if (cap.error === null) parts.push(`${groupedInteger(cap.packets)} packets`);
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

/**
 * What would reveal encrypted certificate exchanges: a key log, unless one was given. Then what
 * kept it from serving: it had no secrets for them, or (the first reason) they could not be used.
 */
function encryptedGapAdvice(encrypted: readonly ConnectionReport[]): string {
  if (encrypted.some((c) => c.decryption?.status === 'no-secrets')) return 'the key log given has no secrets for it (see the note on the key log)';
  const reason = encrypted.map((c) => unusedKeyLogReason(c.decryption)).find((r) => r !== null);
  if (reason === undefined) return 'run again with --keylog FILE to see it';
  // One reason a sentence: the connections it holds for (any other reason is in its own connection's record).
  return `the key log given was not used on ${idList(encrypted.filter((c) => unusedKeyLogReason(c.decryption) === reason).map((c) => c.id))}: ${reason}`;
}

/** What the capture could not show and what would reveal it; one sentence each. */
export function evidenceGaps(cap: CaptureReport): string[] {
  const out: string[] = [];
  const u = cap.unlisted;
  const encrypted = cap.connections.filter((c) => c.tls && c.mtls.state === 'unknown-encrypted');
  const encryptedCount = encrypted.length + (u?.certEncrypted ?? 0);
  if (encryptedCount > 0) {
    // A connection explained in its own details says what its record sizes show there.
    const hinted = encrypted.filter((c) => !needsDetails(c));
    const likelySent = hinted.filter((c) => c.mtls.inferred && c.mtls.certificateRequested === true && c.mtls.clientCertificates !== 0);
    const likelyNone = hinted.filter((c) => c.mtls.inferred && c.mtls.clientCertificates === 0);
    const likelyNotRequested = hinted.filter((c) => c.mtls.inferred && c.mtls.certificateRequested === false);
    const hints: string[] = [];
    if (likelySent.length > 0) hints.push(`the client almost certainly sent a certificate on ${idList(likelySent.map((c) => c.id))}`);
    if (likelyNone.length > 0) hints.push(`a certificate was likely requested and none sent on ${idList(likelyNone.map((c) => c.id))}`);
    if (likelyNotRequested.length > 0) hints.push(`no certificate was likely requested on ${idList(likelyNotRequested.map((c) => c.id))}`);
    out.push(
      `${encryptedCount === 1 ? '1 connection is' : `${count(encryptedCount)} connections are`} TLS 1.3: the certificate exchange is encrypted — ${encryptedGapAdvice(encrypted)}${hints.length > 0 ? `; from record sizes ${hints.join(', ')}` : ''}.`,
    );
  }
  // Each connection under one cause with one fix: cut by the snap length, bytes lost, or simply unfinished.
  const snapped = cap.connections.filter((c) => c.findings.some((f) => f.code === SNAP_LENGTH_CODE));
  const gaps = cap.connections.filter((c) => !snapped.includes(c) && c.timeline.some((e) => e.kind === 'gap'));
  const incomplete = cap.connections.filter((c) => c.status === 'incomplete' && !snapped.includes(c) && !gaps.includes(c));
  const incompleteCount = incomplete.length + (u?.incomplete ?? 0);
  if (incompleteCount > 0) {
    out.push(`${incompleteCount === 1 ? '1 connection' : `${count(incompleteCount)} connections`} (${idList(incomplete.map((c) => c.id), u?.incomplete)}) did not finish inside the capture: capture longer, or start it before the client connects.`);
  }
  if (snapped.length > 0) {
    out.push(`Packets of ${idList(snapped.map((c) => c.id))} were cut by the capture's snap length, so handshake messages are missing: capture again with the full packet length (tcpdump -s 0).`);
  }
  if (gaps.length + (u?.withGaps ?? 0) > 0) {
    out.push(`Bytes are missing from ${idList(gaps.map((c) => c.id), u?.withGaps)}: capture with a full snap length (tcpdump -s 0) and a larger buffer (-B 8192).`);
  }
  // An interrupted read and a cut file say so in their own capture notes.
  if (cap.stoppedEarly && !cap.anomalies.some((a) => a.code === 'capture.interrupted' || a.code === 'capture.truncated_file')) out.push('The capture ended early (truncated file or a limit reached): the last connections may be incomplete.');
  if (cap.udp.dtlsFlows + cap.udp.quicFlows > 0) {
    out.push(`Also present and not analyzed: ${cap.udp.dtlsFlows} DTLS and ${cap.udp.quicFlows} QUIC flow(s) over UDP.`);
  }
  return out;
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
 * What a finding's detail adds to the connection's opening paragraph. The paragraph is the
 * first sentence of the most important finding (analysis/summary.ts), so for that finding only
 * the sentences after it are shown — none when the detail is that one sentence. Other findings
 * keep their whole detail.
 */
function findingDetail(c: Pick<ConnectionReport, 'summary'>, f: Pick<Finding, 'detail'>): string {
  const first = firstSentence(f.detail);
  if (!c.summary.startsWith(first.replace(/\.$/, ''))) return f.detail;
  return f.detail.slice(first.length).trim();
}

/**
 * Info findings about how a client is configured rather than about one handshake: they repeat
 * on every connection of that client, so a capture lists each once with its connections.
 */
const CAPTURE_WIDE_CODES: ReadonlySet<string> = new Set(['legacy-version-offered', 'weak-cipher-offered']);

function isCaptureWide(f: Pick<Finding, 'code' | 'severity'>): boolean {
  return f.severity === 'info' && CAPTURE_WIDE_CODES.has(f.code);
}

/** Capture-wide notes, one per distinct finding, with the connections it was seen on. */
export function captureNotes(cap: CaptureReport): WarningLine[] {
  const byKey = new Map<string, { code: string; title: string; ids: number[]; unlisted: number }>();
  for (const c of cap.connections) {
    for (const f of c.findings) {
      if (!isCaptureWide(f)) continue;
      const key = `${f.code}\u0000${f.title}`;
      const w = byKey.get(key) ?? { code: f.code, title: f.title, ids: [], unlisted: 0 };
      byKey.set(key, w);
      if (!w.ids.includes(c.id)) w.ids.push(c.id);
    }
  }
  return [...byKey.values()];
}

/** "Client offers deprecated TLS versions: 3 connections (#1, #3, #4)". */
export function noteLine(w: WarningLine): string {
  const n = w.ids.length + w.unlisted;
  return `${w.title}: ${plural(n, 'connection')} (${idList(w.ids, w.unlisted)})`;
}

/** One shown part of a connection's findings: the finding, what its detail adds, and its fix unless already given. */
export interface FindingView {
  readonly finding: Finding;
  /** '' when the opening paragraph already says it all. */
  readonly detail: string;
  /** null when an earlier finding of the connection gave the same advice. */
  readonly fix: string | null;
}

/**
 * The findings a connection's details show, each said once: capture-wide notes are left to the
 * capture, the detail drops what the opening paragraph says, and a fix already given (alone or
 * inside an earlier fix) is not repeated.
 */
export function findingViews(c: ConnectionReport): FindingView[] {
  const given: string[] = [];
  const out: FindingView[] = [];
  // An inferred error already tells what the record sizes show; the inferred note would retell it.
  const inferredError = c.findings.some((f) => f.severity === 'error' && f.inferred === true);
  for (const f of c.findings) {
    if (isCaptureWide(f)) continue;
    if (inferredError && f.severity === 'info' && f.inferred === true) continue;
    const fix = given.some((g) => g.includes(f.fix)) ? null : f.fix;
    given.push(f.fix);
    out.push({ finding: f, detail: findingDetail(c, f), fix });
  }
  return out;
}

/** Where a handshake stopped, in words: "FAILED while the client was sending its certificate". */
export function stageWords(c: Pick<ConnectionReport, 'stage' | 'status'>): string {
  if (c.status === 'ok') return c.stage === 'finished' ? 'no application data was exchanged' : '';
  if (c.status === 'not-tls') return '';
  switch (c.stage) {
    case 'tcp-connect':
      return 'while opening the TCP connection';
    case 'client-hello':
      return 'before the client sent its ClientHello';
    case 'server-hello':
      return "while the client waited for the server's answer to its ClientHello";
    case 'server-certificate':
      return "while the client was checking the server's certificate";
    case 'certificate-request':
      return 'while the server was asking for a client certificate';
    case 'client-certificate':
      return 'when the client had to send its certificate';
    case 'key-exchange':
      return 'during the key exchange';
    case 'finished':
      return 'while the client was finishing the handshake';
    case 'application-data':
      return 'after the handshake, while data was exchanged';
    default:
      return String(c.stage);
  }
}

/** The status word with the stage in words: "FAILED while the client was finishing the handshake". */
export function statusAndStage(c: Pick<ConnectionReport, 'stage' | 'status'>): string {
  const where = stageWords(c);
  if (where === '') return statusWord(c);
  return c.status === 'ok' ? `${statusWord(c)}, ${where}` : `${statusWord(c)} ${where}`;
}

/** Does the opening paragraph already name every CA the server accepts (then the list is not repeated)? */
export function summaryNamesEveryCa(c: ConnectionReport): boolean {
  return c.mtls.acceptableCAs.length > 0 && c.mtls.acceptableCAs.every((ca) => c.summary.includes(ca));
}

/** " (inferred)" unless the title says so already. */
export function inferredNote(f: { readonly title: string; readonly inferred?: boolean }): string {
  return f.inferred === true && !/inferred/i.test(f.title) ? ' (inferred)' : '';
}

