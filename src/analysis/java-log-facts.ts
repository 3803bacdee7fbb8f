/**
 * What the Java SSL debug logs matched to one connection say as facts: the client's
 * Certificate entry count, the CertificateRequest's CAs, the alerts with their codes and JSSE's
 * reasons, and which side logged each. When both sides' logs are given, each fact is taken from
 * the side that knows it first-hand (the client's certificates from the server that read them
 * or the client that sent them, an alert from the side that sent it, whose log carries the reason).
 */
import type { LoggedHandshake, LoggedSide } from '../javalog/types.js';
import { ALERT_ROWS } from '../tls/registry/alerts.js';
import type { Role } from './connection.js';
import type { JavaLogEvidence } from './java-log-match.js';

/** An alert as a log saw it, with its code from the registry. */
export interface JavaLogAlert {
  /** The peer that sent it. */
  readonly from: Role;
  readonly level: 'fatal' | 'warning' | null;
  /** Alert number (RFC 8446 §6); null when the log's name is not in the registry. */
  readonly code: number | null;
  /** RFC name as logged: `bad_certificate`. */
  readonly name: string;
  /** JSSE's own reason, when the logging side sent it. */
  readonly reason: string | null;
  readonly loggedBy: LoggedSide | null;
  readonly file: string;
}

/** JSSE's words about why the handshake failed, with who wrote them. */
export interface JavaLogReason {
  readonly text: string;
  readonly loggedBy: LoggedSide | null;
  readonly file: string;
}

/** The facts of one connection from its Java logs. */
export interface JavaLogFacts {
  readonly evidence: readonly JavaLogEvidence[];
  /** Entries of the client's Certificate message; null when no log saw one. */
  readonly clientCertificates: { readonly count: number; readonly subjects: readonly string[]; readonly loggedBy: LoggedSide | null; readonly file: string } | null;
  /** The server asked for a client certificate (null: no log tells). */
  readonly certificateRequested: boolean | null;
  /** The CertificateRequest's CAs as the log listed them. */
  readonly acceptableCAs: readonly string[];
  /** Alerts, one per (sender, name), in the order logged. */
  readonly alerts: readonly JavaLogAlert[];
  /** The failure and key-manager remarks, the sending side's first. */
  readonly reasons: readonly JavaLogReason[];
  /** A JVM gave up before its ClientHello. */
  readonly beforeClientHello: boolean;
}

const ALERT_CODES: ReadonlyMap<string, number> = new Map(ALERT_ROWS.map(([code, name]) => [name, code]));

/** The alert number of an RFC alert name as JSSE logs it; null when unknown. */
function alertCode(name: string): number | null {
  return ALERT_CODES.get(name.toLowerCase()) ?? null;
}

function other(side: LoggedSide): LoggedSide {
  return side === 'client' ? 'server' : 'client';
}

/** Logged handshakes, the server's first: it read the client's certificates and sent the verdict on them. */
function ordered(evidence: readonly JavaLogEvidence[]): JavaLogEvidence[] {
  return [...evidence].sort((a, b) => (a.side === 'server' ? 0 : 1) - (b.side === 'server' ? 0 : 1));
}

function isSuccessful(h: LoggedHandshake): boolean {
  return h.failure === null && h.alerts.every((a) => a.level !== 'fatal');
}

/** Facts from the logs matched to one connection; null when none matched. */
export function javaLogFacts(evidence: readonly JavaLogEvidence[]): JavaLogFacts | null {
  if (evidence.length === 0) return null;
  const byServerFirst = ordered(evidence);
  let clientCertificates: JavaLogFacts['clientCertificates'] = null;
  let certificateRequested: boolean | null = null;
  let acceptableCAs: readonly string[] = [];
  for (const e of byServerFirst) {
    const h = e.handshake;
    if (clientCertificates === null && h.clientCertificates !== null) {
      clientCertificates = { count: h.clientCertificates.count, subjects: h.clientCertificates.subjects, loggedBy: e.side, file: e.file };
    }
    if (h.certificateRequest !== null) {
      certificateRequested = true;
      if (acceptableCAs.length === 0 && h.certificateRequest.authorities !== null) acceptableCAs = h.certificateRequest.authorities;
    } else if (certificateRequested === null && h.serverCertificates !== null && h.side === 'server' && isSuccessful(h)) {
      // A server that completed without a CertificateRequest did not ask.
      certificateRequested = false;
    }
  }

  const alerts: JavaLogAlert[] = [];
  const reasons: JavaLogReason[] = [];
  for (const e of evidence) {
    for (const a of e.handshake.alerts) {
      if (e.side === null) continue;
      const from: Role = a.direction === 'sent' ? e.side : other(e.side);
      const existing = alerts.findIndex((x) => x.from === from && x.name === a.description);
      const fact: JavaLogAlert = { from, level: a.level, code: alertCode(a.description), name: a.description, reason: a.reason, loggedBy: e.side, file: e.file };
      // The sender's own log carries the reason; it wins over the receiver's.
      if (existing < 0) alerts.push(fact);
      else if (alerts[existing]?.reason === null && a.reason !== null) alerts[existing] = fact;
    }
  }
  // The side that sent the fatal alert knows why; its words come first.
  const sender = alerts.find((a) => a.level === 'fatal')?.from ?? null;
  const senderFirst = [...evidence].sort((a, b) => (a.side === sender ? 0 : 1) - (b.side === sender ? 0 : 1));
  for (const e of senderFirst) {
    const h = e.handshake;
    for (const text of [h.failure, ...h.notes]) {
      if (text === null || /^Received fatal alert/.test(text) || reasons.some((r) => r.text === text)) continue;
      reasons.push({ text, loggedBy: e.side, file: e.file });
    }
  }
  return {
    evidence,
    clientCertificates,
    certificateRequested,
    acceptableCAs,
    alerts,
    reasons,
    beforeClientHello: evidence.some((e) => e.handshake.beforeClientHello),
  };
}
