/**
 * One connection's record in the report model (`ConnectionReport`, the JSON contract), made from
 * the analysis' `Connection` and its `Verdict`, and the field readings it shares with the
 * compact NDJSON line (compact.ts), which is made from the same two without this whole record:
 * each field is read in one place, so both say the same.
 */
import type { Connection, Handshake } from '../analysis/connection.js';
import type { Verdict } from '../analysis/verdict-types.js';
import type { JavaLogVerdict } from '../analysis/java-log-verdict.js';
import type { IdentityVerdict } from '../analysis/identity-verdict.js';
import { serverNameMatch } from '../analysis/rules/host-name.js';
import { alertName, cipherSuiteName, isGrease, versionName } from '../tls/registry/names.js';
import { NO_KEY_LOG } from '../decrypt/connection-decryptor.js';
import { toIsoString } from '../util/time.js';
import type { Timestamp } from '../util/time.js';
import type { ConnectionReport, IdentityJson } from './model.js';

/** The handshake a connection's record is about: the first with a ClientHello, else the first (as the verdict's). */
export function reportHandshake(c: Connection): Handshake | null {
  return c.handshakes.find((h) => h.clientHello !== null) ?? c.handshakes[0] ?? null;
}

/** Milliseconds from `a` to `b`, to the microsecond; null when either is unknown. */
function msBetween(a: Timestamp | null | undefined, b: Timestamp | null | undefined): number | null {
  return a == null || b == null ? null : Math.round(((b.sec - a.sec) * 1000 + (b.nsec - a.nsec) / 1e6) * 1000) / 1000;
}

/** Milliseconds since the connection's first packet, to the microsecond. */
function offsetMs(c: Connection, t: Timestamp): number {
  return Math.round(((t.sec - c.startTime.sec) * 1000 + (t.nsec - c.startTime.nsec) / 1e6) * 1000) / 1000;
}

export function durationMs(c: Connection): number {
  return offsetMs(c, c.endTime);
}

export function handshakeMs(hs: Handshake | null): ConnectionReport['handshakeMs'] {
  return { serverHello: msBetween(hs?.clientHelloTime, hs?.serverHelloTime), serverFinished: msBetween(hs?.clientHelloTime, hs?.serverFinishedTime) };
}

export function versionsOf(hs: Handshake | null): ConnectionReport['versions'] {
  const ch = hs?.clientHello ?? null;
  const sh = hs?.serverHello ?? null;
  return { offered: ch === null ? [] : ch.versions.filter((v) => !isGrease(v)).map(versionName), negotiated: sh === null ? null : versionName(sh.version) };
}

export function alpnOf(hs: Handshake | null): ConnectionReport['alpn'] {
  return { offered: hs?.clientHello?.alpn ?? [], negotiated: hs?.serverHello?.alpn ?? null };
}

export function tcpEndOf(c: Connection): ConnectionReport['tcpEnd'] {
  return { how: c.tcp.end.how, from: c.tcp.end.by, frame: c.tcp.end.frame };
}

/** The alert's name in the registry; null when the alert was encrypted and its code unknown. */
export function alertNameOf(description: number | null): string | null {
  return description === null ? null : alertName(description);
}

export function identityJson(identity: IdentityVerdict | null): IdentityJson | null {
  const [first, ...rest] = identity ?? [];
  if (first === undefined) return null;
  return rest.length === 0 ? first : { ...first, also: rest };
}

