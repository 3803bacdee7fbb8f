/**
 * Builds complete, internally consistent `Connection` records for rule tests: a TLS 1.2 or
 * TLS 1.3 handshake laid out step by step (TCP, ClientHello, the server's flight, the
 * client's flight, Finished, data, close), with frames numbered in order and a timeline that
 * matches. Options cut the handshake short, insert an alert, a close, a gap, or replace any
 * message view or certificate; `patch` overrides any part afterwards.
 */
import type { AlertRecord, Connection, EncryptedRecordInfo, Handshake, Role, TimelineEntry } from '../../src/analysis/connection.js';
import { emptyHandshake } from '../../src/analysis/connection.js';
import type { CertificateRequestInfo, ClientHelloInfo, ServerHelloInfo } from '../../src/analysis/handshake-info.js';
import type { GapReason } from '../../src/flow/types.js';
import type { Timestamp } from '../../src/util/time.js';
import type { CertificateSummary } from '../../src/x509/index.js';
import { captureContext, judgeConnection } from '../../src/analysis/verdict.js';
import type { CaptureContext } from '../../src/analysis/rules/types.js';
import type { Verdict } from '../../src/analysis/verdict-types.js';

/** 2026-11-20T14:02:11Z: the capture's clock for every test connection. */
export const BASE: Timestamp = { sec: 1_795_183_331, nsec: 0 };

export function at(ms: number): Timestamp {
  const whole = Math.floor(ms);
  const sec = BASE.sec + Math.floor(whole / 1000);
  const nsec = (whole % 1000) * 1_000_000 + Math.round((ms - whole) * 1e6);
  return { sec, nsec };
}

const DAY = 86_400_000;
const captureMs = BASE.sec * 1000;
const iso = (deltaDays: number): string => new Date(captureMs + deltaDays * DAY).toISOString();

/** A certificate summary valid from a year before the capture to a year after, RSA 2048, SHA-256. */
export function cert(over: Partial<CertificateSummary> = {}): CertificateSummary {
  const base: CertificateSummary = {
    sha256: 'aa'.repeat(32),
    sha1: 'bb'.repeat(20),
    length: 900,
    parseError: null,
    subject: 'CN=leaf.example.com',
    issuer: 'CN=Corp Issuing CA 2, O=Example Corp',
    subjectCommonName: 'leaf.example.com',
    serial: '01',
    notBefore: iso(-365),
    notAfter: iso(365),
    validAtCapture: 'valid',
    daysToExpiry: 365,
    subjectAltNames: { dns: [], ip: [], uri: [], email: [], other: 0, omitted: 0 },
    publicKey: { algorithm: 'RSA', bits: 2048, curve: null },
    signatureAlgorithm: 'sha256WithRSAEncryption',
    weakSignature: false,
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: ['serverAuth', 'clientAuth'],
    ekuAnyPurpose: null,
    hasServerAuth: true,
    hasClientAuth: true,
    basicConstraints: { ca: false, pathLen: null },
    selfIssued: false,
    selfSigned: false,
    issues: [],
  };
  return { ...base, ...over };
}

export const ISSUING_CA = 'CN=Corp Issuing CA 2, O=Example Corp';
export const ROOT_CA = 'CN=Corp Root CA, O=Example Corp';

export function intermediate(over: Partial<CertificateSummary> = {}): CertificateSummary {
  return cert({ subject: ISSUING_CA, issuer: ROOT_CA, subjectCommonName: 'Corp Issuing CA 2', extendedKeyUsage: null, ekuAnyPurpose: 'no-extension', basicConstraints: { ca: true, pathLen: 0 }, keyUsage: ['keyCertSign', 'cRLSign'], ...over });
}

export function root(over: Partial<CertificateSummary> = {}): CertificateSummary {
  return cert({ subject: ROOT_CA, issuer: ROOT_CA, extendedKeyUsage: null, ekuAnyPurpose: 'no-extension', basicConstraints: { ca: true, pathLen: null }, selfIssued: true, selfSigned: true, ...over });
}

export function serverLeaf(over: Partial<CertificateSummary> = {}): CertificateSummary {
  return cert({ subject: 'CN=hr.example.com', subjectCommonName: 'hr.example.com', subjectAltNames: { dns: ['hr.example.com'], ip: [], uri: [], email: [], other: 0, omitted: 0 }, extendedKeyUsage: ['serverAuth'], hasClientAuth: false, ...over });
}

