/**
 * TLS record layer over one direction of a TCP stream.
 *
 *   struct {
 *       ContentType type;                      // 20 ccs, 21 alert, 22 handshake, 23 application_data, 24 heartbeat
 *       ProtocolVersion legacy_record_version; // 0x0300..0x0304
 *       uint16 length;                         // <= 2^14 (+ 256 in TLS 1.3, + 2048 in TLS <= 1.2 ciphertext)
 *       opaque fragment[TLSPlaintext.length];
 *   } TLSPlaintext;                            // RFC 8446 §5.1, RFC 5246 §6.2
 *
 * The stream accepts chunks cut anywhere, copies bytes only when a header or a wanted body
 * straddles chunk borders (or to hand a body over as an owned copy), and never buffers bodies
 * the sink does not want: it tells the caller how many following bytes it may skip unseen.
 *
 * Why one file of ~560 lines: `RecordStream` is one state machine (header, body, skip, tail, not
 * TLS) whose states share the cursor and the partial header; its helpers (the budget, the start
 * detection) live in held-budget.ts and record-start.ts.
 */
import type { Anomaly } from '../util/anomaly.js';
import { ZERO_TIME } from '../util/time.js';
import type { Timestamp } from '../util/time.js';
import type { StreamChunk, StreamGap } from '../flow/types.js';
import { ByteSlab } from '../util/bytes.js';
import { TLS_DEFAULTS } from './defaults.js';
import { TlsHeldBudget, unlimitedTlsBudget } from './held-budget.js';
import { isFirstRecordHeader, isSslv2HelloHeader, isSslv2ServerHelloHeader } from './record-start.js';
import { ContentType } from './registry/content-types.js';
import { u16At, u32At, u8At } from '../util/wire-read.js';

/** TLSPlaintext header (RFC 8446 §5.1): ContentType type; ProtocolVersion legacy_record_version; uint16 length (≤ 2^14 + 2048 accepted). */
export interface RecordHeader {
  readonly contentType: number;
  readonly version: number;
  readonly length: number;
  /** stream offset of the 5-byte header */
  readonly offset: number;
  /** frame holding the header's first byte */
  readonly frame: number;
  readonly time: Timestamp;
}

/** The consumer of a record stream. */
export interface RecordSink {
  /** Called when a header is complete. Return true to receive the body (bounded by `maxRecordLength`), false to have it skipped without buffering (application data, encrypted records). */
  wantBody(header: RecordHeader): boolean;
  /**
   * For a record whose body is skipped: how many of its last bytes to read anyway (0 for none;
   * at most `MAX_RECORD_TAIL`). TLS 1.0 CBC chains each record's IV from the previous record's
   * last ciphertext block (RFC 2246 §6.2.3.2), so a decryptor needs that block of the records it skips.
   */
  wantTail?(header: RecordHeader): number;
  /**
   * A record: body is an owned copy when wanted (safe to keep), null when skipped. endFrame/endTime = frame where the record's last byte arrived.
   * `tail`: a skipped record's last bytes when `wantTail` asked for them and they were captured (a view, valid during the call).
   */
  record(header: RecordHeader, body: Uint8Array | null, endFrame: number, endTime: Timestamp, tail?: Uint8Array): void;
  /** An SSLv2-format ClientHello (RFC 6101 app. E / RFC 5246 app. E.2) was seen as the very first bytes; body = the v2 message after the 2-byte length. */
  sslv2ClientHello(body: Uint8Array, frame: number, time: Timestamp): void;
  /** An SSLv2 SERVER-HELLO (an SSL 2.0-only server) was seen as the very first bytes; body = the v2 message after the 2-byte length. */
  sslv2ServerHello?(body: Uint8Array, frame: number, time: Timestamp): void;
  /** Bytes that are not a valid TLS record header (first record: "not TLS"; later: lost sync). The stream stops parsing until resync(). */
  notTls(firstBytes: Uint8Array, offset: number, frame: number, atStart: boolean): void;
  anomaly(a: Anomaly): void;
  /**
   * A wanted record (or SSLv2 hello) whose body could not be held because the capture-wide
   * `TlsHeldBudget` ran out: it is passed over by its length, never delivered to `record`
   * (an anomaly `tls.held_budget` says so first). endFrame/endTime = frame where it was dropped.
   */
  dropped?(header: RecordHeader, endFrame: number, endTime: Timestamp): void;
}

