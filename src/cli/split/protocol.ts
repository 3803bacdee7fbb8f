/**
 * Messages between the reading thread and the workers of a split analysis (`--jobs N` on one
 * capture, NDJSON). The reading thread decodes packets and deals each TCP segment to the worker
 * its flow hashes to; every worker gets one batch per round (a chunk of the capture), in order,
 * and answers each with the connections that started and ended in it.
 */
import type { CaptureCut } from '../../analysis/connection.js';
import type { FilterOptions } from '../filters.js';
import { ndjsonFilePrefix } from '../../report/json.js';

export interface SplitInit {
  readonly type: 'init';
  /** The file label the lines carry. */
  readonly file: string;
  readonly filters: FilterOptions;
  /** This worker's share of the connection, out-of-order and TLS held-bytes limits. */
  readonly maxConnections: number;
  readonly maxTotalOutOfOrderBytes: number;
  readonly maxClosedConnections: number;
  readonly maxTotalTlsHeldBytes: number;
}

interface SplitBatch {
  readonly type: 'batch';
  readonly round: number;
  /** Records written by `BatchWriter` (transferred). */
  readonly buffer: ArrayBuffer;
  readonly length: number;
}

interface SplitFinish {
  readonly type: 'finish';
  readonly round: number;
  /** Where the file was cut short, as one thread's analysis learns it from the reader; undefined for a whole file. */
  readonly cut: CaptureCut | undefined;
}

export type SplitRequest = SplitInit | SplitBatch | SplitFinish;

/**
 * A connection that ended, with its place in the order one analysis would end it in:
 * [frame, phase, rank] — the frame whose processing ended it, then 0 for the idle sweep that
 * runs before a segment (ranked by last frame, as the table's least-recently-active order),
 * 1 for the segment itself (ranked in the order it ended them); at the end of the capture the
 * frame is Infinity, phase 2, ranked by last frame.
 */
export interface SplitEnded {
  readonly order: readonly [number, number, number];
  /** The worker's own id of the connection. */
  readonly localId: number;
  readonly tls: boolean | null;
  /** `serverKey` of the connection, for the capture context. */
  readonly server: string;
  /**
   * The line as judged without and (for a connection that did not speak TLS) with another TLS
   * connection to its server seen before it; null where the filters leave it out.
   */
  readonly lines: readonly (LineBytes | null)[];
}

/** A line's UTF-8 bytes in the round's text buffer, from just after the id to its newline. */
export interface LineBytes {
  readonly start: number;
  readonly end: number;
  /** It matches a --fail-on term. */
  readonly failOn: boolean;
}

export type SplitReply =
  | { readonly type: 'ready' }
  | {
      readonly type: 'round';
      readonly round: number;
      /** The batch buffer, handed back for reuse. */
      readonly buffer: ArrayBuffer | null;
      /** Connections that started: local id and first frame, pairwise. */
      readonly opened: readonly number[];
      readonly ended: readonly SplitEnded[];
      /** The lines of `ended`, UTF-8 (transferred); `LineBytes` point into it. */
      readonly text: ArrayBuffer;
    }
  | { readonly type: 'error'; readonly message: string };

/** The text of a line before its id: `{"schemaVersion":2,"file":…,"id":` (compact and full lines alike). */
export function linePrefix(file: string): string {
  return `${ndjsonFilePrefix(file)},"id":`;
}
