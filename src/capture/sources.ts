/**
 * Byte sources: a file read into one reusable buffer, a Node stream or any async iterable,
 * and transparent gzip. Every source yields chunks that are valid until the next pull.
 */
import { constants as fsConstants, openSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Socket } from 'node:net';
import { Readable, pipeline } from 'node:stream';
import { constants as zlibConstants, createGunzip } from 'node:zlib';
import { TlsAutopsyError } from '../util/errors.js';
import type { CaptureSource } from './types.js';

/** Chunks of bytes; a chunk may be overwritten by the next pull. */
export type ChunkIterator = AsyncIterator<Uint8Array, undefined>;

function reason(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    switch (code) {
      case 'ENOENT':
        return 'there is no such file; check the path';
      case 'EACCES':
      case 'EPERM':
        return 'permission denied; run with access to it';
      case 'EISDIR':
        return 'it is a directory; name the capture files in it, or the directory alone';
      default:
        return error.message;
    }
  }
  return String(error);
}

/** Wraps a failure of the underlying source (not of the parsing) in a typed error. */
export function ioError(label: string, error: unknown): TlsAutopsyError {
  if (error instanceof TlsAutopsyError) return error;
  return new TlsAutopsyError('io', `Cannot read ${label}: ${reason(error)}.`, { cause: error });
}

/**
 * Reads a named pipe (`mkfifo`, or `<(tcpdump -w - …)` in a shell) without blocking a thread:
 * a read of a pipe through the thread pool waits in the kernel where nothing can wake it, so an
 * interrupted run could never exit. Opened non-blocking and read as a socket, the pipe waits for
 * its writer, delivers what it writes, and ends when the writer closes it.
 */
async function* pipeChunks(path: string, label: string): AsyncGenerator<Uint8Array, undefined> {
  let socket: Socket;
  try {
    // A plain descriptor (a FileHandle would close it when collected); a non-blocking open of a pipe never waits.
    socket = new Socket({ fd: openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK), readable: true, writable: false, allowHalfOpen: true });
  } catch (error) {
    throw ioError(label, error);
  }
  try {
    yield* iterableChunks(socket, label);
  } finally {
    socket.destroy();
  }
  return undefined;
}

/**
 * Reads a file with two buffers of `chunkBytes` (a named pipe as a socket): while the reader
 * parses one chunk, the next is already being read into the other, so the thread pool's read
 * overlaps the parsing instead of the parser waiting for it. A chunk is overwritten only by
 * the read started when the next one is pulled, so it stays valid until then.
 */
async function* fileChunks(path: string, chunkBytes: number, label: string): AsyncGenerator<Uint8Array, undefined> {
  const kind = await stat(path).catch(() => null);
  if (kind?.isFIFO() === true) return yield* pipeChunks(path, label);
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw ioError(label, error);
  }
  let filled = new Uint8Array(chunkBytes);
  let spare = new Uint8Array(chunkBytes);
  const readInto = (buffer: Uint8Array): Promise<number> => handle.read(buffer, 0, chunkBytes, null).then((r) => r.bytesRead);
  let pending: Promise<number> | undefined = readInto(filled);
  try {
    for (;;) {
      let n: number;
      try {
        n = await pending;
      } catch (error) {
        throw ioError(label, error);
      } finally {
        pending = undefined;
      }
      if (n === 0) return undefined;
      pending = readInto(spare);
      yield filled.subarray(0, n);
      [filled, spare] = [spare, filled];
    }
  } finally {
    // Stopped early: the read under way finishes before its handle closes (a file read always does).
    if (pending !== undefined) await pending.catch(() => undefined);
    await handle.close();
  }
}

