/**
 * `--jobs N` on one capture (NDJSON): this thread reads and decodes the capture and deals each
 * TCP segment to a worker by a hash of its 4-tuple, so every connection lives in one worker;
 * the workers run the rest of the analysis. Batches go out once per chunk of the capture (a
 * round); the answers of a round are merged into the order one thread would have written, with
 * the ids one thread would have given, so the output is the same as with --jobs 1.
 *
 * What keeps them the same: the idle sweep runs in every worker at the segment where one table
 * would run it (this thread keeps the schedule); connection ids are handed out in the order
 * connections started, from the first frames the workers report; the capture context ("another
 * connection to this server spoke TLS") is kept here, and a worker renders the two possible
 * lines of a connection that depends on it. The limits on open connections, held out-of-order
 * bytes, bytes held by the TLS layer and remembered closed connections are shared out among the
 * workers: a capture that reaches them can end (or forget, or skip) different connections than
 * one thread would.
 */
import { Worker } from 'node:worker_threads';
import { captureCut } from '../../analyze.js';
import type { CaptureCut } from '../../analysis/connection.js';
import { readCapture } from '../../capture/index.js';
import type { CaptureSource } from '../../capture/types.js';
import { PacketDecoder } from '../../decode/index.js';
import type { TcpSegment } from '../../decode/types.js';
import { FLOW_DEFAULTS, SweepSchedule, segmentSeconds } from '../../flow/flow-table.js';
import { TLS_DEFAULTS } from '../../tls/defaults.js';
import type { FilterOptions } from '../filters.js';
import { analysisLimits } from '../limits.js';
import type { NdjsonStreamResult } from '../ndjson-stream.js';
import { BatchWriter } from './segment-codec.js';
import type { SplitReply, SplitRequest } from './protocol.js';
import { RoundMerger } from './round-merger.js';
import type { RoundReply } from './round-merger.js';

/** Rounds sent and not yet merged before the reader waits; bounds the memory of batches and answers. */
const MAX_ROUNDS_IN_FLIGHT = 4;
/** The worker a segment's connection belongs to: the same for both directions. */
export function flowShare(seg: Pick<TcpSegment, 'src' | 'dst' | 'srcPort' | 'dstPort'>, workers: number): number {
  // A sum of the two endpoints' hashes does not depend on the direction.
  const h = (endpointHash(seg.src, seg.srcPort) + endpointHash(seg.dst, seg.dstPort)) >>> 0;
  // A final multiplicative mix spreads sums that differ only in their low bits.
  return (Math.imul(h, 0x9e3779b1) >>> 0) % workers;
}

