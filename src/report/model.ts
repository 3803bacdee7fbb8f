/**
 * The report model: one plain-data object per run, shaped as the published JSON contract
 * (docs/report.schema.json, `schemaVersion` 2). Every renderer reads this and nothing else;
 * renderers change presentation, never facts.
 */
import { createRequire } from 'node:module';
import type { CaptureAnalysis } from '../analyze.js';
import type { Connection } from '../analysis/connection.js';
import { captureContext, judgeConnection } from '../analysis/verdict.js';
import type { Finding, MtlsState, Stage, Status, Verdict } from '../analysis/verdict-types.js';
import type { JavaLogVerdict } from '../analysis/java-log-verdict.js';
import { matchJavaLogs } from '../analysis/java-log-match.js';
import type { JavaLog } from '../javalog/types.js';
import type { CaptureContext } from '../analysis/rules/types.js';
import type { StackIdentity } from '../analysis/stack-identification.js';
import { serverNameMatch, type ServerNameMatch } from '../analysis/rules/host-name.js';
import { alertName, cipherSuiteName, isGrease, versionName } from '../tls/registry/names.js';
import type { Anomaly } from '../util/anomaly.js';
import { NO_KEY_LOG } from '../decrypt/connection-decryptor.js';
import { toIsoString } from '../util/time.js';
import type { CertificateSummary } from '../x509/index.js';
import type { TrustResult, TrustSetup } from '../x509/trust/index.js';
import type { IdentitySetup } from '../x509/identity/index.js';
import type { IdentityStoreVerdict, IdentityVerdict } from '../analysis/identity-verdict.js';
import { TallyBuilder, tallyOf } from './connection-tally.js';
import type { UnlistedConnections } from './listing.js';

const require = createRequire(import.meta.url);
const pkg = require('../../package.json') as { name: string; version: string };

/**
 * Version of the JSON contract: the report, and every NDJSON line. It changes only when a field
 * is renamed, removed or changes meaning (2: compact NDJSON lines by default, `ja3`/`ja3s` as
 * `{hash, string}`; see CHANGELOG.md).
 */
export const SCHEMA_VERSION = 2;
export const TOOL = { name: pkg.name, version: pkg.version } as const;

interface EndpointJson {
  readonly ip: string;
  readonly port: number;
  /** The side's TLS implementation (docs/stacks.md), null when unsure; optional only so hand-built reports stay valid. */
  readonly stack?: StackIdentity | null;
}

export interface AlertJson {
  readonly from: 'client' | 'server';
  readonly level: 'warning' | 'fatal' | null;
  readonly code: number | null;
  readonly name: string | null;
  readonly encrypted: boolean;
  /** Encrypted on the wire and read with a key log (then `encrypted` is false and the code is known). */
  readonly decrypted?: boolean;
  readonly length: number;
  readonly frame: number;
  readonly time: string;
  /** `java-log`: the code comes from a Java SSL debug log (--java-log), the record from the wire. */
  readonly source?: 'java-log';
  /** With `source`: false, the code is a logged fact, not read from record sizes. */
  readonly inferred?: false;
  /** With `source`: JSSE's own reason, when the sending side's log gave one. */
  readonly reason?: string | null;
  /** With `source`: which side's log told it. */
  readonly loggedBy?: 'client' | 'server' | null;
}

/** A Java SSL debug log matched to a connection. */
interface JavaLogMatchJson {
  readonly file: string;
  readonly side: 'client' | 'server' | null;
  readonly matchedBy: 'client-random' | 'time';
}

/** A Java SSL debug log given for a capture, and how many of its handshakes this capture holds. */
interface CaptureJavaLogJson {
  readonly file: string;
  readonly handshakes: number;
  readonly matched: number;
}

/** Key log decryption of one connection (see `DecryptionStatus`). */
interface DecryptionJson {
  readonly status: 'decrypted' | 'no-secrets' | 'failed' | 'not-attempted';
  /** Frame of the first record that failed to decrypt. */
  readonly frame?: number;
  readonly reason?: string;
}

