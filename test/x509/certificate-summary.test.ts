import { createHash, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CertificateCache, chainOrder, summarizeCertificate, type CertificateSummary } from '../../src/x509/index.js';
import { MAX_BYTE_KEY_LENGTH } from '../../src/x509/certificate-cache.js';
import { EKU, issue, makeChain, x509, type Issued } from './helpers.js';

const at = (iso: string) => ({ sec: Date.parse(iso) / 1000, nsec: 0 });

/** Node's subject text is one RDN per line in wire order; ours is RFC 4514 order. */
function nodeSubject(der: Uint8Array): string {
  return new NodeX509Certificate(der).subject.split('\n').reverse().join(', ');
}

let chain: { root: Issued; intermediate: Issued; leaf: Issued };
beforeAll(async () => {
  chain = await makeChain();
});

describe('summarizeCertificate', () => {
  it('summarizes an RSA 2048 leaf with SANs, KU and both EKUs', () => {
    const s = summarizeCertificate(chain.leaf.der, at('2025-06-01T00:00:00Z'));
    expect(s.parseError).toBeNull();
    expect(s.subject).toBe('CN=client.example.com, OU=Payments, O=Example Corp, C=US');
    expect(s.subject).toBe(nodeSubject(chain.leaf.der));
    expect(s.issuer).toBe('CN=Corp Issuing CA 2, O=Example Corp, C=US');
    expect(s.subjectCommonName).toBe('client.example.com');
    expect(s.serial).toBe('e3a1');
    expect(s.notBefore).toBe('2024-01-01T00:00:00.000Z');
    expect(s.notAfter).toBe('2030-01-01T00:00:00.000Z');
    expect(s.validAtCapture).toBe('valid');
    expect(s.daysToExpiry).toBe(1675);
    expect(s.subjectAltNames).toEqual({
      dns: ['client.example.com', 'www.example.com'],
      ip: ['192.0.2.7'],
      uri: ['spiffe://example.com/payments'],
      email: ['ops@example.com'],
      other: 0,
      omitted: 0,
    });
    expect(s.publicKey).toEqual({ algorithm: 'RSA', bits: 2048, curve: null });
    expect(s.signatureAlgorithm).toBe('ecdsa-with-SHA256');
    expect(s.weakSignature).toBe(false);
    expect(s.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(s.extendedKeyUsage).toEqual(['serverAuth', 'clientAuth']);
    expect(s.ekuAnyPurpose).toBeNull();
    expect(s.hasClientAuth).toBe(true);
    expect(s.hasServerAuth).toBe(true);
    expect(s.basicConstraints).toBeNull();
    expect(s.selfIssued).toBe(false);
    expect(s.selfSigned).toBe(false);
    expect(s.issues).toEqual([]);
  });

  it('fingerprints match Node crypto and the bytes', () => {
    const s = summarizeCertificate(chain.leaf.der);
    const node = new NodeX509Certificate(chain.leaf.der);
    expect(s.sha256).toBe(node.fingerprint256.replace(/:/g, '').toLowerCase());
    expect(s.sha1).toBe(node.fingerprint.replace(/:/g, '').toLowerCase());
    expect(s.length).toBe(chain.leaf.der.length);
  });

  it('summarizes CAs: EC keys, basic constraints, self-signed root', () => {
    const root = summarizeCertificate(chain.root.der);
    expect(root.publicKey).toEqual({ algorithm: 'EC', bits: 384, curve: 'P-384' });
    expect(root.signatureAlgorithm).toBe('ecdsa-with-SHA384');
    expect(root.basicConstraints).toEqual({ ca: true, pathLen: null });
    expect(root.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(root.selfIssued).toBe(true);
    expect(root.selfSigned).toBe(true);
    expect(root.validAtCapture).toBe('unknown');
    expect(root.daysToExpiry).toBeNull();
    const mid = summarizeCertificate(chain.intermediate.der);
    expect(mid.publicKey).toEqual({ algorithm: 'EC', bits: 256, curve: 'P-256' });
    expect(mid.basicConstraints).toEqual({ ca: true, pathLen: 0 });
    expect(mid.signatureAlgorithm).toBe('ecdsa-with-SHA384');
  });

  it('reads a negative pathLenConstraint as 0, the way OpenSSL does, and says so', async () => {
    const hostile = await issue({ name: 'CN=Negative Path CA', kind: 'p256', extensions: [new x509.BasicConstraintsExtension(true, -1, true)] });
    const s = summarizeCertificate(hostile.der);
    expect(s.basicConstraints).toEqual({ ca: true, pathLen: 0 });
    expect(s.issues).toEqual(['The basicConstraints pathLenConstraint is negative (-1), which RFC 5280 does not allow; it is read as 0.']);
  });

  it('says a certificate without EKU allows any purpose', () => {
    const s = summarizeCertificate(chain.intermediate.der);
    expect(s.extendedKeyUsage).toBeNull();
    expect(s.ekuAnyPurpose).toBe('no-extension');
    expect(s.hasClientAuth).toBe(true);
    expect(s.hasServerAuth).toBe(true);
  });

  it('tells a serverAuth-only certificate lacks clientAuth, and names anyExtendedKeyUsage and unknown OIDs', async () => {
    const server = await issue({ name: 'CN=server only', kind: 'p256', extensions: [new x509.ExtendedKeyUsageExtension([EKU.serverAuth, '1.2.3.4.5'])] });
    const s = summarizeCertificate(server.der);
    expect(s.extendedKeyUsage).toEqual(['serverAuth', '1.2.3.4.5']);
    expect(s.hasClientAuth).toBe(false);
    expect(s.hasServerAuth).toBe(true);
    const any = await issue({ name: 'CN=any', kind: 'p256', extensions: [new x509.ExtendedKeyUsageExtension([EKU.any])] });
    const a = summarizeCertificate(any.der);
    expect(a.ekuAnyPurpose).toBe('anyExtendedKeyUsage');
    expect(a.hasClientAuth).toBe(true);
  });

  it.each([
    ['2023-12-31T23:59:59Z', 'not-yet-valid', 2192],
    ['2024-01-01T00:00:00Z', 'valid', 2192],
    ['2029-12-31T12:00:00Z', 'valid', 0],
    ['2030-01-01T00:00:00Z', 'valid', 0],
    ['2030-01-02T00:00:00Z', 'expired', -1],
  ] as const)('validity at %s is %s with %d days to expiry', (time, want, days) => {
    const s = summarizeCertificate(chain.leaf.der, at(time));
    expect(s.validAtCapture).toBe(want);
    expect(s.daysToExpiry).toBe(days);
  });

  it('flags an expired SHA-1 signed RSA certificate', async () => {
    // WebCrypto (Node) still signs RSASSA-PKCS1-v1_5 with SHA-1, so a real one can be made.
    const old = await issue({ name: 'CN=legacy', kind: 'rsa2048', hash: 'SHA-1', notBefore: new Date('2015-01-01Z'), notAfter: new Date('2016-01-01Z') });
    const s = summarizeCertificate(old.der, at('2025-01-01T00:00:00Z'));
    expect(s.signatureAlgorithm).toBe('sha1WithRSAEncryption');
    expect(s.weakSignature).toBe(true);
    expect(s.validAtCapture).toBe('expired');
    expect(s.daysToExpiry).toBeLessThan(-3000);
    expect(s.selfSigned).toBe(true);
  });

  it('summarizes an Ed25519 certificate', async () => {
    const ed = await issue({ name: 'CN=ed', kind: 'ed25519' });
    const s = summarizeCertificate(ed.der);
    expect(s.parseError).toBeNull();
    expect(s.publicKey).toEqual({ algorithm: 'Ed25519', bits: 256, curve: null });
    expect(s.signatureAlgorithm).toBe('Ed25519');
    expect(s.selfSigned).toBe(true);
  });

  it('reports a parse error with fingerprints of the bytes, never throwing', () => {
    const junk = Uint8Array.from([0x30, 0x03, 0x01, 0x02, 0x03]);
    const s = summarizeCertificate(junk, at('2025-01-01T00:00:00Z'));
    expect(s.parseError).toMatch(/^The certificate does not parse as X\.509 DER.*\.$/);
    expect(s.sha256).toBe(createHash('sha256').update(junk).digest('hex'));
    expect(s.sha1).toBe(createHash('sha1').update(junk).digest('hex'));
    expect(s.validAtCapture).toBe('unknown');
    expect(s.subject).toBe('(not decodable)');
    expect(s.hasClientAuth).toBe(false);
  });

  it('reports a truncated real certificate as a parse error', () => {
    const s = summarizeCertificate(chain.leaf.der.subarray(0, chain.leaf.der.length - 10));
    expect(s.parseError).not.toBeNull();
  });

  it('limits the SANs listed per kind (maxSubjectAltNames)', async () => {
    const many = await issue({
      name: 'CN=many',
      kind: 'p256',
      extensions: [new x509.SubjectAlternativeNameExtension(Array.from({ length: 5 }, (_, i) => ({ type: 'dns' as const, value: `h${i}.example` })))],
    });
    const s = summarizeCertificate(many.der, undefined, { maxSubjectAltNames: 3 });
    expect(s.subjectAltNames.dns).toEqual(['h0.example', 'h1.example', 'h2.example']);
    expect(s.subjectAltNames.omitted).toBe(2);
  });

  it('never throws on mutated certificates', () => {
    const base = chain.leaf.der;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), fc.nat(base.length), (edits, cut) => {
        const b = Uint8Array.from(base.subarray(0, Math.max(1, cut)));
        for (const [i, v] of edits) if (i < b.length) b[i] = v;
        const s = summarizeCertificate(b, at('2025-01-01T00:00:00Z'));
        expect(s.sha256).toHaveLength(64);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(summarizeCertificate(b).sha1).toHaveLength(40);
      }),
      { numRuns: 300 },
    );
  });
});

