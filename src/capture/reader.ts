/**
 * The streaming capture reader: sniffs the format from the first bytes, pulls chunks from
 * the source and hands them to the pcap or pcapng parser.
 *
 * Memory stays flat whatever the file size: two read buffers of `chunkBytes` (a file is read
 * ahead into one while the other is parsed), plus a carry buffer that holds only the unit (record or block) straddling two chunks, bounded by
 * `maxBlockBytes` / `maxPacketBytes`. Packets lying in one chunk are delivered as views of
 * it; only a packet that straddles a chunk border is copied (into the carry buffer).
 */
import { TlsAutopsyError } from '../util/errors.js';
import { CAPTURE_DEFAULTS, ReaderContext } from './context.js';
import type { UnitParser } from './context.js';
import { PcapParser } from './pcap.js';
import { PcapngParser } from './pcapng.js';
import { SNIFF_BYTES, sniffFormat } from './sniff.js';
import type { Sniffed } from './sniff.js';
import { gunzipChunks, ioError, openSource } from './sources.js';
import type { ChunkIterator } from './sources.js';
import type { CaptureInfo, CaptureReaderOptions, CaptureResult, CaptureSource, Packet, PacketSink } from './types.js';

/**
 * Feeds chunks to a unit parser: complete units are parsed in place, the tail of a chunk
 * that starts an incomplete unit is carried over and completed from the next chunks.
 */
class ChunkDriver {
  private carry = new Uint8Array(0);
  private carryView = new DataView(this.carry.buffer);
  private carryLength = 0;
  /** File offset of the first byte not yet consumed (= of carry[0] when carrying). */
  private consumed = 0;

  constructor(
    private readonly parser: UnitParser,
    private readonly ctx: ReaderContext,
  ) {}

  push(chunk: Uint8Array): void {
    const parser = this.parser;
    const ctx = this.ctx;
    let pos = 0;
    while (this.carryLength > 0 && !ctx.stopped) {
      const want = parser.need - this.carryLength;
      if (want > 0) {
        if (pos >= chunk.length) return;
        const take = Math.min(want, chunk.length - pos);
        this.reserve(parser.need);
        this.carry.set(chunk.subarray(pos, pos + take), this.carryLength);
        this.carryLength += take;
        pos += take;
        if (this.carryLength < parser.need) return;
      }
      const used = parser.parse(this.carry, this.carryView, 0, this.carryLength, this.consumed);
      this.consumed += used;
      if (used === this.carryLength) {
        this.carryLength = 0;
      } else if (used > 0) {
        this.carry.copyWithin(0, used, this.carryLength);
        this.carryLength -= used;
      } else if (!ctx.stopped && parser.need <= this.carryLength) {
        // A parser that neither consumes nor asks for more would spin forever.
        throw new Error(`capture parser made no progress at byte ${this.consumed}`);
      }
    }
    if (ctx.stopped || pos >= chunk.length) return;
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const used = parser.parse(chunk, view, pos, chunk.length, this.consumed);
    this.consumed += used;
    pos += used;
    if (!ctx.stopped && pos < chunk.length) {
      const rest = chunk.length - pos;
      this.reserve(Math.max(parser.need, rest));
      this.carry.set(chunk.subarray(pos), 0);
      this.carryLength = rest;
    }
  }

  /** End of input: a header cut short is an error, a unit cut short is a truncated capture. */
  finish(): void {
    const ctx = this.ctx;
    if (ctx.stopped) return;
    const cut = this.parser.describeCut(this.carryLength);
    if (!this.parser.headerDone) {
      throw new TlsAutopsyError('not-a-capture', `${ctx.label} ends inside ${cut.what}; the capture was cut before any packet was written.`);
    }
    if (this.carryLength > 0) {
      const n = ctx.frames;
      ctx.note(
        'capture.truncated_file',
        'weird',
        `The file ends inside ${cut.what} at byte ${this.consumed}, as when the capture is stopped abruptly; the ${n} complete packet${n === 1 ? '' : 's'} before it were read.`,
        cut.frame,
        this.consumed,
      );
      ctx.cutFrame = cut.frame ?? null;
      ctx.stoppedEarly = true;
    }
  }

  private reserve(size: number): void {
    if (this.carry.length >= size) return;
    const grown = new Uint8Array(Math.max(size, Math.min(this.carry.length * 2, this.ctx.maxBlockBytes + 16)));
    grown.set(this.carry.subarray(0, this.carryLength));
    this.carry = grown;
    this.carryView = new DataView(grown.buffer);
  }
}

