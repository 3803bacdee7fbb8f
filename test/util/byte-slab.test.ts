/** Slab copies behave as owned copies: equal bytes, untouched by later writes to the source or later copies. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteSlab } from '../../src/util/bytes.js';

describe('ByteSlab', () => {
  it('copies any range exactly, and earlier copies survive later ones and writes to the source', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.nat(300), fc.nat(300)), { maxLength: 40 }), (inputs) => {
        // A tiny slab so that copies straddle slab turnovers and the size limits.
        const slab = new ByteSlab(512, 200, 8);
        const kept: { copy: Uint8Array; want: string }[] = [];
        for (const [bytes, a, b] of inputs) {
          const start = Math.min(a, b, bytes.length);
          const end = Math.min(Math.max(a, b), bytes.length);
          const copy = slab.copy(bytes, start, end);
          const want = Buffer.from(bytes.subarray(start, end)).toString('hex');
          expect(Buffer.from(copy).toString('hex')).toBe(want);
          bytes.fill(0xee);
          kept.push({ copy, want });
        }
        for (const k of kept) expect(Buffer.from(k.copy).toString('hex')).toBe(k.want);
      }),
    );
  });
});
