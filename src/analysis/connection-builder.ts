/**
 * Builds a `Connection` from the TLS layer's events and the flow layer's summary.
 * Roles: the ClientHello sender is the client (else the ServerHello's receiver, else the
 * TCP initiator). Events are kept by direction and mapped to roles when the connection ends,
 * because the ClientHello may not be the first thing seen.
 *
 * Why one file of ~600 lines: every TLS event kind lands in the same per-direction state and is
 * mapped to roles in one place at the end; the message-specific parts are small functions of
 * this one builder, and splitting them would spread the role mapping across files.
 */
import type { Anomaly } from '../util/anomaly.js';
import { AnomalyLog } from '../util/anomaly.js';
import type { Timestamp } from '../util/time.js';
import type { ConnectionInfo, ConnectionSummary, Direction, GapReason, TcpEvent, TcpEventKind } from '../flow/types.js';
import type { TlsDirectionStats, TlsEvent, TlsEventSink } from '../tls/session/events.js';
import type { StarttlsProtocol } from '../tls/session/starttls.js';
import type { DecryptionStatus } from '../decrypt/connection-decryptor.js';
import { alertName, handshakeTypeName } from '../tls/registry/names.js';
import { ContentType } from '../tls/registry/content-types.js';
import { ANALYSIS_DEFAULTS } from './defaults.js';
import type { CertificateSummary } from '../x509/index.js';
import { CertificateCache } from '../x509/index.js';
import { ByteSlab } from '../util/bytes.js';
import { groupedInteger } from '../util/grouped-integer.js';
import { emptyHandshake } from './connection.js';
import type {
  AlertRecord,
  Connection,
  EncryptedRecordInfo,
  Handshake,
  Role,
  RoleCounters,
  RoleSource,
  TimelineEntry,
} from './connection.js';
import {
  certificateDers,
  certificateRequestInfo,
  certificateVerifyScheme,
  clientHelloInfo,
  keyExchangeInfo,
  serverHelloInfo,
} from './handshake-info-from.js';
import { ALERT_LETTER, CCS_LETTER, DIRECTION_FLIPPED, HEARTBEAT_LETTER, caseFor, handshakeLetter } from './history.js';
import { mapObjects } from '../util/stable-lists.js';

export interface ConnectionBuilderOptions {
  /** Timeline entries kept per connection (TCP and TLS together). Default 256. */
  readonly maxTimelineEntries?: number;
  /** Encrypted records kept per handshake for the size inference. Default 32. */
  readonly maxEncryptedRecordsPerHandshake?: number;
  /** Anomalies kept per connection. Default 100. */
  readonly maxConnectionAnomalies?: number;
  /** Shared certificate summary cache (one per capture or per process); wins over the next two. */
  readonly certificateCache?: CertificateCache;
  /** Distinct certificates whose summaries are kept (default 1,024): with `maxSubjectAltNames`, makes a cache per capture. */
  readonly certificateCacheEntries?: number;
  /** SANs listed per kind per certificate, the rest counted (default 256). */
  readonly maxSubjectAltNames?: number;
}

/**
 * The certificate cache a capture's connections share: the given one, else one of its own when
 * its size or what a summary lists is not the default, else the process-wide default cache
 * (the same certificates recur across captures of one run).
 */
export function certificateCacheFor(options: ConnectionBuilderOptions): CertificateCache | undefined {
  if (options.certificateCache !== undefined) return options.certificateCache;
  if (options.certificateCacheEntries === undefined && options.maxSubjectAltNames === undefined) return undefined;
  return new CertificateCache({
    ...(options.certificateCacheEntries !== undefined ? { maxEntries: options.certificateCacheEntries } : {}),
    ...(options.maxSubjectAltNames !== undefined ? { maxSubjectAltNames: options.maxSubjectAltNames } : {}),
  });
}

/**
 * A timeline entry of the TLS layer as it comes: its `from` is filled in when roles are known, in
 * place (one object per entry, not a copy at the end).
 */
