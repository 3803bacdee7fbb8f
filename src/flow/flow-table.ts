/**
 * The connection table: TCP segments in, per-connection ordered byte streams out.
 *
 * Connections are keyed by the 4-tuple; both directions map to one entry. A connection ends
 * on RST, on FIN both ways once nothing is pending, after `idleTimeoutSeconds` of silence
 * (capture time), when `maxConnections` forces the least recently active one out, or at
 * `finish()`. After a FIN or RST end, the 4-tuple lingers as a tombstone (no buffers) for
 * `closedLingerSeconds` (the `maxClosedConnections` most recent at most), so trailing ACKs and
 * retransmitted FINs/RSTs are only counted; a SYN with a new initial sequence number starts a
 * new connection at once.
 *
 * Ordering guarantee: for one connection, handler calls happen in capture order; data a
 * segment makes deliverable is delivered during the `addSegment` call that carried it; the
 * handler's `onEnd` is called exactly once, as soon as the connection ends, and the
 * connection's buffers are freed at that moment.
 *
 * Cost per segment: a slot chosen by its two ports holds the connection a segment of that port
 * pair last went to; when it is this segment's (nearly always: two open connections rarely share
 * the slot), four comparisons. Otherwise a 31-bit hash of the 4-tuple (the address strings'
 * characters and the ports, nothing allocated) and one Map lookup by that number, whose few
 * colliding connections are told apart by their endpoints.
 * In-order data is passed as views of the segment payload; only out-of-order data is copied,
 * within the bounds.
 */
import { TcpFlag } from '../decode/types.js';
import type { TcpSegment } from '../decode/types.js';
import { Connection, directionIn } from './connection.js';
import type { ConnectionLimits, EndCause } from './connection.js';
import { HELD_SEGMENT_WEIGHT } from './half-stream.js';
import { nonNegative } from '../util/limit-value.js';
import type { HeldBudget } from './half-stream.js';
import type { ConnectionHandlerFactory, FlowStats, FlowTableOptions } from './types.js';

/** Defaults of `FlowTableOptions`, with what each costs. */
export const FLOW_DEFAULTS = Object.freeze({
  /** Per direction; memory for out-of-order data of one stream. */
  maxOutOfOrderBytes: 4 * 1024 * 1024,
  /** Across all connections; the hard memory bound of reassembly. */
  maxTotalOutOfOrderBytes: 256 * 1024 * 1024,
  /** Each open connection holds two half-streams, counters and its consumer's state. */
  maxConnections: 100_000,
  idleTimeoutSeconds: 600,
  maxEventsPerConnection: 64,
  /** TCP anomalies listed per connection (its TLS layer lists as many again); the rest are counted by code. */
  maxConnectionAnomalies: 100,
  closedLingerSeconds: 60,
  /** A tombstone is ~150 bytes with its map entry. */
  maxClosedConnections: 16_384,
} as const);

/** What is remembered of a connection that ended by FIN or RST (flat: one small object each). */
interface Tombstone {
  readonly key: number;
  readonly initIp: string;
  readonly initPort: number;
  readonly respIp: string;
  readonly respPort: number;
  /** The next tombstone whose 4-tuple has the same hash. */
  bucketNext: Tombstone | null;
  readonly syn0: number | null;
  readonly syn1: number | null;
  readonly until: number;
  /** Neighbours in burial order, so the oldest is found and any one is forgotten in O(1). */
  older: Tombstone | null;
  newer: Tombstone | null;
}

/**
 * Slots of the port-pair cache (a power of two). A segment's slot is its two ports XORed, the same
 * both ways: connections to one server port take distinct slots while their client ports differ
 * in the low 10 bits. A handful of recent connections was not enough: on a busy server's capture
 * the flights of ~8 connections interleave, and four slots filled in turn missed every segment.
 */
const PORT_SLOTS = 1024;

/** The port-pair cache slot of a segment, or of a connection's two endpoints. */
function portSlot(portA: number, portB: number): number {
  return (portA ^ portB) & (PORT_SLOTS - 1);
}

/** How often (capture seconds) the idle sweep looks at the least recently active connections. */
const SWEEP_INTERVAL_SECONDS = 1;

/** A segment's capture time in seconds, as the table compares it. */
export function segmentSeconds(seg: Pick<TcpSegment, 'time'>): number {
  return seg.time.sec + seg.time.nsec / 1e9;
}

