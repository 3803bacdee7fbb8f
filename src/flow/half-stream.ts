/**
 * Reassembly of one direction of a TCP connection into an ordered byte stream.
 *
 * Offsets: 0 is the first byte after the SYN's sequence number (ISN + 1) or, without a SYN,
 * the first payload byte seen. Sequence numbers are mapped to offsets relative to the
 * delivery cursor with the helpers of `seq.ts`, so streams may cross 2^32 freely.
 *
 * Every byte offset below the cursor `next` is resolved exactly once, in order, as one of:
 * - delivered (`StreamChunk`, a view of the segment payload when it arrived in order, a copy
 *   when it was held out of order),
 * - reported missing (`StreamGap` with a reason),
 * - skipped at the consumer's request (`skip()`), silently, gaps included.
 *
 * Overlaps and retransmissions: **the first copy of each byte wins.** Bytes already delivered,
 * skipped or held are never replaced by a later segment that covers them again, even with
 * different contents; only the uncovered parts of a later segment are used. This makes the
 * output independent of how a sender re-packetizes its retransmissions, and deterministic for
 * inputs crafted to confuse (a receiving stack may resolve such conflicts otherwise; the
 * contents of overlaps are not compared, to keep retransmissions cheap).
 *
 * Gaps are never papered over. A hole is reported when it is known that the bytes will not
 * come: the peer acknowledged beyond it (`not-captured`), the snap length cut a payload
 * (`snap-length`), the out-of-order budget ran out (`out-of-order-limit`), or the connection
 * or capture ended with later data held (`capture-ended`, or `not-captured` after RST/idle).
 *
 * Counters: `bytes` counts bytes passed in order (delivered, or passed over while data is
 * ignored); inside ranges skipped by the consumer, and once data is ignored, the counters
 * follow the highest sequence number seen, so reordering and loss inside those ranges are not
 * told apart (that is the price of not tracking them). A segment is a retransmission when it
 * carries payload of which at least one byte had already been seen.
 *
 * Why one file of ~450 lines: the cursor, the held out-of-order segments and the gap rules are
 * one invariant ("every offset below `next` resolved exactly once"); split across files, each
 * piece would have to re-establish it. The class is the state; everything here mutates it.
 */
import type { Anomaly } from '../util/anomaly.js';
import type { Timestamp } from '../util/time.js';
import type { Direction, GapReason, StreamChunk, StreamGap } from './types.js';
import { seqToOffset } from './seq.js';

/** Where a half-stream sends what it produces (the connection). */
export interface StreamSink {
  data(direction: Direction, chunk: StreamChunk): void;
  gap(direction: Direction, gap: StreamGap): void;
  anomaly(anomaly: Anomaly): void;
}

/** Out-of-order bytes held across all connections, shared by every half-stream of a table. */
export interface HeldBudget {
  bytes: number;
  segments: number;
  readonly maxBytes: number;
  readonly maxSegments: number;
}

/**
 * Each held segment is also charged against a segment count of `maxBytes / HELD_SEGMENT_WEIGHT`,
 * so a flood of 1-byte segments cannot cost far more memory (in objects) than the byte bound says.
 */
export const HELD_SEGMENT_WEIGHT = 256;

/** Data farther ahead of the cursor than this cannot be in any TCP window (max 2^30 with scaling). */
const MAX_AHEAD = 0x4000_0000;

/** An out-of-order piece: copied bytes, or (bytes = null) a hole known from the snap length. */
interface HeldSegment {
  offset: number;
  end: number;
  bytes: Uint8Array | null;
  readonly frame: number;
  readonly time: Timestamp;
}

export class HalfStream {
  /** Whether offset 0 has been fixed (by a SYN, or the first payload or FIN seen). */
  baseKnown = false;
  /** Sequence number of offset 0. */
  private base = 0;
  /** Delivery cursor: every offset below it has been resolved. */
  next = 0;
  /** Highest offset + 1 seen in this direction (data, or acknowledged by the peer). */
  highest = 0;
  /** Offset of the FIN's sequence number, or -1. */
  finOffset = -1;
  /** The consumer asked for everything below this offset to be dropped. */
  private skipTo = 0;
  /** Set by `ignoreData()`: nothing is delivered or held any more. */
  ignored = false;
  private held: HeldSegment[] = [];
  private heldBytes = 0;
  private readonly maxHeldSegments: number;
  private beforeStartReported = false;
  private afterFinReported = false;
  private farAheadReported = false;
  private limitReported = false;