type MutableEntry = { -readonly [K in keyof TimelineEntry]: TimelineEntry[K] };

/**
 * Encrypted records of each direction drawn one by one at least: enough for a TLS 1.3
 * handshake's flights and the answer to them. Every unread record the size inference keeps
 * (maxEncryptedRecordsPerHandshake), which its findings may cite, is drawn too; later ones are
 * application data, counted in runs.
 */
export const ENCRYPTED_RECORDS_DRAWN = 16;

function runLabel(records: number, bytes: number): string {
  return `… ${records} more encrypted record${records === 1 ? '' : 's'}, ${groupedInteger(bytes)} bytes`;
}

interface RawAlert {
  readonly direction: Direction;
  readonly level: number | null;
  readonly description: number | null;
  readonly encrypted: boolean;
  readonly decrypted: boolean;
  readonly length: number;
  readonly frame: number;
  readonly time: Timestamp;
}

/** A handshake under construction: direction-based until roles are known. */
interface RawHandshake {
  readonly hs: Handshake;
  /** Raw encrypted records with directions (mapped to roles at the end). */
  readonly encrypted: { direction: Direction; kind: EncryptedRecordInfo['kind']; length: number; frame: number; time: Timestamp }[];
  /** Certificates by direction, mapped at the end. */
  readonly certificates: [CertificateSummary[] | null, CertificateSummary[] | null];
  /** The same certificates' DER (private copies), for chain verification. */
  readonly certificateDers: [Uint8Array[] | null, Uint8Array[] | null];
  readonly certificateFrames: [number | null, number | null];
  readonly certificateTimes: [Timestamp | null, Timestamp | null];
  readonly ccsFrames: [number | null, number | null];
  readonly finishedFrames: [number | null, number | null];
  serverFinishedTime: Timestamp | null;
  /** True after a HelloRetryRequest until the second ClientHello. */
  awaitingSecondHello: boolean;
}

const defaultCache = new CertificateCache();

function newHandshake(index: number): RawHandshake {
  return {
    hs: emptyHandshake(index),
    encrypted: [],
    certificates: [null, null],
    certificateDers: [null, null],
    certificateFrames: [null, null],
    certificateTimes: [null, null],
    ccsFrames: [null, null],
    finishedFrames: [null, null],
    serverFinishedTime: null,
    awaitingSecondHello: false,
  };
}

const other = (d: Direction): Direction => (d === 0 ? 1 : 0);

export class ConnectionBuilder implements TlsEventSink {
  private clientDirection: Direction | null = null;
  private clientHelloFlipped = false;
  private tls: boolean | null = null;
  private starttls: StarttlsProtocol | null = null;
  private readonly notTls: { direction: Direction; firstBytes: Uint8Array; atStart: boolean; frame: number }[] = [];
  private readonly handshakes: RawHandshake[] = [];
  private readonly alerts: RawAlert[] = [];
  private readonly gaps: { direction: Direction; length: number; reason: GapReason; frame: number }[] = [];
  private readonly entries: MutableEntry[] = [];
  /** The direction of each of `entries`, at the same index (null: neither side's). */
  private readonly entryDirections: (Direction | null)[] = [];
  private entriesDropped = 0;
  private run: { readonly entry: MutableEntry; records: number; bytes: number } | null = null;
  /** Application-data records the TLS layer reported one by one, per direction (it reports a bounded number). */
  private readonly reported: [{ records: number; bytes: number }, { records: number; bytes: number }] = [
    { records: 0, bytes: 0 },
    { records: 0, bytes: 0 },
  ];
  /** History letters (one upper-case character each) and, at the same index, who sent each: cased at the end, once roles are known. */
  private historyLetters = '';
  private readonly historyDirections: Direction[] = [];
  /** Like Zeek, the history stops at the first protocol violation (a TLS stream that lost sync). */
  private historyFrozen = false;
  private readonly anomalies: AnomalyLog;
  private readonly maxEntries: number;
  private readonly maxEncrypted: number;
  private readonly cache: CertificateCache;
  /** The negotiated version so far (for the certificate and key-exchange decoders' context). */
  private negotiatedCipher: number | null = null;
  private decryption: DecryptionStatus | null = null;

