/**
 * The TLS layer of one TCP connection: finds where TLS starts (first byte, SSLv2 hello, or
 * after a STARTTLS exchange), runs a record stream and a handshake framer per direction,
 * decodes cleartext handshake messages with the context they need (negotiated version,
 * key exchange), tracks where each direction starts encrypting, and reports everything as
 * `TlsEvent`s. Application data is counted by record header and skipped unbuffered.
 *
 * With a key log (`keyLog`), a `ConnectionDecryptor` is made at the ServerHello. It decrypts
 * only what the handshake analysis needs — TLS 1.3: every record until the side's Finished,
 * then its first few records and alert-sized ones; TLS ≤ 1.2: the Finished and alerts — and
 * the plaintext goes through the same framer and decoders as cleartext, as events marked
 * `decrypted`. Application data plaintext is dropped unread.
 */
import type { Anomaly } from '../../util/anomaly.js';
import { ZERO_TIME } from '../../util/time.js';
import type { Timestamp } from '../../util/time.js';
import type {
  ConnectionControl,
  ConnectionHandler,
  ConnectionInfo,
  ConnectionSummary,
  Direction,
  StreamChunk,
  StreamGap,
  TcpEvent,
} from '../../flow/types.js';
import { HandshakeFramer } from '../handshake-framer.js';
import { RecordStream, TlsHeldBudget, looksLikeTlsStart } from '../record-stream.js';
import type { RecordHeader, RecordSink } from '../record-stream.js';
import { decodeHandshakeMessage, decodeSslv2Hello, NegotiationContext } from './handshake-message.js';
import { PLAIN_PROTOCOL_PREFIX, findHandshakeRecordStart, identifyStarttls, plainProtocolOf } from './starttls.js';
import type { PlainProtocol, StarttlsProtocol } from './starttls.js';
import type { TlsDirectionStats, TlsEvent, TlsEventSink } from './events.js';
import { NO_KEY_LOG, createConnectionDecryptor } from '../../decrypt/connection-decryptor.js';
import type { ConnectionDecryptor, DecryptionStatus, DecryptorOptions, TlsRole } from '../../decrypt/connection-decryptor.js';
import type { KeyLogLookup } from '../../decrypt/keylog.js';
import type { ServerHello } from '../handshake/server-hello.js';

/** Limits of the TLS layer; each has a default. */
export interface TlsTrackerOptions extends DecryptorOptions {
  /** Secrets for decrypting handshakes (NSS key logs, merged); none: nothing is decrypted. */
  readonly keyLog?: KeyLogLookup;
  /** Plaintext bytes kept per direction while looking for a STARTTLS upgrade. Default 16 KiB. */
  readonly maxStarttlsScanBytes?: number;
  /** application_data records reported individually per direction (all are counted). Default 32. */
  readonly maxRecordedEncryptedRecords?: number;
  /** Largest handshake message reassembled; larger ones are skipped with an anomaly. Default 256 KiB. */
  readonly maxHandshakeMessageBytes?: number;
  /** Largest TLS record accepted. Default 2^14 + 2048. */
  readonly maxRecordLength?: number;
  /** Certificates decoded per Certificate message; the rest are counted and reported. Default 32. */
  readonly maxCertificatesPerChain?: number;
  /**
   * Bytes the TLS layer holds between packets, summed over all connections of a capture
   * (plaintext watched for STARTTLS, handshake messages being reassembled, partial records).
   * Past it the connection that needs more degrades (see `TlsHeldBudget`). Default 64 MiB.
   */
  readonly maxTotalTlsHeldBytes?: number;
}

/**
 * Default of `maxTotalTlsHeldBytes`. Between two packets a connection holds a few KiB at most
 * in normal traffic (a certificate chain straddling records, a STARTTLS greeting), so 64 MiB
 * lets thousands of connections be mid-handshake at the same instant (4,000 with a 16 KiB
 * chain each, or 2,000 with both 16 KiB STARTTLS windows full), while 100,000 hostile
 * connections each claiming the per-connection limits cannot pin more than this.
 */
export const DEFAULT_MAX_TOTAL_TLS_HELD_BYTES = 64 * 1024 * 1024;

/** The budget of one capture's trackers, from the options. */
export function tlsHeldBudget(options: TlsTrackerOptions): TlsHeldBudget {
  const max = options.maxTotalTlsHeldBytes;
  return new TlsHeldBudget(max !== undefined && max >= 0 ? max : DEFAULT_MAX_TOTAL_TLS_HELD_BYTES);
}

const CONTENT_CCS = 20;
const CONTENT_ALERT = 21;
const CONTENT_HANDSHAKE = 22;
const CONTENT_APPLICATION_DATA = 23;
const CONTENT_HEARTBEAT = 24;

const HANDSHAKE_CLIENT_HELLO = 1;
const HANDSHAKE_SERVER_HELLO = 2;

