/**
 * Exact conversion of capture timestamps to {sec, nsec}.
 *
 * pcapng stores a 64-bit count of units (10^-k or 2^-n s) since the epoch, split into two
 * 32-bit halves. Nanosecond counts of today are about 1.7e18, far past 2^53, so a double
 * cannot hold them: the conversion divides the two halves exactly with integer arithmetic
 * that stays below 2^53 at every step, and falls back to BigInt only for resolutions that
 * are neither a divisor of 10^9 nor a small power of two.
 */
import type { Timestamp } from '../util/time.js';

/** Converts the two 32-bit halves of a pcapng timestamp to seconds and nanoseconds. */
export type TimeConverter = (high: number, low: number) => Timestamp;

const TWO_32 = 4_294_967_296;
const TWO_21 = 2_097_152;
const NS_PER_SEC = 1_000_000_000;

/** Timestamp resolution decoded from an `if_tsresol` byte. */
export interface TsResolution {
  /** Units per second as a number (exact up to 2^53, which covers every sane resolution). */
  readonly unitsPerSecond: number;
  /** Units per second, exact. */
  readonly units: bigint;
  /** Power of two (true) or of ten. */
  readonly binary: boolean;
  readonly exponent: number;
}

/** Largest exponents accepted in `if_tsresol`: beyond them one unit is below 2^-64 s, which no clock has. */
const MAX_TSRESOL_DECIMAL_EXPONENT = 19;
const MAX_TSRESOL_BINARY_EXPONENT = 64;

/**
 * Decodes an `if_tsresol` byte: the high bit selects a power of two, the rest is the
 * negative exponent (pcapng draft, section 4.2). Returns undefined for exponents so large
 * that the 64-bit timestamp could not count one second.
 */
export function decodeTsResolution(byte: number): TsResolution | undefined {
  const binary = (byte & 0x80) !== 0;
  const exponent = byte & 0x7f;
  if (binary ? exponent > MAX_TSRESOL_BINARY_EXPONENT : exponent > MAX_TSRESOL_DECIMAL_EXPONENT) return undefined;
  const units = binary ? 1n << BigInt(exponent) : 10n ** BigInt(exponent);
  return { unitsPerSecond: Number(units), units, binary, exponent };
}

/** The default resolution of pcapng (microseconds). */
export const MICROSECONDS: TsResolution = { unitsPerSecond: 1e6, units: 1_000_000n, binary: false, exponent: 6 };

/**
 * Builds the converter for one interface; `offsetSeconds` (if_tsoffset) is added to every
 * result. Three exact paths, fastest first:
 * - units divide 10^9 (µs, ns, ms, …, and 2^0..2^9): 16-bit long division, nsec = rem · (10^9 / units);
 * - 2^n with n ≤ 23: shifts, and rem · 10^9 stays below 2^53;
 * - anything else: BigInt.
 */
export function makeTimeConverter(resolution: TsResolution, offsetSeconds: number): TimeConverter {
  const u = resolution.unitsPerSecond;
  if (u <= NS_PER_SEC && NS_PER_SEC % u === 0) {
    const scale = NS_PER_SEC / u;
    // Remainder between the steps of the long division (a closure variable: no allocation per packet).
    let carry = 0;
    const divideLimb = (limb: number): number => {
      const x = carry * 65_536 + limb;
      let d = Math.floor(x / u);
      let r = x - d * u;
      if (r < 0) {
        d--;
        r += u;
      } else if (r >= u) {
        d++;
        r -= u;
      }
      carry = r;
      return d;
    };
    return (high, low) => {
      let sec: number;
      let rem: number;
      if (high < TWO_21) {
        // The whole count is below 2^53: one division, corrected for rounding.
        const total = high * TWO_32 + low;
        sec = Math.floor(total / u);
        rem = total - sec * u;
        if (rem < 0) {
          sec--;
          rem += u;
        } else if (rem >= u) {
          sec++;
          rem -= u;
        }
      } else {
        // Long division by u (< 2^30) over 16-bit limbs: each partial dividend is < 2^46.
        carry = 0;
        const q3 = divideLimb(high >>> 16);
        const q2 = divideLimb(high & 0xffff);
        const q1 = divideLimb(low >>> 16);
        const q0 = divideLimb(low & 0xffff);
        rem = carry;
        const q = ((q3 * 65_536 + q2) * 65_536 + q1) * 65_536 + q0;
        sec = q;
      }
      return { sec: sec + offsetSeconds, nsec: rem * scale };
    };
  }
  if (resolution.binary && resolution.exponent <= 23) {
    const n = resolution.exponent;
    const highScale = 2 ** (32 - n);
    const low2n = 2 ** n;
    return (high, low) => {
      const rem = low % low2n;
      const sec = high * highScale + (low - rem) / low2n;
      // rem < 2^23, so rem · 10^9 < 2^53 and the division by a power of two is exact.
      return { sec: sec + offsetSeconds, nsec: Math.floor((rem * NS_PER_SEC) / low2n) };
    };
  }
  const units = resolution.units;
  const offset = BigInt(offsetSeconds);
  return (high, low) => {
    const total = (BigInt(high) << 32n) | BigInt(low);
    const sec = total / units;
    const nsec = ((total % units) * 1_000_000_000n) / units;
    return { sec: Number(sec + offset), nsec: Number(nsec) };
  };
}
