/**
 * The tracker's one job here: dispatch each TLS record of a connection by its content type.
 * Handshake records go through a framer per direction and are decoded with the context they
 * need (negotiated version, key exchange); alerts, ChangeCipherSpec and heartbeats become
 * events; application data is counted by its header and never looked at. Protected records go
 * through the decryption route first, and what it opens is dispatched like cleartext, as events
 * marked `decrypted`.
 */
import type { Timestamp } from '../../util/time.js';
import type { Anomaly } from '../../util/anomaly.js';
import type { Direction } from '../../flow/types.js';
import { HandshakeFramer } from '../handshake-framer.js';
import type { HandshakeFrame } from '../handshake-framer.js';
import type { RecordHeader } from '../record-stream.js';
import type { TlsHeldBudget } from '../held-budget.js';
import { ContentType } from '../registry/content-types.js';
import { handshakeTypeName } from '../registry/names.js';
import { decodeHandshakeMessage, decodeSslv2Hello } from './handshake-message.js';
import { decodeSslv2ServerHello } from '../handshake/sslv2-server-hello.js';
import type { NegotiationContext } from './handshake-message.js';
import type { DecryptionRoute } from './decryption-route.js';
import type { TlsDirectionStats, TlsEvent, TlsEventSink } from './events.js';
import { u8At } from '../../util/wire-read.js';

/** HandshakeType client_hello (RFC 8446 §4): what an SSLv2-format hello is reported as. */
const HANDSHAKE_CLIENT_HELLO = 1;
/** HandshakeType server_hello and certificate: what an SSLv2 SERVER-HELLO is reported as. */
const HANDSHAKE_SERVER_HELLO = 2;
const HANDSHAKE_CERTIFICATE = 11;

/** Limits of the dispatcher (resolved: the tracker applies the defaults). */
export interface RecordDispatchLimits {
  readonly maxHandshakeMessageBytes: number;
  readonly maxRecordedEncryptedRecords: number;
}

/** Dispatches one connection's records; see the module comment. */
export class RecordDispatcher {
  /** Made at a direction's first handshake record: many directions never carry one (plaintext, the server side of an aborted hello). */
  private readonly framers: [HandshakeFramer | null, HandshakeFramer | null] = [null, null];

  constructor(
    private sink: TlsEventSink,
    private readonly context: NegotiationContext,
    private readonly route: DecryptionRoute,
    /** Counters of each direction, shared with the tracker that reports them. */
    private readonly stats: readonly [TlsDirectionStats, TlsDirectionStats],
    private readonly limits: RecordDispatchLimits,
    private readonly budget: TlsHeldBudget,
  ) {}

  /** Whether this direction wants a record's body (see RecordSink.wantBody). */
  wantBody(direction: Direction, h: RecordHeader): boolean {
    if (this.route.wants(direction, h)) return true;
    const encrypted = this.stats[direction].encrypted;
    switch (h.contentType) {
      // RFC 8446 §5.2: TLS 1.3 protects every record as outer type application_data, so a
      // handshake or alert record is cleartext there whatever was seen before (a ClientHello
      // captured after the ServerHello, a second ClientHello after HelloRetryRequest).
      case ContentType.handshake:
        return !encrypted || this.context.isTls13;
      case ContentType.changeCipherSpec:
        return h.length <= 16;
      case ContentType.alert:
        // A 2-byte alert record is cleartext even after encryption started: a MAC or AEAD tag alone is longer.
        return h.length === 2 || ((!encrypted || this.context.isTls13) && h.length <= 64);
      default:
        return false;
    }
  }

  /** How many last bytes of a skipped record of this direction to read (see RecordSink.wantTail). */
  wantTail(direction: Direction, h: RecordHeader): number {
    return this.route.tailWanted(direction, h);
  }

  /** A record of this direction, with its body when it was wanted (or the tail asked of a skipped one). */
  record(direction: Direction, h: RecordHeader, wanted: Uint8Array | null, endFrame: number, endTime: Timestamp, tail?: Uint8Array): void {
    const stats = this.stats[direction];
    stats.records++;
    let body = wanted;
    if (this.route.protects(direction, h)) {
      const opened = this.route.take(direction, h, body, tail);
      if (opened !== null) {
        if (opened.ok) {
          this.onDecrypted(direction, h, opened.contentType, opened.plaintext, endFrame, endTime);
          return;
        }
        // Not decrypted: report the record as the ciphertext it is.
        body = null;
      }
    } else {
      this.route.passClear(direction, h);
    }
    switch (h.contentType) {
      case ContentType.handshake:
        if (body === null) {
          this.sink.event({ kind: 'encrypted-handshake', direction, length: h.length, frame: h.frame, time: h.time });
        } else {
          this.onHandshakeRecord(direction, h, body, endFrame);
        }
        return;
      case ContentType.changeCipherSpec: {
        const valid = body !== null && body.length === 1 && body[0] === 1;
        this.sink.event({ kind: 'change-cipher-spec', direction, valid, frame: h.frame, time: h.time });
        // TLS 1.3 sends a CCS only for middlebox compatibility: it switches nothing.
        if (!this.context.isTls13) {
          stats.encrypted = true;
          this.route.changeCipherSpec(direction);
        }
        return;
      }
      case ContentType.alert:
        const level = body === null || body.length !== 2 ? undefined : u8At(body, 0);
        const description = body === null ? undefined : u8At(body, 1);
        if (level !== undefined && description !== undefined) {
          this.sink.event({ kind: 'alert', direction, level, description, frame: h.frame, time: h.time });
        } else {
          this.sink.event({ kind: 'encrypted-alert', direction, length: h.length, frame: h.frame, time: h.time });
        }
        return;
      case ContentType.applicationData:
        this.countApplicationData(direction, h, undefined);
        return;
      case ContentType.heartbeat:
        this.sink.event({ kind: 'heartbeat', direction, length: h.length, encrypted: stats.encrypted, frame: h.frame, time: h.time });
        return;
      default:
        return;
    }
  }