/** How far the detection of TLS has got for one direction. */
type Phase =
  /** No bytes yet, or too few to decide. */
  | 'undecided'
  /** Plaintext seen; looking for the first TLS record (STARTTLS). */
  | 'plaintext'
  | 'tls'
  /** Not TLS: bytes are ignored. */
  | 'off';

/** Bytes of a not-TLS direction's start kept for the report (`emitNotTls`). */
const NOT_TLS_SAMPLE = 64;
/** Never written to: `held` is replaced, not filled, so directions share one empty array. */
const EMPTY = new Uint8Array(0);
/** What an ended tracker reports to: nothing. */
const IGNORE_EVENTS: TlsEventSink = { event: () => {} };
const IGNORE_FINISH = (): void => {};

class DirectionState {
  phase: Phase = 'undecided';
  /** Bytes held while undecided or in plaintext (a view of `heldRoom`, bounded). */
  held: Uint8Array = EMPTY;
  /**
   * Bytes of the STARTTLS scan window taken so far (from `heldOffset`, at most
   * `maxStarttlsScanBytes`): `held.length`, except once the connection cannot turn into TLS,
   * when `held` keeps only the first bytes the report shows and this still counts the rest.
   */
  window = 0;
  /** Its first bytes have been looked at for a protocol that does not turn into TLS (or its start was lost). */
  classified = false;
  /** The buffer `held` views; its capacity doubles, so appending a chunk copies only the chunk. */
  heldRoom: Uint8Array = EMPTY;
  /** Stream offset of held[0]. */
  heldOffset = 0;
  heldFrame = 0;
  heldTime: Timestamp = ZERO_TIME;
  /** Where the next scan for a record start resumes within `held`. */
  scanFrom = 0;
  records: RecordStream | null = null;
  /** Made at the first handshake record: many directions never carry one (plaintext, the server side of an aborted hello). */
  private framerOrNull: HandshakeFramer | null = null;
  readonly stats: TlsDirectionStats = {
    records: 0,
    applicationDataRecords: 0,
    applicationDataBytes: 0,
    firstApplicationDataFrame: null,
    lastApplicationDataFrame: null,
    encrypted: false,
    bytesSkipped: 0,
  };

  constructor(
    private readonly maxHandshakeMessageBytes: number,
    readonly budget: TlsHeldBudget,
  ) {}

  get framer(): HandshakeFramer {
    return (this.framerOrNull ??= new HandshakeFramer({ maxHandshakeMessageBytes: this.maxHandshakeMessageBytes, budget: this.budget }));
  }

  /** Drops the stream state (the connection ended), giving back everything it held. */
  release(): void {
    this.records?.release();
    this.records = null;
    this.framerOrNull?.reset();
    this.framerOrNull = null;
    this.dropHeld();
  }

  /** Forgets the held bytes and their buffer (a new hold starts a fresh buffer, never overwriting views handed out). */
  dropHeld(): void {
    this.budget.release(this.heldRoom.length);
    this.held = EMPTY;
    this.heldRoom = EMPTY;
    this.window = 0;
  }

  /** Keeps only the first `size` held bytes, in a buffer of that size (the rest of the capacity is given back). */
  keepFirst(size: number): void {
    if (this.held.length <= size) return;
    this.heldRoom = this.budget.shrink(this.heldRoom, size);
    this.held = this.heldRoom;
  }

  /** Forget a partial message (after a gap); nothing to forget before the first handshake record. */
  resetFramer(): void {
    this.framerOrNull?.reset();
  }
}

export class TlsConnectionTracker implements ConnectionHandler {
  private readonly dirs: [DirectionState, DirectionState];
  private readonly context: NegotiationContext;
  private readonly maxScan: number;
  private readonly maxRecorded: number;
  private readonly maxRecordLength: number;
  private starttls = false;
  private starttlsProtocol: StarttlsProtocol | null = null;
  /**
   * The first bytes of a direction showed a protocol that does not turn into TLS (plain HTTP,
   * SSH): plaintext is no longer scanned for an upgrade, and each direction keeps only the first
   * bytes the report shows (see `hold`).
   */
  private plainOnly: PlainProtocol | null = null;
  private ended = false;
  private readonly keyLog: KeyLogLookup | undefined;
  private readonly decryptorOptions: DecryptorOptions;
  private decryptor: ConnectionDecryptor | null = null;
  /** Why there is no decryptor, once that is known. */
  private decryptionStatus: DecryptionStatus | null = null;
  /** The first ClientHello: its random finds the key log secrets; its sender is the client. */
  private clientHello: { readonly random: Uint8Array; readonly direction: Direction; readonly earlyData: boolean } | null = null;
  /** application_data records from the client before the ServerHello (TLS 1.3 0-RTT). */
  private earlyClientRecords = 0;

