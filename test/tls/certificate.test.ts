import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeCertificate, certificateDerList } from '../../src/tls/handshake/certificate.js';
import { summarizeCertificate } from '../../src/x509/index.js';
import { concat, ext, fill, hex, makeChain, strictPrefixes, u16, vec16, vec24, vec8, type Issued } from '../x509/helpers.js';

let chain: { root: Issued; intermediate: Issued; leaf: Issued };
let body12: Uint8Array;
let body13: Uint8Array;

/** TLS 1.2: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. */
function tls12(ders: readonly Uint8Array[]): Uint8Array {
  return vec24(...ders.map((d) => vec24(d)));
}

/** TLS 1.3: context<0..255>, then CertificateEntry {cert_data<1..2^24-1>, extensions<0..2^16-1>}. */
function tls13(context: Uint8Array, entries: readonly { der: Uint8Array; exts?: Uint8Array }[]): Uint8Array {
  return concat(vec8(context), vec24(...entries.map((e) => concat(vec24(e.der), vec16(e.exts ?? new Uint8Array(0))))));
}

beforeAll(async () => {
  chain = await makeChain();
  body12 = tls12([chain.leaf.der, chain.intermediate.der]);
  // status_request with an OCSP response (type 1, opaque<1..2^24-1>) on the leaf entry.
  body13 = tls13(hex('a1b2'), [{ der: chain.leaf.der, exts: ext(5, [1], vec24(fill(20, 0x30))) }, { der: chain.intermediate.der }]);
});

describe('decodeCertificate, TLS ≤ 1.2', () => {
  it('decodes a chain of real certificates as views of the DER', () => {
    const d = decodeCertificate(body12, { tls13: false });
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.variant).toBe('tls12');
    expect(d.value.isEmpty).toBe(false);
    expect(d.value.totalEntries).toBe(2);
    const ders = certificateDerList(d.value);
    expect(Buffer.from(ders[0] ?? []).equals(Buffer.from(chain.leaf.der))).toBe(true);
    expect(ders[0]?.buffer).toBe(body12.buffer);
    expect(d.value.entries[0]?.offset).toBe(6);
    expect(summarizeCertificate(ders[1] ?? new Uint8Array(0)).subject).toBe('CN=Corp Issuing CA 2, O=Example Corp, C=US');
  });

  it('reads the empty Certificate (0b 00 00 03 | 00 00 00) as isEmpty', () => {
    const full = hex('0b000003000000');
    const d = decodeCertificate(full.subarray(4), { tls13: false });
    expect(d).toEqual({ ok: true, value: { variant: 'tls12', entries: [], isEmpty: true, totalEntries: 0, issues: [] } });
  });

  it('fails cleanly on every strict prefix', () => {
    for (const p of strictPrefixes(body12)) expect(decodeCertificate(p, { tls13: false }).ok).toBe(false);
  });

  it.each([
    ['list length longer than the body', hex('000005000001aa'), 'tls.handshake.certificate.truncated'],
    ['entry length past the list', hex('000004000009aa'), 'tls.handshake.certificate.truncated'],
    ['empty entry', hex('000003000000'), 'tls.handshake.certificate.empty_entry'],
    ['trailing bytes', hex('00000000'), 'tls.handshake.certificate.trailing_bytes'],
  ])('rejects %s', (_, body, code) => {
    const d = decodeCertificate(body, { tls13: false });
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.issue.code).toBe(code);
  });

  it('keeps maxCertificatesPerChain certificates and notes the rest', () => {
    const body = tls12(Array.from({ length: 5 }, (_, i) => fill(3, i + 1)));
    const d = decodeCertificate(body, { tls13: false }, { maxCertificatesPerChain: 2 });
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.entries.map((e) => Array.from(e.der))).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(d.value.totalEntries).toBe(5);
    expect(d.value.issues.map((i) => i.code)).toEqual(['tls.handshake.certificate.too_many']);
  });

  it('applies the default bound of 32', () => {
    const d = decodeCertificate(tls12(Array.from({ length: 40 }, () => fill(1))), { tls13: false });
    expect(d.ok && d.value.entries.length).toBe(32);
    expect(d.ok && d.value.totalEntries).toBe(40);
  });
});