export function clientLeaf(over: Partial<CertificateSummary> = {}): CertificateSummary {
  return cert({ subject: 'CN=hr-connector, O=Example Corp', subjectCommonName: 'hr-connector', extendedKeyUsage: ['clientAuth'], hasServerAuth: false, ...over });
}

export function clientHello(over: Partial<ClientHelloInfo> = {}): ClientHelloInfo {
  return {
    legacyVersion: 0x0303,
    versions: [0x0304, 0x0303],
    supportedVersionsExtension: true,
    cipherSuites: [0x1301, 0x1302, 0x1303, 0xc02f, 0xc030, 0xc02b, 0x00ff],
    compressionMethods: [0],
    extensions: [0, 10, 11, 13, 16, 43, 45, 51, 65281],
    sni: 'hr.example.com',
    alpn: ['h2', 'http/1.1'],
    supportedGroups: [29, 23, 24],
    keyShareGroups: [29],
    signatureAlgorithms: [0x0403, 0x0804, 0x0401],
    sessionIdLength: 32,
    sessionId: '11'.repeat(32),
    sessionTicketOffered: false,
    pskOffered: false,
    earlyData: false,
    postHandshakeAuth: false,
    certificateAuthorities: [],
    echOffered: false,
    secureRenegotiation: true,
    fallbackScsv: false,
    sslv2Format: false,
    random: '22'.repeat(32),
    ja3: '',
    ja3Hash: '',
    ja4: '',
    ja4r: '',
    issues: [],
    ...over,
  };
}

function serverHello(over: Partial<ServerHelloInfo> = {}): ServerHelloInfo {
  return {
    legacyVersion: 0x0303,
    version: 0x0303,
    cipherSuite: 0xc02f,
    compressionMethod: 0,
    extensions: [65281, 11],
    sessionId: '33'.repeat(32),
    alpn: null,
    keyShareGroup: null,
    pskSelected: false,
    extendedMasterSecret: true,
    secureRenegotiation: true,
    isHelloRetryRequest: false,
    hrrGroup: null,
    downgradeSentinel: null,
    random: '44'.repeat(32),
    ja3s: '',
    ja3sHash: '',
    issues: [],
    ...over,
  };
}

function certificateRequest(over: Partial<CertificateRequestInfo> = {}): CertificateRequestInfo {
  return { tls13: false, certificateTypes: [1, 64], signatureAlgorithms: [0x0403, 0x0804], signatureAlgorithmsCert: null, certificateAuthorities: [ISSUING_CA, ROOT_CA], badCertificateAuthorities: null, ...over };
}

/** How far the handshake gets, in order. */
export const STEPS = ['tcp', 'client-hello', 'server-hello', 'server-flight', 'client-flight', 'server-finished', 'app-data'] as const;
type Step = (typeof STEPS)[number];

interface AlertSpec {
  readonly from: Role;
  readonly description: number | null;
  readonly level?: number;
  /** Encrypted (TLS ≤ 1.2 after ChangeCipherSpec): code unknown. */
  readonly encrypted?: boolean;
  readonly length?: number;
}

interface CloseSpec {
  readonly how: 'fin' | 'rst' | 'open' | 'idle';
  readonly by: Role | null;
}

export interface Tls12Options {
  /** Last step that happens. Default 'app-data'. */
  readonly stopAfter?: Step;
  /** No SYN/SYN-ACK/ACK in the capture (it started mid-way). */
  readonly noTcpHandshake?: boolean;
  /** The server never answers the SYN (no SYN/ACK); `synRetries` extra SYNs. */
  readonly synRetries?: number;
  readonly clientHello?: Partial<ClientHelloInfo>;
  readonly serverHello?: Partial<ServerHelloInfo>;
  /** null: the server asks for no client certificate. */
  readonly certificateRequest?: Partial<CertificateRequestInfo> | null;
  /** null: no Certificate message from the client; []: an empty one. */
  readonly clientCertificates?: CertificateSummary[] | null;
  readonly serverCertificates?: CertificateSummary[] | null;
  /** An alert right after `stopAfter`. */
  readonly alert?: AlertSpec;
  /** How the connection ends. Default: FIN by the client after close_notify (when complete), else open. */
  readonly close?: CloseSpec;
  /** Extra milliseconds before a step. */
  readonly delays?: Partial<Record<Step | 'close', number>>;
  /** A gap inserted right after a step. */
  readonly gap?: { readonly after: Step; readonly from: Role; readonly length: number; readonly reason: GapReason };
  /** Non-TLS bytes from a side, right after `after` (or first thing when TLS never starts). */
  readonly notTls?: { readonly from: Role; readonly text: string; readonly after: Step | null };
  readonly server?: { readonly ip: string; readonly port: number };
}