/**
 * When the idle sweep runs: at the first TCP segment at or past each interval. Kept apart so a
 * caller that splits the segments among several tables can run every table's sweep at the same
 * segment as one table would.
 */
export class SweepSchedule {
  private next = -Infinity;

  /** True when a segment at `now` (seconds) sweeps; the next sweep is then an interval later. */
  due(now: number): boolean {
    if (now < this.next) return false;
    this.next = now + SWEEP_INTERVAL_SECONDS;
    return true;
  }
}

/** FNV-1a over an endpoint's address characters, then its port. */
function endpointHash(ip: string, port: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < ip.length; i++) h = Math.imul(h ^ ip.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ port, 0x01000193) >>> 0;
}

/**
 * Map key of a segment's connection, the same for both directions: a hash of the two endpoints
 * taken in a fixed order. It fits V8's small integers (31 bits), which a Map hashes and
 * compares without allocating; connections whose 4-tuples collide share a bucket.
 */
export function flowHash(seg: Pick<TcpSegment, 'src' | 'srcPort' | 'dst' | 'dstPort'>): number {
  const x = endpointHash(seg.src, seg.srcPort);
  const y = endpointHash(seg.dst, seg.dstPort);
  const lo = x < y ? x : y;
  const hi = x < y ? y : x;
  return (Math.imul(lo, 0x9e3779b1) ^ hi) & 0x3fffffff;
}

/**
 * Takes `item` out of its bucket of `map` (buckets are linked through `bucketNext`, the head in
 * the map); false when it was not there.
 */
function removeFromBucket<T extends { bucketNext: T | null }>(map: Map<number, T>, key: number, item: T): boolean {
  const head = map.get(key);
  let removed = false;
  if (head === item) {
    if (item.bucketNext === null) map.delete(key);
    else map.set(key, item.bucketNext);
    removed = true;
  } else if (head !== undefined) {
    let prev = head;
    while (prev.bucketNext !== null && prev.bucketNext !== item) prev = prev.bucketNext;
    if (prev.bucketNext === item) {
      prev.bucketNext = item.bucketNext;
      removed = true;
    }
  }
  item.bucketNext = null;
  return removed;
}

export class FlowTable {
  /** Open connections by 4-tuple hash: the first of a bucket, linked through `bucketNext`. */
  private readonly open = new Map<number, Connection>();
  private openCount = 0;
  /**
   * By port-pair slot (`portSlot`), the open connection a segment of that slot last went to:
   * asked before the 4-tuple is hashed, and emptied when its connection leaves the open table.
   */
  private readonly byPorts: (Connection | null)[] = new Array<Connection | null>(PORT_SLOTS).fill(null);
  /**
   * The same connections in a list, least recently active first (moved to the end on activity):
   * linked through the connections themselves, so activity costs no map operation.
   */
  private oldest: Connection | null = null;
  private newest: Connection | null = null;
  /**
   * Recently closed 4-tuples, also linked oldest first: finding the oldest by iterating the map
   * from its start walks every slot that deletions left behind, a cost that grew with the
   * number of connections closed.
   */
  private readonly closed = new Map<number, Tombstone>();
  private closedCount = 0;
  private oldestTomb: Tombstone | null = null;
  private newestTomb: Tombstone | null = null;
  private readonly budget: HeldBudget;
  private readonly limits: ConnectionLimits;
  private readonly maxConnections: number;
  private readonly idleTimeout: number;
  private readonly linger: number;
  private readonly maxClosed: number;
  private nextId = 1;
  private segments = 0;
  private evicted = 0;
  private late = 0;
  /** null: the caller runs the sweep with `sweep(now)` (see `SweepSchedule`). */
  private readonly schedule: SweepSchedule | null;

