import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readDer, readDerChildren } from '../../src/x509/der.js';
import { readBer } from '../../src/x509/trust/ber.js';
import { concat, strictPrefixes, tlv } from './helpers.js';

// A TLV with a value of `size` bytes: short-form length below 128, long form (1 or 2 octets) above.
const element = fc.tuple(fc.constantFrom(0x04, 0x0c, 0x30, 0xa0), fc.integer({ min: 0, max: 300 })).map(([tag, size]) => tlv(tag, new Uint8Array(size).fill(0x5a)));

describe('readDer and readBer on short input', () => {
  it('refuse every strict prefix of a TLV and read the whole one', () => {
    fc.assert(
      fc.property(element, (whole) => {
        for (const p of strictPrefixes(whole)) {
          expect(readDer(p)).toBeUndefined();
          expect(readBer(p)).toBeUndefined();
        }
        expect(readDer(whole)?.end).toBe(whole.length);
        expect(readBer(whole)?.end).toBe(whole.length);
      }),
    );
  });

  it('stop at `end` even when the array holds the bytes after it', () => {
    fc.assert(
      fc.property(element, fc.uint8Array({ minLength: 1, maxLength: 8 }), (whole, after) => {
        const bytes = concat(whole, after);
        for (let end = 0; end < whole.length; end++) {
          expect(readDer(bytes, 0, end)).toBeUndefined();
          expect(readBer(bytes, 0, end)).toBeUndefined();
        }
        expect(readDer(bytes, 0, whole.length)?.value.length).toBe(readDer(whole)?.value.length);
      }),
    );
  });

  it('a high tag number cut inside its octets is refused', () => {
    // [APPLICATION 200] in two tag octets (0x81 0x48), then an empty value.
    const whole = Uint8Array.of(0x5f, 0x81, 0x48, 0x00);
    expect(readDer(whole)).toMatchObject({ tagNumber: 200, end: 4 });
    for (const p of strictPrefixes(whole)) expect(readDer(p)).toBeUndefined();
  });

  it('never throw on random bytes, and what they read lies inside the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: -2, max: 70 }), (bytes, offset) => {
        const d = readDer(bytes, offset);
        if (d !== undefined) expect(d.end).toBeLessThanOrEqual(bytes.length);
        const b = readBer(bytes, offset);
        if (b !== undefined) expect(b.end).toBeLessThanOrEqual(bytes.length);
        readDerChildren(bytes);
      }),
      { numRuns: 3000 },
    );
  });
});
