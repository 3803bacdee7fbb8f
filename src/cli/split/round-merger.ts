/**
 * The reading thread's side of a split analysis, once every worker has answered a round: gives
 * the connections that started their single-thread ids (first-frame order), puts the ones that
 * ended into single-thread order, keeps the capture context, and writes their lines (file and
 * id in front of the bytes a worker rendered).
 */
import { rememberTlsServer } from '../../analysis/verdict.js';
import type { NdjsonStreamResult } from '../ndjson-stream.js';
import { linePrefix } from './protocol.js';
import type { SplitEnded, SplitReply } from './protocol.js';
import { withRoom } from '../../util/bytes.js';

export type RoundReply = Extract<SplitReply, { type: 'round' }>;

/** Lines are handed to `write` in batches of about this many bytes. */
const BATCH_BYTES = 64 * 1024;

/** Output bytes gathered into batches; each batch handed to `write` is a buffer of its own. */
class OutputBytes {
  private bytes: Uint8Array = new Uint8Array(2 * BATCH_BYTES);
  private at = 0;

  constructor(private readonly write: (chunk: Uint8Array) => void) {}

  put(part: Uint8Array): void {
    this.bytes = withRoom(this.bytes, this.at, this.at + part.length);
    this.bytes.set(part, this.at);
    this.at += part.length;
  }

  /** Digits of an id (ASCII). */
  putNumber(n: number): void {
    const text = String(n);
    const part = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) part[i] = text.charCodeAt(i);
    this.put(part);
  }

  endLine(): void {
    if (this.at >= BATCH_BYTES) this.flush();
  }

  flush(): void {
    if (this.at === 0) return;
    this.write(this.bytes.subarray(0, this.at));
    this.bytes = new Uint8Array(2 * BATCH_BYTES);
    this.at = 0;
  }
}

export class RoundMerger {
  private readonly out: OutputBytes;
  private readonly prefix: Uint8Array;
  private readonly tlsServers = new Set<string>();
  /** Per worker: its connections' local ids → single-thread ids, while they are open. */
  private readonly ids: Map<number, number>[];
  private nextId = 1;
  private connections = 0;
  private written = 0;
  private failOnHit = false;

  /** @param maxTlsServers see `rememberTlsServer` (absent: its default). */
  constructor(file: string, workers: number, write: (chunk: Uint8Array) => void, private readonly maxTlsServers?: number) {
    this.out = new OutputBytes(write);
    this.prefix = new TextEncoder().encode(linePrefix(file));
    this.ids = Array.from({ length: workers }, () => new Map<number, number>());
  }

  /** Merges one round (an answer per worker, by worker); throws on answers that do not fit together. */
  merge(replies: readonly (RoundReply | undefined)[]): void {
    // Ids in the order the connections started: by first frame (one segment starts at most one).
    const opened: [number, number, number][] = [];
    const ended: [number, SplitEnded][] = [];
    const texts: Uint8Array[] = [];
    replies.forEach((reply, lane) => {
      texts[lane] = new Uint8Array(reply?.text ?? new ArrayBuffer(0));
      if (reply === undefined) return;
      // Pairs a worker of this project wrote (id, frame); i + 1 < length keeps both reads inside.
      for (let i = 0; i + 1 < reply.opened.length; i += 2) opened.push([reply.opened[i + 1] as number, lane, reply.opened[i] as number]);
      for (const e of reply.ended) ended.push([lane, e]);
    });
    opened.sort((a, b) => a[0] - b[0]);
    for (const [, lane, localId] of opened) this.ids[lane]?.set(localId, this.nextId++);
    ended.sort((a, b) => compareOrder(a[1].order, b[1].order));
    for (const [lane, e] of ended) {
      const ids = this.ids[lane];
      const id = ids?.get(e.localId);
      ids?.delete(e.localId);
      this.connections++;
      if (e.tls === true) rememberTlsServer(this.tlsServers, e.server, this.maxTlsServers);
      // A connection that did not speak TLS comes with its line for each state of the context.
      const line = e.tls === false && this.tlsServers.has(e.server) ? e.lines[1] : e.lines[0];
      if (line === undefined || line === null) continue;
      if (id === undefined) throw new Error('a connection ended that was never started');
      this.written++;
      if (line.failOn) this.failOnHit = true;
      this.out.put(this.prefix);
      this.out.putNumber(id);
      this.out.put((texts[lane] as Uint8Array).subarray(line.start, line.end));
      this.out.endLine();
    }
  }

  /** Writes what is gathered and says what was merged. */
  finish(): NdjsonStreamResult {
    this.out.flush();
    return { connections: this.connections, written: this.written, failOnHit: this.failOnHit };
  }
}

/** Single-thread order of two ends; the frames of the end of the capture are Infinity. */
function compareOrder(a: readonly [number, number, number], b: readonly [number, number, number]): number {
  // Fixed triples built by this module: the casts read no input bytes.
  for (let i = 0; i < 3; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