describe('chainOrder', () => {
  const s = (i: Issued): CertificateSummary => summarizeCertificate(i.der);
  it('accepts leaf → intermediate → root', () => {
    const o = chainOrder([s(chain.leaf), s(chain.intermediate), s(chain.root)]);
    expect(o.ordered).toBe(true);
    expect(o.brokenLinks).toEqual([]);
    expect(o.links).toEqual([
      { index: 0, issuerMatchesNext: true },
      { index: 1, issuerMatchesNext: true },
    ]);
    expect(o.endsWithSelfIssued).toBe(true);
  });
  it('finds the broken links of a misordered chain', () => {
    const o = chainOrder([s(chain.leaf), s(chain.root), s(chain.intermediate)]);
    expect(o.ordered).toBe(false);
    expect(o.brokenLinks).toEqual([0, 1]);
    expect(o.endsWithSelfIssued).toBe(false);
  });
  it('finds a missing intermediate', () => {
    const o = chainOrder([s(chain.leaf), s(chain.root)]);
    expect(o.brokenLinks).toEqual([0]);
  });
  it('is vacuously ordered for 0 or 1 certificates, unknown for unparsable ones', () => {
    expect(chainOrder([]).ordered).toBe(true);
    expect(chainOrder([s(chain.leaf)]).ordered).toBe(true);
    const bad = summarizeCertificate(Uint8Array.from([1, 2, 3]));
    const o = chainOrder([s(chain.leaf), bad]);
    expect(o.links[0]?.issuerMatchesNext).toBeNull();
    expect(o.ordered).toBe(false);
  });
});

