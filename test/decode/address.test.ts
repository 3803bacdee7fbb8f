import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AddressCache, formatIpv4, formatIpv6 } from '../../src/decode/address.js';
import { parseIpv6 } from '../fixtures/frame-builder.js';

/** A second, deliberately naive IPv6 text parser (independent of the frame builder's). */
function parseNaive(text: string): Uint8Array {
  let t = text;
  const out = new Uint8Array(16);
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(t);
  if (dotted !== null) {
    const [, a, b, c, d] = dotted.map(Number) as [number, number, number, number, number];
    t = `${t.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = t.split('::');
  const h = head === '' ? [] : head.split(':');
  const tl = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - tl.length).fill('0'), ...tl];
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

const ipv6Bytes = fc.oneof(
  fc.uint8Array({ minLength: 16, maxLength: 16 }),
  // Mostly-zero addresses exercise the "::" choice.
  fc.array(fc.constantFrom(0, 0, 0, 1, 0xff), { minLength: 16, maxLength: 16 }).map((a) => Uint8Array.from(a)),
  fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }).map((zeros) => {
    const b = new Uint8Array(16);
    zeros.forEach((z, i) => {
      if (!z) b[2 * i + 1] = i + 1;
    });
    return b;
  }),
);

describe('formatIpv6 (RFC 5952)', () => {
  it.each([
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'], // §4.2.1, lowercase §4.3
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // §4.2.2: one zero group is not compressed
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // §4.2.3: the longest run
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // §4.2.3: first of equal runs
    ['2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:0001', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'], // §5 IPv4-mapped
    ['::ffff:0:0', '::ffff:0.0.0.0'],
    ['fe80::0200:5eff:fe00:5301', 'fe80::200:5eff:fe00:5301'],
    ['2606:4700:0:0:0:0:6811:d209', '2606:4700::6811:d209'],
  ])('%s → %s', (input, want) => {
    expect(formatIpv6(parseIpv6(input), 0)).toBe(want);
  });

  it('agrees with the WHATWG URL serializer (which follows the same compression rules)', () => {
    fc.assert(
      fc.property(ipv6Bytes, (b) => {
        const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
        fc.pre(!mapped);
        const text = formatIpv6(b, 0);
        expect(new URL(`http://[${text}]/`).hostname).toBe(`[${text}]`);
      }),
    );
  });

  it('round-trips through two parsers and is lowercase without leading zeros', () => {
    fc.assert(
      fc.property(ipv6Bytes, (b) => {
        const text = formatIpv6(b, 0) ?? '';
        expect(parseIpv6(text)).toEqual(b);
        expect(parseNaive(text)).toEqual(b);
        expect(text).toBe(text.toLowerCase());
        expect(text).not.toMatch(/(^|:)0[0-9a-f]/);
        expect(text.split('::').length).toBeLessThanOrEqual(2);
      }),
    );
  });

  it('reads at an offset', () => {
    const b = new Uint8Array(20);
    b.set(parseIpv6('2001:db8::7'), 4);
    expect(formatIpv6(b, 4)).toBe('2001:db8::7');
  });
});

describe('formatIpv4', () => {
  it('writes dotted quads', () => {
    expect(formatIpv4(Uint8Array.of(9, 192, 168, 17, 58), 1)).toBe('192.168.17.58');
    expect(formatIpv4(Uint8Array.of(0, 0, 0, 0), 0)).toBe('0.0.0.0');
    expect(formatIpv4(Uint8Array.of(255, 255, 255, 255), 0)).toBe('255.255.255.255');
  });
});

describe('short input', () => {
  it('gives no text when the address runs past the bytes, in the formatters and in the cache', () => {
    const cache = new AddressCache(16);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: -2, max: 40 }), (b, offset) => {
        const v4Whole = offset >= 0 && offset + 4 <= b.length;
        const v6Whole = offset >= 0 && offset + 16 <= b.length;
        expect(formatIpv4(b, offset) !== undefined).toBe(v4Whole);
        expect(formatIpv6(b, offset) !== undefined).toBe(v6Whole);
        expect(cache.ipv4(b, offset)).toBe(formatIpv4(b, offset));
        expect(cache.ipv6(b, offset)).toBe(formatIpv6(b, offset));
      }),
    );
  });
});

describe('AddressCache', () => {
  it('gives the same text as the plain formatters, whatever collides in its small table', () => {
    const cache = new AddressCache(16);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), ipv6Bytes), { maxLength: 200 }), (addrs) => {
        for (const a of [...addrs, ...addrs]) {
          if (a.length === 4) expect(cache.ipv4(a, 0)).toBe(formatIpv4(a, 0));
          else expect(cache.ipv6(a, 0)).toBe(formatIpv6(a, 0));
        }
      }),
    );
  });
});