  constructor(
    readonly info: ConnectionInfo,
    options: ConnectionBuilderOptions = {},
  ) {
    this.maxEntries = options.maxTimelineEntries ?? ANALYSIS_DEFAULTS.maxTimelineEntries;
    this.maxEncrypted = options.maxEncryptedRecordsPerHandshake ?? ANALYSIS_DEFAULTS.maxEncryptedRecordsPerHandshake;
    this.anomalies = new AnomalyLog(options.maxConnectionAnomalies ?? ANALYSIS_DEFAULTS.maxConnectionAnomalies, 'maxConnectionAnomalies');
    this.cache = options.certificateCache ?? defaultCache;
  }

  event(e: TlsEvent): void {
    switch (e.kind) {
      case 'tls-start':
        this.tls = true;
        if (e.how === 'starttls') this.starttls = e.starttls;
        if (e.how === 'starttls') this.entry({ frame: e.frame, time: e.time, from: null, kind: 'tls-start', label: e.starttls === 'http-connect' ? 'TLS starts inside an HTTP CONNECT proxy tunnel' : `TLS starts after ${e.starttls ?? 'a plaintext'} STARTTLS exchange` }, e.direction);
        return;
      case 'not-tls':
        if (this.tls === null) this.tls = false;
        this.notTls.push({ direction: e.direction, firstBytes: e.firstBytes, atStart: e.atStart, frame: e.frame });
        if (!e.atStart) this.historyFrozen = true;
        this.entry({ frame: e.frame, time: e.time, from: null, kind: 'not-tls', label: e.atStart ? 'Not TLS' : 'TLS stream lost' }, e.direction);
        return;
      case 'handshake':
        this.onHandshake(e);
        return;
      case 'encrypted-handshake': {
        const raw = this.current();
        const d = e.direction;
        if (e.decrypted === true) {
          // Its messages follow as decrypted handshake events; keep only the size.
          this.keepEncrypted(raw, d, 'handshake', e.length, e.frame, e.time);
          return;
        }
        // After ChangeCipherSpec (TLS ≤ 1.2) the first encrypted handshake record is Finished.
        const isFinished = raw.ccsFrames[d] !== null && raw.finishedFrames[d] === null;
        if (isFinished) {
          raw.finishedFrames[d] = e.frame;
          if (this.roleOf(d) === 'server') raw.serverFinishedTime = e.time;
        }
        this.keepEncrypted(raw, d, 'handshake', e.length, e.frame, e.time);
        this.entry({ frame: e.frame, time: e.time, from: null, kind: 'encrypted-handshake', label: isFinished ? 'Finished (encrypted)' : 'Encrypted handshake', length: e.length }, d);
        return;
      }
      case 'alert': {
        const decrypted = e.decrypted === true;
        this.alerts.push({ direction: e.direction, level: e.level, description: e.description, encrypted: false, decrypted, length: 2, frame: e.frame, time: e.time });
        // The history keeps what is visible without keys, so it reads the same with and without a key log.
        if (!decrypted) this.letter(ALERT_LETTER, e.direction);
        this.entry({ frame: e.frame, time: e.time, from: null, kind: 'alert', label: `Alert ${levelName(e.level)} ${alertName(e.description)} (${e.description})${decrypted ? ' (decrypted)' : ''}`, code: e.description }, e.direction);
        return;
      }
      case 'encrypted-alert': {
        if (e.decrypted === true) {
          this.keepEncrypted(this.current(), e.direction, 'alert', e.length, e.frame, e.time);
          return;
        }
        this.alerts.push({ direction: e.direction, level: null, description: null, encrypted: true, decrypted: false, length: e.length, frame: e.frame, time: e.time });
        this.keepEncrypted(this.current(), e.direction, 'alert', e.length, e.frame, e.time);
        this.entry({ frame: e.frame, time: e.time, from: null, kind: 'alert', label: `Encrypted alert (${e.length} bytes)`, length: e.length }, e.direction);
        return;
      }
      case 'change-cipher-spec': {
        const raw = this.current();
        if (raw.ccsFrames[e.direction] === null) raw.ccsFrames[e.direction] = e.frame;
        this.letter(CCS_LETTER, e.direction);
        this.entry({ frame: e.frame, time: e.time, from: null, kind: 'ccs', label: 'ChangeCipherSpec' }, e.direction);
        return;
      }
      case 'encrypted-record': {
        this.reported[e.direction].records = Math.max(this.reported[e.direction].records, e.index + 1);
        this.reported[e.direction].bytes += e.length;
        if (e.beyondLimit === true) {
          // The first record the TLS layer only counts: the run of the rest starts here.
          this.countInRun(e.frame, e.time, e.length);
          return;
        }
        // A record the TLS 1.3 inference keeps may be cited by a finding: drawn whatever its index
        // while it is still unread (a decrypted one is drawn as what it holds).
        const kept = this.keepEncrypted(this.current(), e.direction, 'application-data', e.length, e.frame, e.time);
        if (e.index >= ENCRYPTED_RECORDS_DRAWN && !(kept && e.innerType === undefined)) {
          if (e.innerType === ContentType.applicationData || e.innerType === undefined) this.countInRun(e.frame, e.time, e.length);
        } else if (e.innerType === ContentType.applicationData) {
          this.entry({ frame: e.frame, time: e.time, from: null, kind: 'encrypted', label: `Application data (${e.length} bytes)`, length: e.length }, e.direction);
        } else if (e.innerType === undefined) {
          this.entry({ frame: e.frame, time: e.time, from: null, kind: 'encrypted', label: `Encrypted record (${e.length} bytes)`, length: e.length }, e.direction);
        }
        return;
      }
      case 'heartbeat':
        this.letter(HEARTBEAT_LETTER, e.direction);
        this.entry({ frame: e.frame, time: e.time, from: null, kind: 'heartbeat', label: `Heartbeat${e.encrypted ? ' (encrypted)' : ''} (${e.length} bytes)`, length: e.length }, e.direction);
        return;
      case 'gap':
        this.gaps.push({ direction: e.direction, length: e.length, reason: e.reason, frame: e.frame });
        this.entry({ frame: e.frame, time: e.time, from: null, kind: 'gap', label: `${e.length} bytes not captured (${e.reason})`, length: e.length }, e.direction);
        return;
      case 'anomaly':
        this.anomalies.add(e.anomaly);
        return;
      case 'decryption':
        this.decryption = e.status;
        return;
    }
  }

