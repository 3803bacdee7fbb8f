/**
 * The TLS layer of one TCP connection: finds where TLS starts (first byte, SSLv2 hello, or
 * after a STARTTLS exchange), runs a record stream and a handshake framer per direction,
 * decodes cleartext handshake messages with the context they need (negotiated version,
 * key exchange), tracks where each direction starts encrypting, and reports everything as
 * `TlsEvent`s. Application data is counted by record header and skipped unbuffered.
 */
import type { Anomaly } from '../../util/anomaly.js';
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
import { RecordStream, looksLikeTlsStart } from '../record-stream.js';
import type { RecordHeader, RecordSink } from '../record-stream.js';
import { decodeHandshakeMessage, decodeSslv2Hello, NegotiationContext } from './handshake-message.js';
import { findHandshakeRecordStart, identifyStarttls } from './starttls.js';
import type { TlsDirectionStats, TlsEvent, TlsEventSink } from './events.js';

/** Limits of the TLS layer; each has a default. */
export interface TlsTrackerOptions {
  /** Plaintext bytes kept per direction while looking for a STARTTLS upgrade. Default 16 KiB. */
  readonly maxStarttlsScanBytes?: number;
  /** application_data records reported individually per direction (all are counted). Default 32. */
  readonly maxRecordedEncryptedRecords?: number;
  /** Largest handshake message reassembled; larger ones are skipped with an anomaly. Default 256 KiB. */
  readonly maxHandshakeMessageBytes?: number;
  /** Largest TLS record accepted. Default 2^14 + 2048. */
  readonly maxRecordLength?: number;
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

class DirectionState {
  phase: Phase = 'undecided';
  /** Bytes held while undecided or in plaintext (a copy, bounded). */
  held: Uint8Array = new Uint8Array(0);
  /** Stream offset of held[0]. */
  heldOffset = 0;
  heldFrame = 0;
  heldTime: Timestamp = { sec: 0, nsec: 0 };
  /** Where the next scan for a record start resumes within `held`. */
  scanFrom = 0;
  records: RecordStream | null = null;
  readonly framer: HandshakeFramer;
  readonly stats: TlsDirectionStats = {
    records: 0,
    applicationDataRecords: 0,
    applicationDataBytes: 0,
    firstApplicationDataFrame: null,
    lastApplicationDataFrame: null,
    encrypted: false,
    bytesSkipped: 0,
  };

  constructor(maxHandshakeMessageBytes: number) {
    this.framer = new HandshakeFramer({ maxHandshakeMessageBytes });
  }
}

export class TlsConnectionTracker implements ConnectionHandler {
  private readonly dirs: [DirectionState, DirectionState];
  private readonly context = new NegotiationContext();
  private readonly maxScan: number;
  private readonly maxRecorded: number;
  private readonly maxRecordLength: number;
  private starttls = false;
  private ended = false;

  constructor(
    readonly info: ConnectionInfo,
    private readonly control: ConnectionControl,
    private readonly sink: TlsEventSink,
    private readonly onFinished: (summary: ConnectionSummary, stats: readonly [TlsDirectionStats, TlsDirectionStats]) => void,
    options: TlsTrackerOptions = {},
  ) {
    const maxMessage = options.maxHandshakeMessageBytes ?? 256 * 1024;
    this.dirs = [new DirectionState(maxMessage), new DirectionState(maxMessage)];
    this.maxScan = options.maxStarttlsScanBytes ?? 16 * 1024;
    this.maxRecorded = options.maxRecordedEncryptedRecords ?? 32;
    this.maxRecordLength = options.maxRecordLength ?? 16384 + 2048;
  }

  onData(direction: Direction, chunk: StreamChunk): void {
    const d = this.dirs[direction];
    switch (d.phase) {
      case 'tls':
        this.pushRecords(direction, chunk);
        return;
      case 'off':
        return;
      case 'undecided':
      case 'plaintext':
        this.hold(d, chunk);
        this.detect(direction);
        return;
    }
  }

  onGap(direction: Direction, gap: StreamGap): void {
    const d = this.dirs[direction];
    this.sink.event({ kind: 'gap', direction, length: gap.length, reason: gap.reason, frame: gap.frame, time: gap.time });
    if (d.phase === 'tls') {
      d.framer.reset();
      d.records?.gap(gap);
    } else if (d.phase !== 'off') {
      // A hole in the plaintext before TLS: what was held can no longer be matched byte-for-byte.
      d.held = new Uint8Array(0);
      d.heldOffset = gap.offset + gap.length;
      d.scanFrom = 0;
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
      if (d.phase === 'undecided' && d.held.length > 0) {
        // Too few bytes to decide: say what was there.
        this.emitNotTls(direction, d.held, d.heldOffset, d.heldFrame, d.heldTime, true);
      }
    }
    this.onFinished(summary, [this.dirs[0].stats, this.dirs[1].stats]);
  }

