import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClientHello } from '../../src/tls/handshake/client-hello.js';
import { ja3 } from '../../src/tls/fingerprints/ja3.js';
import { ja4, ja4Alpn, ja4Version } from '../../src/tls/fingerprints/ja4.js';
import { isGrease } from '../../src/tls/registry/names.js';

/** JA4 straight from the spec, no caches: the remembered results must always equal it. */
function referenceJa4(h: ClientHello, protocol: 't' | 'q' | 'd'): readonly [string, string, string, string] {
  const hex = (n: number): string => (n & 0xffff).toString(16).padStart(4, '0');
  const sha = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 12);
  const ciphers = h.cipherSuites.filter((c) => c <= 0xffff && !isGrease(c));
  const exts = h.extensions.map((e) => e.type).filter((t) => !isGrease(t));
  const sig = (h.signatureAlgorithms ?? []).filter((s) => !isGrease(s)).map(hex).join(',');
  const n2 = (n: number): string => String(Math.min(n, 99)).padStart(2, '0');
  const a = `${protocol}${ja4Version(h)}${exts.includes(0) || h.extensions.some((e) => e.type === 0) ? 'd' : 'i'}${n2(ciphers.length)}${n2(exts.length)}${ja4Alpn(h.alpnRaw?.[0])}`;
  const cs = [...ciphers].sort((x, y) => x - y).map(hex).join(',');
  const co = ciphers.map(hex).join(',');
  const es = exts.filter((t) => t !== 0 && t !== 0x10).sort((x, y) => x - y).map(hex).join(',');
  const eo = exts.map(hex).join(',');
  const c = (e: string): string => (sig.length > 0 ? `${e}_${sig}` : e);
  const h12 = (list: string, input: string): string => (list.length === 0 ? '000000000000' : sha(input));
  const ch = (e: string): string => (e.length === 0 && sig.length === 0 ? '000000000000' : sha(c(e)));
  return [`${a}_${h12(cs, cs)}_${ch(es)}`, `${a}_${cs}_${c(es)}`, `${a}_${h12(co, co)}_${ch(eo)}`, `${a}_${co}_${c(eo)}`];
}

// Small pools so that hellos repeat and differ by one value or one position: cache hits and near misses.
const value = fc.constantFrom(0x0000, 0x0010, 0x000d, 0x002b, 0x0a0a, 0x1301, 0x1302, 0xc02b, 0x007c, 0x0303, 0x0304, 0x10001, 0xffff, -1);
const list = fc.array(value, { maxLength: 6 });
const hello = fc
  .record({
    cipherSuites: list,
    types: list,
    supportedVersions: fc.option(list),
    signatureAlgorithms: fc.option(list),
    legacyVersion: fc.constantFrom(0x0303, 0x0301),
    alpn: fc.option(fc.array(fc.uint8Array({ maxLength: 2 }), { maxLength: 1 })),
  })
  .map(
    (r) =>
      ({
        isSslv2Format: false,
        legacyVersion: r.legacyVersion,
        cipherSuites: r.cipherSuites,
        extensions: r.types.map((type) => ({ type })),
        supportedVersions: r.supportedVersions,
        signatureAlgorithms: r.signatureAlgorithms,
        alpnRaw: r.alpn,
        supportedGroups: null,
        ecPointFormats: null,
      }) as unknown as ClientHello,
  );

/** JA3 text straight from the reference, no caches. */
function referenceJa3Text(h: ClientHello): string {
  const join = (v: readonly number[]): string => v.filter((x) => !isGrease(x)).join('-');
  return [String(h.legacyVersion), join(h.cipherSuites), join(h.extensions.map((e) => e.type)), join(h.supportedGroups ?? []), (h.ecPointFormats ?? []).join('-')].join(',');
}

/** Hellos with groups and point formats too, from the same small pools. */
const ja3Hello = fc.tuple(hello, fc.option(list), fc.option(list)).map(([h, groups, formats]) => ({ ...h, supportedGroups: groups, ecPointFormats: formats }) as ClientHello);

describe('fingerprint caches', () => {
  it('JA3 results equal a cache-free computation across sequences of repeating, nearly equal hellos', () => {
    fc.assert(
      fc.property(fc.array(ja3Hello, { minLength: 1, maxLength: 30 }), (seq) => {
        for (const h of seq) {
          const text = referenceJa3Text(h);
          expect(ja3(h)).toEqual({ text, hash: createHash('md5').update(text, 'latin1').digest('hex') });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('JA4 results equal a cache-free computation across sequences of repeating, nearly equal hellos', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(hello, fc.constantFrom('t' as const, 'q' as const, 'd' as const)), { minLength: 1, maxLength: 30 }), (seq) => {
        for (const [h, p] of seq) {
          const r = ja4(h, p);
          expect([r.ja4, r.ja4_r, r.ja4_o, r.ja4_ro]).toEqual(referenceJa4(h, p));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('JA3 hashes equal a cache-free MD5 of the text', () => {
    fc.assert(
      fc.property(fc.array(hello, { minLength: 1, maxLength: 20 }), (seq) => {
        for (const h of seq) {
          const r = ja3(h);
          expect(r?.hash).toBe(createHash('md5').update(r?.text ?? '').digest('hex'));
        }
      }),
      { numRuns: 200 },
    );
  });
});
