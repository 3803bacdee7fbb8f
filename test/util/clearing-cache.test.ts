import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClearingCache, ListsCache } from '../../src/util/clearing-cache.js';

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

describe('ListsCache', () => {
  const key = fc.record({
    // Small values and short lists, so that equal keys and hash collisions both occur.
    lists: fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }), { minLength: 2, maxLength: 2 }),
    names: fc.array(fc.constantFrom('h2', 'http/1.1', '', 'h'), { maxLength: 2 }),
  });
  const text = (k: { lists: number[][]; names: string[] }): string => JSON.stringify(k);

  it('answers a key with the value set for an equal key, never for another, within its bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(key, { maxLength: 60 }), (max, keys) => {
        const cache = new ListsCache<string>(max);
        for (const k of keys) {
          const known = cache.get(k.lists, k.names);
          if (known !== undefined) expect(known).toBe(text(k));
          else cache.set(k.lists, k.names, text(k));
          expect(cache.size).toBeLessThanOrEqual(max);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps no key of more values than allowed, and finds a kept one again', () => {
    const cache = new ListsCache<number>(10, 3);
    cache.set([[1, 2], [3, 4]], [], 1);
    expect(cache.get([[1, 2], [3, 4]], [])).toBeUndefined();
    cache.set([[1, 2], [3]], ['h2'], 2);
    expect(cache.get([[1, 2], [3]], ['h2'])).toBe(2);
    expect(cache.get([[1, 2], [3]], ['h3'])).toBeUndefined();
    expect(cache.get([[1], [2, 3]], ['h2'])).toBeUndefined();
  });
});

describe('ListsCache found by the identity of its lists', () => {
  // A pool of list objects, some with equal contents: keys share objects, or only contents.
  const pool: readonly (readonly number[])[] = [[1, 2], [1, 2], [3], [], [3]];
  const key = fc.record({
    picks: fc.array(fc.integer({ min: 0, max: pool.length - 1 }), { minLength: 1, maxLength: 3 }),
    names: fc.array(fc.constantFrom('h2', 'h'), { maxLength: 1 }),
  });

  it('answers the value set for equal lists, whether given the same objects or equal ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(key, { maxLength: 60 }), (max, keys) => {
        const cache = new ListsCache<string>(max);
        for (const k of keys) {
          const lists = k.picks.map((i) => pool[i] as readonly number[]);
          const expected = JSON.stringify([lists, k.names]);
          const known = cache.get(lists, k.names);
          if (known !== undefined) expect(known).toBe(expected);
          else cache.set(lists, k.names, expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not answer for the same first list followed by other lists, and forgets identities when cleared', () => {
    const first = [1, 2];
    const second = [3];
    const cache = new ListsCache<number>(2);
    cache.set([first, second], [], 1);
    expect(cache.get([first, second], [])).toBe(1);
    expect(cache.get([first, [4]], [])).toBeUndefined();
    expect(cache.get([first], [])).toBeUndefined();
    expect(cache.get([first, second], ['h2'])).toBeUndefined();
    cache.set([[9], [9]], [], 2);
    cache.set([[8], [8]], [], 3);
    expect(cache.get([first, second], [])).toBeUndefined();
  });
});