  /** Payload bytes passed in order (see the file header). */
  bytes = 0;
  /** Bytes reported as gaps. */
  missing = 0;
  retransmissions = 0;
  /** The sender advertised a zero window in its last segment. */
  zeroWindow = false;

  constructor(
    private readonly direction: Direction,
    private readonly sink: StreamSink,
    private readonly budget: HeldBudget,
    private readonly maxHeldBytes: number,
  ) {
    this.maxHeldSegments = Math.max(8, Math.floor(maxHeldBytes / HELD_SEGMENT_WEIGHT));
  }

  /** Fixes offset 0 at `seq` (ISN + 1 after a SYN). */
  setBase(seq: number): void {
    this.base = seq;
    this.baseKnown = true;
  }

  /** Sequence number of offset 0, once known. */
  get baseSeq(): number {
    return this.base;
  }

  /** Stream offset of a sequence number (base must be known). */
  offsetOf(seq: number): number {
    return seqToOffset(seq, this.base, this.next);
  }

  /**
   * A keep-alive: at most one byte at the sender's next sequence number minus one (after a FIN,
   * the FIN's own sequence number). Only a retransmission of the very last byte looks the same.
   */
  isKeepAlive(seq: number): boolean {
    if (!this.baseKnown) return false;
    const sndNext = this.finOffset >= 0 ? Math.max(this.highest, this.finOffset + 1) : this.highest;
    return this.offsetOf(seq) === sndNext - 1;
  }