interface Builder {
  frame: number;
  ms: number;
  readonly timeline: TimelineEntry[];
  readonly tcpEvents: Connection['tcp']['events'][number][];
  readonly alerts: AlertRecord[];
  readonly gaps: { from: Role; length: number; reason: GapReason; frame: number }[];
  readonly encrypted: EncryptedRecordInfo[];
  appRecords: { client: number; server: number };
}

function newBuilder(): Builder {
  return { frame: 0, ms: 0, timeline: [], tcpEvents: [], alerts: [], gaps: [], encrypted: [], appRecords: { client: 0, server: 0 } };
}

/** Adds one timeline entry in a new frame and returns its frame and time. */
function emit(b: Builder, from: Role | null, kind: TimelineEntry['kind'], label: string, extra: { code?: number; length?: number } = {}): { frame: number; time: Timestamp } {
  b.frame += 1;
  b.ms += 1;
  const time = at(b.ms);
  b.timeline.push({ frame: b.frame, time, from, kind, label, ...extra });
  return { frame: b.frame, time };
}

function tcpEvent(b: Builder, from: Role, kind: 'syn' | 'syn-ack' | 'fin' | 'rst', label: string): { frame: number; time: Timestamp } {
  const e = emit(b, from, 'tcp', label);
  b.tcpEvents.push({ kind, direction: from === 'client' ? 0 : 1, frame: e.frame, time: e.time, from });
  return e;
}


const reached = (stop: Step, step: Step): boolean => STEPS.indexOf(step) <= STEPS.indexOf(stop);

function doAlert(b: Builder, spec: AlertSpec): void {
  const encrypted = spec.encrypted === true || spec.description === null;
  const label = encrypted ? `Encrypted alert (${spec.length ?? 26} bytes)` : `Alert fatal (${spec.description})`;
  const e = emit(b, spec.from, 'alert', label, spec.description !== null ? { code: spec.description } : {});
  b.alerts.push({ from: spec.from, level: encrypted ? null : (spec.level ?? 2), description: encrypted ? null : spec.description, encrypted, length: encrypted ? (spec.length ?? 26) : 2, frame: e.frame, time: e.time });
}

interface Common {
  readonly stop: Step;
  readonly delays: Partial<Record<Step | 'close', number>>;
}

function delay(b: Builder, c: Common, step: Step | 'close'): void {
  b.ms += c.delays[step] ?? 0;
}

function finish(b: Builder, hs: Handshake, o: Tls12Options, tls: boolean | null, completed: boolean, notTls: Connection['notTls']): Connection {
  const server = o.server ?? { ip: '10.20.9.5', port: 8443 };
  let end: Connection['tcp']['end'] = { how: 'open', by: null, frame: null, time: null };
  const close = o.close ?? (completed ? { how: 'fin' as const, by: 'client' as const } : { how: 'open' as const, by: null });
  if (close.how === 'fin' || close.how === 'rst') {
    b.ms += o.delays?.close ?? 0;
    const by = close.by ?? 'client';
    const e = tcpEvent(b, by, close.how, close.how === 'fin' ? 'FIN' : 'RST');
    end = { how: close.how, by, frame: e.frame, time: e.time };
  } else if (close.how === 'idle') {
    end = { how: 'idle', by: null, frame: null, time: null };
  }
  const counters = (role: Role): Connection['counters']['client'] => ({
    packets: b.timeline.filter((t) => t.from === role).length,
    bytes: 1000,
    missingBytes: b.gaps.filter((g) => g.from === role).reduce((n, g) => n + g.length, 0),
    retransmissions: 0,
    tlsRecords: b.timeline.filter((t) => t.from === role && t.kind !== 'tcp').length,
    applicationDataRecords: b.appRecords[role],
    applicationDataBytes: b.appRecords[role] * 100,
    firstApplicationDataFrame: b.timeline.find((t) => t.from === role && t.kind === 'encrypted')?.frame ?? null,
  });
  (hs.encryptedRecords as EncryptedRecordInfo[]).push(...b.encrypted);
  const synFrame = b.tcpEvents.find((e) => e.kind === 'syn')?.frame ?? null;
  const synAckFrame = b.tcpEvents.find((e) => e.kind === 'syn-ack')?.frame ?? null;
  const last = b.timeline[b.timeline.length - 1];
  return {
    id: 1,
    client: { ip: '10.20.4.17', port: 51544 },
    server,
    rolesFrom: synFrame !== null ? 'syn' : 'client-hello',
    firstFrame: b.timeline[0]?.frame ?? 1,
    lastFrame: last?.frame ?? 1,
    startTime: b.timeline[0]?.time ?? BASE,
    endTime: last?.time ?? BASE,
    tls,
    starttls: null,
    notTls,
    handshakes: hs.clientHello !== null || hs.serverHello !== null || tls === true ? [hs] : [],
    alerts: b.alerts,
    gaps: b.gaps,
    counters: { client: counters('client'), server: counters('server') },
    tcp: { synFrame, synAckFrame, ackFrame: synAckFrame !== null ? synAckFrame + 1 : null, end, events: b.tcpEvents },
    timeline: b.timeline,
    timelineTruncated: false,
    history: '',
    anomalies: [],
  };
}

