/**
 * Byte sources: a file read into one reusable buffer, a Node stream or any async iterable,
 * and transparent gzip. Every source yields chunks that are valid until the next pull.
 */
import { open } from 'node:fs/promises';
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
        return 'no such file';
      case 'EACCES':
      case 'EPERM':
        return 'permission denied';
      case 'EISDIR':
        return 'it is a directory';
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

/** Reads a file with one buffer of `chunkBytes`, reused for every read. */
async function* fileChunks(path: string, chunkBytes: number, label: string): AsyncGenerator<Uint8Array, undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw ioError(label, error);
  }
  try {
    const buffer = new Uint8Array(chunkBytes);
    for (;;) {
      let n: number;
      try {
        ({ bytesRead: n } = await handle.read(buffer, 0, chunkBytes, null));
      } catch (error) {
        throw ioError(label, error);
      }
      if (n === 0) return undefined;
      yield buffer.subarray(0, n);
    }
  } finally {
    await handle.close();
  }
}

/** Passes a stream's or iterable's chunks through, refusing anything that is not bytes. */
async function* iterableChunks(source: AsyncIterable<unknown>, label: string): AsyncGenerator<Uint8Array, undefined> {
  try {
    for await (const chunk of source) {
      if (chunk instanceof Uint8Array) {
        if (chunk.length > 0) yield chunk;
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

/** Zlib refuses output chunks below 64 bytes; above 1 MiB nothing is gained. */
const MIN_GUNZIP_CHUNK = 64;
const MAX_GUNZIP_CHUNK = 1024 * 1024;

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
      yield r.value.slice();
    }
  }
  const gunzip = createGunzip({
    finishFlush: zlibConstants.Z_SYNC_FLUSH,
    chunkSize: Math.max(MIN_GUNZIP_CHUNK, Math.min(chunkBytes, MAX_GUNZIP_CHUNK)),
  });
  // Errors reach the consumer through the iteration of `gunzip`; the callback only keeps
  // pipeline from reporting them as unhandled.
  const out = pipeline(Readable.from(compressed(), { highWaterMark: 1 }), gunzip, () => undefined);
  const iterator = out[Symbol.asyncIterator]() as AsyncIterator<Uint8Array, undefined>;
  return {
    next: () => iterator.next(),
    return: async () => {
      await iterator.return?.();
      await rest.return?.();
      return { done: true, value: undefined };
    },
  };
}