  // --- detection -----------------------------------------------------------------------

  private hold(d: DirectionState, chunk: StreamChunk): void {
    if (d.held.length === 0) {
      d.heldOffset = chunk.offset;
      d.heldFrame = chunk.frame;
      d.heldTime = chunk.time;
    }
    const room = this.maxScan - d.held.length;
    if (room <= 0) return;
    const take = chunk.bytes.subarray(0, Math.min(room, chunk.bytes.length));
    const next = new Uint8Array(d.held.length + take.length);
    next.set(d.held, 0);
    next.set(take, d.held.length);
    d.held = next;
    if (take.length < chunk.bytes.length) {
      // Bytes past the scan window are not kept: TLS, if it comes, must start within it.
      d.phase = d.phase === 'undecided' ? 'plaintext' : d.phase;
    }
  }

  private detect(direction: Direction): void {
    const d = this.dirs[direction];
    if (d.phase === 'undecided') {
      const verdict = looksLikeTlsStart(d.held);
      if (verdict === 'need-more' && d.held.length < this.maxScan) return;
      if (verdict === 'tls' || verdict === 'sslv2') {
        this.startTls(direction, 0, verdict === 'sslv2' ? 'sslv2' : 'record', null);
        return;
      }
      const peer = this.dirs[direction === 0 ? 1 : 0];
      if (peer.phase === 'tls' && !this.starttls) {
        // The peer speaks TLS from its first byte and this side answers with something else.
        this.emitNotTls(direction, d.held, d.heldOffset, d.heldFrame, d.heldTime, true);
        d.phase = 'off';
        d.held = new Uint8Array(0);
        return;
      }
      d.phase = 'plaintext';
    }
    if (d.phase === 'plaintext') this.scanPlaintext(direction);
  }

  /** Looks for the first TLS record after plaintext (STARTTLS). */
  private scanPlaintext(direction: Direction): void {
    const d = this.dirs[direction];
    const peer = this.dirs[direction === 0 ? 1 : 0];
    // The client's ClientHello opens TLS; once it has, the server's answer is a ServerHello or an alert.
    const wanted = peer.phase === 'tls' ? HANDSHAKE_SERVER_HELLO : HANDSHAKE_CLIENT_HELLO;
    let at = findHandshakeRecordStart(d.held, wanted, d.scanFrom);
    if (at < 0 && wanted === HANDSHAKE_SERVER_HELLO) at = findAlertRecordStart(d.held, d.scanFrom);
    if (at >= 0) {
      const clientPlain = direction === 0 ? d.held.subarray(0, at) : peer.held;
      const serverPlain = direction === 0 ? peer.held : d.held.subarray(0, at);
      const protocol =
        wanted === HANDSHAKE_CLIENT_HELLO
          ? identifyStarttls(direction === 0 ? d.held.subarray(0, at) : peer.held, direction === 0 ? peer.held : d.held.subarray(0, at))
          : identifyStarttls(clientPlain, serverPlain);
      this.starttls = true;
      this.startTls(direction, at, 'starttls', protocol);
      return;
    }
    d.scanFrom = Math.max(0, d.held.length - 5);
    if (d.held.length >= this.maxScan) this.giveUp(direction);
  }

  private giveUp(direction: Direction): void {
    const d = this.dirs[direction];
    this.emitNotTls(direction, d.held, d.heldOffset, d.heldFrame, d.heldTime, true);
    d.phase = 'off';
    d.held = new Uint8Array(0);
    const peer = this.dirs[direction === 0 ? 1 : 0];
    if (peer.phase === 'off' || (peer.phase === 'plaintext' && peer.held.length >= this.maxScan)) {
      this.control.ignoreData();
    }
  }

