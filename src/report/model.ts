/**
 * The report model: one plain-data object per run, shaped as the published JSON contract
 * (docs/report.schema.json, `schemaVersion` 2). Every renderer reads this and nothing else;
 * renderers change presentation, never facts.
 */
import { createRequire } from 'node:module';
import type { CaptureAnalysis } from '../analyze.js';
import { captureContext, judgeConnection } from '../analysis/verdict.js';
import type { Finding, MtlsState, Stage, Status, Verdict } from '../analysis/verdict-types.js';
import { matchJavaLogs } from '../analysis/java-log-match.js';
import type { JavaLog } from '../javalog/types.js';
import type { CaptureContext } from '../analysis/rules/types.js';
import type { StackIdentity } from '../analysis/stack-identification.js';
import type { Anomaly } from '../util/anomaly.js';
import { toIsoString } from '../util/time.js';
import type { CertificateSummary } from '../x509/index.js';
import type { TrustResult, TrustSetup } from '../x509/trust/index.js';
import type { IdentitySetup } from '../x509/identity/index.js';
import type { IdentityStoreVerdict } from '../analysis/identity-verdict.js';
import type { ServerNameMatch } from '../analysis/rules/host-name.js';
import { connectionReport } from './connection-report.js';
import { TallyBuilder, tallyOf } from './connection-tally.js';
import type { UnlistedConnections } from './listing.js';

// By the package's own name (its exports list package.json), so the file can sit at any depth:
// the command is one bundled file (package.json "build") and the library keeps its tree.
const require = createRequire(import.meta.url);
const pkg = require('tlsautopsy/package.json') as { name: string; version: string };

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
export function addFilteredOut(f: FilteredOut | undefined, c: Pick<ConnectionReport, 'tls' | 'status'>): FilteredOut {
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