  /**
   * @param factory called once per connection, at its first packet, for its consumer.
   * @param options limits; see `FLOW_DEFAULTS`.
   * @param sweep 'external' when the caller calls `sweep` itself, at the segments its own `SweepSchedule` names.
   */
  constructor(
    private readonly factory: ConnectionHandlerFactory,
    options: FlowTableOptions = {},
    sweep: 'internal' | 'external' = 'internal',
  ) {
    this.schedule = sweep === 'internal' ? new SweepSchedule() : null;
    const maxTotal = positive(options.maxTotalOutOfOrderBytes, FLOW_DEFAULTS.maxTotalOutOfOrderBytes);
    this.budget = {
      bytes: 0,
      segments: 0,
      maxBytes: maxTotal,
      maxSegments: Math.max(8, Math.floor(maxTotal / HELD_SEGMENT_WEIGHT)),
    };
    this.limits = {
      maxOutOfOrderBytes: positive(options.maxOutOfOrderBytes, FLOW_DEFAULTS.maxOutOfOrderBytes),
      maxEventsPerConnection: nonNegative(options.maxEventsPerConnection, FLOW_DEFAULTS.maxEventsPerConnection),
      maxConnectionAnomalies: Math.floor(nonNegative(options.maxConnectionAnomalies, FLOW_DEFAULTS.maxConnectionAnomalies)),
    };
    this.maxConnections = Math.max(1, Math.floor(positive(options.maxConnections, FLOW_DEFAULTS.maxConnections)));
    this.idleTimeout = positive(options.idleTimeoutSeconds, FLOW_DEFAULTS.idleTimeoutSeconds);
    this.linger = nonNegative(options.closedLingerSeconds, FLOW_DEFAULTS.closedLingerSeconds);
    this.maxClosed = Math.floor(nonNegative(options.maxClosedConnections, FLOW_DEFAULTS.maxClosedConnections));
  }

  /** Feeds one decoded TCP segment, in capture order. */
  addSegment(seg: TcpSegment): void {
    this.segments++;
    const now = segmentSeconds(seg);
    if (this.schedule?.due(now) === true) this.sweep(now);
    let conn: Connection | undefined;
    let d: -1 | 0 | 1 = -1;
    let key = -1;
    const slot = portSlot(seg.srcPort, seg.dstPort);
    const cached = this.byPorts[slot];
    if (cached !== null && cached !== undefined) {
      d = cached.directionIfOwn(seg);
      if (d >= 0) conn = cached;
    }
    if (conn === undefined) {
      key = flowHash(seg);
      for (let c: Connection | null = this.open.get(key) ?? null; c !== null; c = c.bucketNext) {
        d = c.directionIfOwn(seg);
        if (d >= 0) {
          conn = c;
          break;
        }
      }
    }
    if (conn !== undefined) {
      if (now - conn.lastSec > this.idleTimeout) {
        this.endOpen(conn, 'idle', null);
        conn = undefined;
      } else if (conn.closing && (seg.flags & TcpFlag.SYN) !== 0 && isNewSyn(conn.synSeq[d === 0 ? 0 : 1], seg.seq)) {
        // Port reuse while the old connection still waits for a hole before its FIN.
        this.endOpen(conn, 'fin', seg);
        conn = undefined;
      } else if (conn !== this.newest) {
        this.unlink(conn);
        this.append(conn);
      }
    }
    if (conn === undefined) {
      if (key < 0) key = flowHash(seg);
      const tomb = this.findTomb(key, seg);
      if (tomb !== null) {
        const td = directionIn(seg, tomb.initIp, tomb.initPort, tomb.respIp, tomb.respPort);
        if ((seg.flags & TcpFlag.SYN) === 0 || !isNewSyn(td === 0 ? tomb.syn0 : tomb.syn1, seg.seq)) {
          this.late++;
          return;
        }
        this.forget(tomb);
      }
      conn = new Connection(key, this.nextId++, seg, now, this.factory, this.budget, this.limits);
      conn.bucketNext = this.open.get(key) ?? null;
      this.open.set(key, conn);
      this.openCount++;
      this.append(conn);
      if (this.openCount > this.maxConnections) this.evictOldest(seg);
      d = conn.directionOf(seg);
    }
    this.byPorts[slot] = conn;
    if (conn.add(seg, d === 0 ? 0 : 1, now)) {
      this.removeOpen(conn);
      this.unlink(conn);
      this.bury(conn, now);
    }
  }

  /** Takes an open connection out of its bucket. */
  private removeOpen(conn: Connection): void {
    const slot = portSlot(conn.info.initiator.port, conn.info.responder.port);
    if (this.byPorts[slot] === conn) this.byPorts[slot] = null;
    if (removeFromBucket(this.open, conn.key, conn)) this.openCount--;
  }

  /** The tombstone of a segment's 4-tuple, or null. */
  private findTomb(key: number, seg: Pick<TcpSegment, 'src' | 'srcPort' | 'dst' | 'dstPort'>): Tombstone | null {
    for (let t = this.closed.get(key) ?? null; t !== null; t = t.bucketNext) {
      if (directionIn(seg, t.initIp, t.initPort, t.respIp, t.respPort) >= 0) return t;
    }
    return null;
  }

