import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClearingCache, listsKey } from '../../src/util/clearing-cache.js';

describe('ClearingCache', () => {
  it('answers like the function it remembers, and never holds more than its bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (max, keys) => {
        const cache = new ClearingCache<number, string>(max);
        let computed = 0;
        for (const k of keys) {
          expect(cache.getOrCompute(k, (key) => (computed++, `v${key * 3}`))).toBe(`v${k * 3}`);
          expect(cache.size).toBeLessThanOrEqual(max);
        }
        expect(computed).toBeLessThanOrEqual(keys.length);
      }),
    );
  });

  it('computes a remembered key once, and forgets everything when full', () => {
    const cache = new ClearingCache<string, number>(2);
    let calls = 0;
    const f = (k: string): number => (calls++, k.length);
    cache.getOrCompute('a', f);
    cache.getOrCompute('a', f);
    expect(calls).toBe(1);
    cache.getOrCompute('bb', f);
    expect(cache.size).toBe(2);
    cache.getOrCompute('ccc', f);
    expect(cache.size).toBe(1);
    expect(cache.get('a')).toBeUndefined();
    cache.getOrCompute('a', f);
    expect(calls).toBe(4);
  });
});

describe('listsKey', () => {
  it('tells any two different sets of 16-bit lists apart (same prefix, same number of lists)', () => {
    const lists = fc.array(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 6 }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(lists, lists, (a, b) => {
        expect(listsKey('p', a) === listsKey('p', b)).toBe(JSON.stringify(a) === JSON.stringify(b));
      }),
      { numRuns: 500 },
    );
  });

  it('is null when it could not be exact (a value outside 16 bits) or small (more values than allowed)', () => {
    expect(listsKey('p', [[1, 2], [0x10000]])).toBeNull();
    expect(listsKey('p', [[-1]])).toBeNull();
    expect(listsKey('p', [[1, 2], [3]], 2)).toBeNull();
    expect(listsKey('p', [[1, 2], [3]], 3)).toBe(`p${String.fromCharCode(2, 1, 1, 2, 3)}`);
  });
});