/** Limits of a record stream. */
export interface RecordStreamOptions {
  /** Largest record length accepted; a longer header means the bytes are not TLS (or sync is lost). Default `TLS_DEFAULTS.maxRecordLength` (2^14 + 2048). */
  readonly maxRecordLength?: number;
  /** Where the capacity of partial bodies is charged (shared by a capture's streams). Default: unlimited. */
  readonly budget?: TlsHeldBudget;
}


const HEADER_LENGTH = 5;
const CONTENT_CCS = ContentType.changeCipherSpec;
const CONTENT_HEARTBEAT = ContentType.heartbeat;
const CONTENT_TLS12_CID = ContentType.tls12Cid;
const CONTENT_APPLICATION_DATA = ContentType.applicationData;
/** Bytes handed to `notTls` for the report. */
const NOT_TLS_SAMPLE = 16;
/** Never written to: `body` is replaced by a grown buffer before any byte is set. */
const EMPTY = new Uint8Array(0);
/**
 * Wanted record bodies (handshake records, mostly 0.3–4 KB) are copied into shared slabs rather
 * than each into its own buffer. Bodies live only as long as their connection's decoding (what
 * outlives it is copied: certificate DERs, randoms), so a slab is freed soon after its last
 * connection ends.
 */
const bodies = new ByteSlab();

/** Most trailing bytes a sink may ask of a skipped record: a CBC block and an encrypt-then-MAC MAC (16 + 48). */
export const MAX_RECORD_TAIL = 64;


type State =
  /** Waiting for (the rest of) a 5-byte header. */
  | 'header'
  /** Collecting a wanted body into `body`. */
  | 'body'
  /** Passing over an unwanted body until `skipEnd`. */
  | 'skip'
  /** Reading the last `tailLength` bytes of a skipped body (see RecordSink.wantTail). */
  | 'tail'
  /** Not TLS, or sync lost: bytes are ignored until `startAt`. */
  | 'stopped';

/** Splits one direction's in-order bytes into TLS records. */
export class RecordStream {
  /** Counters: records delivered, body bytes the caller was told to skip unseen, and whether sync was lost. */
  readonly stats: { records: number; bytesSkipped: number; desynced: boolean } = { records: 0, bytesSkipped: 0, desynced: false };

  private readonly maxRecordLength: number;
  private state: State = 'header';
  /** Stream offset of the next byte to parse; null before the first chunk. */
  private pos: number | null = null;
  /** Offset before which bytes are plaintext (STARTTLS). */
  private startOffset = 0;
  /** The next header is the first of the stream (SSLv2 hello allowed, stricter check, `atStart`). */
  private atStart = true;

  /**
   * The bytes so far of a header that straddles chunks (most headers are read in place), as a
   * number: 5 bytes fit a double exactly, and nothing is copied or allocated.
   */
  private headerSoFar = 0;
  private headerFill = 0;
  private headerOffset = 0;
  private headerFrame = 0;
  private headerTime: Timestamp = ZERO_TIME;

  private current: RecordHeader | null = null;
  /** Set for an SSLv2 hello body instead of a record body. */
  private sslv2 = false;
  private body: Uint8Array = EMPTY;
  /** Capacity of `body` charged to the budget: a grown partial body; 0 for a whole-body copy handed on at once. */
  private charged = 0;
  private bodyFill = 0;
  /** Length of the wanted body being collected; `body` grows towards it as bytes arrive. */
  private bodyLength = 0;
  private skipEnd = 0;
  /** A skipped record is reported once, even if its bytes keep arriving. */
  private skipReported = false;
  /** Bytes of the skipped record's end still to be read after `skipEnd` (0: none wanted), and where they go. */
  private tailLength = 0;
  private tailFill = 0;
  private tail: Uint8Array = EMPTY;

  private readonly budget: TlsHeldBudget;

  constructor(
    private readonly sink: RecordSink,
    options: RecordStreamOptions = {},
  ) {
    this.maxRecordLength = options.maxRecordLength ?? TLS_DEFAULTS.maxRecordLength;
    this.budget = options.budget ?? unlimitedTlsBudget();
  }