  constructor(
    readonly info: ConnectionInfo,
    private readonly control: ConnectionControl,
    private sink: TlsEventSink,
    private onFinished: (summary: ConnectionSummary, stats: readonly [TlsDirectionStats, TlsDirectionStats]) => void,
    options: TlsTrackerOptions = {},
    /** Shared by every tracker of a capture (see `tlsHeldBudget`); by default this connection's own. */
    private readonly budget: TlsHeldBudget = tlsHeldBudget(options),
  ) {
    const maxMessage = options.maxHandshakeMessageBytes ?? 256 * 1024;
    this.dirs = [new DirectionState(maxMessage, budget), new DirectionState(maxMessage, budget)];
    this.maxScan = options.maxStarttlsScanBytes ?? 16 * 1024;
    this.maxRecorded = options.maxRecordedEncryptedRecords ?? 32;
    this.maxRecordLength = options.maxRecordLength ?? 16384 + 2048;
    this.keyLog = options.keyLog;
    this.decryptorOptions = options;
    this.context = new NegotiationContext(options.maxCertificatesPerChain === undefined ? {} : { maxCertificatesPerChain: options.maxCertificatesPerChain });
  }

  onData(direction: Direction, chunk: StreamChunk): void {
    const d = this.dirs[direction];
    switch (d.phase) {
      case 'tls':
        this.pushRecords(direction, chunk);
        return;
      case 'off':
        return;
      case 'undecided': {
        let plain = false;
        if (d.window === 0) {
          // Most connections start with a record header: read the chunk as TLS at once, however
          // large it is (a 64 KiB GRO segment must not be cut to the STARTTLS scan window).
          const verdict = looksLikeTlsStart(chunk.bytes);
          if (verdict === 'tls' || verdict === 'sslv2') {
            d.heldOffset = chunk.offset;
            d.heldFrame = chunk.frame;
            d.heldTime = chunk.time;
            this.startTls(direction, 0, verdict === 'sslv2' ? 'sslv2' : 'record', null);
            this.pushRecords(direction, chunk);
            return;
          }
          plain = verdict === 'no';
        }
        if (this.hold(direction, chunk, plain)) this.detect(direction);
        return;
      }
      case 'plaintext':
        if (this.hold(direction, chunk, true)) this.detect(direction);
        return;
    }
  }

  onGap(direction: Direction, gap: StreamGap): void {
    const d = this.dirs[direction];
    this.sink.event({ kind: 'gap', direction, length: gap.length, reason: gap.reason, frame: gap.frame, time: gap.time });
    if (d.phase === 'tls') {
      d.resetFramer();
      d.records?.gap(gap);
    } else if (d.phase !== 'off') {
      // A hole in the plaintext before TLS: what was held can no longer be matched byte-for-byte.
      d.dropHeld();
      d.heldOffset = gap.offset + gap.length;
      d.scanFrom = 0;
      // The bytes after it are not the direction's first: they tell nothing of its protocol.
      d.classified = true;
    }
  }

  onTcpEvent(_event: TcpEvent): void {
    // TCP events reach the analysis through the connection summary; nothing to do here.
  }

  onEnd(summary: ConnectionSummary): void {
    if (this.ended) return;
    this.ended = true;
    for (const direction of [0, 1] as const) {
      const d = this.dirs[direction];
      if ((d.phase === 'undecided' || d.phase === 'plaintext') && d.window > 0) {
        // Too few bytes to decide, or plaintext that never turned into TLS: say what was there.
        this.emitNotTls(direction, d.held, d.heldOffset, d.heldFrame, d.heldTime, true);
      }
    }
    this.sink.event({ kind: 'decryption', status: this.finalDecryptionStatus() });
    this.onFinished(summary, [this.dirs[0].stats, this.dirs[1].stats]);
    this.release();
  }

  /**
   * Drops every per-connection object once the connection has been reported. The flow layer may
   * keep an ended connection (and so this tracker) a while for late packets, long enough for it
   * to reach the old generation; whatever it still pointed to would then be promoted with it
   * instead of dying young. Late calls find nothing to feed and a sink that ignores them.
   */
  private release(): void {
    for (const d of this.dirs) d.release();
    this.decryptor = null;
    this.clientHello = null;
    this.sink = IGNORE_EVENTS;
    this.onFinished = IGNORE_FINISH;
  }

  // --- detection -----------------------------------------------------------------------