/** Passes a stream's or iterable's chunks through, refusing anything that is not bytes. */
async function* iterableChunks(source: AsyncIterable<unknown>, label: string): AsyncGenerator<Uint8Array, undefined> {
  try {
    for await (const chunk of source) {
      if (chunk instanceof Uint8Array) {
        // A plain view of a Buffer's bytes: the parser cuts one view per packet, and a Buffer's
        // subarray (a JS-built Buffer each time) costs several times a Uint8Array's.
        if (chunk.length > 0) yield chunk instanceof Buffer ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength) : chunk;
      } else if (typeof chunk === 'string') {
        throw new TlsAutopsyError('io', `${label} is a text stream; read the capture as bytes (no encoding set on the stream).`);
      } else {
        throw new TlsAutopsyError('io', `${label} yielded something other than bytes.`);
      }
    }
  } catch (error) {
    throw ioError(label, error);
  }
  return undefined;
}

/** Opens the source as chunks. */
export function openSource(source: CaptureSource, chunkBytes: number, label: string): ChunkIterator {
  if (typeof source === 'string') return fileChunks(source, chunkBytes, label);
  return iterableChunks(source as AsyncIterable<unknown>, label);
}

/**
 * Output chunk bounds of the decompressor. Zlib refuses less than 64 bytes. The upper bound
 * is kept small because Node drops the output of the one inflate call that fails (e.g. on
 * a bad checksum): at most this many decompressed bytes before the damage are lost.
 */
const MIN_GUNZIP_CHUNK = 64;
const MAX_GUNZIP_CHUNK = 64 * 1024;

/**
 * Decompresses gzip (several members allowed). `head` holds the bytes already pulled to
 * sniff the format (copies); the rest comes from `rest`, copied because the file source
 * reuses its buffer while zlib may still hold the previous chunk.
 * A gzip stream cut short yields what it has (sync flush), so the capture reader reports
 * the cut as a truncated capture; damaged data surfaces as an error of the iteration.
 */
export function gunzipChunks(head: readonly Uint8Array[], rest: ChunkIterator, chunkBytes: number, label: string): ChunkIterator {
  async function* compressed(): AsyncGenerator<Uint8Array> {
    for (const chunk of head) yield chunk;
    for (;;) {
      let r: IteratorResult<Uint8Array, undefined>;
      try {
        r = await rest.next();
      } catch (error) {
        throw ioError(label, error);
      }
      if (r.done === true) return;
      yield new Uint8Array(r.value);
    }
  }
  const gunzip = createGunzip({
    finishFlush: zlibConstants.Z_SYNC_FLUSH,
    chunkSize: Math.max(MIN_GUNZIP_CHUNK, Math.min(chunkBytes, MAX_GUNZIP_CHUNK)),
  });
  // Errors reach the consumer through `next()`; the callback only keeps pipeline from
  // reporting them as unhandled.
  const out = pipeline(Readable.from(compressed(), { highWaterMark: 1 }), gunzip, () => undefined);
  const inner = drainThenFail(out);
  return {
    next: () => inner.next(),
    return: async () => {
      await inner.return?.();
      await rest.return?.();
      return { done: true, value: undefined };
    },
  };
}

/** Output chunks a stream may queue before it is paused. */
const STREAM_QUEUE_CHUNKS = 4;

/**
 * Iterates a stream so that every chunk it produced is delivered before its error (Node's
 * own async iterator may drop buffered output when the stream fails, and zlib reports a
 * damaged checksum only after the data it covers).
 */
function drainThenFail(stream: Readable): ChunkIterator {
  const queue: Uint8Array[] = [];
  let failure: { error: unknown } | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  stream.on('data', (chunk: Uint8Array) => {
    queue.push(chunk);
    if (queue.length >= STREAM_QUEUE_CHUNKS) stream.pause();
    notify();
  });
  stream.on('error', (error: unknown) => {
    failure ??= { error };
    notify();
  });
  stream.on('end', () => {
    ended = true;
    notify();
  });
  stream.on('close', () => {
    ended = true;
    notify();
  });
  return {
    next: async () => {
      for (;;) {
        const chunk = queue.shift();
        if (chunk !== undefined) {
          if (queue.length < STREAM_QUEUE_CHUNKS / 2 && !ended) stream.resume();
          return { done: false, value: chunk };
        }
        if (failure !== undefined) throw failure.error;
        if (ended) return { done: true, value: undefined };
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
    return: async () => {
      stream.destroy();
      return { done: true, value: undefined };
    },
  };
}
