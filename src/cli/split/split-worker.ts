/**
 * A worker of a split analysis: runs the flow table, TLS layer, verdicts and NDJSON rendering
 * for the flows dealt to it, and answers each batch with the connections that started and
 * ended in it, each with its place in the single-thread order (see `SplitEnded`).
 */
import { parentPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { ConnectionPipeline } from '../../pipeline.js';
import type { CaptureCut, Connection } from '../../analysis/connection.js';
import type { CaptureContext } from '../../analysis/rules/types.js';
import { analyzeOptions } from '../file-task.js';
import { ndjsonLineOf } from '../ndjson-stream.js';
import { JavaLogMatcher } from '../../analysis/java-log-match.js';
import type { JavaLogEvidence } from '../../analysis/java-log-match.js';
import { contextWith } from '../../analysis/verdict.js';
import { serverKey } from '../../analysis/rules/types.js';
import type { FilterOptions } from '../filters.js';
import { AddressTexts, readBatch } from './segment-codec.js';
import { linePrefix } from './protocol.js';
import type { LineBytes, SplitEnded, SplitInit, SplitReply, SplitRequest } from './protocol.js';
import { withRoom } from '../../util/bytes.js';

/**
 * Lines of one round as UTF-8 in one buffer, handed over whole: the reading thread writes the
 * bytes out without decoding or copying them into strings.
 */
class TextBytes {
  private bytes: Uint8Array = new Uint8Array(256 * 1024);
  private at = 0;
  private readonly encoder = new TextEncoder();

  add(text: string): { start: number; end: number } {
    // At most 3 bytes per UTF-16 code unit.
    this.bytes = withRoom(this.bytes, this.at, this.at + text.length * 3);
    const start = this.at;
    this.at += this.encoder.encodeInto(text, this.bytes.subarray(start)).written;
    return { start, end: this.at };
  }

  take(): ArrayBuffer {
    const out = this.bytes.buffer as ArrayBuffer;
    this.bytes = new Uint8Array(Math.max(64 * 1024, this.at));
    this.at = 0;
    return out;
  }
}

const PHASE_SWEEP = 0;
const PHASE_SEGMENT = 1;
const PHASE_FINISH = 2;

class SplitWorker {
  private readonly pipeline: ConnectionPipeline;
  private readonly prefix: string;
  private readonly noContext: CaptureContext;
  private readonly file: string;
  private readonly filters: FilterOptions;
  private readonly addresses = new AddressTexts();
  /** --java-log: matched by ClientHello random as in one thread; a match by time uses the clock offset this worker learned. */
  private readonly javaLogs: JavaLogMatcher | null;
  private readonly text = new TextBytes();
  private opened: number[] = [];
  private ended: SplitEnded[] = [];
  /** Where ends happening now go in the order: the frame and phase being processed, and a counter. */
  private frame = 0;
  private phase = PHASE_SEGMENT;
  private rank = 0;

  constructor(init: SplitInit, options: Awaited<ReturnType<typeof analyzeOptions>>) {
    this.file = init.file;
    this.filters = init.filters;
    this.prefix = linePrefix(init.file);
    this.javaLogs = options.javaLogs === undefined ? null : new JavaLogMatcher(options.javaLogs, options.javaLogTimeWindowMs !== undefined ? { javaLogTimeWindowMs: options.javaLogTimeWindowMs } : {});
    const settings = { expiryDays: init.filters.expiryDays, ...(options.trust !== undefined ? { trust: options.trust } : {}), ...(options.identity !== undefined ? { identity: options.identity } : {}) };
    this.noContext = contextWith(new Set(), settings);
    const seen = (server: string): CaptureContext => contextWith(new Set([server]), settings);
    this.pipeline = new ConnectionPipeline(
      {
        ...options,
        maxConnections: init.maxConnections,
        maxTotalOutOfOrderBytes: init.maxTotalOutOfOrderBytes,
        maxClosedConnections: init.maxClosedConnections,
        maxTotalTlsHeldBytes: init.maxTotalTlsHeldBytes,
      },
      {
        onOpen: (info) => this.opened.push(info.id, info.firstFrame),
        onConnection: (c, lastFrame) => this.onConnection(c, lastFrame, seen),
        // Capture-level anomalies are not part of NDJSON.
        onAnomaly: () => undefined,
      },
      'external',
    );
  }

  batch(buffer: ArrayBuffer, length: number): void {
    for (const record of readBatch(buffer, length, this.addresses)) {
      if (record.kind === 'segment') {
        this.at(record.segment.frame, PHASE_SEGMENT);
        this.pipeline.addSegment(record.segment);
      } else if (record.kind === 'sweep') {
        this.at(record.frame, PHASE_SWEEP);
        this.pipeline.sweep(record.now);
      } else {
        this.pipeline.addDecryptionSecrets(record.secrets);
      }
    }
  }

  /** End of capture; `cut`: the file was cut short (the connections still open say so, as with one thread). */
  finish(cut: CaptureCut | undefined): void {
    this.at(Infinity, PHASE_FINISH);
    this.pipeline.finish(cut);
  }

  /** What happened since the last call. */
  take(): { opened: number[]; ended: SplitEnded[]; text: ArrayBuffer } {
    const out = { opened: this.opened, ended: this.ended, text: this.text.take() };
    this.opened = [];
    this.ended = [];
    return out;
  }

  private at(frame: number, phase: number): void {
    this.frame = frame;
    this.phase = phase;
    this.rank = 0;
  }

  private onConnection(c: Connection, lastFrame: number, seen: (server: string) => CaptureContext): void {
    const server = serverKey(c);
    // Only a connection that did not speak TLS reads the context ("other connections to this server spoke TLS").
    const logs = this.javaLogs?.match(c);
    const lines: (LineBytes | null)[] = [this.line(c, this.noContext, logs)];
    if (c.tls === false) lines.push(this.line(c, seen(server), logs));
    // The sweep and the end of the capture go through connections least recently active first: by last frame.
    const rank = this.phase === PHASE_SEGMENT ? this.rank++ : lastFrame;
    this.ended.push({ order: [this.frame, this.phase, rank], localId: c.id, tls: c.tls, server, lines });
  }

  private line(c: Connection, context: CaptureContext, javaLogs: readonly JavaLogEvidence[] | undefined): LineBytes | null {
    const line = ndjsonLineOf(c, context, this.file, this.filters, javaLogs);
    if (line.text === null) return null;
    const head = `${this.prefix}${c.id},`;
    if (!line.text.startsWith(head)) throw new Error('an NDJSON line does not start with its file and id');
    // The reading thread puts the id of the single-thread order in front.
    return { ...this.text.add(line.text.slice(head.length - 1)), failOn: line.failOn };
  }
}

function serve(port: MessagePort): void {
  let worker: SplitWorker | null = null;
  const post = (reply: SplitReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);
  const fail = (err: unknown): void => post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  // Messages are handled strictly in order: the init is asynchronous (key logs, trust stores).
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (m: SplitRequest) => {
    queue = queue
      .then(async () => {
        if (m.type === 'init') {
          worker = new SplitWorker(m, await analyzeOptions(m.filters));
          post({ type: 'ready' });
          return;
        }
        if (worker === null) throw new Error('a split worker got work before its settings');
        if (m.type === 'batch') worker.batch(m.buffer, m.length);
        else worker.finish(m.cut);
        const { opened, ended, text } = worker.take();
        const buffer = m.type === 'batch' ? m.buffer : null;
        post({ type: 'round', round: m.round, buffer, opened, ended, text }, buffer === null ? [text] : [buffer, text]);
      })
      .catch(fail);
  });
}

if (parentPort !== null) serve(parentPort);
