/**
 * One TCP connection: two half-streams, the TCP events, the counters, and the consumer.
 *
 * Within one segment the consumer hears, in this order: SYN / SYN-ACK, zero-window and
 * keep-alive events; gaps of the other direction that this segment's ACK reveals; this
 * segment's data (and the held data it made contiguous); FIN / RST events; then `onEnd` if the
 * segment ended the connection.
 */
import { AnomalyLog } from '../util/anomaly.js';
import type { Anomaly } from '../util/anomaly.js';
import type { Timestamp } from '../util/time.js';
import { TcpFlag } from '../decode/types.js';
import type { TcpSegment } from '../decode/types.js';
import { HalfStream } from './half-stream.js';
import type { HeldBudget, StreamSink } from './half-stream.js';
import { seqAdd } from './seq.js';
import type {
  ConnectionControl,
  ConnectionHandler,
  ConnectionHandlerFactory,
  ConnectionInfo,
  ConnectionSummary,
  Direction,
  GapReason,
  StreamChunk,
  StreamGap,
  TcpEnd,
  TcpEvent,
  TcpEventKind,
} from './types.js';

const SYN_FIN_RST = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;

/** Limits a connection needs from the table's options. */
export interface ConnectionLimits {
  readonly maxOutOfOrderBytes: number;
  readonly maxEventsPerConnection: number;
  readonly maxConnectionAnomalies: number;
}

/** Why a connection ended, before it is turned into a `TcpEnd`. */
export type EndCause = 'fin' | 'rst' | 'open' | 'idle' | 'evicted';

/** 0 when the segment goes from `initIp:initPort` to `respIp:respPort`, 1 the other way, -1 when it is not theirs. */
export function directionIn(seg: Pick<TcpSegment, 'src' | 'srcPort' | 'dst' | 'dstPort'>, initIp: string, initPort: number, respIp: string, respPort: number): -1 | 0 | 1 {
  if (seg.srcPort === initPort && seg.dstPort === respPort && seg.src === initIp && seg.dst === respIp) return 0;
  if (seg.srcPort === respPort && seg.dstPort === initPort && seg.src === respIp && seg.dst === initIp) return 1;
  return -1;
}

export class Connection implements StreamSink {
  readonly info: ConnectionInfo;
  readonly handler: ConnectionHandler;
  private readonly streams: readonly [HalfStream, HalfStream];
  private readonly initIp: string;
  private readonly initPort: number;
  private readonly respIp: string;
  private readonly respPort: number;
  lastFrame: number;
  lastTime: Timestamp;
  /** `lastTime` in seconds, for the idle check. */
  lastSec: number;
  private readonly packets: [number, number] = [0, 0];
  /** Raw sequence numbers of each direction's first SYN (or SYN/ACK), for port-reuse checks. */
  readonly synSeq: [number | null, number | null] = [null, null];
  private synFrame: number | null = null;
  private synAckFrame: number | null = null;
  private synAckDirection: Direction = 1;
  private synAckSeq = 0;
  private ackFrame: number | null = null;
  private readonly events: TcpEvent[] = [];
  private readonly anomalies: AnomalyLog;
  private firstFin: { by: Direction; frame: number; time: Timestamp } | null = null;
  private rst: { by: Direction; frame: number; time: Timestamp } | null = null;
  private ended = false;
  private isnChangeReported = false;
  /** Neighbours in the table's least-recently-active list (maintained by the table). */
  lruPrev: Connection | null = null;
  lruNext: Connection | null = null;
  /** The next open connection whose 4-tuple has the same hash (maintained by the table). */
  bucketNext: Connection | null = null;

