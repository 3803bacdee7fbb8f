/** pcapng timestamp conversion is exact: checked against BigInt for every resolution. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeTsResolution, makeTimeConverter } from '../../src/capture/index.js';

function reference(high: number, low: number, units: bigint, offset: number): { sec: number; nsec: number } {
  const total = (BigInt(high) << 32n) | BigInt(low);
  return { sec: Number(total / units + BigInt(offset)), nsec: Number(((total % units) * 1_000_000_000n) / units) };
}

describe('decodeTsResolution', () => {
  it('reads powers of ten and of two, and refuses exponents no 64-bit counter can use', () => {
    expect(decodeTsResolution(6)?.unitsPerSecond).toBe(1e6);
    expect(decodeTsResolution(9)?.unitsPerSecond).toBe(1e9);
    expect(decodeTsResolution(0)?.unitsPerSecond).toBe(1);
    expect(decodeTsResolution(0x80 | 20)?.unitsPerSecond).toBe(1_048_576);
    expect(decodeTsResolution(0x80 | 64)?.units).toBe(1n << 64n);
    expect(decodeTsResolution(19)?.units).toBe(10n ** 19n);
    expect(decodeTsResolution(20)).toBeUndefined();
    expect(decodeTsResolution(0x80 | 65)).toBeUndefined();
  });
});

describe('makeTimeConverter', () => {
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  // Every accepted if_tsresol byte: 10^0..10^19 and 2^0..2^64.
  const resolutionByte = fc.oneof(fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 64 }).map((n) => 0x80 | n));

  it('equals the BigInt reference for any 64-bit count, resolution and offset', () => {
    fc.assert(
      fc.property(u32, u32, resolutionByte, fc.integer({ min: -1e12, max: 1e12 }), (high, low, byte, offset) => {
        const res = decodeTsResolution(byte)!;
        const got = makeTimeConverter(res, offset)(high, low);
        const want = reference(high, low, res.units, offset);
        // Below 2^11 units per second the seconds of a huge count exceed 2^53: only sane counts are exact there.
        if (res.unitsPerSecond < 2048 && (BigInt(high) << 32n) / res.units > 2n ** 52n) return;
        expect(got).toEqual(want);
      }),
      { numRuns: 5000 },
    );
  });

  it('is exact at the edges of the fast paths (2^53 ns, 2^21 high words, all ones)', () => {
    const cases: [number, number][] = [
      [0, 0],
      [0x1fffff, 0xffffffff],
      [0x200000, 0],
      [0x200000, 1],
      [0x17a2b3c4, 0xdeadbeef],
      [0xffffffff, 0xffffffff],
      [0xffffffff, 0],
    ];
    for (const byte of [3, 6, 9, 0x80 | 9, 0x80 | 23, 0x80 | 24, 0x80 | 32, 12]) {
      const res = decodeTsResolution(byte)!;
      const convert = makeTimeConverter(res, 0);
      for (const [high, low] of cases) expect(convert(high, low)).toEqual(reference(high, low, res.units, 0));
    }
  });

  it('nsec stays within 0..999999999', () => {
    fc.assert(
      fc.property(u32, u32, resolutionByte, (high, low, byte) => {
        const { nsec } = makeTimeConverter(decodeTsResolution(byte)!, 0)(high, low);
        expect(Number.isInteger(nsec) && nsec >= 0 && nsec < 1e9).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