  private onHandshake(e: Extract<TlsEvent, { kind: 'handshake' }>): void {
    const d = e.direction;
    const m = e.message;
    let raw = this.current();
    let hrr = false;
    let label = handshakeLabel(e.msgType);
    if (e.issue !== undefined && e.issue.code !== 'tls.handshake.too_long') {
      this.anomalies.add({ code: e.issue.code, severity: 'violation', message: e.issue.message, frame: e.frame, direction: d });
    }

    if (m?.type === 'client_hello') {
      if (this.clientDirection === null) {
        this.clientDirection = d;
        this.clientHelloFlipped = this.info.synSeen && d === 1;
      }
      const info = clientHelloInfo(m.value);
      if (raw.awaitingSecondHello) {
        // RFC 8446 §4.1.2: the client answers a HelloRetryRequest with a second ClientHello.
        raw.awaitingSecondHello = false;
        raw.hs.secondClientHello = info;
        label = 'ClientHello (second, after HelloRetryRequest)';
      } else if (raw.hs.clientHello !== null && raw.hs.serverHello === null) {
        // Another ClientHello before any answer: keep the first, note the repeat.
        this.anomalies.add({ code: 'tls.handshake.repeated_client_hello', severity: 'weird', message: `The client sent another ClientHello at frame ${e.frame} before the server answered the first.`, frame: e.frame, direction: d });
        label = 'ClientHello (repeated)';
      } else {
        if (raw.hs.clientHello !== null) {
          // A ClientHello after a completed exchange starts a new handshake (renegotiation).
          raw = newHandshake(this.handshakes.length);
          this.handshakes.push(raw);
        }
        raw.hs.clientHello = info;
        raw.hs.clientHelloFrame = e.frame;
        raw.hs.clientHelloTime = e.time;
      }
      if (info.sni !== null) label += ` · SNI ${info.sni}`;
    } else if (m?.type === 'server_hello') {
      if (this.clientDirection === null) this.clientDirection = other(d);
      const info = serverHelloInfo(m.value);
      if (info.isHelloRetryRequest) {
        hrr = true;
        raw.hs.helloRetryRequest = info;
        raw.awaitingSecondHello = true;
        label = 'HelloRetryRequest';
      } else {
        raw.hs.serverHello = info;
        raw.hs.serverHelloFrame = e.frame;
        raw.hs.serverHelloTime = e.time;
        this.negotiatedCipher = info.cipherSuite;
      }
    } else if (m?.type === 'certificate') {
      const ders = certificateDers(m.value);
      const summaries = mapObjects(ders, (der) => this.cache.summarize(der, e.time));
      raw.certificates[d] = summaries;
      raw.certificateDers[d] = ownedDers(ders);
      raw.certificateFrames[d] = e.frame;
      raw.certificateTimes[d] = e.time;
      // Problems that did not stop decoding (e.g. more certificates than maxCertificatesPerChain).
      for (const issue of m.value.issues) this.anomalies.add({ code: issue.code, severity: 'weird', message: issue.message, frame: e.frame, direction: d });
      label = summaries.length === 0 ? 'Certificate (empty)' : `Certificate ${summaries[0]?.subject ?? ''} (${summaries.length})`;
    } else if (m?.type === 'certificate_request') {
      raw.hs.certificateRequest = certificateRequestInfo(m.value);
      raw.hs.certificateRequestFrame = e.frame;
      for (const issue of m.value.issues) this.anomalies.add({ code: issue.code, severity: 'weird', message: issue.message, frame: e.frame, direction: d });
      const n = raw.hs.certificateRequest.certificateAuthorities.length;
      const cas = raw.hs.certificateRequest.badCertificateAuthorities !== null ? 'unreadable CA list' : n === 0 ? 'any CA' : `${n} CA${n === 1 ? '' : 's'}`;
      label = `CertificateRequest (${cas})`;
    } else if (m?.type === 'server_key_exchange') {
      raw.hs.serverKeyExchange = keyExchangeInfo(m.value, this.negotiatedCipher);
      raw.hs.serverKeyExchangeFrame = e.frame;
    } else if (m?.type === 'encrypted_extensions') {
      raw.hs.encryptedExtensionsFrame = e.frame;
    } else if (m?.type === 'server_hello_done') {
      raw.hs.serverHelloDoneFrame = e.frame;
    } else if (m?.type === 'client_key_exchange') {
      raw.hs.clientKeyExchangeFrame = e.frame;
    } else if (m?.type === 'certificate_verify') {
      if (this.roleOf(d) === 'client') raw.hs.clientCertificateVerify = { frame: e.frame, scheme: certificateVerifyScheme(m.value) };
      else raw.hs.serverCertificateVerifyFrame = e.frame;
    } else if (m?.type === 'finished') {
      raw.finishedFrames[d] = e.frame;
      if (this.roleOf(d) === 'server') raw.serverFinishedTime = e.time;
    } else if (m?.type === 'new_session_ticket') {
      raw.hs.newSessionTicketFrame = e.frame;
    } else if (m === undefined && e.msgType === 1 && this.clientDirection === null) {
      // An undecodable ClientHello still tells who the client is.
      this.clientDirection = d;
    }
    // Decrypted messages stay out of the history, so it reads the same with and without a key log (as Zeek's does).
    if (e.decrypted !== true) this.letter(handshakeLetter(e.msgType, hrr), d);
    const suffix =
      (e.issue === undefined ? '' : e.issue.code === 'tls.handshake.too_long' ? ` (${groupedInteger(e.length)} bytes, over the size limit: not decoded)` : ' (malformed)') +
      (e.decrypted === true ? ' (decrypted)' : '');
    this.entry({ frame: e.frame, time: e.time, from: null, kind: 'handshake', label: `${label}${suffix}`, code: e.msgType, length: e.length }, d);
  }

