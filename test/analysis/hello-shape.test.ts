import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClientHello } from '../../src/tls/handshake/client-hello.js';
import { ja3 } from '../../src/tls/fingerprints/ja3.js';
import { ja4 } from '../../src/tls/fingerprints/ja4.js';
import { forgetHelloShapes, helloShape, MAX_HELLO_SHAPE_VALUES } from '../../src/analysis/hello-shape.js';

/** The shape made from the hello alone, nothing remembered. */
function referenceShape(h: ClientHello): unknown {
  return {
    cipherSuites: h.cipherSuites,
    extensions: h.extensions.map((e) => e.type),
    versions: h.supportedVersions ?? [h.legacyVersion],
    supportedGroups: h.supportedGroups ?? [],
    signatureAlgorithms: h.signatureAlgorithms ?? [],
    alpn: h.alpn ?? [],
    ja3: ja3(h),
    ja4: ja4(h),
  };
}

// Each field from two or three values, so that hellos repeat, differ in one field only, or differ
// only by an absent list against an empty one.
const list = fc.constantFrom<readonly number[]>([], [0x1301], [0x0010], [0x0a0a, 0x1301]);
const optionalList = fc.constantFrom<readonly number[] | null>(null, [], [0x0304, 0x0303]);
const alpnNames = fc.constantFrom<readonly string[] | null>(null, [], ['h2'], ['\u00ab0']);
const hello = fc
  .record({
    isSslv2Format: fc.boolean(),
    legacyVersion: fc.constantFrom(0x0303, 0x0301),
    cipherSuites: list,
    types: list,
    supportedVersions: optionalList,
    supportedGroups: optionalList,
    signatureAlgorithms: optionalList,
    ecPointFormats: fc.constantFrom<readonly number[] | null>(null, [], [0]),
    alpn: alpnNames,
  })
  .map(
    (r) =>
      ({
        isSslv2Format: r.isSslv2Format,
        legacyVersion: r.legacyVersion,
        cipherSuites: r.cipherSuites,
        extensions: r.types.map((type) => ({ type })),
        supportedVersions: r.supportedVersions,
        supportedGroups: r.supportedGroups,
        signatureAlgorithms: r.signatureAlgorithms,
        ecPointFormats: r.ecPointFormats,
        alpn: r.alpn,
        alpnRaw: r.alpn === null ? null : r.alpn.map((n) => Uint8Array.from(n, (ch) => ch.charCodeAt(0))),
      }) as unknown as ClientHello,
  );

/** What makes two hellos one shape: the fields the shape is made from, absent and empty lists alike but for supported_versions. */
function shapeKey(h: ClientHello): string {
  return JSON.stringify([h.isSslv2Format, h.legacyVersion, h.cipherSuites, h.extensions.map((e) => e.type), h.supportedVersions, h.supportedGroups ?? [], h.signatureAlgorithms ?? [], h.ecPointFormats ?? [], h.alpn ?? []]);
}

describe('ClientHello shapes', () => {
  it('equal the shape made from the hello alone, across repeating and nearly equal hellos', () => {
    fc.assert(
      fc.property(fc.array(hello, { minLength: 1, maxLength: 40 }), (seq) => {
        forgetHelloShapes();
        for (const h of seq) expect(helloShape(h)).toEqual(referenceShape(h));
      }),
      { numRuns: 300 },
    );
  });

  it('are one object for the hellos of one shape, and another for any other, even when every hash collides', () => {
    fc.assert(
      fc.property(fc.array(hello, { minLength: 2, maxLength: 40 }), fc.boolean(), (seq, collide) => {
        forgetHelloShapes({ collide });
        const seen = new Map<string, object>();
        for (const h of seq) {
          const shape = helloShape(h);
          const key = shapeKey(h);
          const first = seen.get(key);
          if (first === undefined) {
            for (const other of seen.values()) expect(shape).not.toBe(other);
            seen.set(key, shape);
          } else expect(shape).toBe(first);
          expect(shape).toEqual(referenceShape(h));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('are made afresh, and still right, for a hello too long to remember', () => {
    forgetHelloShapes();
    const suites = Array.from({ length: MAX_HELLO_SHAPE_VALUES + 1 }, (_, i) => 0x1301 + (i % 3));
    const long = { isSslv2Format: false, legacyVersion: 0x0303, cipherSuites: suites, extensions: [], supportedVersions: null, supportedGroups: null, signatureAlgorithms: null, ecPointFormats: null, alpn: null, alpnRaw: null } as unknown as ClientHello;
    const a = helloShape(long);
    expect(a).toEqual(referenceShape(long));
    expect(helloShape(long)).not.toBe(a);
  });

  afterAll(() => forgetHelloShapes());
});