  /**
   * A wanted record the held budget could not keep (see RecordSink.dropped): counted, and the
   * handshake messages it carried part of are lost, as after a gap; its keys' sequence moves on.
   */
  dropped(direction: Direction, h: RecordHeader): void {
    if (h.contentType === 0) return; // an SSLv2 hello: nothing was decoded yet
    this.stats[direction].records++;
    this.resetFramer(direction);
    this.route.passOver(direction, h);
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
    if (decoded.message?.type === 'client_hello') {
      // An SSLv2-format hello's random is its challenge (16–32 bytes); the decryptor rejects the short ones.
      this.route.clientHelloSeen(decoded.message.value.random, direction, false);
    }
  }

  /**
   * An SSL 2.0 server's SERVER-HELLO opened this direction: reported as the ServerHello (version
   * 0x0002) and, when it carries one, the server's Certificate, so that the negotiation and the
   * certificate are known like a TLS server's.
   */
  sslv2ServerHello(direction: Direction, body: Uint8Array, frame: number, time: Timestamp): void {
    const decoded = decodeSslv2ServerHello(body);
    const v = decoded.ok ? decoded.value : undefined;
    const base = { kind: 'handshake', direction, frame, lastFrame: frame, time } as const;
    this.sink.event({ ...base, msgType: HANDSHAKE_SERVER_HELLO, length: body.length, message: v === undefined ? undefined : { type: 'server_hello', value: v.serverHello }, issue: decoded.ok ? undefined : decoded.issue });
    if (v === undefined) return;
    this.context.version = v.serverHello.version;
    this.context.cipherSuite = v.serverHello.cipherSuite;
    // With a key log this says why nothing is decrypted (an SSLv2 hello has no 32-byte random).
    this.route.serverHelloSeen(v.serverHello);
    if (v.certificate !== null) this.sink.event({ ...base, msgType: HANDSHAKE_CERTIFICATE, length: body.length, message: { type: 'certificate', value: v.certificate }, issue: undefined });
  }

  /** Forget a partial message (after a gap); nothing to forget before the first handshake record. */
  resetFramer(direction: Direction): void {
    this.framers[direction]?.reset();
  }

  /** Gives back what the framers hold and reports nothing more (the connection has been reported). */
  release(ignore: TlsEventSink): void {
    for (const direction of [0, 1] as const) {
      this.framers[direction]?.reset();
      this.framers[direction] = null;
    }
    this.sink = ignore;
  }

  private framer(direction: Direction): HandshakeFramer {
    return (this.framers[direction] ??= new HandshakeFramer({ maxHandshakeMessageBytes: this.limits.maxHandshakeMessageBytes, budget: this.budget }));
  }

  /** An application_data record: counted, and reported individually up to `maxRecordedEncryptedRecords`. */
  private countApplicationData(direction: Direction, h: RecordHeader, innerType: number | undefined): void {
    const s = this.stats[direction];
    const index = s.applicationDataRecords++;
    s.applicationDataBytes += h.length;
    if (s.firstApplicationDataFrame === null) s.firstApplicationDataFrame = h.frame;
    s.lastApplicationDataFrame = h.frame;
    if (index < this.limits.maxRecordedEncryptedRecords) {
      // Two literals rather than a conditional spread: this runs for up to 32 records per direction.
      this.sink.event(
        innerType === undefined
          ? { kind: 'encrypted-record', direction, length: h.length, frame: h.frame, time: h.time, index }
          : { kind: 'encrypted-record', direction, length: h.length, frame: h.frame, time: h.time, index, innerType },
      );
    } else if (index === this.limits.maxRecordedEncryptedRecords) {
      this.sink.event({ kind: 'encrypted-record', direction, length: h.length, frame: h.frame, time: h.time, index, beyondLimit: true });
    }
  }

