/** How the reports name why a connection failed, in a few words. */
import type { ConnectionReport } from './model.js';

/** What the "why" of a connection is read from: the full record, or a glance at a connection only counted. */
export interface WhyInput extends Pick<ConnectionReport, 'findings' | 'status' | 'resumed' | 'alerts'> {
  readonly notTls: readonly unknown[];
}

/** Findings that explain why a handshake did not finish inside the capture. */
const EXPLAINS_INCOMPLETE: ReadonlySet<string> = new Set(['snap-length-truncated', 'capture-gap', 'server-silent-after-client-hello', 'handshake-not-captured']);

/** The "why" column: the top error's title, else the decisive alert or gap. */
export function whyText(c: WhyInput): string {
  const top = c.findings.find((f) => f.severity === 'error');
  if (top !== undefined) return top.title;
  if (c.status === 'ok') return c.resumed ? 'resumed' : '';
  const alert = c.alerts.find((a) => a.level === 'fatal' || a.encrypted);
  if (alert !== undefined) return alert.encrypted ? `${alert.from}: encrypted alert` : `${alert.from}: ${alert.name ?? 'alert'}(${alert.code ?? '?'})`;
  if (c.status === 'incomplete') {
    // The finding that explains the unfinished handshake names its cause, with the one fix that goes with it.
    const why = c.findings.find((f) => EXPLAINS_INCOMPLETE.has(f.code));
    return why !== undefined ? why.title : 'capture ended before the handshake did';
  }
  if (c.status === 'not-tls') return c.notTls.length > 0 ? 'not TLS on this port' : '';
  return '';
}

/** The cause a failed connection is grouped under: its top error, else the "why" text. */
export function failureTitle(c: WhyInput): string {
  const top = c.findings.find((f) => f.severity === 'error');
  if (top !== undefined) return top.title;
  const why = whyText(c);
  return why !== '' ? why : 'handshake failed';
}
