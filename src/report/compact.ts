/**
 * The compact NDJSON line, the default of `--format ndjson`: what a CI job or a log pipeline
 * filters on, about a fifth of the bytes of the full connection record (docs/report.schema.json,
 * `#/$defs/ndjsonCompactLine`).
 *
 * Every field sits at the same path, with the same value, as in the full record
 * (`ConnectionReport`), so a filter written for the compact line (`.mtls.state`,
 * `.findings[0].code`, `.certificates.server[0].sha256`) reads the same on `--detail full`
 * lines and in the JSON report. Only parts are left out: whole fields (the timeline, the
 * summary, counters), fields of a kept object (a finding's text, a certificate's extensions and
 * all but the fingerprint and expiry of the certificates after the leaf, the JA3 string, which
 * alone is as long as many lines, an identity store's entries and verdict text), and
 * `decryption` when nothing was decrypted or tried.
 */
import type { AlertJson, ConnectionReport, IdentityJson } from './model.js';
import type { Finding, MtlsVerdict, Verdict } from '../analysis/verdict-types.js';
import type { Connection } from '../analysis/connection.js';
import { cipherSuiteName } from '../tls/registry/names.js';
import { NO_KEY_LOG } from '../decrypt/connection-decryptor.js';
import { toIsoString } from '../util/time.js';
import { alertNameOf, alpnOf, connectionReport, durationMs, handshakeMs, identityJson, reportHandshake, tcpEndOf, versionsOf } from './connection-report.js';
import type { StackIdentity } from '../analysis/stack-identification.js';
import type { TrustResult } from '../x509/trust/index.js';
import type { CertificateSummary } from '../x509/index.js';
import { NO_OBJECTS, mapObjects } from '../util/stable-lists.js';

interface CompactEndpoint {
  readonly ip: string;
  readonly port: number;
  readonly stack: Pick<StackIdentity, 'name'> | null;
}

/**
 * A certificate of a chain: its fingerprint and expiry; the first (the leaf, the one that names
 * the peer) also its subject, issuer and the start of its validity. The next certificate's
 * subject is the leaf's issuer, and a certificate not yet valid anywhere in a chain is a finding.
 */
type CompactCertificate = Pick<CertificateSummary, 'sha256' | 'notAfter'> & Partial<Pick<CertificateSummary, 'subject' | 'issuer' | 'notBefore'>>;
type CompactTrust = Pick<TrustResult, 'verdict' | 'reason'>;

/** One connection as the compact line carries it (the line adds `schemaVersion` and `file` in front). */
export interface CompactConnection {
  readonly id: number;
  readonly client: CompactEndpoint;
  readonly server: CompactEndpoint;
  readonly sni: string | null;
  readonly status: ConnectionReport['status'];
  readonly stage: ConnectionReport['stage'];
  readonly versions: ConnectionReport['versions'];
  readonly cipherSuite: string | null;
  readonly alpn: ConnectionReport['alpn'];
  readonly resumed: boolean;
  readonly mtls: Pick<MtlsVerdict, 'state' | 'certificateRequested' | 'clientCertificates' | 'inferred' | 'source'>;
  /** Most important first, as in the full record: the first is the headline. */
  readonly findings: readonly Pick<Finding, 'code' | 'severity' | 'frames'>[];
  /** The level is left out: the name tells it (and it is null for an encrypted alert, as the code is). */
  readonly alerts: readonly Pick<AlertJson, 'from' | 'code' | 'name' | 'frame'>[];
  readonly certificates: { readonly server: readonly CompactCertificate[]; readonly client: readonly CompactCertificate[] };
  readonly tcpEnd: ConnectionReport['tcpEnd'];
  readonly ja3: { readonly hash: string } | null;
  readonly ja3s: { readonly hash: string } | null;
  readonly ja4: string | null;
  readonly startTime: string;
  readonly durationMs: number;
  readonly handshakeMs: ConnectionReport['handshakeMs'];
  /** Present when records were decrypted, or a key log was tried and failed or had no secrets. */
  readonly decryption?: { readonly status: string; readonly frame?: number };
  /** Present with --trust. */
  readonly trust?: { readonly client: CompactTrust; readonly server: CompactTrust };
  /** Present with --java-log. */
  readonly javaLogs?: ConnectionReport['javaLogs'];
  /** Present with --identity: the first store's key manager choices (null as in the full record). */
  readonly identity?: CompactIdentity | null;
}

type CompactIdentity = Pick<IdentityJson, 'store' | 'side' | 'keyManagers' | 'alias'>;

type Writable<T> = { -readonly [K in keyof T]: T[K] };

function endpoint(e: ConnectionReport['client']): CompactEndpoint {
  return { ip: e.ip, port: e.port, stack: e.stack == null ? null : { name: e.stack.name } };
}

function certificate(c: CertificateSummary, i: number): CompactCertificate {
  return i === 0 ? { subject: c.subject, issuer: c.issuer, sha256: c.sha256, notBefore: c.notBefore, notAfter: c.notAfter } : { sha256: c.sha256, notAfter: c.notAfter };
}

function finding(f: Finding): Pick<Finding, 'code' | 'severity' | 'frames'> {
  return { code: f.code, severity: f.severity, frames: f.frames };
}