function endpointHash(ip: string, port: number): number {
  let h = 0x811c9dc5 ^ port;
  for (let i = 0; i < ip.length; i++) h = Math.imul(h ^ ip.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

interface Round {
  readonly replies: (RoundReply | undefined)[];
  got: number;
}

/** One worker thread and what it is owed. */
interface Lane {
  readonly worker: Worker;
  readonly writer: BatchWriter;
}

/** How to run a split analysis. */
export interface SplitOptions {
  /** Worker threads (at least 1). */
  readonly threads: number;
  readonly onProgress?: (bytesRead: number, packets: number, gzip: boolean) => void;
  /** Read size, which is also the size of a round (default: --limit chunkBytes, else the reader's, 1 MiB). */
  readonly chunkBytes?: number;
  /** Stops reading (Ctrl-C): the connections read so far are ended and written, as with one thread. */
  readonly signal?: AbortSignal;
  /** Awaited before each read, beside the split's own pacing: a slow reader of the output holds the reading back. */
  readonly beforeChunk?: () => Promise<void> | undefined;
}

/**
 * Streams one capture's NDJSON through workers running `script` (the compiled split-worker).
 * Same result and output as `streamNdjson`.
 */
export async function streamNdjsonSplit(
  script: URL,
  source: CaptureSource,
  file: string,
  filters: FilterOptions,
  write: (chunk: Uint8Array) => void,
  options: SplitOptions,
): Promise<NdjsonStreamResult> {
  const n = Math.max(1, Math.floor(options.threads));
  const { onProgress, signal } = options;
  const limits = analysisLimits(filters.limits);
  const chunkBytes = options.chunkBytes ?? limits.chunkBytes;
  const merger = new RoundMerger(file, n, write, filters.limits?.maxTlsServers);
  const spare: ArrayBuffer[] = [];
  const rounds = new Map<number, Round>();
  let sent = 0;
  let merged = 0;
  let result: NdjsonStreamResult;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const wakeUp = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };

  const lanes: Lane[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const worker = new Worker(script);
    const lane: Lane = { worker, writer: new BatchWriter() };
    lanes.push(lane);
    ready.push(
      new Promise<void>((resolve) => {
        worker.on('message', (m: SplitReply) => {
          if (m.type === 'ready') resolve();
          else if (m.type === 'error') fail(new Error(m.message));
          else answer(i, m);
          if (failure !== null) resolve();
        });
        worker.on('error', (err) => {
          fail(err);
          resolve();
        });
        worker.on('exit', () => {
          if (merged < sent) fail(new Error('a worker thread stopped before it finished'));
          resolve();
        });
      }),
    );
  }
  const post = (lane: Lane, m: SplitRequest, transfer: ArrayBuffer[] = []): void => lane.worker.postMessage(m, transfer);
  function fail(err: Error): void {
    if (failure === null) failure = err;
    wakeUp();
  }

  function answer(lane: number, m: RoundReply): void {
    if (m.buffer !== null) spare.push(m.buffer);
    const round = rounds.get(m.round);
    if (round === undefined || round.replies[lane] !== undefined) return;
    round.replies[lane] = m;
    round.got++;
    // Rounds are merged strictly in order, each once every worker has answered it.
    for (let r = rounds.get(merged); r !== undefined && r.got === n; r = rounds.get(merged)) {
      rounds.delete(merged);
      try {
        merger.merge(r.replies);
      } catch (err) {
        fail(err instanceof Error ? err : new Error(String(err)));
      }
      merged++;
    }
    wakeUp();
  }

  /** Opens the next round: every worker will answer it. */
  const openRound = (): number => {
    rounds.set(sent, { replies: new Array(n).fill(undefined), got: 0 });
    return sent++;
  };
  /** Sends every worker its batch of this round (empty ones too: each round is answered by all). */
  const flushRound = (): void => {
    const round = openRound();
    for (const lane of lanes) {
      const batch = lane.writer.take(spare.pop());
      post(lane, { type: 'batch', round, buffer: batch.buffer, length: batch.length }, [batch.buffer]);
    }
  };
  const pending = (): boolean => lanes.some((l) => l.writer.count > 0);
  /** Resolves when fewer than `limit` rounds are unmerged, or a worker failed. */
  const drain = async (limit: number): Promise<void> => {
    while (failure === null && sent - merged > limit) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    if (failure !== null) throw failure;
  };

  try {
    const maxConnections = Math.max(1, Math.ceil((limits.maxConnections ?? FLOW_DEFAULTS.maxConnections) / n));
    // At least 1: the flow table reads 0 as its default.
    const maxTotalOutOfOrderBytes = Math.max(1, Math.floor((limits.maxTotalOutOfOrderBytes ?? FLOW_DEFAULTS.maxTotalOutOfOrderBytes) / n));
    const maxClosedConnections = Math.ceil((limits.maxClosedConnections ?? FLOW_DEFAULTS.maxClosedConnections) / n);
    const maxTotalTlsHeldBytes = Math.floor((limits.maxTotalTlsHeldBytes ?? TLS_DEFAULTS.maxTotalTlsHeldBytes) / n);
    for (const lane of lanes) post(lane, { type: 'init', file, filters, maxConnections, maxTotalOutOfOrderBytes, maxClosedConnections, maxTotalTlsHeldBytes });
    await Promise.all(ready);
    if (failure !== null) throw failure;

    // The reading side's limits (packet and block sizes, IP fragments) are the --limit values too.
    const decoder = new PacketDecoder(limits);
    const schedule = new SweepSchedule();
    let readError: unknown = null;
    let cut: CaptureCut | undefined;
    try {
      const read = await readCapture(
        source,
        (packet) => {
          const outcome = decoder.decode(packet);
          if (outcome.kind !== 'tcp') return;
          const seg = outcome.segment;
          const now = segmentSeconds(seg);
          if (schedule.due(now)) for (const lane of lanes) lane.writer.sweep(now, seg.frame);
          lanes[flowShare(seg, n)]?.writer.segment(seg);
        },
        {
          ...limits,
          ...(onProgress !== undefined ? { onProgress } : {}),
          ...(chunkBytes !== undefined ? { chunkBytes } : {}),
          ...(signal !== undefined ? { signal } : {}),
          onDecryptionSecrets: (secrets) => {
            for (const lane of lanes) lane.writer.secrets(secrets);
          },
          beforeChunk: () => {
            if (failure !== null) throw failure;
            if (pending()) flushRound();
            const rounds = sent - merged >= MAX_ROUNDS_IN_FLIGHT ? drain(MAX_ROUNDS_IN_FLIGHT - 1) : undefined;
            const output = options.beforeChunk?.();
            return output === undefined ? rounds : rounds === undefined ? output : Promise.all([rounds, output]).then(() => undefined);
          },
        },
      );
      cut = captureCut(read);
    } catch (err) {
      // As with one thread: the connections that ended before the error are written, no others.
      readError = err;
    }
    if (failure === null) {
      if (pending()) flushRound();
      if (readError === null) {
        const round = openRound();
        for (const lane of lanes) post(lane, { type: 'finish', round, cut });
      }
      await drain(0);
    }
    if (readError !== null) throw readError;
    if (failure !== null) throw failure;
  } finally {
    result = merger.finish();
    await Promise.all(lanes.map((l) => l.worker.terminate()));
  }
  return result;
}