  /** Drops a partial body and gives its capacity back (the connection ended). */
  release(): void {
    this.dropBody();
  }

  /** For STARTTLS: start parsing at this chunk offset (bytes before it are plaintext protocol). Also restarts a stopped stream there. */
  startAt(offset: number): void {
    this.startOffset = offset;
    this.pos = offset;
    this.state = 'header';
    this.headerFill = 0;
    this.headerSoFar = 0;
    this.current = null;
    this.sslv2 = false;
    this.dropBody();
    this.tailLength = 0;
    this.atStart = true;
    this.stats.desynced = false;
  }

  /** Feed in-order bytes. Returns how many bytes FOLLOWING this chunk the caller may skip unseen (the rest of a skipped record body), so the flow layer never buffers them; the stream accounts for them itself. */
  push(chunk: StreamChunk): number {
    const bytes = chunk.bytes;
    const chunkEnd = chunk.offset + bytes.length;
    if (this.state === 'stopped') return 0;
    if (this.pos === null) this.pos = Math.max(chunk.offset, this.startOffset);
    if (chunk.offset > this.pos) {
      // Bytes between pos and this chunk were never delivered: either the caller skipped them
      // as asked, or they are missing without a gap event.
      if (this.state === 'skip' && chunk.offset <= this.skipEnd) {
        this.pos = chunk.offset;
      } else {
        this.gap({ offset: this.pos, length: chunk.offset - this.pos, reason: 'not-captured', frame: chunk.frame, time: chunk.time });
        if (this.isStopped()) return 0;
      }
    }
    let i = Math.max(0, this.pos - chunk.offset);
    while (i < bytes.length && !this.isStopped()) {
      this.pos = chunk.offset + i;
      switch (this.state) {
        case 'header':
          i = this.onHeaderBytes(bytes, i, chunk);
          break;
        case 'body': {
          const take = Math.min(this.bodyLength - this.bodyFill, bytes.length - i);
          if (this.bodyFill === 0 && take === this.bodyLength) {
            // The whole body is in this chunk: one copy, nothing to grow.
            this.body = bodies.copy(bytes, i, i + take);
          } else if (this.reserveBody(this.bodyFill + take)) {
            this.body.set(bytes.subarray(i, i + take), this.bodyFill);
          } else {
            // The capture-wide budget is spent: pass the record over by its length instead.
            this.overBudget(chunk.frame, chunk.time);
            break;
          }
          this.bodyFill += take;
          i += take;
          if (this.bodyFill === this.bodyLength) this.finishBody(chunk.frame, chunk.time);
          break;
        }
        case 'skip': {
          const take = Math.min(this.skipEnd - (chunk.offset + i), bytes.length - i);
          i += take;
          if (chunk.offset + i >= this.skipEnd) this.finishSkip(chunk.frame, chunk.time, true);
          break;
        }
        case 'tail': {
          const take = Math.min(this.tailLength - this.tailFill, bytes.length - i);
          this.tail.set(bytes.subarray(i, i + take), this.tailFill);
          this.tailFill += take;
          i += take;
          if (this.tailFill === this.tailLength) this.finishTail(chunk.frame, chunk.time);
          break;
        }
      }
    }
    if (this.isStopped()) return 0;
    this.pos = Math.max(this.pos, chunkEnd);
    if (this.state === 'skip' && this.skipEnd > chunkEnd) {
      // The rest of this body may go by unseen: report the record now, with the last frame seen.
      const rest = this.skipEnd - chunkEnd;
      this.stats.bytesSkipped += rest;
      this.finishSkip(chunk.frame, chunk.time, false);
      return rest;
    }
    return 0;
  }