  /**
   * Takes a chunk into the STARTTLS scan window (or too few bytes to decide); false when the held
   * budget refused it and the direction gave up. `plain`: the bytes are known not to start TLS.
   *
   * Once the connection cannot turn into TLS (`plainOnly`), plaintext is only counted, not kept,
   * past the first bytes the report shows: the not-TLS evidence is still reported when and as a
   * full scan would report it (at the end of the window or of the connection, and after a gap
   * with the bytes after it), so the order of the events, the TCP accounting of the flow (its
   * data is not ignored any sooner) and every report stay the same, without holding 16 KiB.
   */
  private hold(direction: Direction, chunk: StreamChunk, plain: boolean): boolean {
    const d = this.dirs[direction];
    if (d.window === 0) {
      d.heldOffset = chunk.offset;
      d.heldFrame = chunk.frame;
      d.heldTime = chunk.time;
    }
    const room = this.maxScan - d.window;
    if (room <= 0) return true;
    if (!d.classified) this.classify(direction, chunk);
    const takeLength = Math.min(room, chunk.bytes.length);
    const firstOnly = this.plainOnly !== null && plain;
    const keep = firstOnly ? Math.max(0, Math.min(takeLength, NOT_TLS_SAMPLE - d.held.length)) : takeLength;
    if (keep > 0) {
      const need = d.held.length + keep;
      // Capacity doubles up to the scan window: plaintext arriving in many small chunks is not copied over and over.
      const grown = firstOnly ? this.budget.grow(d.heldRoom, d.held.length, need, NOT_TLS_SAMPLE, NOT_TLS_SAMPLE) : this.budget.grow(d.heldRoom, d.held.length, need, 1024, this.maxScan);
      if (grown === null) {
        this.overBudget(direction, chunk);
        return false;
      }
      d.heldRoom = grown;
      d.heldRoom.set(chunk.bytes.subarray(0, keep), d.held.length);
      d.held = d.heldRoom.subarray(0, need);
    }
    d.window += takeLength;
    if (takeLength < chunk.bytes.length) {
      // Bytes past the scan window are not kept: TLS, if it comes, must start within it.
      d.phase = d.phase === 'undecided' ? 'plaintext' : d.phase;
    }
    return true;
  }

  /** Looks at a direction's first bytes (those held, then this chunk) for a protocol that does not turn into TLS. */
  private classify(direction: Direction, chunk: StreamChunk): void {
    const d = this.dirs[direction];
    let first = chunk.bytes;
    if (d.held.length > 0) {
      first = new Uint8Array(Math.min(PLAIN_PROTOCOL_PREFIX, d.held.length + chunk.bytes.length));
      first.set(d.held.subarray(0, first.length), 0);
      if (first.length > d.held.length) first.set(chunk.bytes.subarray(0, first.length - d.held.length), d.held.length);
    }
    const protocol = plainProtocolOf(first);
    if (protocol === 'need-more') return;
    d.classified = true;
    if (protocol === null || this.plainOnly !== null) return;
    this.plainOnly = protocol;
    for (const x of this.dirs) {
      if (x.phase === 'plaintext') x.keepFirst(NOT_TLS_SAMPLE);
    }
  }

  /**
   * The capture-wide held budget cannot keep this direction's plaintext: it stops being watched
   * for a STARTTLS upgrade, and is reported as not TLS with its first bytes (those held, completed
   * from this chunk), as when the scan window runs out.
   */
  private overBudget(direction: Direction, chunk: StreamChunk): void {
    const d = this.dirs[direction];
    this.sink.event({
      kind: 'anomaly',
      anomaly: {
        code: 'tls.held_budget',
        severity: 'weird',
        message: `Plaintext could not be held: the bytes held by the TLS layer across all connections reached maxTotalTlsHeldBytes (${this.budget.maxBytes}); this direction is no longer watched for a STARTTLS upgrade.`,
        frame: chunk.frame,
        direction,
        offset: chunk.offset,
      },
    });
    let sample = d.held;
    if (sample.length < NOT_TLS_SAMPLE) {
      sample = new Uint8Array(Math.min(NOT_TLS_SAMPLE, d.held.length + chunk.bytes.length));
      sample.set(d.held.subarray(0, sample.length), 0);
      if (sample.length > d.held.length) sample.set(chunk.bytes.subarray(0, sample.length - d.held.length), d.held.length);
    }
    this.giveUp(direction, sample);
  }

  private detect(direction: Direction): void {
    const d = this.dirs[direction];
    if (d.phase === 'undecided') {
      const verdict = looksLikeTlsStart(d.held);
      if (verdict === 'need-more' && d.window < this.maxScan) return;
      if (verdict === 'tls' || verdict === 'sslv2') {
        this.startTls(direction, 0, verdict === 'sslv2' ? 'sslv2' : 'record', null);
        return;
      }
      const peer = this.dirs[direction === 0 ? 1 : 0];
      if (peer.phase === 'tls' && !this.starttls) {
        // The peer speaks TLS from its first byte and this side answers with something else.
        this.emitNotTls(direction, d.held, d.heldOffset, d.heldFrame, d.heldTime, true);
        d.phase = 'off';
        d.dropHeld();
        return;
      }
      d.phase = 'plaintext';
      if (this.plainOnly !== null) d.keepFirst(NOT_TLS_SAMPLE);
    }
    if (d.phase === 'plaintext') this.scanPlaintext(direction);
  }

