/**
 * Capture timestamps keep nanosecond precision as two numbers: a double cannot hold
 * nanoseconds since 1970 exactly (2^53 ns is only ~104 days).
 */
export interface Timestamp {
  /** Whole seconds since the Unix epoch (may be negative for pre-1970 captures). */
  readonly sec: number;
  /** Nanoseconds within the second, 0..999_999_999. */
  readonly nsec: number;
}

/** The placeholder time of state not yet set: one shared read-only object. */
export const ZERO_TIME: Timestamp = Object.freeze({ sec: 0, nsec: 0 });

/** Difference `b - a` in milliseconds (fractional). */
export function diffMs(a: Timestamp, b: Timestamp): number {
  return (b.sec - a.sec) * 1000 + (b.nsec - a.nsec) / 1e6;
}

/** Negative if a < b, 0 if equal, positive if a > b. */
export function compareTime(a: Timestamp, b: Timestamp): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nsec - b.nsec;
}

/** The last second formatted: reports format thousands of timestamps within the same second. */
let cachedSec = Number.NaN;
let cachedHead = '';

/** The last result: a connection's timeline repeats the time of each packet for every message it held. */
let lastSec = Number.NaN;
let lastNsec = Number.NaN;
let lastDigits = Number.NaN;
let lastText = '';

/** ISO-8601 UTC with up to nanosecond digits, e.g. `2026-11-20T14:02:11.201345678Z`. */
export function toIsoString(t: Timestamp, fractionDigits = 6): string {
  if (t.sec === lastSec && t.nsec === lastNsec && fractionDigits === lastDigits) return lastText;
  const text = formatIso(t, fractionDigits);
  lastSec = t.sec;
  lastNsec = t.nsec;
  lastDigits = fractionDigits;
  lastText = text;
  return text;
}

function formatIso(t: Timestamp, fractionDigits: number): string {
  let head: string;
  if (t.sec === cachedSec) head = cachedHead;
  else {
    const ms = t.sec * 1000;
    const base = Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : '1970-01-01T00:00:00.000Z';
    // Years past 9999 come as "+010000-…" (ECMA-262 expanded years); the report schema has no plus sign.
    const unsigned = base.startsWith('+') ? base.slice(1) : base;
    head = unsigned.slice(0, unsigned.indexOf('T') + 9);
    cachedSec = t.sec;
    cachedHead = head;
  }
  const digits = Math.max(0, Math.min(9, fractionDigits));
  if (digits === 0) return `${head}Z`;
  const fraction = String(t.nsec).padStart(9, '0').slice(0, digits);
  return `${head}.${fraction}Z`;
}