describe('CertificateCache', () => {
  it('parses each distinct certificate once and recomputes validity per capture time', () => {
    const cache = new CertificateCache();
    const a = cache.summarize(chain.leaf.der, at('2025-01-01T00:00:00Z'));
    const b = cache.summarize(Uint8Array.from(chain.leaf.der), at('2031-01-01T00:00:00Z'));
    expect(a.validAtCapture).toBe('valid');
    expect(b.validAtCapture).toBe('expired');
    expect(b.sha256).toBe(a.sha256);
    expect(cache.stats()).toEqual({ hits: 1, misses: 1 });
    expect(cache.size).toBe(1);
  });

  it('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = new CertificateCache({ maxEntries: 2 });
    cache.summarize(chain.leaf.der);
    cache.summarize(chain.intermediate.der);
    cache.summarize(chain.leaf.der); // leaf is now the most recent
    cache.summarize(chain.root.der); // evicts intermediate
    expect(cache.size).toBe(2);
    cache.summarize(chain.leaf.der);
    expect(cache.stats()).toEqual({ hits: 2, misses: 3 });
    cache.summarize(chain.intermediate.der);
    expect(cache.stats().misses).toBe(4);
  });

  it('hands out one summary object while validity and days to expiry repeat, a new one when they change', () => {
    const cache = new CertificateCache();
    const a = cache.summarize(chain.leaf.der, at('2025-01-01T00:00:01Z'));
    const b = cache.summarize(chain.leaf.der, at('2025-01-01T00:00:02Z'));
    expect(b).toBe(a);
    const c = cache.summarize(chain.leaf.der, at('2025-01-02T12:00:00Z'));
    expect(c).not.toBe(a);
    expect(c.daysToExpiry).toBeLessThan(a.daysToExpiry ?? 0);
    expect(c).toEqual(summarizeCertificate(chain.leaf.der, at('2025-01-02T12:00:00Z')));
  });

  it('tells apart DERs of the same length and the same last bytes', () => {
    const cache = new CertificateCache();
    const a = Uint8Array.from(chain.leaf.der);
    const b = Uint8Array.from(chain.leaf.der);
    b[10] = (b[10] ?? 0) ^ 0xff;
    const sa = cache.summarize(a);
    const sb = cache.summarize(b);
    expect(sb.sha256).not.toBe(sa.sha256);
    expect(sb).toEqual(summarizeCertificate(b));
    expect(cache.summarize(Uint8Array.from(b)).sha256).toBe(sb.sha256);
    expect(cache.summarize(Uint8Array.from(a)).sha256).toBe(sa.sha256);
    expect(cache.stats()).toEqual({ hits: 2, misses: 2 });
  });

  it('keys DERs longer than MAX_BYTE_KEY_LENGTH by hash, and tells them apart', () => {
    const cache = new CertificateCache();
    const long = new Uint8Array(MAX_BYTE_KEY_LENGTH + 1).fill(7);
    const other = Uint8Array.from(long);
    other[100] = 8;
    expect(cache.summarize(long).sha256).not.toBe(cache.summarize(other).sha256);
    expect(cache.summarize(Uint8Array.from(long)).sha256).toBe(summarizeCertificate(long).sha256);
    expect(cache.stats()).toEqual({ hits: 1, misses: 2 });
  });
});