/** A JA3 or JA3S fingerprint: the MD5 (what other tools call "the JA3") and the string it hashes. */
interface Ja3Json {
  readonly hash: string;
  readonly string: string;
}

export interface TimelineJson {
  readonly frame: number;
  readonly time: string;
  /** Milliseconds since the connection's first packet. */
  readonly offsetMs: number;
  readonly from: 'client' | 'server' | null;
  readonly kind: string;
  readonly label: string;
}

export interface ConnectionReport {
  readonly id: number;
  readonly client: EndpointJson;
  readonly server: EndpointJson;
  readonly rolesFrom: string;
  readonly firstFrame: number;
  readonly lastFrame: number;
  readonly startTime: string;
  readonly endTime: string;
  readonly durationMs: number;
  readonly tls: boolean;
  readonly starttls: string | null;
  readonly sni: string | null;
  readonly versions: { readonly offered: readonly string[]; readonly negotiated: string | null };
  readonly cipherSuite: string | null;
  readonly cipherSuiteCode: number | null;
  readonly alpn: { readonly offered: readonly string[]; readonly negotiated: string | null };
  readonly resumed: boolean;
  readonly helloRetryRequest: boolean;
  readonly status: Status;
  readonly stage: Stage;
  readonly mtls: {
    readonly state: MtlsState;
    readonly certificateRequested: boolean | null;
    readonly clientCertificates: number | null;
    readonly acceptableCAs: readonly string[];
    readonly inferred: boolean;
    readonly evidence: string | null;
    /** `java-log` when a Java SSL debug log told the facts the wire could only infer (then `inferred` is false). */
    readonly source?: 'java-log';
  };
  readonly certificates: { readonly server: readonly CertificateSummary[]; readonly client: readonly CertificateSummary[] };
  /**
   * The server certificate against the SNI, matched once in the analysis (RFC 6125; the
   * subject CN only when the certificate has no DNS SAN, then `via` is `cn`); null without
   * an SNI or a readable server certificate.
   */
  readonly nameMatch: ServerNameMatch | null;
  readonly alerts: readonly AlertJson[];
  readonly tcpEnd: { readonly how: string; readonly from: 'client' | 'server' | null; readonly frame: number | null };
  /** As Suricata's EVE writes it (Zeek's `ja3` is the same hash): null without a ClientHello, or for an SSLv2-format one. */
  readonly ja3: Ja3Json | null;
  /** Null without a ServerHello. */
  readonly ja3s: Ja3Json | null;
  readonly ja4: string | null;
  readonly history: string;
  readonly findings: readonly Finding[];
  readonly summary: string;
  readonly handshakeMs: { readonly serverHello: number | null; readonly serverFinished: number | null };
  readonly packets: { readonly client: number; readonly server: number };
  readonly bytes: { readonly client: number; readonly server: number };
  readonly applicationData: { readonly clientRecords: number; readonly serverRecords: number; readonly clientBytes: number; readonly serverBytes: number };
  readonly notTls: readonly { readonly from: 'client' | 'server'; readonly firstBytes: string; readonly frame: number }[];
  readonly timeline: readonly TimelineJson[];
  readonly anomalies: readonly Anomaly[];
  /** Always set by `connectionReport`; optional only so hand-built reports stay valid. */
  readonly decryption?: DecryptionJson;
  /**
   * Present with --trust: each chain verified against the trust stores. `verdict` trusted |
   * untrusted | not-checked; `reason` (untrusted) one of no-path-to-anchor, missing-intermediate,
   * expired, not-yet-valid, wrong-eku, not-a-ca, bad-signature, name-mismatch; `anchor` and `path`
   * subject DNs; offline (no AIA, OCSP or CRL).
   */
  readonly trust?: { readonly client: TrustResult; readonly server: TrustResult };
  /** Present with --java-log: the logs whose handshakes matched this connection (empty when none did). */
  readonly javaLogs?: readonly JavaLogMatchJson[];
  /**
   * Present with --identity: the first identity store weighed against this connection (which
   * alias Java's key managers would send, each entry with its reasons, the verdict sentence),
   * with the other stores in `also`; null when there is nothing to weigh (no CertificateRequest
   * known, on the client side).
   */
  readonly identity?: IdentityJson | null;
}