  /** End of capture: gives up open holes (`capture-ended`) and ends every open connection. */
  finish(): void {
    for (let conn = this.oldest; conn !== null; conn = conn.lruNext) conn.end('open', conn.lastFrame, conn.lastTime);
    this.open.clear();
    this.openCount = 0;
    this.byPorts.fill(null);
    this.closed.clear();
    this.closedCount = 0;
    this.oldestTomb = this.newestTomb = null;
    this.oldest = null;
    this.newest = null;
  }

  stats(): FlowStats {
    return {
      connections: this.nextId - 1,
      open: this.openCount,
      segments: this.segments,
      evicted: this.evicted,
      outOfOrderBytesHeld: this.budget.bytes,
      lateSegments: this.late,
    };
  }

  /** Ends idle connections and forgets expired tombstones, oldest first (`now` in capture seconds). */
  sweep(now: number): void {
    for (let conn = this.oldest; conn !== null && now - conn.lastSec > this.idleTimeout; conn = this.oldest) {
      this.endOpen(conn, 'idle', null);
    }
    while (this.oldestTomb !== null && this.oldestTomb.until < now) this.forget(this.oldestTomb);
  }

  private evictOldest(seg: TcpSegment): void {
    const conn = this.oldest;
    if (conn !== null) {
      this.evicted++;
      conn.anomaly({
        code: 'flow.evicted',
        severity: 'weird',
        message: `More than ${this.maxConnections} connections were open at once; this least recently active one was ended early.`,
        frame: seg.frame,
      });
      this.endOpen(conn, 'evicted', seg);
    }
  }

  /**
   * Ends an open connection for a reason of the table's own (idle, evicted, replaced); `seg` is
   * the segment that ended it, null when silence did (it then ends at its own last packet).
   */
  private endOpen(conn: Connection, cause: EndCause, seg: TcpSegment | null): void {
    this.removeOpen(conn);
    this.unlink(conn);
    if (seg === null) {
      conn.end(cause, conn.lastFrame, conn.lastTime);
    } else {
      conn.end(cause, seg.frame, seg.time);
    }
  }

  private append(conn: Connection): void {
    conn.lruPrev = this.newest;
    conn.lruNext = null;
    if (this.newest !== null) this.newest.lruNext = conn;
    else this.oldest = conn;
    this.newest = conn;
  }

  private unlink(conn: Connection): void {
    const { lruPrev: prev, lruNext: next } = conn;
    if (prev !== null) prev.lruNext = next;
    else if (this.oldest === conn) this.oldest = next;
    if (next !== null) next.lruPrev = prev;
    else if (this.newest === conn) this.newest = prev;
    conn.lruPrev = null;
    conn.lruNext = null;
  }

  private bury(conn: Connection, now: number): void {
    if (this.linger <= 0 || this.maxClosed <= 0) return;
    // No tombstone of this 4-tuple exists to replace: a 4-tuple is never open and buried at once.
    // A connection is only made after `addSegment` looked for its 4-tuple's tombstone and either
    // dropped the segment as late or forgot the tombstone for a new SYN.
    const { initiator, responder } = conn.info;
    const tomb: Tombstone = {
      key: conn.key,
      initIp: initiator.ip,
      initPort: initiator.port,
      respIp: responder.ip,
      respPort: responder.port,
      bucketNext: this.closed.get(conn.key) ?? null,
      syn0: conn.synSeq[0],
      syn1: conn.synSeq[1],
      until: now + this.linger,
      older: this.newestTomb,
      newer: null,
    };
    this.closed.set(conn.key, tomb);
    this.closedCount++;
    if (this.newestTomb === null) this.oldestTomb = tomb;
    else this.newestTomb.newer = tomb;
    this.newestTomb = tomb;
    if (this.closedCount > this.maxClosed && this.oldestTomb !== null) this.forget(this.oldestTomb);
  }

  private forget(tomb: Tombstone): void {
    if (removeFromBucket(this.closed, tomb.key, tomb)) this.closedCount--;
    if (tomb.older === null) this.oldestTomb = tomb.newer;
    else tomb.older.newer = tomb.newer;
    if (tomb.newer === null) this.newestTomb = tomb.older;
    else tomb.newer.older = tomb.older;
    tomb.older = tomb.newer = null;
  }
}

/** A SYN whose sequence number differs from the one that direction used before starts anew. */
function isNewSyn(previous: number | null, seq: number): boolean {
  return previous !== seq;
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