function tcpHandshake(b: Builder, o: Tls12Options): void {
  if (o.noTcpHandshake === true) return;
  tcpEvent(b, 'client', 'syn', 'SYN');
  if (o.synRetries !== undefined) {
    for (let i = 0; i < o.synRetries; i++) {
      b.ms += 1000 * 2 ** i;
      tcpEvent(b, 'client', 'syn', 'SYN');
    }
    return;
  }
  tcpEvent(b, 'server', 'syn-ack', 'SYN/ACK');
  emit(b, 'client', 'tcp', 'ACK');
}

function maybeGap(b: Builder, o: Tls12Options, step: Step): void {
  if (o.gap?.after !== step) return;
  const e = emit(b, o.gap.from, 'gap', `${o.gap.length} bytes not captured`, { length: o.gap.length });
  b.gaps.push({ from: o.gap.from, length: o.gap.length, reason: o.gap.reason, frame: e.frame });
}

function maybeNotTls(b: Builder, o: Tls12Options, step: Step | null, list: Connection['notTls'][number][]): void {
  if (o.notTls === undefined || o.notTls.after !== step) return;
  const e = emit(b, o.notTls.from, 'not-tls', 'Not TLS');
  list.push({ from: o.notTls.from, firstBytes: new TextEncoder().encode(o.notTls.text), atStart: true, frame: e.frame });
}

