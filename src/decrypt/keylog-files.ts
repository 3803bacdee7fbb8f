/**
 * Key log files named on the command line (`--keylog FILE`, repeatable), read into one store.
 * A file that cannot be read is an error the user must fix (a typo in the path would
 * otherwise look like "no secrets" on every connection); bad lines only warn.
 */
import { open } from 'node:fs/promises';
import { TlsAutopsyError } from '../util/errors.js';
import { DEFAULT_MAX_KEY_LOG_ENTRIES, KeyLog, escapeFileText } from './keylog.js';
import type { KeyLogIssue, KeyLogOptions } from './keylog.js';
import { u32At } from '../util/wire-read.js';
import { rememberLast } from '../util/remember-last.js';
import { groupedInteger } from '../util/grouped-integer.js';

/** Largest key log file read: a line per secret is ~180 bytes, so this holds ~300 000 connections. Default 64 MiB. */
export const DEFAULT_MAX_KEY_LOG_FILE_BYTES = 64 * 1024 * 1024;

/** Skipped lines told one by one on the command line; the rest are counted in one line. Default 10. */
export const DEFAULT_MAX_KEY_LOG_WARNINGS = 10;

/** Limits of reading key log files; each has a default. */
export interface KeyLogFileOptions extends KeyLogOptions {
  /** Largest file read. Default 64 MiB. */
  readonly maxFileBytes?: number;
  /** Skipped lines listed one by one (over all files); the rest are counted. Default 10. */
  readonly maxWarnings?: number;
}

/** What a key log line looks like, for the error about a file that holds none. */
const LINE_SHAPE = "'CLIENT_RANDOM <client random: 64 hex digits> <master secret: 96 hex digits>', or for TLS 1.3 'CLIENT_HANDSHAKE_TRAFFIC_SECRET <client random> <secret>' and the other *_SECRET labels";

/** Leading bytes of files that are captures rather than key logs (pcap both byte orders and resolutions, pcapng, gzip). */
function looksLikeCapture(bytes: Uint8Array): boolean {
  const magic = (u32At(bytes, 0) ?? 0) | 0;
  const known = [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a].map((m) => m | 0);
  return known.includes(magic) || (bytes[0] === 0x1f && bytes[1] === 0x8b);
}

/** The one sentence for a file that gave no secret at all: it is not a key log, or an empty one. */
function noSecretsError(path: string, bytes: Uint8Array, firstIssue: KeyLogIssue | undefined): TlsAutopsyError {
  const file = `'${escapeFileText(path)}'`;
  if (looksLikeCapture(bytes)) {
    return new TlsAutopsyError('usage', `The key log ${file} is a packet capture, not a key log; name the capture as an input and the key log the client wrote (SSLKEYLOGFILE) with --keylog.`);
  }
  if (firstIssue === undefined) {
    return new TlsAutopsyError('usage', `The key log ${file} is empty (no secrets, at most comments): the client wrote none to it; check that SSLKEYLOGFILE (or jSSLKeyLog for Java) reached the client before it connected.`);
  }
  return new TlsAutopsyError('usage', `The key log ${file} holds no key log line (line ${firstIssue.line}: ${firstIssue.message}); a line reads ${LINE_SHAPE}; check the path given to --keylog.`);
}

/** Key log files read into one store, with one warning line per skipped line (at most `maxWarnings`, then a count). */
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
    throw new TlsAutopsyError('usage', `The key log '${escapeFileText(path)}' cannot be read (${why}); check the path given to --keylog.`, { cause: err });
  }
  try {
    const stat = await handle.stat();
    // Linux opens a directory for reading; the read would then fail with a raw EISDIR.
    if (stat.isDirectory()) throw new TlsAutopsyError('usage', `The key log '${escapeFileText(path)}' is a directory; give the key log file itself to --keylog.`);
    const size = stat.size;
    if (size > max) throw new TlsAutopsyError('usage', `The key log '${escapeFileText(path)}' is ${size} bytes, more than the ${max} allowed; keep only the connections of this capture in it, or raise the limit with --limit maxKeyLogFileBytes=N.`);
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
export async function readKeyLogFiles(paths: readonly string[], options: KeyLogFileOptions = {}): Promise<KeyLogFiles> {
  const keyLog = new KeyLog({ ...options, maxIssues: options.maxWarnings ?? DEFAULT_MAX_KEY_LOG_WARNINGS });
  for (const path of paths) {
    const bytes = await readBounded(path, options.maxFileBytes ?? DEFAULT_MAX_KEY_LOG_FILE_BYTES);
    const pastLimitBefore = keyLog.dropped.entries;
    const added = keyLog.addBytes(bytes, path);
    // Lines skipped only because maxKeyLogEntries was reached are valid; any other file without one secret is a mistake.
    if (added.secrets === 0 && keyLog.dropped.entries === pastLimitBefore) {
      // Read again on its own: the shared store may have used up its listed issues on earlier files.
      const alone = new KeyLog({ ...options, maxIssues: 1 });
      alone.addBytes(bytes, path);
      throw noSecretsError(path, bytes, alone.issues[0]);
    }
  }
  const warnings = keyLog.issues.map((i) => `${escapeFileText(i.source)}:${i.line}: skipped: ${i.message}`);
  const more = keyLog.dropped.issues;
  if (more > 0) warnings.push(`${more} more key log line${more === 1 ? '' : 's'} skipped`);
  const past = keyLog.dropped.entries;
  if (past > 0) {
    // Counted per line: a connection has one line (TLS 1.2) to five (TLS 1.3).
    warnings.push(
      `${groupedInteger(past)} line${past === 1 ? '' : 's'} in all skipped past the first ${groupedInteger(options.maxEntries ?? DEFAULT_MAX_KEY_LOG_ENTRIES)} connections; raise the limit with --limit maxKeyLogEntries=N`,
    );
  }
  return { keyLog, warnings };
}

/** As `readKeyLogFiles`, reusing the last result for the same paths and limits (one per worker thread, not one per capture). */
export const readKeyLogFilesCached: (paths: readonly string[], options?: KeyLogFileOptions) => Promise<KeyLogFiles> = rememberLast((paths: readonly string[], options: KeyLogFileOptions = {}) => readKeyLogFiles(paths, options));