  /** Looks for the first TLS record after plaintext (STARTTLS). */
  private scanPlaintext(direction: Direction): void {
    const d = this.dirs[direction];
    if (this.plainOnly !== null) {
      // Nothing to look for; the window is still counted, so that giving up comes when it would.
      if (d.window >= this.maxScan) this.giveUp(direction);
      return;
    }
    const peer = this.dirs[direction === 0 ? 1 : 0];
    // The client's ClientHello opens TLS; once it has, the server's answer is a ServerHello or an alert.
    const wanted = peer.phase === 'tls' ? HANDSHAKE_SERVER_HELLO : HANDSHAKE_CLIENT_HELLO;
    let at = findHandshakeRecordStart(d.held, wanted, d.scanFrom);
    if (at < 0 && wanted === HANDSHAKE_SERVER_HELLO) at = findAlertRecordStart(d.held, d.scanFrom);
    if (at >= 0) {
      // Named once, when the first side turns to TLS: both sides' plaintext is still held then.
      if (this.starttlsProtocol === null) {
        const mine = d.held.subarray(0, at);
        const clientPlain = wanted === HANDSHAKE_CLIENT_HELLO ? mine : peer.held;
        const serverPlain = wanted === HANDSHAKE_CLIENT_HELLO ? peer.held : mine;
        this.starttlsProtocol = identifyStarttls(clientPlain, serverPlain);
      }
      const protocol = this.starttlsProtocol;
      this.starttls = true;
      this.startTls(direction, at, 'starttls', protocol);
      return;
    }
    d.scanFrom = Math.max(0, d.held.length - 5);
    if (d.window >= this.maxScan) this.giveUp(direction);
  }

  /** Stops watching a direction's plaintext: reported as not TLS with its first bytes (`sample`, by default what is held). */
  private giveUp(direction: Direction, sample: Uint8Array = this.dirs[direction].held): void {
    const d = this.dirs[direction];
    this.emitNotTls(direction, sample, d.heldOffset, d.heldFrame, d.heldTime, true);
    d.phase = 'off';
    d.dropHeld();
    const peer = this.dirs[direction === 0 ? 1 : 0];
    if (peer.phase === 'off' || (peer.phase === 'plaintext' && peer.window >= this.maxScan)) {
      this.control.ignoreData();
    }
  }

  private startTls(direction: Direction, at: number, how: 'record' | 'sslv2' | 'starttls', protocol: ReturnType<typeof identifyStarttls> | null): void {
    const d = this.dirs[direction];
    d.phase = 'tls';
    d.records = new RecordStream(new DirectionSink(this, direction), { maxRecordLength: this.maxRecordLength, budget: this.budget });
    const offset = d.heldOffset + at;
    this.sink.event({ kind: 'tls-start', direction, how, starttls: protocol, offset, frame: d.heldFrame, time: d.heldTime });
    const held = d.held;
    d.dropHeld();
    if (at < held.length) {
      const skip = d.records.push({ bytes: held.subarray(at), offset, frame: d.heldFrame, time: d.heldTime });
      this.requestSkip(direction, skip);
    }
    // A peer still holding plaintext may now recognise its own first TLS record.
    const peerDirection: Direction = direction === 0 ? 1 : 0;
    const peer = this.dirs[peerDirection];
    if (peer.phase === 'plaintext' || (peer.phase === 'undecided' && peer.window > 0)) {
      if (how === 'starttls') {
        peer.phase = 'plaintext';
        this.scanPlaintext(peerDirection);
      } else {
        this.detect(peerDirection);
      }
    }
  }

  // --- records -------------------------------------------------------------------------

  private pushRecords(direction: Direction, chunk: StreamChunk): void {
    const d = this.dirs[direction];
    if (d.records === null) return;
    this.requestSkip(direction, d.records.push(chunk));
  }

  private requestSkip(direction: Direction, bytes: number): void {
    if (bytes > 0) {
      this.dirs[direction].stats.bytesSkipped += bytes;
      this.control.skip(direction, bytes);
    }
  }

  // --- record sink of each direction (called through its DirectionSink, not by the flow layer) ---

  /** Whether this direction wants a record's body (see RecordSink.wantBody). */
  wantBody(direction: Direction, h: RecordHeader): boolean {
    const d = this.dirs[direction];
    const dec = this.decryptor;
    if (dec !== null && this.isProtected(direction, h) && dec.wants(this.roleOf(direction), h.contentType, h.length)) return true;
    switch (h.contentType) {
      // RFC 8446 §5.2: TLS 1.3 protects every record as outer type application_data, so a
      // handshake or alert record is cleartext there whatever was seen before (a ClientHello
      // captured after the ServerHello, a second ClientHello after HelloRetryRequest).
      case CONTENT_HANDSHAKE:
        return !d.stats.encrypted || this.context.isTls13;
      case CONTENT_CCS:
        return h.length <= 16;
      case CONTENT_ALERT:
        // A 2-byte alert record is cleartext even after encryption started: a MAC or AEAD tag alone is longer.
        return h.length === 2 || ((!d.stats.encrypted || this.context.isTls13) && h.length <= 64);
      default:
        return false;
    }
  }

