/**
 * Handshake message framing over cleartext handshake records.
 *
 *   struct {
 *       HandshakeType msg_type;    // 1 byte
 *       uint24 length;             // bytes in message
 *       select (msg_type) { ... } body;
 *   } Handshake;                   // RFC 8446 §4, RFC 5246 §7.4
 *
 * Messages may span records and one record may hold many messages (RFC 8446 §5.1). A message
 * is buffered only up to `maxHandshakeMessageBytes`; a longer one is passed over by its length.
 */
import type { Anomaly } from '../util/anomaly.js';
import { ZERO_TIME } from '../util/time.js';
import type { Timestamp } from '../util/time.js';
import { u8At } from '../util/wire-read.js';
import { unlimitedTlsBudget } from './held-budget.js';
import type { RecordHeader } from './record-stream.js';
import type { TlsHeldBudget } from './held-budget.js';
import { TLS_DEFAULTS } from './defaults.js';

/** Handshake header (RFC 8446 §4): HandshakeType msg_type; uint24 length; body. Messages may span records and one record may hold many messages. */
export interface HandshakeFrame {
  readonly msgType: number;
  readonly length: number;
  /**
   * Exactly `length` bytes, safe to keep: a view of the record body when the message lay in one
   * record (record bodies are owned copies), else the framer's own reassembly copy.
   */
  readonly body: Uint8Array;
  readonly firstFrame: number;
  readonly lastFrame: number;
  readonly time: Timestamp;
  /** stream offset of the record that held the message's first byte */
  readonly recordOffset: number;
}

/** A message passed over by its length: it exceeded `maxHandshakeMessageBytes`, or the capture-wide held budget could not hold it. */
interface SkippedHandshakeMessage {
  readonly msgType: number;
  /** The length its header claims. */
  readonly length: number;
  /** Which limit: the message's own size, or the bytes held by the TLS layer across all connections. */
  readonly why: 'too-long' | 'held-budget';
  readonly firstFrame: number;
  readonly time: Timestamp;
}


const HEADER_LENGTH = 4;
const EMPTY = new Uint8Array(0);
/** Shared by results that found nothing of a kind: most records yield no anomaly and no skipped message. */
const NONE: readonly never[] = Object.freeze([]);

/** What one record yielded. The lists are read-only and may be shared between results. */
export interface FramerResult {
  readonly frames: readonly HandshakeFrame[];
  readonly anomalies: readonly Anomaly[];
  readonly skipped: readonly SkippedHandshakeMessage[];
}

/** Shared by records that complete nothing (the middle of a long Certificate message). */
const NOTHING: FramerResult = Object.freeze({ frames: NONE, anomalies: NONE, skipped: NONE });

/** Reassembles handshake messages from the bodies of consecutive handshake records of one direction. */
export class HandshakeFramer {
  private readonly maxMessage: number;
  /** Header bytes read so far (a header may straddle records); its fields collect in msgType and headerLength. */
  private headerFill = 0;
  private headerLength = 0;
  /** Body of the message being collected (grown as bytes arrive); null while reading a header or skipping. */
  private body: Uint8Array | null = null;
  /** Capacity of `body` charged to the budget. */
  private charged = 0;
  private readonly budget: TlsHeldBudget;
  /** Declared length of the message being collected. */
  private bodyLength = 0;
  private bodyFill = 0;
  /** Bytes of an over-long message still to pass over. */
  private skipLeft = 0;
  /** Bytes of an over-long message passed over so far. */
  private skipped = 0;
  private msgType = 0;
  private firstFrame = 0;
  private firstTime: Timestamp = ZERO_TIME;
  private recordOffset = 0;

  constructor(
    options: {
      maxHandshakeMessageBytes?: number /* default 256 KiB; bigger → anomaly tls.handshake.too_long and the message is skipped by length, never buffered */;
      /** Where reassembly buffers are charged (shared by a capture's framers); past it → anomaly tls.held_budget and the message is skipped by length. Default: unlimited. */
      budget?: TlsHeldBudget;
    } = {},
  ) {
    this.maxMessage = options.maxHandshakeMessageBytes ?? TLS_DEFAULTS.maxHandshakeMessageBytes;
    this.budget = options.budget ?? unlimitedTlsBudget();
  }

  /** Bytes of a partial message waiting for the next record (0 when aligned). */
  get pending(): number {
    if (this.body !== null) return HEADER_LENGTH + this.bodyFill;
    if (this.skipLeft > 0) return HEADER_LENGTH + this.skipped;
    return this.headerFill;
  }

  /** Forget any partial message (after a gap, or when the connection ended), giving back what its buffer was charged. */
  reset(): void {
    this.headerFill = 0;
    this.dropBody();
    this.bodyLength = 0;
    this.bodyFill = 0;
    this.skipLeft = 0;
    this.skipped = 0;
  }

