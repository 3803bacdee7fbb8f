/** Keeps the handshakes a log parser finds, up to a limit, and the log's issues. */
import type { JavaLogIssue, LoggedChain, LoggedHandshake } from './types.js';

export class HandshakeCollector {
  readonly handshakes: LoggedHandshake[] = [];
  readonly issues: JavaLogIssue[] = [];
  private dropped = 0;

  constructor(private readonly maxHandshakes: number) {}

  /** Keeps `h` unless the limit is reached; the parser goes on filling it either way. */
  add(h: LoggedHandshake): void {
    if (this.handshakes.length < this.maxHandshakes) this.handshakes.push(h);
    else this.dropped++;
  }

  issue(issue: JavaLogIssue): void {
    // One line per kind of problem is enough to act on; a hostile log could repeat one a million times.
    if (this.issues.length < 100 && !this.issues.some((i) => i.code === issue.code)) this.issues.push(issue);
  }

  finish(): void {
    if (this.dropped > 0) {
      this.issues.push({
        code: 'javalog.handshake_limit',
        message: `The log holds ${this.handshakes.length + this.dropped} handshakes; only the first ${this.handshakes.length} are used (raise --limit maxJavaLogHandshakes).`,
      });
    }
  }
}

/** Lower-case snake name of an alert as JSSE prints it in `Fatal (BAD_CERTIFICATE)` or `description = bad_certificate`. */
export function alertName(text: string): string {
  return text.trim().toLowerCase();
}

/** Builds a chain summary from subject and issuer lines, in order. */
export function chainOf(count: number, subjects: readonly string[], issuers: readonly string[]): LoggedChain {
  return { count, subjects, issuers };
}

/** The JDK 11+ timestamp `2026-12-06 16:48:36.336 UTC` (or with a numeric offset) as epoch milliseconds. */
export function parseJavaTime(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) (UTC|GMT|[+-]\d{4}|[A-Z]{2,5})?/.exec(text.trim());
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, ms, zone] = m;
  let offsetMinutes = 0;
  if (zone !== undefined && /^[+-]\d{4}$/.test(zone)) {
    const sign = zone.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
  } else if (zone !== undefined && zone !== 'UTC' && zone !== 'GMT') {
    // A zone abbreviation (CET, EST …) is ambiguous; the time is kept as text only.
    return null;
  }
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms));
  return Number.isFinite(utc) ? utc - offsetMinutes * 60_000 : null;
}
