/**
 * Terminal report: the verdict first (counts, grouped failures), then the table, then for
 * each failed connection its explanation, ladder, certificates and findings — the order a
 * person needs to act (see the report mock-up in the project documentation).
 */
import Table from 'cli-table3';
import type { CaptureReport, ConnectionReport, Report } from './model.js';
import { sanitizeText } from './sanitize.js';
import type { CertificateSummary } from '../x509/index.js';

export interface TextOptions {
  readonly color: boolean;
  /** Ladders and details for every connection, not only the failed ones. */
  readonly verbose: boolean;
  /** Terminal width for wrapping; default 120. */
  readonly width?: number;
}

const ESC = String.fromCharCode(27);

function paint(on: boolean, code: string, s: string): string {
  return on ? `${ESC}[${code}m${s}${ESC}[0m` : s;
}

function statusText(c: ConnectionReport, color: boolean): string {
  switch (c.status) {
    case 'ok':
      return paint(color, '32', 'ok');
    case 'failed':
      return paint(color, '1;31', 'FAILED');
    case 'incomplete':
      return paint(color, '33', 'incomplete');
    default:
      return paint(color, '2', 'not TLS');
  }
}

function endpoint(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

function clientCertText(c: ConnectionReport): string {
  const m = c.mtls;
  switch (m.state) {
    case 'not-requested':
      return 'not requested';
    case 'requested-not-sent':
      return m.clientCertificates === 0 ? 'requested, empty sent' : 'requested, none sent';
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

function whyText(c: ConnectionReport): string {
  const top = c.findings.find((f) => f.severity === 'error');
  if (top !== undefined) return top.title;
  if (c.status === 'ok') return c.resumed ? 'resumed' : '';
  const alert = c.alerts.find((a) => a.level === 'fatal' || a.encrypted);
  if (alert !== undefined) return alert.encrypted ? `${alert.from}: encrypted alert` : `${alert.from}: ${alert.name}(${alert.code})`;
  if (c.status === 'incomplete') return 'capture ended before the handshake';
  return '';
}

function shortCipher(name: string | null): string {
  if (name === null) return '–';
  return name.replace(/^TLS_/, '').replace('_WITH_', ' ');
}

function header(cap: CaptureReport): string {
  const parts = [cap.file];
  if (cap.format !== null) parts.push(`${cap.format}${cap.gzip ? ' (gzip)' : ''}${cap.linkTypes.length > 0 ? `, ${cap.linkTypes.join(', ')}` : ''}`);
  parts.push(`${cap.packets.toLocaleString('en-US')} packets`);
  if (cap.firstTime !== null && cap.lastTime !== null) parts.push(`${cap.firstTime.slice(0, 19).replace('T', ' ')} – ${cap.lastTime.slice(11, 19)} UTC`);
  return parts.join(' · ');
}

function counts(cap: CaptureReport): string {
  const tls = cap.connections.filter((c) => c.tls);
  const ok = tls.filter((c) => c.status === 'ok').length;
  const failed = cap.connections.filter((c) => c.status === 'failed').length;
  const incomplete = tls.filter((c) => c.status === 'incomplete').length;
  const parts = [`${ok} ok`];
  if (failed > 0) parts.push(`${failed} failed`);
  if (incomplete > 0) parts.push(`${incomplete} incomplete`);
  const sent = tls.filter((c) => c.mtls.state === 'sent-accepted' || c.mtls.state === 'sent-rejected').length;
  const missing = tls.filter((c) => c.mtls.state === 'requested-not-sent').length;
  const rejected = tls.filter((c) => c.mtls.state === 'sent-rejected').length;
  const encrypted = tls.filter((c) => c.mtls.state === 'unknown-encrypted').length;
  const certParts: string[] = [];
  if (sent > 0) certParts.push(`sent on ${sent}`);
  if (missing > 0) certParts.push(`missing on ${missing}`);
  if (rejected > 0) certParts.push(`rejected on ${rejected}`);
  if (encrypted > 0) certParts.push(`encrypted on ${encrypted}`);
  const others = cap.connections.length - tls.length;
  return `${tls.length} TLS connection${tls.length === 1 ? '' : 's'}: ${parts.join(', ')}${certParts.length > 0 ? ` · client certificates: ${certParts.join(', ')}` : ''}${others > 0 ? ` · ${others} other TCP connection${others === 1 ? '' : 's'}` : ''}`;
}

function groupedFailures(cap: CaptureReport, color: boolean): string[] {
  const groups = new Map<string, { n: number; title: string; clients: Set<string>; server: string }>();
  for (const c of cap.connections) {
    if (c.status !== 'failed') continue;
    const top = c.findings.find((f) => f.severity === 'error');
    const title = top?.title ?? whyText(c) ?? 'handshake failed';
    const server = `${c.sni !== null ? `${sanitizeText(c.sni)} (${endpoint(c.server)})` : endpoint(c.server)}`;
    const key = `${title}|${server}`;
    const g = groups.get(key) ?? { n: 0, title, clients: new Set<string>(), server };
    g.n++;
    g.clients.add(c.client.ip);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => `  ${paint(color, '1;31', 'FAILED')}  ${`${g.n}× ${g.title}`.padEnd(44)} ${[...g.clients].slice(0, 3).join(', ')}${g.clients.size > 3 ? ', …' : ''} → ${g.server}`);
}

function table(cap: CaptureReport, color: boolean): string {
  const t = new Table({
    head: ['#', 'client', 'server (SNI)', 'version', 'cipher', 'client cert', 'result', 'why'],
    style: { head: color ? ['bold'] : [], border: color ? ['grey'] : [] },
    wordWrap: true,
    colWidths: [5, 24, 30, 9, 24, 16, 12, 34],
  });
  for (const c of cap.connections) {
    t.push([
      String(c.id),
      endpoint(c.client),
      `${endpoint(c.server)}${c.sni !== null ? ` (${sanitizeText(c.sni)})` : ''}${c.starttls !== null ? ` [${c.starttls} STARTTLS]` : ''}`,
      c.versions.negotiated ?? (c.versions.offered[0] !== undefined ? `(${c.versions.offered[0]})` : '–'),
      shortCipher(c.cipherSuite),
      c.tls ? clientCertText(c) : '–',
      statusText(c, color),
      whyText(c),
    ]);
  }
  return t.toString();
}

const LADDER_WIDTH = 46;

function ladder(c: ConnectionReport): string[] {
  const lines = [`  client${' '.repeat(LADDER_WIDTH - 2)}server`];
  let previous: number | null = null;
  for (const e of c.timeline) {
    const label = sanitizeText(e.label);
    const room = LADDER_WIDTH - 8;
    const text = label.length > room ? `${label.slice(0, room - 1)}…` : label;
    let arrow: string;
    if (e.from === 'client') arrow = `── ${text} ${'─'.repeat(Math.max(1, LADDER_WIDTH - text.length - 6))}▶`;
    else if (e.from === 'server') arrow = `◀─ ${text} ${'─'.repeat(Math.max(1, LADDER_WIDTH - text.length - 5))}`;
    else arrow = `   ${text}`.padEnd(LADDER_WIDTH);
    const when = previous === null ? e.time.slice(11, 23) : `+${formatMs(e.offsetMs - previous)}`;
    previous = e.offsetMs;
    const mark = e.kind === 'alert' || (e.kind === 'tcp' && e.label === 'RST') ? '  ✖' : '';
    lines.push(`    │ ${arrow.padEnd(LADDER_WIDTH)} │  #${String(e.frame).padEnd(5)} ${when}${mark}`);
  }
  return lines;
}

function formatMs(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

function certificateLines(role: string, certs: readonly CertificateSummary[]): string[] {
  const out: string[] = [];
  certs.forEach((cert, i) => {
    const label = i === 0 ? `${role} certificate` : '';
    out.push(`  ${label.padEnd(20)}${sanitizeText(describeCertificate(cert))}`);
  });
  return out;
}

function describeCertificate(cert: CertificateSummary): string {
  const c = cert as unknown as Record<string, unknown>;
  const parts: string[] = [String(c['subject'] ?? '?'), `issuer ${String(c['issuer'] ?? '?')}`];
  if (typeof c['notBefore'] === 'string' && typeof c['notAfter'] === 'string') parts.push(`valid ${c['notBefore'].slice(0, 10)} → ${c['notAfter'].slice(0, 10)}`);
  if (typeof c['validAtCapture'] === 'string' && c['validAtCapture'] !== 'valid') parts.push(String(c['validAtCapture']).toUpperCase());
  return parts.join(' · ');
}

function details(c: ConnectionReport, color: boolean): string[] {
  const title = `#${c.id}  ${endpoint(c.client)} → ${endpoint(c.server)}${c.sni !== null ? ` (${sanitizeText(c.sni)})` : ''}  ${statusText(c, color)} at ${c.stage}`;
  const out = ['', paint(color, '1', title), '', `  ${sanitizeText(c.summary)}`];
  for (const f of c.findings) {
    out.push('', `  ${paint(color, f.severity === 'error' ? '31' : f.severity === 'warning' ? '33' : '36', f.severity.toUpperCase())}  ${sanitizeText(f.title)}${f.inferred === true ? ' (inferred)' : ''}`);
    out.push(`  Why           ${sanitizeText(f.detail)}`);
    out.push(`  Fix           ${sanitizeText(f.fix)}`);
  }
  if (c.mtls.evidence !== null) out.push('', `  Evidence      ${sanitizeText(c.mtls.evidence)}`);
  out.push('', ...ladder(c));
  const certs = [...certificateLines('Server', c.certificates.server), ...certificateLines('Client', c.certificates.client)];
  if (certs.length > 0) out.push('', ...certs);
  return out;
}

export function renderText(report: Report, options: TextOptions): string {
  const out: string[] = [];
  for (const cap of report.captures) {
    out.push(paint(options.color, '1', `${report.tool.name} ${report.tool.version} · ${header(cap)}`));
    if (cap.error !== null) {
      out.push(`  ${paint(options.color, '31', 'error')}: ${cap.error}`, '');
      continue;
    }
    out.push('', counts(cap), '');
    const groups = groupedFailures(cap, options.color);
    if (groups.length > 0) out.push(...groups, '');
    if (cap.connections.length > 0) out.push(table(cap, options.color));
    for (const c of cap.connections) {
      if (options.verbose || c.status === 'failed') out.push(...details(c, options.color));
    }
    const warnings = cap.connections.flatMap((c) => c.findings.filter((f) => f.severity === 'warning').map((f) => `  #${c.id}  ${sanitizeText(f.title)}`));
    if (warnings.length > 0) out.push('', paint(options.color, '1', 'Warnings'), ...warnings);
    const encrypted = cap.connections.filter((c) => c.mtls.state === 'unknown-encrypted');
    if (encrypted.length > 0) {
      out.push('', `${encrypted.length} connection${encrypted.length === 1 ? ' is' : 's are'} TLS 1.3: the certificate exchange is encrypted — run again with --keylog FILE to see it.`);
    }
    if (cap.anomalies.length > 0) {
      out.push('', paint(options.color, '1', 'Capture notes'), ...cap.anomalies.slice(0, 10).map((a) => `  ${a.code}: ${sanitizeText(a.message)}`));
    }
    if (cap.udp.dtlsFlows + cap.udp.quicFlows > 0) {
      out.push('', `Also present and not analyzed: ${cap.udp.dtlsFlows} DTLS and ${cap.udp.quicFlows} QUIC flow(s) over UDP.`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
