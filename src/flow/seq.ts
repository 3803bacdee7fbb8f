/**
 * Wrap-safe arithmetic on 32-bit TCP sequence numbers (RFC 9293 §3.4, "modulo 2^32").
 *
 * Every comparison of sequence numbers in the flow layer goes through these helpers, so
 * wrap-around is handled in one place. Stream offsets, unlike sequence numbers, are plain
 * non-negative integers that keep growing past 2^32 (exact up to 2^53 in a double).
 */

const MOD = 0x1_0000_0000;

/** Signed distance `a - b` in sequence space, in [-2^31, 2^31). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** `seq + n` modulo 2^32 (n may be negative or larger than 2^32). */
export function seqAdd(seq: number, n: number): number {
  const r = (seq + n) % MOD;
  return r < 0 ? r + MOD : r;
}

/** True when `a` comes before `b` in sequence space. */
export function seqLessThan(a: number, b: number): boolean {
  return seqDiff(a, b) < 0;
}

/**
 * Stream offset of `seq`, given the sequence number `base` of offset 0 and a reference offset
 * `near` known to lie within 2^31 of the answer (the reassembly cursor). The result may be
 * negative (before the stream start) or beyond 2^32 (long streams).
 */
export function seqToOffset(seq: number, base: number, near: number): number {
  return near + seqDiff(seq, seqAdd(base, near));
}