  /** An SSLv2-format ClientHello opened this direction. */
  sslv2ClientHello(direction: Direction, body: Uint8Array, frame: number, time: Timestamp): void {
    const decoded = decodeSslv2Hello(body);
    this.context.observeSslv2(decoded.message);
    this.sink.event({
      kind: 'handshake',
      direction,
      msgType: HANDSHAKE_CLIENT_HELLO,
      length: body.length,
      message: decoded.message,
      issue: decoded.issue,
      frame,
      lastFrame: frame,
      time,
    });
    if (decoded.message?.type === 'client_hello' && this.clientHello === null) {
      // An SSLv2-format hello's random is its challenge (16–32 bytes); the decryptor rejects the short ones.
      this.clientHello = { random: new Uint8Array(decoded.message.value.random), direction, earlyData: false };
    }
  }

  notTls(direction: Direction, firstBytes: Uint8Array, offset: number, frame: number, atStart: boolean): void {
    this.emitNotTls(direction, firstBytes, offset, frame, ZERO_TIME, atStart);
  }

  anomaly(a: Anomaly): void {
    this.sink.event({ kind: 'anomaly', anomaly: a });
  }

  /**
   * A wanted record the held budget could not keep (see RecordSink.dropped): counted, and the
   * handshake messages it carried part of are lost, as after a gap; its keys' sequence moves on.
   */
  dropped(direction: Direction, h: RecordHeader): void {
    if (h.contentType === 0) return; // an SSLv2 hello: nothing was decoded yet
    const d = this.dirs[direction];
    d.stats.records++;
    d.resetFramer();
    const dec = this.decryptor;
    if (dec !== null && this.isProtected(direction, h)) dec.skip(this.roleOf(direction));
  }

  record(direction: Direction, h: RecordHeader, body: Uint8Array | null, endFrame: number, endTime: Timestamp): void {
    this.onRecord(direction, h, body, endFrame, endTime);
  }

  private onRecord(direction: Direction, h: RecordHeader, wanted: Uint8Array | null, endFrame: number, endTime: Timestamp): void {
    const d = this.dirs[direction];
    d.stats.records++;
    let body = wanted;
    const dec = this.decryptor;
    if (dec !== null && this.isProtected(direction, h)) {
      const role = this.roleOf(direction);
      if (body !== null && dec.wants(role, h.contentType, h.length)) {
        const out = dec.open(role, h, body, h.frame);
        if (out.ok) {
          this.onDecrypted(direction, h, out.contentType, out.plaintext, endFrame, endTime);
          return;
        }
        // Not decrypted: report the record as the ciphertext it is.
        body = null;
      } else {
        dec.skip(role);
      }
    } else if (dec === null && h.contentType === CONTENT_APPLICATION_DATA && this.clientHello?.direction === direction && this.context.version === null) {
      this.earlyClientRecords++;
    }
    switch (h.contentType) {
      case CONTENT_HANDSHAKE:
        if (body === null) {
          this.sink.event({ kind: 'encrypted-handshake', direction, length: h.length, frame: h.frame, time: h.time });
        } else {
          this.onHandshakeRecord(direction, h, body, endFrame, endTime);
        }
        return;
      case CONTENT_CCS: {
        const valid = body !== null && body.length === 1 && body[0] === 1;
        this.sink.event({ kind: 'change-cipher-spec', direction, valid, frame: h.frame, time: h.time });
        // TLS 1.3 sends a CCS only for middlebox compatibility: it switches nothing.
        if (!this.context.isTls13) {
          d.stats.encrypted = true;
          this.decryptor?.changeCipherSpec(this.roleOf(direction));
        }
        return;
      }
      case CONTENT_ALERT:
        if (body !== null && body.length === 2) {
          this.sink.event({ kind: 'alert', direction, level: body[0] as number, description: body[1] as number, frame: h.frame, time: h.time });
        } else {
          this.sink.event({ kind: 'encrypted-alert', direction, length: h.length, frame: h.frame, time: h.time });
        }
        return;
      case CONTENT_APPLICATION_DATA:
        this.countApplicationData(direction, h, undefined);
        return;
      case CONTENT_HEARTBEAT:
        this.sink.event({ kind: 'heartbeat', direction, length: h.length, encrypted: d.stats.encrypted, frame: h.frame, time: h.time });
        return;
      default:
        return;
    }
  }

