/**
 * The --java-log files of a run, read once per thread. A file that cannot be read stops the run
 * with one sentence (a typo in the path would otherwise look like "no log matched"); what the
 * reader noticed inside a log (a long line, no Java debug output) comes back as warnings.
 */
import { TlsAutopsyError } from '../util/errors.js';
import { readJavaLog } from './read.js';
import type { JavaLog, JavaLogLimits } from './types.js';
import { rememberLast } from '../util/remember-last.js';

/** The logs read, and one warning per issue the reader found in them. */
export interface JavaLogFiles {
  readonly logs: readonly JavaLog[];
  readonly warnings: readonly string[];
}

function unreadable(path: string, err: unknown): TlsAutopsyError {
  const code = (err as { code?: unknown } | null)?.code;
  const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : err instanceof Error ? err.message : String(err);
  return new TlsAutopsyError('usage', `The Java log '${path}' cannot be read (${why}); check the path given to --java-log.`, { cause: err });
}

async function readJavaLogFiles(paths: readonly string[], limits: JavaLogLimits): Promise<JavaLogFiles> {
  const logs: JavaLog[] = [];
  const warnings: string[] = [];
  for (const path of paths) {
    let log: JavaLog;
    try {
      log = await readJavaLog(path, limits);
    } catch (err) {
      throw unreadable(path, err);
    }
    logs.push(log);
    for (const issue of log.issues) warnings.push(issue.message.includes(path) ? issue.message : `Java log '${path}': ${issue.message}`);
  }
  return { logs, warnings };
}

/** `readJavaLogFiles` remembered for the last set of paths and limits (every capture of a run uses the same). */
export const readJavaLogFilesCached: (paths: readonly string[], limits?: JavaLogLimits) => Promise<JavaLogFiles> = rememberLast((paths: readonly string[], limits: JavaLogLimits = {}) => readJavaLogFiles(paths, limits));