/** One identity store's verdict on a connection; `also` holds the other --identity stores' when several were given. */
export interface IdentityJson extends IdentityStoreVerdict {
  readonly also?: readonly IdentityStoreVerdict[];
}

function identityJson(identity: IdentityVerdict | null): IdentityJson | null {
  const [first, ...rest] = identity ?? [];
  if (first === undefined) return null;
  return rest.length === 0 ? first : { ...first, also: rest };
}

export interface CaptureReport {
  readonly file: string;
  /** Set when the file could not be read; the other fields are then empty. */
  readonly error: string | null;
  readonly format: 'pcap' | 'pcapng' | null;
  readonly gzip: boolean;
  /** Link types by description, e.g. "Ethernet", "Linux cooked v2 (tcpdump -i any)". */
  readonly linkTypes: readonly string[];
  /** The same as LINKTYPE_ numbers. */
  readonly linkTypeCodes: readonly number[];
  readonly packets: number;
  readonly firstTime: string | null;
  readonly lastTime: string | null;
  readonly anomalies: readonly Anomaly[];
  readonly udp: { readonly datagrams: number; readonly dtlsFlows: number; readonly quicFlows: number };
  readonly connections: readonly ConnectionReport[];
  readonly stoppedEarly: boolean;
  /**
   * Present when the report lists fewer connections than it analyzed (past
   * `maxReportConnections`): the counts of those not listed. Counts elsewhere include them.
   */
  readonly unlisted?: UnlistedConnections;
  /**
   * Present when a filter (--only, --host, --port, --sni) left connections out: how many, by
   * status. They are neither listed nor counted elsewhere.
   */
  readonly filteredOut?: FilteredOut;
  /** Present with --java-log: each log given, its handshakes and how many of them this capture holds. */
  readonly javaLogs?: readonly CaptureJavaLogJson[];
}

/** Connections a filter left out of a capture's report, by status. */
export interface FilteredOut {
  readonly connections: number;
  readonly tls: number;
  readonly ok: number;
  readonly failed: number;
  readonly incomplete: number;
  readonly notTls: number;
}

/** Counts `c` among the connections a filter left out. */
export function addFilteredOut(f: FilteredOut | undefined, c: ConnectionReport): FilteredOut {
  const n = f ?? { connections: 0, tls: 0, ok: 0, failed: 0, incomplete: 0, notTls: 0 };
  return {
    connections: n.connections + 1,
    tls: n.tls + (c.tls ? 1 : 0),
    ok: n.ok + (c.status === 'ok' ? 1 : 0),
    failed: n.failed + (c.status === 'failed' ? 1 : 0),
    incomplete: n.incomplete + (c.status === 'incomplete' ? 1 : 0),
    notTls: n.notTls + (c.tls ? 0 : 1),
  };
}

interface ReportSummary {
  readonly connections: number;
  readonly tls: number;
  readonly ok: number;
  readonly failed: number;
  readonly incomplete: number;
  readonly byCause: Readonly<Record<string, number>>;
}

export interface Report {
  readonly schemaVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  readonly captures: readonly CaptureReport[];
  readonly summary: ReportSummary;
}

/** "TLS 1.2" etc.; GREASE and unknown values keep their registry rendering. */
function versionLabel(v: number): string {
  return versionName(v);
}

function hexAscii(bytes: Uint8Array): string {
  let printable = 0;
  for (const b of bytes) if ((b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09) printable++;
  if (bytes.length > 0 && printable / bytes.length > 0.9) {
    return JSON.stringify(Array.from(bytes, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : b === 0x0a ? '\n' : b === 0x0d ? '\r' : '.')).join('')).slice(1, -1);
  }
  return Array.from(bytes.subarray(0, 32), (b) => b.toString(16).padStart(2, '0')).join(' ');
}