  constructor(
    /** The table's hash of the 4-tuple. */
    readonly key: number,
    id: number,
    seg: TcpSegment,
    now: number,
    factory: ConnectionHandlerFactory,
    budget: HeldBudget,
    private readonly limits: ConnectionLimits,
  ) {
    const synAck = (seg.flags & (TcpFlag.SYN | TcpFlag.ACK)) === (TcpFlag.SYN | TcpFlag.ACK);
    // A SYN/ACK alone means its receiver opened the connection.
    const fromInitiator = !synAck;
    this.initIp = fromInitiator ? seg.src : seg.dst;
    this.initPort = fromInitiator ? seg.srcPort : seg.dstPort;
    this.respIp = fromInitiator ? seg.dst : seg.src;
    this.respPort = fromInitiator ? seg.dstPort : seg.srcPort;
    const src = { ip: seg.src, port: seg.srcPort };
    const dst = { ip: seg.dst, port: seg.dstPort };
    this.info = {
      id,
      initiator: fromInitiator ? src : dst,
      responder: fromInitiator ? dst : src,
      synSeen: (seg.flags & TcpFlag.SYN) !== 0,
      firstFrame: seg.frame,
      firstTime: seg.time,
    };
    this.lastFrame = seg.frame;
    this.lastTime = seg.time;
    this.lastSec = now;
    this.streams = [new HalfStream(0, this, budget, limits.maxOutOfOrderBytes), new HalfStream(1, this, budget, limits.maxOutOfOrderBytes)];
    this.anomalies = new AnomalyLog(limits.maxConnectionAnomalies, 'maxConnectionAnomalies');
    const control: ConnectionControl = {
      skip: (direction: Direction, bytes: number): void => {
        if (direction === 0 || direction === 1) this.streams[direction].requestSkip(bytes);
      },
      ignoreData: (): void => {
        this.streams[0].ignore();
        this.streams[1].ignore();
      },
    };
    this.handler = factory(this.info, control);
  }

  /** Direction of a segment of this connection. */
  directionOf(seg: TcpSegment): Direction {
    return seg.srcPort === this.initPort && seg.src === this.initIp ? 0 : 1;
  }

  /** The segment's direction when it belongs to this connection's 4-tuple, else -1. */
  directionIfOwn(seg: TcpSegment): -1 | 0 | 1 {
    return directionIn(seg, this.initIp, this.initPort, this.respIp, this.respPort);
  }

  /** Both directions have sent a FIN (the 4-tuple may be reused by a new SYN). */
  get closing(): boolean {
    return this.streams[0].finOffset >= 0 && this.streams[1].finOffset >= 0;
  }

  /** Processes one segment; returns true when it ended the connection (FIN both ways done, or RST). */
  add(seg: TcpSegment, d: Direction, now: number): boolean {
    const flags = seg.flags;
    const frame = seg.frame;
    const time = seg.time;
    const stream = this.streams[d];
    const peer = this.streams[d === 0 ? 1 : 0];
    this.packets[d]++;
    this.lastFrame = frame;
    this.lastTime = time;
    this.lastSec = now;

    let dataSeq = seg.seq;
    if ((flags & TcpFlag.SYN) !== 0) {
      const withAck = (flags & TcpFlag.ACK) !== 0;
      this.event(withAck ? 'syn-ack' : 'syn', d, frame, time);
      if (withAck) {
        if (this.synAckFrame === null) {
          this.synAckFrame = frame;
          this.synAckDirection = d;
          this.synAckSeq = seg.seq;
        }
      } else if (this.synFrame === null) {
        this.synFrame = frame;
      }
      const previous = this.synSeq[d];
      if (previous === null) {
        this.synSeq[d] = seg.seq;
        if (!stream.baseKnown) stream.setBase(seqAdd(seg.seq, 1));
      } else if (previous !== seg.seq && !this.isnChangeReported) {
        this.isnChangeReported = true;
        this.anomaly({
          code: 'tcp.syn_isn_changed',
          severity: 'weird',
          message: 'A SYN carries a different initial sequence number than the first one on this open connection; the first is kept.',
          frame,
          direction: d,
        });
      }
      // The SYN occupies one sequence number; data in a SYN (TCP Fast Open) follows it.
      dataSeq = seqAdd(seg.seq, 1);
    }

    if (seg.window === 0 && (flags & SYN_FIN_RST) === 0) {
      if (!stream.zeroWindow) {
        stream.zeroWindow = true;
        this.event('zero-window', d, frame, time);
      }
    } else {
      stream.zeroWindow = false;
    }

    const hasAck = (flags & TcpFlag.ACK) !== 0 && (flags & TcpFlag.RST) === 0;
    if (hasAck) {
      if (
        this.ackFrame === null &&
        this.synAckFrame !== null &&
        d !== this.synAckDirection &&
        (flags & TcpFlag.SYN) === 0 &&
        seg.ack === seqAdd(this.synAckSeq, 1)
      ) {
        this.ackFrame = frame;
      }
      peer.ackedTo(seg.ack, frame, time);
    }

    const length = seg.payload.length + seg.missingPayloadBytes;
    if (
      hasAck &&
      (flags & SYN_FIN_RST) === 0 &&
      length <= 1 &&
      stream.isKeepAlive(dataSeq)
    ) {
      this.event('keep-alive', d, frame, time);
    } else if (length > 0) {
      stream.addData(dataSeq, seg.payload, seg.missingPayloadBytes, frame, time);
    }

    if ((flags & TcpFlag.FIN) !== 0) {
      this.event('fin', d, frame, time);
      if (this.firstFin === null) this.firstFin = { by: d, frame, time };
      stream.addFin(seqAdd(dataSeq, length), frame);
    }
    stream.settle();
    peer.settle();

    if ((flags & TcpFlag.RST) !== 0) {
      this.event('rst', d, frame, time);
      this.rst = { by: d, frame, time };
      this.end('rst', frame, time);
      return true;
    }
    if (stream.finished && peer.finished) {
      this.end('fin', frame, time);
      return true;
    }
    return false;
  }