  private letter(letter: string, direction: Direction): void {
    if (this.historyFrozen || this.historyDirections.length >= this.maxEntries) return;
    this.historyLetters += letter;
    this.historyDirections.push(direction);
  }

  private current(): RawHandshake {
    let raw = this.handshakes[this.handshakes.length - 1];
    if (raw === undefined) {
      raw = newHandshake(0);
      this.handshakes.push(raw);
    }
    return raw;
  }

  /** Keeps the record for the TLS 1.3 inference while the handshake has room; true when kept. */
  private keepEncrypted(raw: RawHandshake, direction: Direction, kind: EncryptedRecordInfo['kind'], length: number, frame: number, time: Timestamp): boolean {
    if (raw.encrypted.length >= this.maxEncrypted) return false;
    raw.encrypted.push({ direction, kind, length, frame, time });
    return true;
  }

  /**
   * Records the TLS layer only counted (past its `maxRecordedEncryptedRecords`) join the last run,
   * so the run says how much application data there was in all.
   */
  private countUnreported(stats: readonly [TlsDirectionStats, TlsDirectionStats]): void {
    for (const d of [0, 1] as const) {
      const r = this.reported[d];
      const records = stats[d].applicationDataRecords - r.records;
      if (records <= 0) continue;
      const bytes = Math.max(0, stats[d].applicationDataBytes - r.bytes);
      const run = this.run;
      if (run === null) continue;
      run.records += records;
      run.bytes += bytes;
    }
  }