/** Pulls the first `n` bytes (fewer at end of input), keeping copies of the chunks for the parser. */
async function peek(input: ChunkIterator, n: number, onError: (error: unknown) => never): Promise<{ chunks: Uint8Array[]; head: Uint8Array; length: number }> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < n) {
    let r: IteratorResult<Uint8Array, undefined>;
    try {
      r = await input.next();
    } catch (error) {
      onError(error);
    }
    if (r.done === true) break;
    if (r.value.length === 0) continue;
    // A copy (new Uint8Array, not slice: Buffer.slice is a view): the source may reuse its buffer.
    chunks.push(new Uint8Array(r.value));
    length += r.value.length;
  }
  const head = new Uint8Array(Math.min(n, length));
  let at = 0;
  for (const c of chunks) {
    if (at >= head.length) break;
    const part = c.subarray(0, head.length - at);
    head.set(part, at);
    at += part.length;
  }
  return { chunks, head, length };
}

/** Internal hook used by {@link packetsOf} to pace the reader to its consumer. */
interface Pacing {
  /** Awaited before each pull from the source. */
  beforeChunk(): Promise<void> | undefined;
  /** True when the consumer is gone. */
  cancelled(): boolean;
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal !== undefined && signal.aborted;
}

async function run(source: CaptureSource, onPacket: PacketSink, options: CaptureReaderOptions, pacing: Pacing | undefined): Promise<CaptureResult> {
  const label = options.name ?? (typeof source === 'string' ? source : 'the input');
  const chunkBytes = positive(options.chunkBytes, CAPTURE_DEFAULTS.chunkBytes);
  const ctx = new ReaderContext(onPacket, options, label);
  const signal = options.signal;
  let input = openSource(source, chunkBytes, label);
  let gzip = false;
  let format: CaptureInfo['format'] = 'pcap';
  let bytesRead = 0;
  let pendingRead = false;
  try {
    let first = await peek(input, SNIFF_BYTES, (error) => {
      throw ioError(label, error);
    });
    let sniffed: Sniffed = sniffFormat(first.head, label);
    if (sniffed.kind === 'gzip') {
      gzip = true;
      input = gunzipChunks(first.chunks, input, chunkBytes, label);
      first = await peek(input, SNIFF_BYTES, (error) => {
        if (error instanceof TlsAutopsyError) throw error;
        throw new TlsAutopsyError('not-a-capture', `${label} is gzip-compressed but cannot be decompressed (${error instanceof Error ? error.message : String(error)}); the file is damaged.`, { cause: error });
      });
      sniffed = sniffFormat(first.head, label, true);
    }
    format = sniffed.kind === 'pcap' ? 'pcap' : 'pcapng';
    const parser = sniffed.kind === 'pcap' ? new PcapParser(ctx, sniffed.littleEndian, sniffed.nanosecond, gzip) : new PcapngParser(ctx, gzip);
    const driver = new ChunkDriver(parser, ctx);
    for (const chunk of first.chunks) {
      if (ctx.stopped) break;
      driver.push(chunk);
    }
    bytesRead = first.length;
    while (!ctx.stopped) {
      if (isAborted(signal) || pacing?.cancelled()) {
        ctx.abort();
        break;
      }
      const wait = pacing?.beforeChunk();
      if (wait !== undefined) {
        await wait;
        continue;
      }
      let r: IteratorResult<Uint8Array, undefined> | 'aborted';
      try {
        pendingRead = true;
        r = signal === undefined ? await input.next() : await raceAbort(input.next(), signal);
        pendingRead = r === 'aborted';
      } catch (error) {
        pendingRead = false;
        if (error instanceof TlsAutopsyError || !gzip) throw ioError(label, error);
        ctx.stop(
          'capture.bad_gzip',
          `The gzip data is damaged after ${bytesRead} decompressed bytes (${error instanceof Error ? error.message : String(error)}); the packets before it were read.`,
          undefined,
          bytesRead,
        );
        break;
      }
      if (r === 'aborted') {
        ctx.abort();
        break;
      }
      if (r.done === true) {
        driver.finish();
        break;
      }
      bytesRead += r.value.length;
      driver.push(r.value);
      options.onProgress?.(bytesRead, ctx.frames, gzip);
    }
  } finally {
    // A read still pending after an abort may never settle (an idle stdin): do not wait for it.
    const closing = input.return?.();
    if (pendingRead) closing?.catch(() => undefined);
    else await closing;
  }
  // Without a header (aborted before it was read) only the sniffed format is known.
  const info: CaptureInfo = ctx.info ?? { format, gzip, byteOrder: 'little', version: '' };
  return {
    info,
    interfaces: ctx.interfaces,
    packets: ctx.frames,
    bytesRead,
    anomalies: ctx.finishAnomalies(),
    stoppedEarly: ctx.stoppedEarly,
    cutFrame: ctx.cutFrame,
  };
}