  /** An application_data record: counted, and reported individually up to `maxRecordedEncryptedRecords`. */
  private countApplicationData(direction: Direction, h: RecordHeader, innerType: number | undefined): void {
    const s = this.dirs[direction].stats;
    const index = s.applicationDataRecords++;
    s.applicationDataBytes += h.length;
    if (s.firstApplicationDataFrame === null) s.firstApplicationDataFrame = h.frame;
    s.lastApplicationDataFrame = h.frame;
    if (index < this.maxRecorded) {
      // Two literals rather than a conditional spread: this runs for up to 32 records per direction.
      this.sink.event(
        innerType === undefined
          ? { kind: 'encrypted-record', direction, length: h.length, frame: h.frame, time: h.time, index }
          : { kind: 'encrypted-record', direction, length: h.length, frame: h.frame, time: h.time, index, innerType },
      );
    }
  }

  // --- decryption ------------------------------------------------------------------------

  private roleOf(direction: Direction): TlsRole {
    return this.clientHello === null || this.clientHello.direction === direction ? 'client' : 'server';
  }

  /** Whether a record of this direction is protected by the keys the decryptor holds. */
  private isProtected(direction: Direction, h: RecordHeader): boolean {
    const dec = this.decryptor;
    if (dec === null || h.contentType === CONTENT_CCS) return false;
    // TLS 1.3 protects records only as outer type application_data (RFC 8446 §5.2).
    if (this.context.isTls13 && h.contentType !== CONTENT_APPLICATION_DATA) return false;
    // A 2-byte alert is cleartext: no cipher makes a record that short.
    if (h.contentType === CONTENT_ALERT && h.length === 2) return false;
    return dec.active(this.roleOf(direction));
  }

  /** At the ServerHello: look the connection up in the key log. */
  private setupDecryption(sh: ServerHello): void {
    if (this.keyLog === undefined || this.keyLog.size === 0 || this.clientHello === null || this.decryptor !== null) return;
    const made = createConnectionDecryptor(
      this.keyLog,
      {
        clientRandom: this.clientHello.random,
        serverRandom: new Uint8Array(sh.random),
        version: sh.version,
        tls13: this.context.isTls13,
        cipherSuite: sh.cipherSuite,
        encryptThenMac: sh.encryptThenMac,
        earlyDataOffered: this.clientHello.earlyData,
        clientRecordsBeforeServerHello: this.earlyClientRecords,
      },
      this.decryptorOptions,
    );
    if (made.ok) this.decryptor = made.decryptor;
    else this.decryptionStatus = made.status;
  }

  /** A record the decryptor opened: its real content goes where cleartext would. */
  private onDecrypted(direction: Direction, h: RecordHeader, contentType: number, plaintext: Uint8Array, endFrame: number, endTime: Timestamp): void {
    if (h.contentType === CONTENT_APPLICATION_DATA) this.countApplicationData(direction, h, contentType);
    else if (h.contentType === CONTENT_HANDSHAKE) this.sink.event({ kind: 'encrypted-handshake', direction, length: h.length, frame: h.frame, time: h.time, decrypted: true });
    else if (h.contentType === CONTENT_ALERT) this.sink.event({ kind: 'encrypted-alert', direction, length: h.length, frame: h.frame, time: h.time, decrypted: true });
    switch (contentType) {
      case CONTENT_HANDSHAKE:
        this.onHandshakeRecord(direction, h, plaintext, endFrame, endTime, true);
        return;
      case CONTENT_ALERT:
        if (plaintext.length === 0 || plaintext.length % 2 !== 0) {
          this.sink.event({ kind: 'anomaly', anomaly: { code: 'tls.decrypt.alert_length', severity: 'weird', message: `A decrypted alert record holds ${plaintext.length} bytes, not whole 2-byte alerts.`, frame: h.frame, direction, offset: h.offset } });
        }
        for (let i = 0; i + 2 <= plaintext.length; i += 2) {
          this.sink.event({ kind: 'alert', direction, level: plaintext[i] as number, description: plaintext[i + 1] as number, frame: h.frame, time: h.time, decrypted: true });
        }
        return;
      case CONTENT_APPLICATION_DATA:
        // Application data: never looked at.
        return;
      default:
        this.sink.event({
          kind: 'anomaly',
          anomaly: { code: 'tls.decrypt.unexpected_content_type', severity: 'weird', message: `A decrypted record carries content type ${contentType}, which cannot appear inside protected records.`, frame: h.frame, direction, offset: h.offset },
        });
    }
  }

  private finalDecryptionStatus(): DecryptionStatus {
    if (this.decryptor !== null) return this.decryptor.status();
    if (this.decryptionStatus !== null) return this.decryptionStatus;
    if (this.keyLog === undefined || this.keyLog.size === 0) return NO_KEY_LOG;
    if (this.clientHello === null) return { status: 'not-attempted', reason: 'no ClientHello was captured, so no key log line can be matched' };
    return { status: 'not-attempted', reason: 'the handshake did not reach a ServerHello: nothing was encrypted' };
  }