  /** Feed the body of one cleartext handshake record (a message carries the time of its first record). */
  push(recordBody: Uint8Array, header: RecordHeader, endFrame: number): FramerResult {
    // Lists are made only when something is found: one record usually yields one or two messages and nothing else.
    let frames: HandshakeFrame[] | null = null;
    let anomalies: Anomaly[] | null = null;
    let skipped: SkippedHandshakeMessage[] | null = null;
    let i = 0;
    const n = recordBody.length;
    while (i < n) {
      if (this.skipLeft > 0) {
        const take = Math.min(this.skipLeft, n - i);
        this.skipLeft -= take;
        this.skipped += take;
        i += take;
        continue;
      }
      if (this.body !== null) {
        const take = Math.min(this.bodyLength - this.bodyFill, n - i);
        if (!this.reserve(this.bodyFill + take)) {
          // The capture-wide budget is spent: pass the rest of the message over by its length,
          // reported like a message over maxHandshakeMessageBytes.
          (anomalies ??= []).push({
            code: 'tls.held_budget',
            severity: 'weird',
            message: `A handshake message of type ${this.msgType} (${this.bodyLength} bytes) could not be reassembled: the bytes held by the TLS layer across all connections reached maxTotalTlsHeldBytes (${this.budget.maxBytes}); it was skipped.`,
            frame: this.firstFrame,
            offset: this.recordOffset,
          });
          (skipped ??= []).push({ msgType: this.msgType, length: this.bodyLength, why: 'held-budget', firstFrame: this.firstFrame, time: this.firstTime });
          this.skipLeft = this.bodyLength - this.bodyFill;
          this.skipped = this.bodyFill;
          this.dropBody();
          continue;
        }
        const body = this.body;
        body.set(recordBody.subarray(i, i + take), this.bodyFill);
        this.bodyFill += take;
        i += take;
        if (this.bodyFill === this.bodyLength) (frames ??= []).push(this.complete(body, endFrame));
        continue;
      }
      // Reading a header, byte by byte into numbers: no buffer, no view per message.
      if (this.headerFill === 0) {
        this.firstFrame = header.frame;
        this.firstTime = header.time;
        this.recordOffset = header.offset;
      }
      while (this.headerFill < HEADER_LENGTH) {
        const b = u8At(recordBody, i, n);
        if (b === undefined) break;
        i++;
        if (this.headerFill === 0) {
          this.msgType = b;
          this.headerLength = 0;
        } else {
          this.headerLength = (this.headerLength << 8) | b;
        }
        this.headerFill++;
      }
      if (this.headerFill < HEADER_LENGTH) break;
      this.headerFill = 0;
      const length = this.headerLength;
      if (length > this.maxMessage) {
        (anomalies ??= []).push({
          code: 'tls.handshake.too_long',
          severity: 'weird',
          message: `A handshake message of type ${this.msgType} claims ${length} bytes, more than the ${this.maxMessage} allowed; it was skipped.`,
          frame: this.firstFrame,
          offset: this.recordOffset,
        });
        // Reported at once: its type still tells the story (e.g. a huge Certificate chain).
        (skipped ??= []).push({ msgType: this.msgType, length, why: 'too-long', firstFrame: this.firstFrame, time: this.firstTime });
        this.skipLeft = length;
        this.skipped = 0;
        continue;
      }
      if (n - i >= length) {
        // The whole message is in this record: a view of the (owned) record body, no copy.
        this.bodyLength = length;
        this.bodyFill = length;
        (frames ??= []).push(this.complete(recordBody.subarray(i, i + length), endFrame));
        i += length;
        continue;
      }
      // The buffer grows with the bytes that really arrive: a header alone claiming up to
      // maxHandshakeMessageBytes (on each of many half-open connections) costs nothing.
      this.body = EMPTY;
      this.bodyLength = length;
      this.bodyFill = 0;
    }
    if (frames === null && anomalies === null && skipped === null) return NOTHING;
    return { frames: frames ?? NONE, anomalies: anomalies ?? NONE, skipped: skipped ?? NONE };
  }

  /** Grows the body buffer to hold `size` bytes (doubling, never past the declared length), charged to the budget; false when the budget refuses. */
  private reserve(size: number): boolean {
    const current = this.body ?? EMPTY;
    const grown = this.budget.grow(current, this.bodyFill, size, 256, this.bodyLength);
    if (grown === null) return false;
    if (grown !== current) {
      this.body = grown;
      this.charged = grown.length;
    }
    return true;
  }

  /** Forgets the message body being collected and gives back what it was charged. */
  private dropBody(): void {
    this.budget.release(this.charged);
    this.charged = 0;
    this.body = null;
  }

  private complete(full: Uint8Array, lastFrame: number): HandshakeFrame {
    const body = full.length === this.bodyFill ? full : full.subarray(0, this.bodyFill);
    // The message is handed on: its buffer is no longer held by the framer.
    this.dropBody();
    this.bodyFill = 0;
    return {
      msgType: this.msgType,
      length: body.length,
      body,
      firstFrame: this.firstFrame,
      lastFrame,
      time: this.firstTime,
      recordOffset: this.recordOffset,
    };
  }
}