function raceAbort<T>(read: Promise<T>, signal: AbortSignal): Promise<T | 'aborted'> {
  if (signal.aborted) {
    read.catch(() => undefined);
    return Promise.resolve('aborted');
  }
  return new Promise<T | 'aborted'>((resolve, reject) => {
    const onAbort = (): void => {
      read.catch(() => undefined);
      resolve('aborted');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    read.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Reads a pcap or pcapng capture (optionally gzip-compressed; the format is sniffed from
 * the content) and calls `onPacket` for every packet, in file order.
 *
 * `packet.bytes` is a view into the reader's buffer, valid only during the synchronous
 * call: the buffer is reused for the next chunk. Copy what must outlive the call.
 *
 * Bad input never throws except when the input is not a capture at all (or its header is
 * cut): `TlsAutopsyError('not-a-capture' | 'unsupported-capture')`, with one sentence that
 * says what the bytes look like and what to do. A file cut mid-packet yields the complete
 * packets plus a `capture.truncated_file` anomaly; a length that cannot be trusted stops
 * the read with a `capture.bad_length` / `capture.bad_block` anomaly. Failures of the
 * source itself are `TlsAutopsyError('io')`; errors thrown by `onPacket` propagate as is.
 */
export function readCapture(source: CaptureSource, onPacket: PacketSink, options: CaptureReaderOptions = {}): Promise<CaptureResult> {
  const beforeChunk = options.beforeChunk;
  return run(source, onPacket, options, beforeChunk === undefined ? undefined : { beforeChunk, cancelled: () => false });
}

/** A packet whose bytes outlive the callback. */
function copyPacket(p: Packet): Packet {
  return { ...p, bytes: new Uint8Array(p.bytes) };
}

/**
 * The packets of a capture as an async iterable, for library users who prefer a loop to a
 * callback. Each packet's `bytes` is a copy, so it may be kept. The reader is paced to the
 * consumer: at most one chunk's worth of packets waits in memory. Breaking out of the loop
 * stops the reading. The generator's return value is the {@link CaptureResult}.
 */
export async function* packetsOf(source: CaptureSource, options: CaptureReaderOptions = {}): AsyncGenerator<Packet, CaptureResult, undefined> {
  let queue: Packet[] = [];
  let head = 0;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  let cancelled = false;
  let finished = false;
  let failure: { error: unknown } | undefined;
  let result: CaptureResult | undefined;

  const notifyConsumer = (): void => {
    const wake = wakeConsumer;
    wakeConsumer = undefined;
    wake?.();
  };
  const pacing: Pacing = {
    beforeChunk: () => {
      notifyConsumer();
      if (cancelled || head >= queue.length) return undefined;
      return new Promise<void>((resolve) => {
        wakeProducer = resolve;
      });
    },
    cancelled: () => cancelled,
  };
  const producer = run(source, (p) => queue.push(copyPacket(p)), options, pacing).then(
    (r) => {
      result = r;
    },
    (error: unknown) => {
      failure = { error };
    },
  );
  void producer.finally(() => {
    finished = true;
    notifyConsumer();
  });

  try {
    for (;;) {
      if (head < queue.length) {
        const p = queue[head++] as Packet;
        if (head >= queue.length) {
          queue = [];
          head = 0;
          const wake = wakeProducer;
          wakeProducer = undefined;
          wake?.();
        }
        yield p;
        continue;
      }
      if (finished) break;
      await new Promise<void>((resolve) => {
        wakeConsumer = resolve;
      });
    }
  } finally {
    cancelled = true;
    const wake = wakeProducer;
    wakeProducer = undefined;
    wake?.();
    await producer;
  }
  if (failure !== undefined) throw failure.error;
  return result as CaptureResult;
}