/** A TLS 1.2 connection; by default a complete mutual-TLS handshake with data and a clean close. */
export function tls12(o: Tls12Options = {}): Connection {
  const c: Common = { stop: o.stopAfter ?? 'app-data', delays: o.delays ?? {} };
  const b = newBuilder();
  const hs = emptyHandshake(0);
  const notTls: Connection['notTls'][number][] = [];
  tcpHandshake(b, o);
  const tcpOnly = o.synRetries !== undefined || !reached(c.stop, 'client-hello');
  if (o.notTls !== undefined && o.notTls.after === null) {
    maybeNotTls(b, o, null, notTls);
    if (o.notTls.from === 'client') return finish(b, hs, o, false, false, notTls);
  }
  if (tcpOnly) {
    return finish(b, hs, o, null, false, notTls);
  }
  delay(b, c, 'client-hello');
  const ch = emit(b, 'client', 'handshake', 'ClientHello', { code: 1 });
  hs.clientHello = clientHello({ versions: [0x0303], supportedVersionsExtension: false, cipherSuites: [0xc02f, 0xc030, 0xc02b, 0x00ff], ...o.clientHello });
  hs.clientHelloFrame = ch.frame;
  hs.clientHelloTime = ch.time;
  maybeGap(b, o, 'client-hello');
  maybeNotTls(b, o, 'client-hello', notTls);
  let completed = false;
  if (reached(c.stop, 'server-hello')) {
    delay(b, c, 'server-hello');
    const sh = emit(b, 'server', 'handshake', 'ServerHello', { code: 2 });
    hs.serverHello = serverHello(o.serverHello);
    hs.serverHelloFrame = sh.frame;
    hs.serverHelloTime = sh.time;
    maybeGap(b, o, 'server-hello');
  }
  if (reached(c.stop, 'server-flight')) {
    delay(b, c, 'server-flight');
    const certs = o.serverCertificates === undefined ? [serverLeaf(), intermediate()] : o.serverCertificates;
    if (certs !== null) {
      const e = emit(b, 'server', 'handshake', 'Certificate', { code: 11 });
      hs.serverCertificates = certs;
      hs.serverCertificateFrame = e.frame;
    }
    if (o.certificateRequest !== null) {
      const e = emit(b, 'server', 'handshake', 'CertificateRequest', { code: 13 });
      hs.certificateRequest = certificateRequest(o.certificateRequest ?? {});
      hs.certificateRequestFrame = e.frame;
    }
    hs.serverHelloDoneFrame = emit(b, 'server', 'handshake', 'ServerHelloDone', { code: 14 }).frame;
    maybeGap(b, o, 'server-flight');
  }
  if (reached(c.stop, 'client-flight')) {
    delay(b, c, 'client-flight');
    const certs = o.clientCertificates === undefined ? (o.certificateRequest === null ? null : [clientLeaf(), intermediate()]) : o.clientCertificates;
    if (certs !== null) {
      const e = emit(b, 'client', 'handshake', certs.length === 0 ? 'Certificate (empty)' : 'Certificate', { code: 11 });
      hs.clientCertificates = certs;
      hs.clientCertificateFrame = e.frame;
      hs.clientCertificateTime = e.time;
    }
    hs.clientKeyExchangeFrame = emit(b, 'client', 'handshake', 'ClientKeyExchange', { code: 16 }).frame;
    if (certs !== null && certs.length > 0) hs.clientCertificateVerify = { frame: emit(b, 'client', 'handshake', 'CertificateVerify', { code: 15 }).frame, scheme: 0x0804 };
    hs.clientCcsFrame = emit(b, 'client', 'ccs', 'ChangeCipherSpec').frame;
    hs.clientFinishedFrame = emit(b, 'client', 'encrypted-handshake', 'Finished (encrypted)', { length: 40 }).frame;
    maybeGap(b, o, 'client-flight');
  }
  if (reached(c.stop, 'server-finished')) {
    delay(b, c, 'server-finished');
    hs.serverCcsFrame = emit(b, 'server', 'ccs', 'ChangeCipherSpec').frame;
    const f = emit(b, 'server', 'encrypted-handshake', 'Finished (encrypted)', { length: 40 });
    hs.serverFinishedFrame = f.frame;
    hs.serverFinishedTime = f.time;
    completed = true;
  }
  if (reached(c.stop, 'app-data')) {
    delay(b, c, 'app-data');
    emit(b, 'client', 'encrypted', 'Encrypted record (120 bytes)', { length: 120 });
    emit(b, 'server', 'encrypted', 'Encrypted record (900 bytes)', { length: 900 });
    b.appRecords.client += 1;
    b.appRecords.server += 1;
  }
  if (o.alert !== undefined) doAlert(b, o.alert);
  else if (completed && o.close === undefined) doAlert(b, { from: 'client', description: 0, level: 1, encrypted: true, length: 26 });
  return finish(b, hs, o, true, completed, notTls);
}

export interface Tls13Options extends Omit<Tls12Options, 'certificateRequest' | 'clientCertificates' | 'alert' | 'stopAfter'> {
  /** The client's second flight: record sizes (defaults by `clientFlight`). */
  readonly clientFlight?: 'finished-only' | 'empty-certificate' | 'certificate-sent' | 'client-alert' | 'none' | readonly number[];
  /** The server's records after the client's flight. */
  readonly serverAnswer?: 'ticket' | 'alert' | 'none' | readonly number[];
  /** Cipher suite (decides the sizes). Default TLS_AES_128_GCM_SHA256. */
  readonly cipherSuite?: number;
  /** A cleartext alert right after the ServerHello (e.g. a client refusing the ServerHello). */
  readonly cleartextAlert?: AlertSpec;
  /** Stop right after the ClientHello (no ServerHello). */
  readonly noServerHello?: boolean;
}