  /** Writes a run's label and length into its entry: once, when the run ends, not per record. */
  private closeRun(): void {
    const run = this.run;
    if (run === null) return;
    run.entry.label = runLabel(run.records, run.bytes);
    run.entry.length = run.bytes;
  }

  /** Records past ENCRYPTED_RECORDS_DRAWN are counted in one timeline entry until anything else is drawn. */
  private countInRun(frame: number, time: Timestamp, length: number): void {
    const run = this.run;
    if (run !== null && this.entries[this.entries.length - 1] === run.entry) {
      run.records++;
      run.bytes += length;
      return;
    }
    this.closeRun();
    if (this.entries.length >= this.maxEntries) {
      // A run that cannot be drawn is only counted, as entry() would count it.
      this.run = null;
      this.entriesDropped++;
      return;
    }
    // Labelled by closeRun when the run ends.
    const entry: MutableEntry = { frame, time, from: null, kind: 'encrypted', label: '', length };
    this.run = { entry, records: 1, bytes: length };
    this.entry(entry, null);
  }

  private entry(e: MutableEntry, direction: Direction | null): void {
    if (this.entries.length < this.maxEntries) {
      this.entries.push(e);
      this.entryDirections.push(direction);
    } else {
      this.entriesDropped++;
    }
  }

  private roleOf(d: Direction): Role {
    const client = this.clientDirection ?? 0;
    return d === client ? 'client' : 'server';
  }

  /**
   * TCP events and TLS entries merged in frame order into the first `maxEntries` timeline entries.
   * On the same frame a SYN or SYN/ACK comes first, and a FIN or RST comes after the data the same
   * segment carried. One object per entry, built in place: no merged copy, no temporaries per TCP
   * event (this runs per connection). Key order stays frame, time, from, kind, label, code?, length?.
   */
  private timeline(events: readonly TcpEvent[], roleOf: (d: Direction) => Role): TimelineEntry[] {
    const tls = this.entries;
    const length = Math.min(events.length + tls.length, this.maxEntries);
    const timeline = new Array<TimelineEntry>(length);
    let i = 0;
    let j = 0;
    for (let k = 0; k < length; k++) {
      const x = events[i];
      const y = tls[j];
      if (x !== undefined && (y === undefined || x.frame < y.frame || (x.frame === y.frame && tcpRank(x.kind) <= 1))) {
        timeline[k] = { frame: x.frame, time: x.time, from: roleOf(x.direction), kind: 'tcp', label: tcpLabel(x.kind) };
        i++;
      } else if (y !== undefined) {
        const d = this.entryDirections[j] ?? null;
        y.from = d === null ? null : roleOf(d);
        timeline[k] = y;
        j++;
      }
    }
    return timeline;
  }