  /** Bytes missing: the current record is lost; the stream is desynchronised until it finds a record boundary it is sure of (e.g. the gap ended exactly at a known record end), otherwise it stays stopped and reports `tls.record.desync`. Never invent records. */
  gap(gap: StreamGap): void {
    if (this.state === 'stopped' || gap.length <= 0) return;
    const gapEnd = gap.offset + gap.length;
    if (this.pos === null) {
      // Nothing parsed yet: the first record may lie in the hole.
      if (gapEnd <= this.startOffset) return;
      this.desync(gap, 'the first bytes of the stream are missing');
      return;
    }
    if (gapEnd <= this.pos) return;
    const from = Math.max(gap.offset, this.pos);
    if (this.state === 'tail' || (this.state === 'skip' && this.tailLength > 0 && gapEnd > this.skipEnd)) {
      // The gap took (part of) the tail: the record is reported without it, and its end is still known.
      this.state = 'skip';
      this.skipEnd += this.tailLength;
      this.tailLength = 0;
    }
    if (this.state === 'skip') {
      if (gapEnd <= this.skipEnd) {
        // Inside a body nobody wanted: nothing is lost, and the record end is still known.
        this.pos = gapEnd;
        if (gapEnd === this.skipEnd) this.finishSkip(gap.frame, gap.time, true);
        return;
      }
      this.desync(gap, `${gapEnd - this.skipEnd} bytes after a record end are missing`);
      return;
    }
    if (this.state === 'body' && this.current !== null) {
      const recordEnd = this.current.offset + HEADER_LENGTH + this.current.length;
      const h = this.current;
      if (gapEnd <= recordEnd && !this.sslv2) {
        // The record's end is known from its header: lose this record only and stay in sync.
        this.sink.anomaly({
          code: 'tls.record.lost',
          severity: 'weird',
          message: `A ${h.length}-byte record of type ${h.contentType} lost ${gapEnd - from} bytes to a capture gap; it was dropped.`,
          frame: gap.frame,
          offset: h.offset,
        });
        this.dropBody();
        this.state = 'skip';
        this.skipEnd = recordEnd;
        this.skipReported = true;
        this.pos = gapEnd;
        if (gapEnd === recordEnd) this.finishSkip(gap.frame, gap.time, true);
        return;
      }
      this.desync(gap, 'the gap runs past the end of the record being read');
      return;
    }
    // Header state: whatever the hole held (part of a header, or whole records) cannot be delimited.
    this.desync(gap, this.headerFill > 0 ? 'the gap cut a record header' : 'the gap starts at a record boundary, so the records it held are unknown');
  }

  private isStopped(): boolean {
    // A method call, so the compiler does not narrow `state` across the gap() call in push().
    return this.state === 'stopped';
  }

  private desync(gap: StreamGap, why: string): void {
    this.state = 'stopped';
    this.stats.desynced = true;
    this.dropBody();
    this.current = null;
    this.sink.anomaly({
      code: 'tls.record.desync',
      severity: 'violation',
      message: `${gap.length} bytes are missing from the stream (${gap.reason}) and ${why}; record parsing stopped.`,
      frame: gap.frame,
      offset: gap.offset,
    });
  }