  /** A record the decryptor opened: its real content goes where cleartext would. */
  private onDecrypted(direction: Direction, h: RecordHeader, contentType: number, plaintext: Uint8Array, endFrame: number, endTime: Timestamp): void {
    if (h.contentType === ContentType.applicationData) this.countApplicationData(direction, h, contentType);
    else if (h.contentType === ContentType.handshake) this.sink.event({ kind: 'encrypted-handshake', direction, length: h.length, frame: h.frame, time: h.time, decrypted: true });
    else if (h.contentType === ContentType.alert) this.sink.event({ kind: 'encrypted-alert', direction, length: h.length, frame: h.frame, time: h.time, decrypted: true });
    switch (contentType) {
      case ContentType.handshake:
        this.onHandshakeRecord(direction, h, plaintext, endFrame, true);
        return;
      case ContentType.alert:
        if (plaintext.length === 0 || plaintext.length % 2 !== 0) {
          this.sink.event({ kind: 'anomaly', anomaly: { code: 'tls.decrypt.alert_length', severity: 'weird', message: `A decrypted alert record holds ${plaintext.length} bytes, not whole 2-byte alerts.`, frame: h.frame, direction, offset: h.offset } });
        }
        for (let i = 0; i + 2 <= plaintext.length; i += 2) {
          const level = u8At(plaintext, i);
          const description = u8At(plaintext, i + 1);
          if (level !== undefined && description !== undefined) this.sink.event({ kind: 'alert', direction, level, description, frame: h.frame, time: h.time, decrypted: true });
        }
        return;
      case ContentType.applicationData:
        // Application data: never looked at.
        return;
      default:
        this.sink.event({
          kind: 'anomaly',
          anomaly: { code: 'tls.decrypt.unexpected_content_type', severity: 'weird', message: `A decrypted record carries content type ${contentType}, which cannot appear inside protected records.`, frame: h.frame, direction, offset: h.offset },
        });
    }
  }

  /**
   * RFC 8446 §5.1: a TLS 1.3 ServerHello must end its record ("handshake messages … MUST NOT span
   * key changes"), since everything after it is encrypted. What followed it in the record is
   * dropped undecoded and named in a violation; a partial message is forgotten too, so that it is
   * never joined to decrypted handshake bytes.
   */
  private afterServerHello(direction: Direction, h: RecordHeader, dropped: readonly HandshakeFrame[]): void {
    const framer = this.framer(direction);
    const partial = framer.pending;
    framer.reset();
    const parts: string[] = [];
    if (dropped.length > 0) {
      const names = dropped.map((m) => handshakeTypeName(m.msgType)).join(', ');
      parts.push(`${dropped.length} handshake message${dropped.length === 1 ? '' : 's'} (${names})`);
    }
    if (partial > 0) parts.push(`the first ${partial} byte${partial === 1 ? '' : 's'} of another`);
    this.sink.event({
      kind: 'anomaly',
      anomaly: {
        code: 'tls.handshake.after_server_hello_in_record',
        severity: 'violation',
        message: `The TLS 1.3 ServerHello record also carries ${parts.join(' and ')} after the ServerHello, which RFC 8446 §5.1 forbids; ${dropped.length + (partial > 0 ? 1 : 0) === 1 ? 'it was' : 'they were'} dropped without being decoded.`,
        frame: dropped[0]?.firstFrame ?? h.frame,
        direction,
        offset: h.offset,
      },
    });
  }

  private onHandshakeRecord(direction: Direction, h: RecordHeader, body: Uint8Array, endFrame: number, decrypted = false): void {
    const { frames, anomalies, skipped } = this.framer(direction).push(body, h, endFrame);
    // Indexed loops: a for-of made an iterator object per record, even over an empty list.
    for (let i = 0; i < anomalies.length; i++) this.sink.event({ kind: 'anomaly', anomaly: anomalies[i] as Anomaly });
    for (let i = 0; i < skipped.length; i++) {
      const m = skipped[i] as (typeof skipped)[number];
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
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i] as HandshakeFrame;
      const decoded = decodeHandshakeMessage(f.msgType, f.body, this.context);
      const event: TlsEvent = { kind: 'handshake', direction, msgType: f.msgType, length: f.length, message: decoded.message, issue: decoded.issue, frame: f.firstFrame, lastFrame: f.lastFrame, time: f.time };
      // The flag is added only to decrypted messages' events: no conditional spread per message.
      this.sink.event(decrypted ? { ...event, decrypted: true } : event);
      const m = decoded.message;
      if (m?.type === 'client_hello' && !decrypted) {
        this.route.clientHelloSeen(m.value.random, direction, m.value.earlyData);
      } else if (m?.type === 'server_hello' && !m.value.isHelloRetryRequest && !decrypted) {
        this.route.serverHelloSeen(m.value);
      } else if (decrypted && m?.type === 'finished') {
        this.route.finished(direction);
      } else if (decrypted && m?.type === 'key_update') {
        this.route.keyUpdate(direction);
      }
      if (this.context.isTls13 && m?.type === 'server_hello' && !m.value.isHelloRetryRequest) {
        // RFC 8446 §2: everything after ServerHello is encrypted, both ways (bar the compatibility CCS).
        this.stats[0].encrypted = true;
        this.stats[1].encrypted = true;
        // Handshake bytes after the ServerHello in its record would be cleartext that RFC 8446
        // forbids: they are not decoded (they cannot be trusted as the handshake's), only named.
        if (i + 1 < frames.length || this.framer(direction).pending > 0) this.afterServerHello(direction, h, frames.slice(i + 1));
        return;
      }
    }
  }
}
