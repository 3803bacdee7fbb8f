import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { u16At, u24At, u32At, u8At } from '../../src/util/wire-read.js';

const readers = [
  { name: 'u8At', size: 1, read: u8At },
  { name: 'u16At', size: 2, read: u16At },
  { name: 'u24At', size: 3, read: u24At },
  { name: 'u32At', size: 4, read: u32At },
] as const;

/** The big-endian value of `bytes[at, at + size)`, computed another way. */
function expected(bytes: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + (bytes[at + i] ?? Number.NaN);
  return v;
}

describe('checked wire reads', () => {
  it.each(readers)('$name reads big-endian inside [0, end) and gives undefined for any byte outside', ({ size, read }) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), fc.integer({ min: -5, max: 16 }), fc.integer({ min: -2, max: 16 }), (bytes, at, end) => {
        const inside = at >= 0 && at + size <= Math.min(end, bytes.length);
        expect(read(bytes, at, end)).toBe(inside ? expected(bytes, at, size) : undefined);
        // Without `end`, the array's length bounds the read.
        const insideArray = at >= 0 && at + size <= bytes.length;
        expect(read(bytes, at)).toBe(insideArray ? expected(bytes, at, size) : undefined);
      }),
      { numRuns: 2000 },
    );
  });

  it('u32At gives unsigned values up to 2^32 - 1', () => {
    expect(u32At(Uint8Array.of(0xff, 0xff, 0xff, 0xff), 0)).toBe(0xffffffff);
    expect(u32At(Uint8Array.of(0x80, 0, 0, 1), 0)).toBe(0x80000001);
    expect(u24At(Uint8Array.of(0xff, 0xfe, 0xfd), 0)).toBe(0xfffefd);
  });

  it('reads through a view at its own offsets', () => {
    const view = Uint8Array.of(9, 9, 0x12, 0x34, 9).subarray(2, 4);
    expect(u16At(view, 0)).toBe(0x1234);
    expect(u8At(view, 2)).toBeUndefined();
  });
});
