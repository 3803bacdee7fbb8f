/**
 * The report file of -o: checked before the analysis (a long run must not end in "cannot
 * write"), and any error writing it told in one sentence.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';

/** Why `err` kept `path` from being written, as one sentence that says what to do. */
export function cannotWriteText(path: string, err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const why =
    code === 'ENOENT'
      ? `the directory ${dirname(path)} does not exist; create it or choose another path with -o`
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'permission denied; choose a path you may write with -o'
        : code === 'EISDIR'
          ? 'it is a directory; give a file name with -o'
          : code === 'ENOTDIR'
            ? `a part of ${dirname(path)} is a file, not a directory; choose another path with -o`
            : code === 'ENOSPC'
              ? 'the disk is full; free some space or choose another path with -o'
              : `${err instanceof Error ? err.message : String(err)}; choose another path with -o`;
  return `Cannot write the report to '${path}': ${why}.`;
}

/** Null when the report file's directory exists; else the sentence that says why it cannot be written. */
export function outputFileProblem(path: string): string | null {
  const dir = dirname(path);
  try {
    if (!statSync(dir).isDirectory()) return cannotWriteText(path, { code: 'ENOTDIR' });
  } catch (err) {
    return cannotWriteText(path, err);
  }
  try {
    if (statSync(path).isDirectory()) return cannotWriteText(path, { code: 'EISDIR' });
  } catch {
    // No such file yet: it is created when the report is written.
  }
  return null;
}
