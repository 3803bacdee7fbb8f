import type { Anomaly } from '../util/anomaly.js';
import type { Timestamp } from '../util/time.js';

/** 0 = initiator (SYN sender; without a SYN, the sender of the first packet seen), 1 = responder. */
export type Direction = 0 | 1;

export interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

/** What is known of a connection when its first packet arrives. */
export interface ConnectionInfo {
  /** 1-based, in order of each connection's first packet. */
  readonly id: number;
  readonly initiator: Endpoint;
  readonly responder: Endpoint;
  /** True when a SYN (or SYN/ACK) was seen, so the roles are certain rather than guessed. */
  readonly synSeen: boolean;
  readonly firstFrame: number;
  readonly firstTime: Timestamp;
}

/**
 * In-order bytes of one direction.
 * `bytes` is valid only during the callback (it may be a view of the capture buffer).
 */
export interface StreamChunk {
  readonly bytes: Uint8Array;
  /** Stream offset of bytes[0]: 0 is the first byte after the SYN (or the first byte seen). */
  readonly offset: number;
  /** Frame that carried these bytes. */
  readonly frame: number;
  readonly time: Timestamp;
}

/** Why bytes are missing from a direction. */
export type GapReason =
  /** The segment was never captured (loss, or the capture missed it); seen from later data or the peer's ACK. */
  | 'not-captured'
  /** The snap length cut the payload. */
  | 'snap-length'
  /** More out-of-order data arrived than `maxOutOfOrderBytes` allows; the hole was given up. */
  | 'out-of-order-limit'
  /** The capture ended while later data was held waiting for the hole to fill. */
  | 'capture-ended';

/** Bytes missing from a direction, delivered in stream order among the chunks. */
export interface StreamGap {
  readonly offset: number;
  readonly length: number;
  readonly reason: GapReason;
  /** Frame at which the gap became known. */
  readonly frame: number;
  readonly time: Timestamp;
}

export type TcpEventKind = 'syn' | 'syn-ack' | 'fin' | 'rst' | 'zero-window' | 'keep-alive';

export interface TcpEvent {
  readonly kind: TcpEventKind;
  readonly direction: Direction;
  readonly frame: number;
  readonly time: Timestamp;
}

/** How a connection ended, as far as the capture shows. */
export interface TcpEnd {
  /** `open`: still open when the capture ended; `idle`: dropped after the idle timeout; `evicted`: dropped by `maxConnections`. */
  readonly how: 'fin' | 'rst' | 'open' | 'idle' | 'evicted';
  /** Who sent the first FIN or the RST; null for open/idle/evicted. */
  readonly by: Direction | null;
  readonly frame: number | null;
  readonly time: Timestamp | null;
}

/** Everything the flow layer knows of a connection once it has ended. */
export interface ConnectionSummary {
  readonly info: ConnectionInfo;
  readonly lastFrame: number;
  readonly lastTime: Timestamp;
  /** Packets each way, indexed by Direction. */
  readonly packets: readonly [number, number];
  /** Payload bytes delivered in order each way (retransmissions not counted twice). */
  readonly bytes: readonly [number, number];
  /** Bytes reported as gaps each way. */
  readonly missingBytes: readonly [number, number];
  readonly retransmissions: readonly [number, number];
  /** Frames of the three-way handshake, when seen. */
  readonly handshake: { readonly syn: number | null; readonly synAck: number | null; readonly ack: number | null };
  readonly end: TcpEnd;
  /** TCP events in order (bounded by `maxEventsPerConnection`). */
  readonly events: readonly TcpEvent[];
  readonly anomalies: readonly Anomaly[];
}

/** What a consumer can ask of the flow layer for its connection. */
export interface ConnectionControl {
  /**
   * Discard the next `bytes` bytes of this direction without delivering them
   * (application data the analysis does not need). They are never buffered;
   * a gap inside the skipped range is not reported.
   */
  skip(direction: Direction, bytes: number): void;
  /** Stop delivering data for both directions (e.g. not TLS); counters and events go on. */
  ignoreData(): void;
}

/** The consumer of one connection's two byte streams. */
export interface ConnectionHandler {
  onData(direction: Direction, chunk: StreamChunk): void;
  onGap(direction: Direction, gap: StreamGap): void;
  onTcpEvent(event: TcpEvent): void;
  /** Called exactly once; the flow layer forgets the connection's buffers afterwards. */
  onEnd(summary: ConnectionSummary): void;
}

export type ConnectionHandlerFactory = (info: ConnectionInfo, control: ConnectionControl) => ConnectionHandler;

/** Limits of the flow table; each has a default and a cost. */
export interface FlowTableOptions {
  /** Out-of-order bytes held per direction before the hole is given up as a gap. Default 4 MiB. */
  readonly maxOutOfOrderBytes?: number;
  /** Out-of-order bytes held across all connections. Default 256 MiB. */
  readonly maxTotalOutOfOrderBytes?: number;
  /** Open connections tracked at once; past it the least recently active is ended as `evicted`. Default 100_000. */
  readonly maxConnections?: number;
  /** A connection idle this long (capture time) is ended as `idle`; a later packet starts a new one. Default 600 s. */
  readonly idleTimeoutSeconds?: number;
  /** TCP events kept per connection. Default 64. */
  readonly maxEventsPerConnection?: number;
  /** Anomalies listed per connection and layer (TCP here, TLS in the connection builder); the rest are counted by code. Default 100. */
  readonly maxConnectionAnomalies?: number;
  /**
   * How long (capture time) a closed connection's 4-tuple is remembered without buffers, so
   * stray trailing ACKs, retransmitted FINs and RSTs count on it instead of opening a new
   * connection; a SYN with a new initial sequence number ends it at once. Default 60 s.
   */
  readonly closedLingerSeconds?: number;
  /**
   * Closed 4-tuples remembered at once (oldest forgotten first), whatever the linger time:
   * what keeps memory flat on captures that close thousands of connections a second. Default 16,384.
   */
  readonly maxClosedConnections?: number;
}

export interface FlowStats {
  readonly connections: number;
  readonly open: number;
  readonly segments: number;
  readonly evicted: number;
  readonly outOfOrderBytesHeld: number;
  /** Segments that arrived for a recently closed connection and were only counted. */
  readonly lateSegments: number;
}