  private onHandshakeRecord(direction: Direction, h: RecordHeader, body: Uint8Array, endFrame: number, endTime: Timestamp, decrypted = false): void {
    const d = this.dirs[direction];
    const { frames, anomalies, skipped } = d.framer.push(body, h, endFrame);
    for (const a of anomalies) this.sink.event({ kind: 'anomaly', anomaly: a });
    for (const m of skipped) {
      this.sink.event({
        kind: 'handshake',
        direction,
        msgType: m.msgType,
        length: m.length,
        message: undefined,
        // Both limits are named in the timeline alike ("over the size limit: not decoded"); the anomaly tells which.
        issue: {
          code: 'tls.handshake.too_long',
          message:
            m.why === 'too-long'
              ? `The message claims ${m.length} bytes, more than maxHandshakeMessageBytes allows; it was not decoded.`
              : `The message (${m.length} bytes) did not fit in maxTotalTlsHeldBytes, the bytes the TLS layer may hold across all connections; it was not decoded.`,
        },
        frame: m.firstFrame,
        lastFrame: m.firstFrame,
        time: m.time,
      });
    }
    for (const f of frames) {
      const decoded = decodeHandshakeMessage(f.msgType, f.body, this.context);
      const event: TlsEvent = { kind: 'handshake', direction, msgType: f.msgType, length: f.length, message: decoded.message, issue: decoded.issue, frame: f.firstFrame, lastFrame: f.lastFrame, time: f.time };
      // The flag is added only to decrypted messages' events: no conditional spread per message.
      this.sink.event(decrypted ? { ...event, decrypted: true } : event);
      const m = decoded.message;
      if (m?.type === 'client_hello' && this.clientHello === null && !decrypted) {
        this.clientHello = { random: new Uint8Array(m.value.random), direction, earlyData: m.value.earlyData };
      } else if (m?.type === 'server_hello' && !m.value.isHelloRetryRequest && !decrypted) {
        this.setupDecryption(m.value);
      } else if (decrypted && m?.type === 'finished') {
        this.decryptor?.finished(this.roleOf(direction));
      } else if (decrypted && m?.type === 'key_update') {
        this.decryptor?.keyUpdate(this.roleOf(direction));
      }
      if (this.context.isTls13 && decoded.message?.type === 'server_hello' && !decoded.message.value.isHelloRetryRequest) {
        // RFC 8446 §2: everything after ServerHello is encrypted, both ways (bar the compatibility CCS).
        this.dirs[0].stats.encrypted = true;
        this.dirs[1].stats.encrypted = true;
        // Handshake bytes already framed after the ServerHello in this record are ciphertext-free
        // only in theory; a TLS 1.3 server never puts more cleartext after it.
        return;
      }
    }
  }

  private emitNotTls(direction: Direction, bytes: Uint8Array, offset: number, frame: number, time: Timestamp, atStart: boolean): void {
    const t: TlsEvent = {
      kind: 'not-tls',
      direction,
      firstBytes: bytes.slice(0, NOT_TLS_SAMPLE),
      atStart,
      offset,
      frame,
      time,
    };
    this.sink.event(t);
  }
}

/** An alert record header at the start of a server's TLS (`15 03 0x 00 02`). */
function findAlertRecordStart(bytes: Uint8Array, from: number): number {
  for (let i = Math.max(0, from); i + 5 <= bytes.length; i++) {
    if (bytes[i] === 0x15 && bytes[i + 1] === 0x03 && (bytes[i + 2] as number) <= 0x04 && bytes[i + 3] === 0 && bytes[i + 4] === 2) return i;
  }
  return -1;
}

/**
 * The record sink of one direction: one object with prototype methods per direction, instead
 * of five closures per direction per connection.
 */
class DirectionSink implements RecordSink {
  constructor(
    private readonly tracker: TlsConnectionTracker,
    private readonly direction: Direction,
  ) {}

  wantBody(h: RecordHeader): boolean {
    return this.tracker.wantBody(this.direction, h);
  }

  record(h: RecordHeader, body: Uint8Array | null, endFrame: number, endTime: Timestamp): void {
    this.tracker.record(this.direction, h, body, endFrame, endTime);
  }

  sslv2ClientHello(body: Uint8Array, frame: number, time: Timestamp): void {
    this.tracker.sslv2ClientHello(this.direction, body, frame, time);
  }

  notTls(firstBytes: Uint8Array, offset: number, frame: number, atStart: boolean): void {
    this.tracker.notTls(this.direction, firstBytes, offset, frame, atStart);
  }

  anomaly(a: Anomaly): void {
    this.tracker.anomaly(a);
  }

  dropped(h: RecordHeader): void {
    this.tracker.dropped(this.direction, h);
  }
}
