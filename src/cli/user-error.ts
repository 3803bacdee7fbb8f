/**
 * How the command line says a user error (`TlsAutopsyError`): one sentence on stderr, escaped
 * like wire text — the sentences quote file names, key store aliases and other bytes read from
 * files, which must not break the line or reach the terminal raw — and exit status 2.
 */
import { sanitizeText } from '../report/sanitize.js';
import { TlsAutopsyError } from '../util/errors.js';

/** The line a user error prints. */
export function userErrorLine(err: TlsAutopsyError): string {
  return `tlsautopsy: ${sanitizeText(err.message)}\n`;
}

/** Runs a subcommand: a user error is its line on stderr and exit status 2; anything else is thrown on. */
export async function exitOnUserError(io: { stderr(s: string): void }, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof TlsAutopsyError)) throw err;
    io.stderr(userErrorLine(err));
    return 2;
  }
}

/** The usage errors of a subcommand: the sentence, then where its options are listed. */
export function subcommandUsage(name: string): (message: string) => TlsAutopsyError {
  return (message) => new TlsAutopsyError('usage', `${message} Run 'tlsautopsy ${name} --help' for the options.`);
}

/** `--at`: an ISO-8601 time, or now when not given. */
export function atOption(value: string | undefined, usage: (message: string) => TlsAutopsyError): Date {
  const at = value === undefined ? new Date() : new Date(value);
  if (Number.isNaN(at.getTime())) throw usage(`--at takes an ISO-8601 time such as 2025-06-01T12:00:00Z, not '${value}'.`);
  return at;
}
