/** The short cuts of the text layout say what the long way says. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { len, wrapText, wrapWords } from '../../src/report/wrap.js';

const word = fc.oneof(fc.constantFrom('a', 'bb', 'word', '漢字', '😀', 'é', '→', '\t', ''), fc.integer({ min: 10, max: 70 }).map((n) => 'x'.repeat(n)));
const text = fc.array(fc.tuple(word, fc.constantFrom(' ', '  ', '')), { maxLength: 12 }).map((parts) => parts.map(([w, s]) => w + s).join(''));

describe('text layout', () => {
  it('len counts code points', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
      expect(len(s)).toBe([...s].length);
    }));
  });

  it('wrapText is wrapWords, fast path or not', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 90 }), fc.constantFrom('', '  ', '  FAILED  ', '    • '), fc.integer({ min: 0, max: 30 }), (t, width, first, indent) => {
        expect(wrapText(t, width, first, indent)).toEqual(wrapWords(t, width, first, indent));
      }),
      { numRuns: 2000 },
    );
  });

  it('wrapText is wrapWords at the edges: one word or a line about as long as the room', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 90 }), fc.constantFrom('', '  ', '    • '), fc.integer({ min: 0, max: 30 }), fc.integer({ min: -2, max: 2 }), fc.boolean(), (width, first, indent, delta, spaced) => {
        const room = Math.max(16, width - indent);
        const n = Math.max(1, Math.min(room, width - first.length) + delta);
        const t = spaced ? `${'y'.repeat(Math.max(1, n - 3))} zz`.slice(0, n) : 'x'.repeat(n);
        expect(wrapText(t, width, first, indent)).toEqual(wrapWords(t, width, first, indent));
      }),
      { numRuns: 2000 },
    );
  });
});
