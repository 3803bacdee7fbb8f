/**
 * Key log files named on the command line (`--keylog FILE`, repeatable), read into one store.
 * A file that cannot be read is an error the user must fix (a typo in the path would
 * otherwise look like "no secrets" on every connection); bad lines only warn.
 */
import { open } from 'node:fs/promises';
import { TlsAutopsyError } from '../util/errors.js';
import { KeyLog } from './keylog.js';
import { DEFAULT_MAX_KEY_LOG_ENTRIES } from './keylog.js';
import type { KeyLogOptions } from './keylog.js';

/** Largest key log file read: a line per secret is ~180 bytes, so this holds ~300 000 connections. Default 64 MiB. */
export const DEFAULT_MAX_KEY_LOG_FILE_BYTES = 64 * 1024 * 1024;

/** Key log files read into one store, with one warning line per skipped line (bounded by the store's `maxIssues`). */
export interface KeyLogFiles {
  readonly keyLog: KeyLog;
  readonly warnings: readonly string[];
}

async function readBounded(path: string, max: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : err instanceof Error ? err.message : String(err);
    throw new TlsAutopsyError('usage', `The key log '${path}' cannot be read (${why}); check the path given to --keylog.`, { cause: err });
  }
  try {
    const size = (await handle.stat()).size;
    if (size > max) throw new TlsAutopsyError('usage', `The key log '${path}' is ${size} bytes, more than the ${max} allowed; keep only the connections of this capture in it, or raise the limit with --limit maxKeyLogFileBytes=N.`);
    const buf = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(buf, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return buf.subarray(0, at);
  } finally {
    await handle.close();
  }
}

/** Reads every file into one key log. Throws a usage `TlsAutopsyError` for a file that cannot be read. */
async function readKeyLogFiles(paths: readonly string[], options: KeyLogOptions & { readonly maxFileBytes?: number } = {}): Promise<KeyLogFiles> {
  const keyLog = new KeyLog(options);
  for (const path of paths) keyLog.addBytes(await readBounded(path, options.maxFileBytes ?? DEFAULT_MAX_KEY_LOG_FILE_BYTES), path);
  const warnings = keyLog.issues.map((i) => `${i.source}:${i.line}: skipped: ${i.message}`);
  const more = keyLog.dropped.issues;
  if (more > 0) warnings.push(`${more} more key log line${more === 1 ? '' : 's'} skipped`);
  const past = keyLog.dropped.entries;
  if (past > 0) {
    // Counted per line: a connection has one line (TLS 1.2) to five (TLS 1.3).
    warnings.push(
      `${past.toLocaleString('en-US')} line${past === 1 ? '' : 's'} in all skipped past the first ${(options.maxEntries ?? DEFAULT_MAX_KEY_LOG_ENTRIES).toLocaleString('en-US')} connections; raise the limit with --limit maxKeyLogEntries=N`,
    );
  }
  return { keyLog, warnings };
}

let cached: { readonly key: string; readonly files: Promise<KeyLogFiles> } | null = null;

/** As `readKeyLogFiles`, reusing the last result for the same paths and limits (one per worker thread, not one per capture). */
export function readKeyLogFilesCached(paths: readonly string[], options: KeyLogOptions & { readonly maxFileBytes?: number } = {}): Promise<KeyLogFiles> {
  const key = JSON.stringify([paths, options]);
  if (cached === null || cached.key !== key) cached = { key, files: readKeyLogFiles(paths, options) };
  return cached.files;
}