  /** Completes the record once the flow layer has ended the connection. */
  finish(summary: ConnectionSummary, stats: readonly [TlsDirectionStats, TlsDirectionStats]): Connection {
    const clientDir: Direction = this.clientDirection ?? 0;
    const serverDir = other(clientDir);
    const roleOf = (d: Direction): Role => (d === clientDir ? 'client' : 'server');
    const endpoint = (d: Direction) => (d === 0 ? this.info.initiator : this.info.responder);
    const rolesFrom: RoleSource = this.clientDirection === null ? (this.info.synSeen ? 'syn' : 'first-packet') : this.info.synSeen && this.clientDirection === 0 ? 'syn' : 'client-hello';

    const handshakes = mapObjects(this.handshakes, (raw) => {
      const hs = raw.hs;
      hs.serverCertificates = raw.certificates[serverDir];
      hs.serverCertificateFrame = raw.certificateFrames[serverDir];
      hs.clientCertificates = raw.certificates[clientDir];
      hs.serverCertificateDers = raw.certificateDers[serverDir];
      hs.clientCertificateDers = raw.certificateDers[clientDir];
      hs.clientCertificateFrame = raw.certificateFrames[clientDir];
      hs.clientCertificateTime = raw.certificateTimes[clientDir];
      hs.clientCcsFrame = raw.ccsFrames[clientDir];
      hs.serverCcsFrame = raw.ccsFrames[serverDir];
      hs.clientFinishedFrame = raw.finishedFrames[clientDir];
      hs.serverFinishedFrame = raw.finishedFrames[serverDir];
      hs.serverFinishedTime = raw.serverFinishedTime;
      for (const r of raw.encrypted) hs.encryptedRecords.push({ from: roleOf(r.direction), kind: r.kind, length: r.length, frame: r.frame, time: r.time });
      return hs;
    });

    // Two literals instead of a conditional spread (a slow generic copy); `decrypted` only on decrypted alerts.
    const alerts: AlertRecord[] = mapObjects(this.alerts, (a) =>
      a.decrypted
        ? { from: roleOf(a.direction), level: a.level, description: a.description, encrypted: a.encrypted, decrypted: true, length: a.length, frame: a.frame, time: a.time }
        : { from: roleOf(a.direction), level: a.level, description: a.description, encrypted: a.encrypted, length: a.length, frame: a.frame, time: a.time },
    );

    const counters = (d: Direction): RoleCounters => ({
      packets: summary.packets[d],
      bytes: summary.bytes[d],
      missingBytes: summary.missingBytes[d],
      retransmissions: summary.retransmissions[d],
      tlsRecords: stats[d].records,
      applicationDataRecords: stats[d].applicationDataRecords,
      applicationDataBytes: stats[d].applicationDataBytes,
      firstApplicationDataFrame: stats[d].firstApplicationDataFrame,
    });

    this.countUnreported(stats);
    this.closeRun();
    const timeline = this.timeline(summary.events, roleOf);
    let history = this.clientHelloFlipped ? DIRECTION_FLIPPED : '';
    const letters = this.historyLetters;
    for (let k = 0; k < letters.length; k++) history += caseFor(letters[k] as string, this.historyDirections[k] === clientDir);

    const anomalies: Anomaly[] = [...summary.anomalies, ...this.anomalies.list()];
    const tcpEnd = summary.end;

    const connection: { -readonly [K in keyof Connection]: Connection[K] } = {
      id: this.info.id,
      client: endpoint(clientDir),
      server: endpoint(serverDir),
      rolesFrom,
      firstFrame: this.info.firstFrame,
      lastFrame: summary.lastFrame,
      startTime: this.info.firstTime,
      endTime: summary.lastTime,
      tls: this.tls ?? (summary.bytes[0] + summary.bytes[1] > 0 ? false : null),
      starttls: this.starttls,
      notTls: mapObjects(this.notTls, (n) => ({ from: roleOf(n.direction), firstBytes: n.firstBytes, atStart: n.atStart, frame: n.frame })),
      handshakes,
      alerts,
      gaps: mapObjects(this.gaps, (g) => ({ from: roleOf(g.direction), length: g.length, reason: g.reason, frame: g.frame })),
      counters: { client: counters(clientDir), server: counters(serverDir) },
      tcp: {
        synFrame: summary.handshake.syn,
        synAckFrame: summary.handshake.synAck,
        ackFrame: summary.handshake.ack,
        end: { how: tcpEnd.how, by: tcpEnd.by === null ? null : roleOf(tcpEnd.by), frame: tcpEnd.frame, time: tcpEnd.time },
        // Fields listed rather than spread: a spread of each event is a slow generic copy, per connection.
        events: mapObjects(summary.events, (ev) => ({ kind: ev.kind, direction: ev.direction, frame: ev.frame, time: ev.time, from: roleOf(ev.direction) })),
      },
      timeline,
      timelineTruncated: this.entriesDropped > 0 || summary.events.length + this.entries.length > this.maxEntries,
      history,
      anomalies,
    };
    // Set after the literal (still last), not by a conditional spread inside it: that is a slow generic copy of every record.
    if (this.decryption !== null) connection.decryption = this.decryption;
    return connection;
  }
}

