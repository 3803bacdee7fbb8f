import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { groupedInteger } from '../../src/util/grouped-integer.js';

describe('groupedInteger', () => {
  it('writes what toLocaleString("en-US") writes', () => {
    for (const n of [0, -0, 1, 12, 123, 1234, 999_999, 1_000_000, -1234567, Number.MAX_SAFE_INTEGER, 1.5, Number.NaN, Infinity]) {
      expect(groupedInteger(n)).toBe(n.toLocaleString('en-US'));
    }
    fc.assert(fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (n) => groupedInteger(n) === n.toLocaleString('en-US')));
  });
});