  /** Consumes header bytes from `bytes[i..]`; returns the new index. */
  private onHeaderBytes(bytes: Uint8Array, i: number, chunk: StreamChunk): number {
    // struct { u8 type; u16 version; u16 length; }: `rest` holds version and length.
    let b0: number, rest: number;
    let next: number;
    const type = this.headerFill === 0 ? u8At(bytes, i) : undefined;
    const tail = type === undefined ? undefined : u32At(bytes, i + 1);
    if (type !== undefined && tail !== undefined) {
      // Fast path: the whole header is in this chunk.
      b0 = type;
      rest = tail;
      this.headerOffset = chunk.offset + i;
      this.headerFrame = chunk.frame;
      this.headerTime = chunk.time;
      next = i + HEADER_LENGTH;
    } else {
      if (this.headerFill === 0) {
        this.headerOffset = chunk.offset + i;
        this.headerFrame = chunk.frame;
        this.headerTime = chunk.time;
      }
      const take = Math.min(HEADER_LENGTH - this.headerFill, bytes.length - i);
      for (const b of bytes.subarray(i, i + take)) this.headerSoFar = this.headerSoFar * 256 + b;
      this.headerFill += take;
      next = i + take;
      if (this.headerFill < HEADER_LENGTH) return next;
      rest = this.headerSoFar % 0x100000000;
      b0 = (this.headerSoFar - rest) / 0x100000000;
      this.headerSoFar = 0;
    }
    this.headerFill = 0;
    const b1 = rest >>> 24;
    const b2 = (rest >>> 16) & 0xff;
    const b3 = (rest >>> 8) & 0xff;
    const b4 = rest & 0xff;
    const length = rest & 0xffff;

    if (this.atStart && (isSslv2HelloHeader(b0, b1, b2, b3, b4) || isSslv2ServerHelloHeader(b0, b1, b2, b3, b4))) {
      this.atStart = false;
      this.sslv2 = true;
      const v2Length = ((b0 & 0x7f) << 8) | b1;
      this.current = { contentType: 0, version: 0x0002, length: v2Length, offset: this.headerOffset, frame: this.headerFrame, time: this.headerTime };
      // Grown as bytes arrive, like a record body: a header alone claiming 32 KiB costs nothing.
      this.dropBody();
      this.bodyLength = v2Length;
      this.state = 'body';
      if (!this.reserveBody(3)) {
        this.overBudget(chunk.frame, chunk.time);
        return next;
      }
      this.body.set([b2, b3, b4], 0);
      this.bodyFill = 3;
      if (this.bodyFill === this.bodyLength) this.finishBody(chunk.frame, chunk.time);
      return next;
    }

    const valid = this.atStart
      ? isFirstRecordHeader(b0, b1, b2, length, this.maxRecordLength)
      : b0 >= CONTENT_CCS && b0 <= CONTENT_TLS12_CID && b1 === 3 && b2 <= 4 && length <= this.maxRecordLength;
    if (!valid) {
      this.stopNotTls([b0, b1, b2, b3, b4], bytes, next, chunk, length);
      return bytes.length;
    }
    const wasStart = this.atStart;
    this.atStart = false;
    const header: RecordHeader = {
      contentType: b0,
      version: (b1 << 8) | b2,
      length,
      offset: this.headerOffset,
      frame: this.headerFrame,
      time: this.headerTime,
    };
    this.current = header;
    this.sslv2 = false;
    if (length === 0 && b0 !== CONTENT_APPLICATION_DATA) {
      // RFC 8446 §5.1: zero-length fragments of handshake, alert and CCS are forbidden.
      this.sink.anomaly({
        code: 'tls.record.empty',
        severity: 'weird',
        message: `A zero-length record of type ${b0} was sent.`,
        frame: header.frame,
        offset: header.offset,
      });
    }
    if (b0 === CONTENT_TLS12_CID && !wasStart) {
      this.sink.anomaly({
        code: 'tls.record.cid_unsupported',
        severity: 'weird',
        message: 'A tls12_cid record (RFC 9146) was seen on TCP; its body is not decoded.',
        frame: header.frame,
        offset: header.offset,
      });
    }
    if (this.sink.wantBody(header)) {
      // Allocated as bytes arrive: a header alone (on each of many half-open connections) costs nothing.
      this.dropBody();
      this.bodyLength = length;
      this.bodyFill = 0;
      this.state = 'body';
      if (length === 0) this.finishBody(chunk.frame, chunk.time);
    } else {
      const tail = Math.max(0, Math.min(this.sink.wantTail?.(header) ?? 0, MAX_RECORD_TAIL, length));
      this.state = 'skip';
      this.tailLength = tail;
      this.skipEnd = header.offset + HEADER_LENGTH + length - tail;
      this.skipReported = false;
      if (length === tail) this.finishSkip(chunk.frame, chunk.time, true);
    }
    return next;
  }

  private stopNotTls(headerBytes: number[], bytes: Uint8Array, next: number, chunk: StreamChunk, length: number): void {
    const sample = new Uint8Array(Math.min(NOT_TLS_SAMPLE, HEADER_LENGTH + (bytes.length - next)));
    sample.set(headerBytes.slice(0, sample.length), 0);
    if (sample.length > HEADER_LENGTH) sample.set(bytes.subarray(next, next + sample.length - HEADER_LENGTH), HEADER_LENGTH);
    const atStart = this.atStart;
    this.state = 'stopped';
    if (!atStart) {
      this.stats.desynced = true;
      const tooLong = headerBytes[0] !== undefined && headerBytes[0] >= CONTENT_CCS && headerBytes[0] <= CONTENT_TLS12_CID && headerBytes[1] === 3 && length > this.maxRecordLength;
      this.sink.anomaly(
        tooLong
          ? {
              code: 'tls.record.too_long',
              severity: 'violation',
              message: `A record header claims ${length} bytes, more than the ${this.maxRecordLength} allowed; record parsing stopped.`,
              frame: this.headerFrame,
              offset: this.headerOffset,
            }
          : {
              code: 'tls.record.bad_header',
              severity: 'violation',
              message: 'Bytes where a record header was expected are not a TLS record header; record parsing stopped.',
              frame: this.headerFrame,
              offset: this.headerOffset,
            },
      );
    }
    this.sink.notTls(sample, this.headerOffset, this.headerFrame, atStart);
  }

