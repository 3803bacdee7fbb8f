/**
 * The TLS layer of one TCP connection, as the flow layer's handler: it wires three parts and
 * reports what they find as `TlsEvent`s. `TlsStartFinder` (tls-start.ts) finds where TLS starts
 * in each direction and feeds the record streams; `RecordDispatcher` (record-dispatch.ts)
 * dispatches each record by content type; `DecryptionRoute` (decryption-route.ts) routes the
 * protected records through decryption when a `RecordDecryptorFactory` is given (made from a key
 * log by the pipeline). Application data is counted by record header and skipped unbuffered.
 */
import type { Anomaly } from '../../util/anomaly.js';
import { ZERO_TIME } from '../../util/time.js';
import type { Timestamp } from '../../util/time.js';
import type { ConnectionControl, ConnectionHandler, ConnectionInfo, ConnectionSummary, Direction, StreamChunk, StreamGap, TcpEvent } from '../../flow/types.js';
import { TLS_DEFAULTS } from '../defaults.js';
import { TlsHeldBudget } from '../held-budget.js';
import type { RecordHeader, RecordSink } from '../record-stream.js';
import { NegotiationContext } from './handshake-message.js';
import { DecryptionRoute } from './decryption-route.js';
import type { RecordDecryptorFactory } from './decryption.js';
import { RecordDispatcher } from './record-dispatch.js';
import { TlsStartFinder, notTlsEvent } from './tls-start.js';
import type { TlsDirectionStats, TlsEventSink } from './events.js';

/** Limits of the TLS layer (defaults in `TLS_DEFAULTS`), and the decryption it may use. */
export interface TlsTrackerOptions {
  /** Makes each connection's decryptor at its ServerHello (see decryption.ts); none: nothing is decrypted. */
  readonly decryption?: RecordDecryptorFactory;
  /** Plaintext bytes kept per direction while looking for a STARTTLS upgrade. Default 16 KiB. */
  readonly maxStarttlsScanBytes?: number;
  /** application_data records reported individually per direction (all are counted). Default 32. */
  readonly maxRecordedEncryptedRecords?: number;
  /** Largest handshake message reassembled; larger ones are skipped with an anomaly. Default 256 KiB. */
  readonly maxHandshakeMessageBytes?: number;
  /** Largest TLS record accepted, the first one included (a longer first record is not TLS). Default 2^14 + 2048. */
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

/** The budget of one capture's trackers, from the options. */
export function tlsHeldBudget(options: TlsTrackerOptions): TlsHeldBudget {
  const max = options.maxTotalTlsHeldBytes;
  return new TlsHeldBudget(max !== undefined && max >= 0 ? max : TLS_DEFAULTS.maxTotalTlsHeldBytes);
}

/** What an ended tracker reports to: nothing. */
const IGNORE_EVENTS: TlsEventSink = { event: () => {} };
const IGNORE_FINISH = (): void => {};

function newStats(): TlsDirectionStats {
  return { records: 0, applicationDataRecords: 0, applicationDataBytes: 0, firstApplicationDataFrame: null, lastApplicationDataFrame: null, encrypted: false, bytesSkipped: 0 };
}

/** The TLS layer of one connection; see the module comment. */
export class TlsConnectionTracker implements ConnectionHandler {
  private readonly stats: [TlsDirectionStats, TlsDirectionStats] = [newStats(), newStats()];
  private readonly start: TlsStartFinder;
  private readonly dispatcher: RecordDispatcher;
  private readonly route: DecryptionRoute;
  private readonly sinks: [DirectionSink | null, DirectionSink | null] = [null, null];
  private ended = false;