export function connectionReport(c: Connection, verdict: Verdict): ConnectionReport {
  const hs = c.handshakes.find((h) => h.clientHello !== null) ?? c.handshakes[0] ?? null;
  const ch = hs?.clientHello ?? null;
  const sh = hs?.serverHello ?? null;
  const iso = (t: { sec: number; nsec: number }) => toIsoString(t, 6);
  const since = (t: { sec: number; nsec: number }) => (t.sec - c.startTime.sec) * 1000 + (t.nsec - c.startTime.nsec) / 1e6;
  const ms = (a: { sec: number; nsec: number } | null | undefined, b: { sec: number; nsec: number } | null | undefined): number | null =>
    a == null || b == null ? null : Math.round(((b.sec - a.sec) * 1000 + (b.nsec - a.nsec) / 1e6) * 1000) / 1000;
  const report: ConnectionReport = {
    id: c.id,
    client: { ip: c.client.ip, port: c.client.port, stack: verdict.stacks.client },
    server: { ip: c.server.ip, port: c.server.port, stack: verdict.stacks.server },
    rolesFrom: c.rolesFrom,
    firstFrame: c.firstFrame,
    lastFrame: c.lastFrame,
    startTime: iso(c.startTime),
    endTime: iso(c.endTime),
    durationMs: Math.round(since(c.endTime) * 1000) / 1000,
    tls: c.tls === true,
    starttls: c.starttls,
    sni: ch?.sni ?? null,
    versions: {
      offered: ch === null ? [] : ch.versions.filter((v) => !isGrease(v)).map(versionLabel),
      negotiated: sh === null ? null : versionLabel(sh.version),
    },
    cipherSuite: sh === null ? null : cipherSuiteName(sh.cipherSuite),
    cipherSuiteCode: sh?.cipherSuite ?? null,
    alpn: { offered: ch?.alpn ?? [], negotiated: sh?.alpn ?? null },
    resumed: verdict.resumed,
    helloRetryRequest: hs?.helloRetryRequest != null,
    status: verdict.status,
    stage: verdict.stage,
    mtls: verdict.mtls,
    certificates: { server: hs?.serverCertificates ?? [], client: hs?.clientCertificates ?? [] },
    nameMatch: serverNameMatch(hs),
    alerts: c.alerts.map((a) => ({
      from: a.from,
      level: a.level === 1 ? 'warning' : a.level === 2 ? 'fatal' : null,
      code: a.description,
      name: a.description === null ? null : alertName(a.description),
      encrypted: a.encrypted,
      decrypted: a.decrypted === true,
      length: a.length,
      frame: a.frame,
      time: iso(a.time),
    })),
    tcpEnd: { how: c.tcp.end.how, from: c.tcp.end.by, frame: c.tcp.end.frame },
    ja3: ch === null || ch.ja3 === null || ch.ja3Hash === null ? null : { hash: ch.ja3Hash, string: ch.ja3 },
    ja3s: sh === null ? null : { hash: sh.ja3sHash, string: sh.ja3s },
    ja4: ch?.ja4 ?? null,
    history: c.history,
    findings: verdict.findings,
    summary: verdict.summary,
    handshakeMs: { serverHello: ms(hs?.clientHelloTime, hs?.serverHelloTime), serverFinished: ms(hs?.clientHelloTime, hs?.serverFinishedTime) },
    packets: { client: c.counters.client.packets, server: c.counters.server.packets },
    bytes: { client: c.counters.client.bytes, server: c.counters.server.bytes },
    applicationData: {
      clientRecords: c.counters.client.applicationDataRecords,
      serverRecords: c.counters.server.applicationDataRecords,
      clientBytes: c.counters.client.applicationDataBytes,
      serverBytes: c.counters.server.applicationDataBytes,
    },
    notTls: c.notTls.map((n) => ({ from: n.from, firstBytes: hexAscii(n.firstBytes), frame: n.frame })),
    timeline: c.timeline.map((t) => ({ frame: t.frame, time: iso(t.time), offsetMs: Math.round(since(t.time) * 1000) / 1000, from: t.from, kind: t.kind, label: t.label })),
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

export interface CaptureReportOptions {
  readonly expiryDays?: number;
  readonly slowHandshakeMs?: number;
  /** Trust stores (--trust) to verify certificate chains against. */
  readonly trust?: TrustSetup;
  /** Identity key stores (--identity) weighed against each connection. */
  readonly identity?: IdentitySetup;
  /** Java SSL debug logs (--java-log) whose handshakes are matched to the connections. */
  readonly javaLogs?: readonly JavaLog[];
  readonly javaLogTimeWindowMs?: number;
}

export function captureReport(file: string, analysis: CaptureAnalysis, options: CaptureReportOptions = {}): CaptureReport {
  const context: CaptureContext = captureContext(analysis.connections, options);
  if (options.javaLogs === undefined) {
    return captureReportWith(
      file,
      analysis,
      analysis.connections.map((c) => connectionReport(c, judgeConnection(c, context))),
    );
  }
  const matches = matchJavaLogs(options.javaLogs, analysis.connections, options.javaLogTimeWindowMs !== undefined ? { javaLogTimeWindowMs: options.javaLogTimeWindowMs } : {});
  const capture = captureReportWith(
    file,
    { ...analysis, anomalies: [...analysis.anomalies, ...matches.notes] },
    analysis.connections.map((c) => connectionReport(c, judgeConnection(c, context, matches.byConnection.get(c.id) ?? []))),
  );
  return { ...capture, javaLogs: matches.logs };
}

/** The capture report of an analysis whose connections were judged as they ended (in id order). */
export function captureReportWith(file: string, analysis: Omit<CaptureAnalysis, 'connections'>, connections: readonly ConnectionReport[]): CaptureReport {
  return {
    file,
    error: null,
    format: analysis.info.format,
    gzip: analysis.info.gzip,
    linkTypes: analysis.linkTypes.map((l) => l.description),
    linkTypeCodes: analysis.linkTypes.map((l) => l.linkType),
    packets: analysis.packets,
    firstTime: analysis.firstTime === null ? null : toIsoString(analysis.firstTime, 6),
    lastTime: analysis.lastTime === null ? null : toIsoString(analysis.lastTime, 6),
    anomalies: analysis.anomalies,
    udp: { datagrams: analysis.udp.datagrams, dtlsFlows: analysis.udp.dtlsFlows, quicFlows: analysis.udp.quicFlows },
    connections,
    stoppedEarly: analysis.stoppedEarly,
  };
}

export function failedCaptureReport(file: string, error: string): CaptureReport {
  return { file, error, format: null, gzip: false, linkTypes: [], linkTypeCodes: [], packets: 0, firstTime: null, lastTime: null, anomalies: [], udp: { datagrams: 0, dtlsFlows: 0, quicFlows: 0 }, connections: [], stoppedEarly: true };
}

export function buildReport(captures: readonly CaptureReport[]): Report {
  const all = new TallyBuilder();
  for (const cap of captures) all.merge(tallyOf(cap.connections, cap.unlisted));
  const t = all.result();
  return { schemaVersion: SCHEMA_VERSION, tool: TOOL, captures, summary: { connections: t.connections, tls: t.tls, ok: t.ok, failed: t.failed, incomplete: t.incomplete, byCause: t.byCause } };
}

/** How TLS began after plaintext, in words for the reports: `smtp STARTTLS`, `through an HTTP CONNECT proxy`. */
export function starttlsText(starttls: string): string {
  return starttls === 'http-connect' ? 'through an HTTP CONNECT proxy' : `${starttls} STARTTLS`;
}