function hexAscii(bytes: Uint8Array): string {
  let printable = 0;
  for (const b of bytes) if ((b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09) printable++;
  if (bytes.length > 0 && printable / bytes.length > 0.9) {
    return JSON.stringify(Array.from(bytes, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : b === 0x0a ? '\n' : b === 0x0d ? '\r' : '.')).join('')).slice(1, -1);
  }
  return Array.from(bytes.subarray(0, 32), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

const iso = (t: Timestamp): string => toIsoString(t, 6);

function alertsOf(c: Connection): ConnectionReport['alerts'] {
  return c.alerts.map((a) => ({
    from: a.from,
    level: a.level === 1 ? 'warning' : a.level === 2 ? 'fatal' : null,
    code: a.description,
    name: alertNameOf(a.description),
    encrypted: a.encrypted,
    decrypted: a.decrypted === true,
    length: a.length,
    frame: a.frame,
    time: iso(a.time),
  }));
}

/**
 * What a whole report reads of a connection before it knows whether it lists it: enough to
 * filter it, rank it and count it (each field as the full record has it), so that a connection
 * only counted is never built into a full record.
 */
export interface ConnectionGlance extends Pick<ConnectionReport, 'id' | 'status' | 'tls' | 'sni' | 'findings' | 'mtls' | 'resumed' | 'alerts'> {
  readonly client: { readonly ip: string; readonly port: number };
  readonly server: { readonly ip: string; readonly port: number };
  readonly notTls: readonly unknown[];
  readonly timeline: readonly { readonly kind: string }[];
}

/**
 * The glance at a connection; null when its record's alerts come from a Java log, which only
 * the full record merges (such runs are small: the full record is made at once).
 */
export function connectionGlance(c: Connection, verdict: Verdict): ConnectionGlance | null {
  if (verdict.javaLog !== undefined) return null;
  return {
    id: c.id,
    status: verdict.status,
    tls: c.tls === true,
    sni: reportHandshake(c)?.clientHello?.sni ?? null,
    findings: verdict.findings,
    mtls: verdict.mtls,
    resumed: verdict.resumed,
    alerts: alertsOf(c),
    client: c.client,
    server: c.server,
    notTls: c.notTls,
    timeline: c.timeline,
  };
}

export function connectionReport(c: Connection, verdict: Verdict): ConnectionReport {
  const hs = reportHandshake(c);
  const ch = hs?.clientHello ?? null;
  const sh = hs?.serverHello ?? null;
  const report: ConnectionReport = {
    id: c.id,
    client: { ip: c.client.ip, port: c.client.port, stack: verdict.stacks.client },
    server: { ip: c.server.ip, port: c.server.port, stack: verdict.stacks.server },
    rolesFrom: c.rolesFrom,
    firstFrame: c.firstFrame,
    lastFrame: c.lastFrame,
    startTime: iso(c.startTime),
    endTime: iso(c.endTime),
    durationMs: durationMs(c),
    tls: c.tls === true,
    starttls: c.starttls,
    sni: ch?.sni ?? null,
    versions: versionsOf(hs),
    cipherSuite: sh === null ? null : cipherSuiteName(sh.cipherSuite),
    cipherSuiteCode: sh?.cipherSuite ?? null,
    alpn: alpnOf(hs),
    resumed: verdict.resumed,
    helloRetryRequest: hs?.helloRetryRequest != null,
    status: verdict.status,
    stage: verdict.stage,
    mtls: verdict.mtls,
    certificates: { server: hs?.serverCertificates ?? [], client: hs?.clientCertificates ?? [] },
    nameMatch: serverNameMatch(hs),
    alerts: alertsOf(c),
    tcpEnd: tcpEndOf(c),
    ja3: ch === null || ch.ja3 === null || ch.ja3Hash === null ? null : { hash: ch.ja3Hash, string: ch.ja3 },
    ja3s: sh === null ? null : { hash: sh.ja3sHash, string: sh.ja3s },
    ja4: ch?.ja4 ?? null,
    history: c.history,
    findings: verdict.findings,
    summary: verdict.summary,
    handshakeMs: handshakeMs(hs),
    packets: { client: c.counters.client.packets, server: c.counters.server.packets },
    bytes: { client: c.counters.client.bytes, server: c.counters.server.bytes },
    applicationData: {
      clientRecords: c.counters.client.applicationDataRecords,
      serverRecords: c.counters.server.applicationDataRecords,
      clientBytes: c.counters.client.applicationDataBytes,
      serverBytes: c.counters.server.applicationDataBytes,
    },
    notTls: c.notTls.map((n) => ({ from: n.from, firstBytes: hexAscii(n.firstBytes), frame: n.frame })),
    timeline: c.timeline.map((t) => ({ frame: t.frame, time: iso(t.time), offsetMs: offsetMs(c, t.time), from: t.from, kind: t.kind, label: t.label })),
    anomalies: c.anomalies,
    decryption: c.decryption ?? NO_KEY_LOG,
  };
  // Added after the literal: a conditional spread inside it makes every report a slow generic copy.
  const withTrust = verdict.trust !== undefined ? { ...report, trust: verdict.trust } : report;
  const withLogs = verdict.javaLog === undefined ? withTrust : withJavaLog(withTrust, verdict.javaLog);
  return verdict.identity === undefined ? withLogs : { ...withLogs, identity: identityJson(verdict.identity) };
}

/** The Java logs' part of a connection's report: the logs that matched, and the alerts they decode. */
function withJavaLog(report: ConnectionReport, javaLog: JavaLogVerdict): ConnectionReport {
  const alerts = [...report.alerts];
  for (const placed of javaLog.alerts) {
    const a = placed.alert;
    const logged = { source: 'java-log' as const, inferred: false as const, reason: a.reason, loggedBy: a.loggedBy };
    const level = a.level;
    const wire = placed.wireIndex === null ? undefined : alerts[placed.wireIndex];
    if (wire !== undefined && placed.wireIndex !== null) alerts[placed.wireIndex] = { ...wire, level, code: a.code, name: a.name, ...logged };
    else if (placed.record !== null) {
      alerts.push({ from: a.from, level, code: a.code, name: a.name, encrypted: true, decrypted: false, length: placed.record.length, frame: placed.record.frame, time: toIsoString(placed.record.time, 6), ...logged });
    }
  }
  alerts.sort((x, y) => x.frame - y.frame);
  return { ...report, alerts, javaLogs: javaLog.logs.map((l) => ({ file: l.file, side: l.side, matchedBy: l.matchedBy })) };
}