  constructor(
    readonly info: ConnectionInfo,
    control: ConnectionControl,
    private sink: TlsEventSink,
    private onFinished: (summary: ConnectionSummary, stats: readonly [TlsDirectionStats, TlsDirectionStats]) => void,
    options: TlsTrackerOptions = {},
    /** Shared by every tracker of a capture (see `tlsHeldBudget`); by default this connection's own. */
    budget: TlsHeldBudget = tlsHeldBudget(options),
  ) {
    const context = new NegotiationContext(options.maxCertificatesPerChain === undefined ? {} : { maxCertificatesPerChain: options.maxCertificatesPerChain });
    this.route = new DecryptionRoute(options.decryption, context);
    const maxHandshakeMessageBytes = options.maxHandshakeMessageBytes ?? TLS_DEFAULTS.maxHandshakeMessageBytes;
    const maxRecordedEncryptedRecords = options.maxRecordedEncryptedRecords ?? TLS_DEFAULTS.maxRecordedEncryptedRecords;
    this.dispatcher = new RecordDispatcher(sink, context, this.route, this.stats, { maxHandshakeMessageBytes, maxRecordedEncryptedRecords }, budget);
    const maxStarttlsScanBytes = options.maxStarttlsScanBytes ?? TLS_DEFAULTS.maxStarttlsScanBytes;
    const maxRecordLength = options.maxRecordLength ?? TLS_DEFAULTS.maxRecordLength;
    this.start = new TlsStartFinder(sink, control, this, this.stats, { maxStarttlsScanBytes, maxRecordLength }, budget);
  }

  onData(direction: Direction, chunk: StreamChunk): void {
    this.start.data(direction, chunk);
  }

  onGap(direction: Direction, gap: StreamGap): void {
    this.sink.event({ kind: 'gap', direction, length: gap.length, reason: gap.reason, frame: gap.frame, time: gap.time });
    if (this.start.isTls(direction)) this.dispatcher.resetFramer(direction);
    this.start.gap(direction, gap);
  }

  onTcpEvent(_event: TcpEvent): void {
    // TCP events reach the analysis through the connection summary; nothing to do here.
  }

  onEnd(summary: ConnectionSummary): void {
    if (this.ended) return;
    this.ended = true;
    this.start.end();
    this.sink.event({ kind: 'decryption', status: this.route.finalStatus() });
    this.onFinished(summary, this.stats);
    this.release();
  }

  /** Where a direction's records go once TLS starts there (see `TlsStartFinder`). */
  recordSink(direction: Direction): RecordSink {
    return (this.sinks[direction] ??= new DirectionSink(this.dispatcher, this, direction));
  }

  /** A record stream found bytes that are not (or no longer) TLS. */
  notTls(direction: Direction, firstBytes: Uint8Array, offset: number, frame: number, atStart: boolean): void {
    this.sink.event(notTlsEvent(direction, firstBytes, offset, frame, ZERO_TIME, atStart));
  }

  anomaly(a: Anomaly): void {
    this.sink.event({ kind: 'anomaly', anomaly: a });
  }

  /**
   * Drops every per-connection object once the connection has been reported. The flow layer may
   * keep an ended connection (and so this tracker) a while for late packets, long enough for it
   * to reach the old generation; whatever it still pointed to would then be promoted with it
   * instead of dying young. Late calls find nothing to feed and a sink that ignores them.
   */
  private release(): void {
    this.start.release(IGNORE_EVENTS);
    this.dispatcher.release(IGNORE_EVENTS);
    this.route.release();
    this.sink = IGNORE_EVENTS;
    this.onFinished = IGNORE_FINISH;
  }
}

/**
 * The record sink of one direction: one object with prototype methods per direction, instead
 * of five closures per direction per connection.
 */
class DirectionSink implements RecordSink {
  constructor(
    private readonly dispatcher: RecordDispatcher,
    private readonly tracker: TlsConnectionTracker,
    private readonly direction: Direction,
  ) {}

  wantBody(h: RecordHeader): boolean {
    return this.dispatcher.wantBody(this.direction, h);
  }

  wantTail(h: RecordHeader): number {
    return this.dispatcher.wantTail(this.direction, h);
  }

  record(h: RecordHeader, body: Uint8Array | null, endFrame: number, endTime: Timestamp, tail?: Uint8Array): void {
    this.dispatcher.record(this.direction, h, body, endFrame, endTime, tail);
  }

  sslv2ClientHello(body: Uint8Array, frame: number, time: Timestamp): void {
    this.dispatcher.sslv2ClientHello(this.direction, body, frame, time);
  }

  sslv2ServerHello(body: Uint8Array, frame: number, time: Timestamp): void {
    this.dispatcher.sslv2ServerHello(this.direction, body, frame, time);
  }

  notTls(firstBytes: Uint8Array, offset: number, frame: number, atStart: boolean): void {
    this.tracker.notTls(this.direction, firstBytes, offset, frame, atStart);
  }

  anomaly(a: Anomaly): void {
    this.tracker.anomaly(a);
  }

  dropped(h: RecordHeader): void {
    this.dispatcher.dropped(this.direction, h);
  }
}