function alert(a: AlertJson): Pick<AlertJson, 'from' | 'code' | 'name' | 'frame'> {
  return { from: a.from, code: a.code, name: a.name, frame: a.frame };
}

function mtls(m: MtlsVerdict): CompactConnection['mtls'] {
  return m.source === undefined
    ? { state: m.state, certificateRequested: m.certificateRequested, clientCertificates: m.clientCertificates, inferred: m.inferred }
    : { state: m.state, certificateRequested: m.certificateRequested, clientCertificates: m.clientCertificates, inferred: m.inferred, source: m.source };
}

function trust(t: NonNullable<ConnectionReport['trust']>): NonNullable<CompactConnection['trust']> {
  return { client: { verdict: t.client.verdict, reason: t.client.reason }, server: { verdict: t.server.verdict, reason: t.server.reason } };
}

function identity(id: IdentityJson | null): CompactIdentity | null {
  return id === null ? null : { store: id.store, side: id.side, keyManagers: id.keyManagers, alias: id.alias };
}

/** The optional fields, added after the literal (a conditional spread inside it would make every line a slow generic copy). */
function addOptional(out: Writable<CompactConnection>, d: ConnectionReport['decryption'], c: Pick<ConnectionReport, 'trust' | 'javaLogs'>, id: IdentityJson | null | undefined): CompactConnection {
  if (d !== undefined && d.status !== 'not-attempted') out.decryption = d.frame === undefined ? { status: d.status } : { status: d.status, frame: d.frame };
  if (c.trust !== undefined) out.trust = trust(c.trust);
  if (c.javaLogs !== undefined) out.javaLogs = c.javaLogs;
  if (id !== undefined) out.identity = identity(id);
  return out;
}

/** The compact line's part of a connection report: a selection of its fields, nothing computed. */
export function compactConnection(c: ConnectionReport): CompactConnection {
  const out: Writable<CompactConnection> = {
    id: c.id,
    client: endpoint(c.client),
    server: endpoint(c.server),
    sni: c.sni,
    status: c.status,
    stage: c.stage,
    versions: c.versions,
    cipherSuite: c.cipherSuite,
    alpn: c.alpn,
    resumed: c.resumed,
    mtls: mtls(c.mtls),
    findings: c.findings.map(finding),
    alerts: c.alerts.map(alert),
    certificates: { server: c.certificates.server.map(certificate), client: c.certificates.client.map(certificate) },
    tcpEnd: c.tcpEnd,
    ja3: c.ja3 === null ? null : { hash: c.ja3.hash },
    ja3s: c.ja3s === null ? null : { hash: c.ja3s.hash },
    ja4: c.ja4,
    startTime: c.startTime,
    durationMs: c.durationMs,
    handshakeMs: c.handshakeMs,
  };
  return addOptional(out, c.decryption, c, c.identity);
}

/**
 * The same line made straight from the analysis, without the full record (its timeline, the
 * name match, counters, times of every alert): what streaming NDJSON writes for each
 * connection. Equal to `compactConnection(connectionReport(c, verdict))`, which the tests check
 * on every sample and fixture. With Java logs, whose alerts merge into the wire's, it is that.
 */
export function compactConnectionOf(c: Connection, verdict: Verdict): CompactConnection {
  if (verdict.javaLog !== undefined) return compactConnection(connectionReport(c, verdict));
  const hs = reportHandshake(c);
  const ch = hs?.clientHello ?? null;
  const sh = hs?.serverHello ?? null;
  const out: Writable<CompactConnection> = {
    id: c.id,
    client: { ip: c.client.ip, port: c.client.port, stack: verdict.stacks.client === null ? null : { name: verdict.stacks.client.name } },
    server: { ip: c.server.ip, port: c.server.port, stack: verdict.stacks.server === null ? null : { name: verdict.stacks.server.name } },
    sni: ch?.sni ?? null,
    status: verdict.status,
    stage: verdict.stage,
    versions: versionsOf(hs),
    cipherSuite: sh === null ? null : cipherSuiteName(sh.cipherSuite),
    alpn: alpnOf(hs),
    resumed: verdict.resumed,
    mtls: mtls(verdict.mtls),
    findings: verdict.findings.map(finding),
    alerts: c.alerts.map((a) => ({ from: a.from, code: a.description, name: alertNameOf(a.description), frame: a.frame })),
    certificates: { server: mapObjects(hs?.serverCertificates ?? NO_OBJECTS, certificate), client: mapObjects(hs?.clientCertificates ?? NO_OBJECTS, certificate) },
    tcpEnd: tcpEndOf(c),
    ja3: ch === null || ch.ja3 === null || ch.ja3Hash === null ? null : { hash: ch.ja3Hash },
    ja3s: sh === null ? null : { hash: sh.ja3sHash },
    ja4: ch?.ja4 ?? null,
    startTime: toIsoString(c.startTime, 6),
    durationMs: durationMs(c),
    handshakeMs: handshakeMs(hs),
  };
  return addOptional(out, c.decryption ?? NO_KEY_LOG, verdict, verdict.identity === undefined ? undefined : identityJson(verdict.identity));
}