  /** Grows the body buffer to hold `size` bytes (doubling, never past the record length), charged to the budget; false when the budget refuses. */
  private reserveBody(size: number): boolean {
    const grown = this.budget.grow(this.body, this.bodyFill, size, 1024, this.bodyLength);
    if (grown === null) return false;
    if (grown !== this.body) {
      this.body = grown;
      this.charged = grown.length;
    }
    return true;
  }

  /** Forgets the body being collected and gives back what it was charged. */
  private dropBody(): void {
    this.budget.release(this.charged);
    this.charged = 0;
    this.body = EMPTY;
    this.bodyFill = 0;
  }

  /**
   * The budget cannot hold the rest of the body being collected: the record is passed over by
   * its length (the stream stays in sync), reported as an anomaly and through `dropped`.
   */
  private overBudget(frame: number, time: Timestamp): void {
    const h = this.current;
    this.dropBody();
    if (h === null) return;
    // An SSLv2 hello's length counts the bytes after its 2-byte header.
    const end = h.offset + (this.sslv2 ? 2 : HEADER_LENGTH) + h.length;
    this.sslv2 = false;
    this.state = 'skip';
    this.skipEnd = end;
    this.skipReported = true;
    this.tailLength = 0;
    this.sink.anomaly({
      code: 'tls.held_budget',
      severity: 'weird',
      message: `A ${h.length}-byte record could not be held: the bytes held by the TLS layer across all connections reached maxTotalTlsHeldBytes (${this.budget.maxBytes}); it was skipped by its length.`,
      frame,
      offset: h.offset,
    });
    // The caller goes on in the 'skip' state, which passes the rest of the body over.
    this.sink.dropped?.(h, frame, time);
  }

  private finishBody(endFrame: number, endTime: Timestamp): void {
    const h = this.current;
    const body = this.body.length === this.bodyFill ? this.body : this.body.slice(0, this.bodyFill);
    // The body is handed on: no longer held by the stream (when it was a slice, the grown buffer is garbage).
    this.budget.release(this.charged);
    this.charged = 0;
    this.body = EMPTY;
    this.bodyFill = 0;
    this.state = 'header';
    this.current = null;
    if (h === null) return;
    if (this.sslv2) {
      this.sslv2 = false;
      if (u8At(body, 0) === 4) this.sink.sslv2ServerHello?.(body, h.frame, h.time);
      else this.sink.sslv2ClientHello(body, h.frame, h.time);
      return;
    }
    this.stats.records++;
    this.sink.record(h, body, endFrame, endTime);
  }

  /** Reports a skipped record once; `done` when its last byte has been passed. */
  private finishSkip(endFrame: number, endTime: Timestamp, done: boolean): void {
    const h = this.current;
    if (this.tailLength > 0) {
      // The record is reported with its tail, once that is read.
      if (done) {
        if (this.tail.length < this.tailLength) this.tail = new Uint8Array(MAX_RECORD_TAIL);
        this.tailFill = 0;
        this.state = 'tail';
      }
      return;
    }
    if (done) {
      this.state = 'header';
      this.current = null;
    }
    if (this.skipReported || h === null) return;
    this.skipReported = true;
    this.stats.records++;
    this.sink.record(h, null, endFrame, endTime);
  }

  /** The tail of a skipped record is read: the record is reported with it. */
  private finishTail(endFrame: number, endTime: Timestamp): void {
    const h = this.current;
    const tail = this.tail.subarray(0, this.tailLength);
    this.tailLength = 0;
    this.state = 'header';
    this.current = null;
    if (h === null || this.skipReported) return;
    this.skipReported = true;
    this.stats.records++;
    this.sink.record(h, null, endFrame, endTime, tail);
  }
}