  private startTls(direction: Direction, at: number, how: 'record' | 'sslv2' | 'starttls', protocol: ReturnType<typeof identifyStarttls> | null): void {
    const d = this.dirs[direction];
    d.phase = 'tls';
    d.records = new RecordStream(this.recordSink(direction), { maxRecordLength: this.maxRecordLength });
    const offset = d.heldOffset + at;
    this.sink.event({ kind: 'tls-start', direction, how, starttls: protocol, offset, frame: d.heldFrame, time: d.heldTime });
    const held = d.held;
    d.held = new Uint8Array(0);
    if (at < held.length) {
      const skip = d.records.push({ bytes: held.subarray(at), offset, frame: d.heldFrame, time: d.heldTime });
      this.requestSkip(direction, skip);
    }
    // A peer still holding plaintext may now recognise its own first TLS record.
    const peerDirection: Direction = direction === 0 ? 1 : 0;
    const peer = this.dirs[peerDirection];
    if (peer.phase === 'plaintext' || (peer.phase === 'undecided' && peer.held.length > 0)) {
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

  private recordSink(direction: Direction): RecordSink {
    const d = this.dirs[direction];
    return {
      wantBody: (h: RecordHeader): boolean => {
        switch (h.contentType) {
          case CONTENT_HANDSHAKE:
            return !d.stats.encrypted;
          case CONTENT_CCS:
            return h.length <= 16;
          case CONTENT_ALERT:
            // A 2-byte alert record is cleartext even after encryption started: a MAC or AEAD tag alone is longer.
            return h.length === 2 || (!d.stats.encrypted && h.length <= 64);
          default:
            return false;
        }
      },
      record: (h, body, endFrame, endTime) => this.onRecord(direction, h, body, endFrame, endTime),
      sslv2ClientHello: (body, frame, time) => {
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
      },
      notTls: (firstBytes, offset, frame, atStart) => {
        this.emitNotTls(direction, firstBytes, offset, frame, { sec: 0, nsec: 0 }, atStart);
      },
      anomaly: (a: Anomaly) => this.sink.event({ kind: 'anomaly', anomaly: a }),
    };
  }

  private onRecord(direction: Direction, h: RecordHeader, body: Uint8Array | null, endFrame: number, endTime: Timestamp): void {
    const d = this.dirs[direction];
    d.stats.records++;
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
        if (!this.context.isTls13) d.stats.encrypted = true;
        return;
      }
      case CONTENT_ALERT:
        if (body !== null && body.length === 2) {
          this.sink.event({ kind: 'alert', direction, level: body[0] as number, description: body[1] as number, frame: h.frame, time: h.time });
        } else {
          this.sink.event({ kind: 'encrypted-alert', direction, length: h.length, frame: h.frame, time: h.time });
        }
        return;
      case CONTENT_APPLICATION_DATA: {
        const s = d.stats;
        const index = s.applicationDataRecords++;
        s.applicationDataBytes += h.length;
        if (s.firstApplicationDataFrame === null) s.firstApplicationDataFrame = h.frame;
        s.lastApplicationDataFrame = h.frame;
        if (index < this.maxRecorded) {
          this.sink.event({ kind: 'encrypted-record', direction, length: h.length, frame: h.frame, time: h.time, index });
        }
        return;
      }
      case CONTENT_HEARTBEAT:
        this.sink.event({ kind: 'heartbeat', direction, length: h.length, encrypted: d.stats.encrypted, frame: h.frame, time: h.time });
        return;
      default:
        return;
    }
  }

  private onHandshakeRecord(direction: Direction, h: RecordHeader, body: Uint8Array, endFrame: number, endTime: Timestamp): void {
    const d = this.dirs[direction];
    const { frames, anomalies, skipped } = d.framer.push(body, h, endFrame, endTime);
    for (const a of anomalies) this.sink.event({ kind: 'anomaly', anomaly: a });
    for (const m of skipped) {
      this.sink.event({
        kind: 'handshake',
        direction,
        msgType: m.msgType,
        length: m.length,
        message: undefined,
        issue: { code: 'tls.handshake.too_long', message: `The message claims ${m.length} bytes, more than maxHandshakeMessageBytes allows; it was not decoded.` },
        frame: m.firstFrame,
        lastFrame: m.firstFrame,
        time: m.time,
      });
    }
    for (const f of frames) {
      const decoded = decodeHandshakeMessage(f.msgType, f.body, this.context, direction);
      this.sink.event({
        kind: 'handshake',
        direction,
        msgType: f.msgType,
        length: f.length,
        message: decoded.message,
        issue: decoded.issue,
        frame: f.firstFrame,
        lastFrame: f.lastFrame,
        time: f.time,
      });
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
      firstBytes: bytes.slice(0, 64),
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