/**
 * Kept certificate DERs are copied into slabs of their own: one connection's DERs outlive its
 * record bodies (reports keep whole connections), and a slab of DERs pins nothing but DERs.
 * A copy per DER would give each its own off-heap buffer, several times dearer.
 */
const keptDers = new ByteSlab();

/** The DERs to keep for chain verification: owned copies, never views of a record or reassembly buffer. */
function ownedDers(ders: readonly Uint8Array[]): Uint8Array[] {
  return mapObjects(ders, (der) => keptDers.copy(der));
}

function levelName(level: number): string {
  return level === 1 ? 'warning' : level === 2 ? 'fatal' : `level(${level})`;
}

const HANDSHAKE_LABELS: ReadonlyMap<number, string> = new Map([
  [0, 'HelloRequest'],
  [1, 'ClientHello'],
  [2, 'ServerHello'],
  [4, 'NewSessionTicket'],
  [5, 'EndOfEarlyData'],
  [8, 'EncryptedExtensions'],
  [11, 'Certificate'],
  [12, 'ServerKeyExchange'],
  [13, 'CertificateRequest'],
  [14, 'ServerHelloDone'],
  [15, 'CertificateVerify'],
  [16, 'ClientKeyExchange'],
  [20, 'Finished'],
  [22, 'CertificateStatus'],
  [24, 'KeyUpdate'],
]);

function handshakeLabel(msgType: number): string {
  return HANDSHAKE_LABELS.get(msgType) ?? handshakeTypeName(msgType);
}

function tcpLabel(kind: string): string {
  switch (kind) {
    case 'syn':
      return 'SYN';
    case 'syn-ack':
      return 'SYN/ACK';
    case 'fin':
      return 'FIN';
    case 'rst':
      return 'RST';
    case 'zero-window':
      return 'Zero window';
    case 'keep-alive':
      return 'Keep-alive';
    default:
      return kind;
  }
}

/** A TCP event's place among TLS entries of the same frame (TLS entries rank 1): a SYN or SYN/ACK before them, others after. */
function tcpRank(kind: TcpEventKind): number {
  return kind === 'syn' || kind === 'syn-ack' ? 0 : 2;
}