describe('decodeCertificate, TLS 1.3', () => {
  it('decodes context, entries and per-entry extensions', () => {
    const d = decodeCertificate(body13, { tls13: true });
    expect(d.ok).toBe(true);
    if (!d.ok || d.value.variant !== 'tls13') throw new Error('expected a TLS 1.3 Certificate');
    expect(Array.from(d.value.requestContext)).toEqual([0xa1, 0xb2]);
    expect(d.value.entries).toHaveLength(2);
    const leaf = d.value.entries[0];
    expect(Buffer.from(leaf?.der ?? []).equals(Buffer.from(chain.leaf.der))).toBe(true);
    expect(leaf?.extensions.map((e) => e.type)).toEqual([5]);
    const status = leaf?.extensions[0]?.decoded;
    expect(status?.kind === 'status_request' ? status.ocspResponse?.length : -1).toBe(20);
    expect(leaf?.extensionsIssue).toBeNull();
    expect(d.value.entries[1]?.extensions).toEqual([]);
  });

  it('reads the empty Certificate (00 00 00 00) as isEmpty', () => {
    const d = decodeCertificate(hex('00000000'), { tls13: true });
    expect(d.ok && d.value.isEmpty).toBe(true);
    expect(d.ok && d.value.variant).toBe('tls13');
    expect(d.ok && d.value.variant === 'tls13' && d.value.requestContext.length).toBe(0);
  });

  it('never guesses the variant: a TLS 1.2 body read as TLS 1.3 fails', () => {
    expect(decodeCertificate(body12, { tls13: true }).ok).toBe(false);
    expect(decodeCertificate(body13, { tls13: false }).ok).toBe(false);
  });

  it('fails cleanly on every strict prefix', () => {
    for (const p of strictPrefixes(body13)) expect(decodeCertificate(p, { tls13: true }).ok).toBe(false);
  });

  it('keeps the certificate when its extensions block is malformed', () => {
    const body = concat(vec8([]), vec24(vec24([1, 2, 3]), vec16(u16(5), [0, 9])));
    const d = decodeCertificate(body, { tls13: true });
    expect(d.ok).toBe(true);
    if (!d.ok || d.value.variant !== 'tls13') return;
    expect(Array.from(d.value.entries[0]?.der ?? [])).toEqual([1, 2, 3]);
    expect(d.value.entries[0]?.extensionsIssue?.code).toBe('tls.ext.truncated');
    expect(Array.from(d.value.entries[0]?.extensionsRaw ?? [])).toEqual([0, 5, 0, 9]);
  });
});

describe('decodeCertificate, properties', () => {
  it('never throws on random bytes, in either variant', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (b, tls13) => {
        const d = decodeCertificate(b, { tls13 }, { maxCertificatesPerChain: 4 });
        if (d.ok) expect(d.value.entries.length).toBeLessThanOrEqual(4);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on mutated valid messages', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (tls13, edits) => {
        const b = Uint8Array.from(tls13 ? body13 : body12);
        for (const [i, v] of edits) b[i % b.length] = v;
        decodeCertificate(b, { tls13 });
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips generated chains', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (ders, context) => {
        const d12 = decodeCertificate(tls12(ders), { tls13: false });
        expect(d12.ok && d12.value.entries.map((e) => Array.from(e.der))).toEqual(ders.map((x) => Array.from(x)));
        const d13 = decodeCertificate(tls13(context, ders.map((der) => ({ der }))), { tls13: true });
        expect(d13.ok && d13.value.entries.map((e) => Array.from(e.der))).toEqual(ders.map((x) => Array.from(x)));
        expect(d13.ok && d13.value.isEmpty).toBe(ders.length === 0);
      }),
    );
  });
});