  /**
   * Ends the connection: gives up every hole still open, frees the buffers and calls `onEnd`
   * (exactly once).
   */
  end(cause: EndCause, frame: number, time: Timestamp): void {
    if (this.ended) return;
    this.ended = true;
    const reason = flushReason(cause);
    if (reason !== null) {
      this.streams[0].flush(reason, frame, time);
      this.streams[1].flush(reason, frame, time);
    }
    this.streams[0].drop();
    this.streams[1].drop();
    this.handler.onEnd(this.summary(cause));
  }

  /** The ended connection as the consumer sees it. */
  private summary(cause: EndCause): ConnectionSummary {
    const [s0, s1] = this.streams;
    let end: TcpEnd;
    if (this.rst !== null) {
      end = { how: 'rst', by: this.rst.by, frame: this.rst.frame, time: this.rst.time };
    } else if (this.firstFin !== null) {
      end = { how: 'fin', by: this.firstFin.by, frame: this.firstFin.frame, time: this.firstFin.time };
    } else {
      end = { how: cause === 'fin' || cause === 'rst' ? 'open' : cause, by: null, frame: null, time: null };
    }
    return {
      info: this.info,
      lastFrame: this.lastFrame,
      lastTime: this.lastTime,
      packets: [this.packets[0], this.packets[1]],
      bytes: [s0.bytes, s1.bytes],
      missingBytes: [s0.missing, s1.missing],
      retransmissions: [s0.retransmissions, s1.retransmissions],
      handshake: { syn: this.synFrame, synAck: this.synAckFrame, ack: this.ackFrame },
      end,
      events: this.events,
      anomalies: this.anomalies.list(),
    };
  }

  /** Adds an anomaly to the connection (e.g. `flow.evicted` from the table). */
  anomaly(anomaly: Anomaly): void {
    this.anomalies.add(anomaly);
  }

  data(direction: Direction, chunk: StreamChunk): void {
    this.handler.onData(direction, chunk);
  }

  gap(direction: Direction, gap: StreamGap): void {
    this.handler.onGap(direction, gap);
  }

  private event(kind: TcpEventKind, direction: Direction, frame: number, time: Timestamp): void {
    const ev: TcpEvent = { kind, direction, frame, time };
    if (this.events.length < this.limits.maxEventsPerConnection) this.events.push(ev);
    this.handler.onTcpEvent(ev);
  }
}

/**
 * Reason given to holes still open when a connection ends: after a RST or a long silence the
 * endpoints have moved on without the bytes ever being captured; at the end of the capture (or
 * when the table drops the connection) the bytes might have come later.
 */
function flushReason(cause: EndCause): GapReason | null {
  switch (cause) {
    case 'rst':
    case 'idle':
      return 'not-captured';
    case 'open':
    case 'evicted':
      return 'capture-ended';
    case 'fin':
      // Both FINs reached with nothing held: no hole can be open. A new SYN that replaces
      // a closing connection ends it with holes possibly open, which were never captured.
      return 'not-captured';
  }
}