  /** Nothing is held and the FIN, if any, has been reached. */
  get finished(): boolean {
    return this.finOffset >= 0 && (this.ignored || (this.next >= this.finOffset && this.held.length === 0));
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** The consumer's `skip(direction, n)`: takes effect from the current cursor (or pending skip). */
  requestSkip(n: number): void {
    if (!(n > 0)) return;
    this.skipTo = Math.max(this.skipTo, this.next) + Math.floor(n);
  }

  /** The consumer's `ignoreData()`: drops what is held; from now on only counters move. */
  ignore(): void {
    if (this.ignored) return;
    this.ignored = true;
    for (const h of this.held) {
      if (h.bytes !== null) this.bytes += h.bytes.length;
      this.release(h);
    }
    this.held = [];
    if (this.highest > this.next) this.next = this.highest;
  }

  /**
   * One segment's payload: `payload` captured at sequence `seq`, followed by `missing` bytes
   * the snap length cut off.
   */
  addData(seq: number, payload: Uint8Array, missing: number, frame: number, time: Timestamp): void {
    if (!this.baseKnown) this.setBase(seq);
    // A pending skip moves the cursor first, so offsets are computed near where they will land.
    this.settle();
    const s = this.offsetOf(seq);
    const capEnd = s + payload.length;
    let e = capEnd + missing;
    if (e <= 0) {
      if (!this.beforeStartReported) {
        this.beforeStartReported = true;
        this.anomaly('tcp.data_before_stream_start', 'Data arrived for bytes before the first byte of the stream seen; they cannot be placed.', frame, s);
      }
      return;
    }
    if (s - this.next > MAX_AHEAD) {
      if (!this.farAheadReported) {
        this.farAheadReported = true;
        this.anomaly('tcp.seq_out_of_window', 'A segment lies farther ahead than any TCP window allows; it was dropped.', frame, s);
      }
      return;
    }
    if (this.finOffset >= 0 && e > this.finOffset) {
      if (!this.afterFinReported) {
        this.afterFinReported = true;
        this.anomaly('tcp.data_after_fin', 'Data arrived beyond the sequence number of the FIN; it was dropped.', frame, this.finOffset);
      }
      e = this.finOffset;
      if (s >= e) return;
    }
    const hPrev = this.highest;
    if (e > this.highest) this.highest = e;

    if (this.ignored) {
      // Counters only: progress of the highest sequence seen.
      const from = Math.max(s, hPrev);
      if (capEnd > from) this.bytes += capEnd - from;
      if (payload.length > 0 && s < hPrev) this.retransmissions++;
      if (e > this.next) this.next = e;
      return;
    }

    let seen = false;
    let pos = Math.max(s, 0);
    while (pos < e) {
      if (this.skipTo > this.next) this.applySkip();
      if (pos < this.next) {
        // Below the cursor: delivered, reported or skipped already. Only a skip can have
        // moved the cursor past bytes never seen (those beyond the highest seen before).
        const upTo = Math.min(e, this.next);
        if (pos < hPrev) seen = true;
        const fresh = Math.min(upTo, capEnd) - Math.max(pos, hPrev);
        if (fresh > 0) this.bytes += fresh;
        pos = upTo;
        continue;
      }
      const i = this.firstHeldEndingAfter(pos);
      const h = this.held[i];
      if (h !== undefined && h.offset <= pos) {
        seen = true; // first copy wins: the held bytes stay
        pos = Math.min(e, h.end);
        continue;
      }
      const limit = h === undefined ? e : Math.min(e, h.offset);
      if (pos === this.next) {
        if (pos < capEnd) {
          const end = Math.min(limit, capEnd);
          this.next = end;
          this.bytes += end - pos;
          // The whole payload in order (the common case) is passed as it came, without a new view.
          const bytes = pos === s && end === capEnd ? payload : payload.subarray(pos - s, end - s);
          this.sink.data(this.direction, { bytes, offset: pos, frame, time });
          pos = end;
        } else {
          this.next = limit;
          this.reportGap(pos, limit, 'snap-length', frame, time);
          pos = limit;
        }
        this.drainHeld();
      } else {
        this.hold(i, pos, limit, s, capEnd, payload, frame, time);
        pos = limit;
      }
    }
    if (seen && payload.length > 0) this.retransmissions++;
    this.enforceLimits(frame, time);
  }

  /** A FIN at sequence number `seq` (the sequence number the FIN occupies). */
  addFin(seq: number, frame: number): void {
    if (!this.baseKnown) this.setBase(seq);
    this.settle();
    const off = this.offsetOf(seq);
    if (this.finOffset < 0) {
      if (off < this.next && !this.ignored) {
        // A FIN below data already resolved (only a skip past the end can do this).
        this.finOffset = this.next;
      } else {
        this.finOffset = Math.max(off, 0);
      }
    } else if (off !== this.finOffset) {
      this.anomaly('tcp.fin_seq_changed', 'A second FIN carries a different sequence number than the first; the first is kept.', frame, off);
    }
  }

  /**
   * The peer acknowledged everything below `ack`: any hole below it will never be filled from
   * this capture, so it is reported as `not-captured` and the data held after it is delivered.
   */
  ackedTo(ack: number, frame: number, time: Timestamp): void {
    if (!this.baseKnown || this.ignored) return;
    this.settle();
    let a = this.offsetOf(ack);
    if (this.finOffset >= 0 && a > this.finOffset) a = this.finOffset; // the FIN's own sequence number
    if (a <= this.next || a - this.next > MAX_AHEAD) return;
    if (a > this.highest) this.highest = a;
    this.resolveTo(a, 'not-captured', frame, time);
  }

  /**
   * Gives up every hole: those before held data, and the one before a FIN seen. Used when the
   * connection or the capture ends.
   */
  flush(reason: GapReason, frame: number, time: Timestamp): void {
    if (this.ignored) return;
    const last = this.held[this.held.length - 1];
    let to = last === undefined ? this.next : last.end;
    if (this.finOffset > to) to = this.finOffset;
    if (to > this.next) this.resolveTo(to, reason, frame, time);
  }

  private release(h: HeldSegment): void {
    const n = h.bytes === null ? 0 : h.bytes.length;
    this.heldBytes -= n;
    this.budget.bytes -= n;
    this.budget.segments--;
  }

  /** Applies a skip requested outside a data callback, delivering what it made contiguous. */
  settle(): void {
    if (!this.ignored && this.skipTo > this.next) this.drainHeld();
  }

  private resolveTo(to: number, reason: GapReason, frame: number, time: Timestamp): void {
    while (this.next < to) {
      if (this.ignored) return;
      if (this.skipTo > this.next) {
        this.applySkip();
        continue;
      }
      const h = this.held[0];
      if (h !== undefined && h.offset <= this.next) {
        this.drainHeld();
        continue;
      }
      const gapEnd = h === undefined ? to : Math.min(to, h.offset);
      const from = this.next;
      this.next = gapEnd;
      this.reportGap(from, gapEnd, reason, frame, time);
    }
    this.drainHeld();
  }

  /** Delivers held pieces that have become contiguous with the cursor. */
  private drainHeld(): void {
    for (;;) {
      if (this.ignored) return;
      if (this.skipTo > this.next) this.applySkip();
      const h = this.held[0];
      if (h === undefined || h.offset > this.next) return;
      this.held.shift();
      this.release(h);
      const from = this.next;
      this.next = h.end;
      if (h.bytes === null) {
        this.reportGap(from, h.end, 'snap-length', h.frame, h.time);
      } else {
        const bytes = from > h.offset ? h.bytes.subarray(from - h.offset) : h.bytes;
        this.bytes += bytes.length;
        this.sink.data(this.direction, { bytes, offset: from, frame: h.frame, time: h.time });
      }
    }
  }

  /** Moves the cursor to the pending skip target, dropping held data below it. */
  private applySkip(): void {
    const to = this.skipTo;
    while (this.held.length > 0) {
      const h = this.held[0];
      if (h === undefined || h.offset >= to) break;
      if (h.end <= to) {
        this.held.shift();
        this.release(h);
        if (h.bytes !== null) this.bytes += h.bytes.length;
      } else {
        const cut = to - h.offset;
        if (h.bytes !== null) {
          this.bytes += cut;
          this.heldBytes -= cut;
          this.budget.bytes -= cut;
          h.bytes = h.bytes.subarray(cut);
        }
        h.offset = to;
      }
    }
    this.next = to;
  }

  private reportGap(from: number, to: number, reason: GapReason, frame: number, time: Timestamp): void {
    const length = to - from;
    if (length <= 0) return;
    this.missing += length;
    this.sink.gap(this.direction, { offset: from, length, reason, frame, time });
  }

  /** Index of the first held piece whose end is beyond `pos` (held is sorted and disjoint). */
  private firstHeldEndingAfter(pos: number): number {
    let lo = 0;
    let hi = this.held.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.held[mid];
      if (m !== undefined && m.end <= pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Holds [from, to) of a segment at index `i`: captured bytes copied, the snap-cut rest as a marker. */
  private hold(i: number, from: number, to: number, s: number, capEnd: number, payload: Uint8Array, frame: number, time: Timestamp): void {
    if (from < capEnd) {
      const end = Math.min(to, capEnd);
      const bytes = payload.slice(from - s, end - s);
      this.held.splice(i, 0, { offset: from, end, bytes, frame, time });
      this.heldBytes += bytes.length;
      this.budget.bytes += bytes.length;
      this.budget.segments++;
      i++;
      from = end;
    }
    if (from < to) {
      this.held.splice(i, 0, { offset: from, end: to, bytes: null, frame, time });
      this.budget.segments++;
    }
  }

  private overBudget(): boolean {
    return (
      this.heldBytes > this.maxHeldBytes ||
      this.held.length > this.maxHeldSegments ||
      this.budget.bytes > this.budget.maxBytes ||
      this.budget.segments > this.budget.maxSegments
    );
  }

  /** Past a bound, the earliest hole is given up so the data held after it can go. */
  private enforceLimits(frame: number, time: Timestamp): void {
    while (this.held.length > 0 && this.overBudget()) {
      const h = this.held[0];
      if (h === undefined) break;
      if (!this.limitReported) {
        // Once per direction: the gaps that follow say how much was given up.
        this.limitReported = true;
        this.anomaly(
          'tcp.out_of_order_limit',
          `More out-of-order data was waiting for a hole than the limits allow (maxOutOfOrderBytes ${this.maxHeldBytes}, or the table-wide budget); the hole was given up as a gap.`,
          frame,
          h.offset,
        );
      }
      this.resolveTo(h.offset, 'out-of-order-limit', frame, time);
    }
  }

  /** Frees everything held without delivering it. */
  drop(): void {
    for (const h of this.held) this.release(h);
    this.held = [];
  }

  private anomaly(code: string, message: string, frame: number, offset: number): void {
    this.sink.anomaly({ code, severity: 'weird', message, frame, direction: this.direction, offset });
  }
}