/** A TLS 1.3 connection without keys: the flights are encrypted records whose sizes tell the story. */
export function tls13(o: Tls13Options = {}): Connection {
  const c: Common = { stop: 'app-data', delays: o.delays ?? {} };
  const b = newBuilder();
  const hs = emptyHandshake(0);
  tcpHandshake(b, o);
  delay(b, c, 'client-hello');
  const ch = emit(b, 'client', 'handshake', 'ClientHello', { code: 1 });
  hs.clientHello = clientHello(o.clientHello);
  hs.clientHelloFrame = ch.frame;
  hs.clientHelloTime = ch.time;
  if (o.noServerHello === true) return finish(b, hs, o, true, false, []);
  const suite = o.cipherSuite ?? 0x1301;
  const sha384 = suite === 0x1302;
  delay(b, c, 'server-hello');
  const sh = emit(b, 'server', 'handshake', 'ServerHello', { code: 2 });
  hs.serverHello = serverHello({ version: 0x0304, cipherSuite: suite, keyShareGroup: 29, extensions: [43, 51], ...o.serverHello });
  hs.serverHelloFrame = sh.frame;
  hs.serverHelloTime = sh.time;
  if (o.cleartextAlert !== undefined) {
    doAlert(b, o.cleartextAlert);
    return finish(b, hs, o, true, false, []);
  }
  emit(b, 'server', 'ccs', 'ChangeCipherSpec');
  const rec = (from: Role, length: number): void => {
    const e = emit(b, from, 'encrypted', `Encrypted record (${length} bytes)`, { length });
    b.encrypted.push({ from, kind: 'application-data', length, frame: e.frame, time: e.time });
    b.appRecords[from] += 1;
  };
  const fin = sha384 ? 69 : 53;
  const flightKind = o.clientFlight ?? 'finished-only';
  const requested = flightKind === 'empty-certificate' || flightKind === 'certificate-sent' || (Array.isArray(flightKind) && (flightKind[0] ?? 0) !== fin);
  delay(b, c, 'server-flight');
  for (const n of [23, ...(requested ? [60] : []), 1800, 281, fin]) rec('server', n);
  maybeGap(b, o, 'server-flight');
  const clientSizes: readonly number[] = Array.isArray(flightKind)
    ? flightKind
    : flightKind === 'finished-only'
      ? [fin]
      : flightKind === 'empty-certificate'
        ? [25, fin]
        : flightKind === 'certificate-sent'
          ? [1500, 281, fin]
          : flightKind === 'client-alert'
            ? [19]
            : [];
  let completed = false;
  if (clientSizes.length > 0) {
    delay(b, c, 'client-flight');
    emit(b, 'client', 'ccs', 'ChangeCipherSpec');
    for (const n of clientSizes) rec('client', n);
    maybeGap(b, o, 'client-flight');
    const answer = o.serverAnswer ?? (flightKind === 'client-alert' ? 'none' : 'ticket');
    const answerSizes: readonly number[] = Array.isArray(answer) ? answer : answer === 'ticket' ? [250, 250] : answer === 'alert' ? [19] : [];
    if (answerSizes.length > 0) delay(b, c, 'server-finished');
    for (const n of answerSizes) rec('server', n);
    completed = answerSizes.some((n) => n > 40);
    if (completed) {
      delay(b, c, 'app-data');
      rec('client', 300);
      rec('server', 1200);
    }
  }
  return finish(b, hs, o, true, completed, []);
}

/** Replaces parts of a connection (shallow) and of its first handshake. */
export function patch(c: Connection, parts: Partial<Connection> = {}, hsParts: Partial<Handshake> = {}): Connection {
  const hs = c.handshakes[0];
  const handshakes = hs === undefined ? c.handshakes : [{ ...hs, ...hsParts }, ...c.handshakes.slice(1)];
  return { ...c, handshakes, ...parts };
}

export function context(over: Partial<CaptureContext> = {}): CaptureContext {
  return { ...captureContext([]), ...over };
}

/** The verdict the pipeline gives this connection. */
export function judge(c: Connection, ctx: CaptureContext = context()): Verdict {
  return judgeConnection(c, ctx);
}

/** Finding codes of a verdict, in order. */
export function codes(v: Verdict): string[] {
  return v.findings.map((f) => f.code);
}

export function finding(v: Verdict, code: string): Verdict['findings'][number] {
  const f = v.findings.find((x) => x.code === code);
  if (f === undefined) throw new Error(`no finding ${code}; got ${codes(v).join(', ') || 'none'}`);
  return f;
}
