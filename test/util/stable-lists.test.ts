/**
 * Lists a connection record carries keep one hidden class, empty or not, so optimized code that
 * met one does not meet another later (util/stable-lists.ts explains the "wrong map" cost).
 */
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NO_NUMBERS, NO_OBJECTS, mapNumbers, mapObjects, objectList } from '../../src/util/stable-lists.js';

setFlagsFromString('--allow-natives-syntax');
// A V8 intrinsic, reachable once the flag above is set: whether two objects share a hidden class.
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: unknown, b: unknown) => boolean;

describe('stable lists', () => {
  it('map as Array.prototype.map does', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ n: fc.integer({ min: 0, max: 0xffff }), s: fc.string() }), { maxLength: 20 }), (items) => {
        expect(mapObjects(items, (x, i) => ({ s: x.s, i }))).toEqual(items.map((x, i) => ({ s: x.s, i })));
        // `| 0`: a number fast-check stored as a heap number would make the list one of doubles.
        expect(mapNumbers(items, (x) => x.n | 0)).toEqual(items.map((x) => x.n));
      }),
    );
  });

  it('an empty list of objects has the class of a full one, where [] and .map do not', () => {
    const full = mapObjects([1, 2], (n) => ({ n }));
    expect(haveSameMap(mapObjects([], (n: number) => ({ n })), full)).toBe(true);
    expect(haveSameMap(objectList<{ n: number }>(), full)).toBe(true);
    expect(haveSameMap(NO_OBJECTS, full)).toBe(true);
    expect(haveSameMap(NO_OBJECTS, mapObjects(['a'], (s) => s.toUpperCase()))).toBe(true);
    // What the helpers avoid: the built-in way gives the empty list another class.
    expect(haveSameMap([].map((n: number) => ({ n })), [1, 2].map((n) => ({ n })))).toBe(false);
  });

  it('an empty list of numbers has the class of a full one, where a frozen one does not', () => {
    expect(haveSameMap(NO_NUMBERS, mapNumbers([{ t: 1 }, { t: 2 }], (x) => x.t))).toBe(true);
    expect(haveSameMap(mapNumbers([], (x: number) => x), [1, 2])).toBe(true);
    expect(haveSameMap(Object.freeze([]), [1, 2])).toBe(false);
  });
});
