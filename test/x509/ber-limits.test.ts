/**
 * The BER reader of the key store parsers at its limits: indefinite-length nesting up to 24 levels
 * below the top, at most 100,000 children in one indefinite-length element, a child that does not
 * parse, and constructed OCTET STRINGs whose segments do not parse.
 */
import { describe, expect, it } from 'vitest';
import { berOctets, readBer } from '../../src/x509/trust/ber.js';

/** `levels` SEQUENCEs of indefinite length, one inside the other, around nothing. */
function nested(levels: number): Uint8Array {
  return Uint8Array.from([...Array.from({ length: levels }, () => [0x30, 0x80]).flat(), ...new Array<number>(2 * levels).fill(0)]);
}

/** One SEQUENCE of indefinite length holding `count` NULLs. */
function manyNulls(count: number): Uint8Array {
  const out = new Uint8Array(2 + 2 * count + 2);
  out.set([0x30, 0x80]);
  for (let i = 0; i < count; i++) out.set([0x05, 0x00], 2 + 2 * i);
  return out;
}

describe('indefinite lengths', () => {
  it('nest 25 levels deep (the top and 24 below it), not 26', () => {
    expect(readBer(nested(25))).toMatchObject({ tag: 0x30, constructed: true, end: 100 });
    expect(readBer(nested(26))).toBeUndefined();
  });

  it('hold 100,000 children, not 100,001', () => {
    expect(readBer(manyNulls(100_000))?.end).toBe(200_004);
    expect(readBer(manyNulls(100_001))).toBeUndefined();
  });

  it('a child that does not parse fails the whole element', () => {
    // A high tag number (0x1f) is not read in key stores.
    expect(readBer(Uint8Array.of(0x30, 0x80, 0x05, 0x00, 0x1f, 0x00, 0x00, 0x00))).toBeUndefined();
    expect(readBer(Uint8Array.of(0x30, 0x80, 0x05, 0x00, 0x00, 0x00))?.end).toBe(6);
  });
});

describe('constructed OCTET STRINGs', () => {
  it('join their segments, and give nothing when a segment, or a segment of a segment, does not parse', () => {
    expect(Buffer.from(berOctets(readBer(Uint8Array.of(0x24, 0x07, 0x04, 0x02, 0x61, 0x62, 0x04, 0x01, 0x63))) ?? []).toString()).toBe('abc');
    expect(berOctets(readBer(Uint8Array.of(0x24, 0x02, 0xff, 0xff)))).toBeUndefined();
    expect(berOctets(readBer(Uint8Array.of(0x24, 0x06, 0x24, 0x02, 0xff, 0xff, 0x04, 0x00)))).toBeUndefined();
  });
});
