import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ByteReader } from '../../src/util/byte-reader.js';
import { decodeCertificateAuthorities } from '../../src/tls/extensions/certificate-authorities.js';
import { decodeCertificateRequest } from '../../src/tls/handshake/certificate-request.js';
import { decodeDistinguishedName } from '../../src/x509/distinguished-name.js';
import { locateTbsParts } from '../../src/x509/tbs.js';
import { concat, ext, hex, makeChain, strictPrefixes, u16, vec16, vec8, type Issued } from '../x509/helpers.js';

let chain: { root: Issued; intermediate: Issued; leaf: Issued };
let rootName: Uint8Array;
let issuingName: Uint8Array;
let cr12: Uint8Array;
let cr11: Uint8Array;
let cr13: Uint8Array;

const SIGALGS = [0x0403, 0x0804, 0x0401];
const sigalgList = () => vec16(...SIGALGS.map(u16));
const dnList = (...names: Uint8Array[]) => vec16(...names.map((n) => vec16(n)));

beforeAll(async () => {
  chain = await makeChain();
  rootName = locateTbsParts(chain.root.der)?.subject ?? new Uint8Array(0);
  issuingName = locateTbsParts(chain.intermediate.der)?.subject ?? new Uint8Array(0);
  // certificate_types: rsa_sign(1), ecdsa_sign(64)
  cr12 = concat(vec8([1, 64]), sigalgList(), dnList(issuingName, rootName));
  cr11 = concat(vec8([1, 2]), dnList(rootName));
  cr13 = concat(vec8([]), vec16(ext(13, sigalgList()), ext(47, dnList(issuingName)), ext(50, vec16(u16(0x0807)))));
});

describe('decodeCertificateRequest', () => {
  it('gives the same names when CA lists repeat and change (names are remembered by their DER)', () => {
    const texts = (body: Uint8Array): string[] => {
      const d = decodeCertificateRequest(body, { version: 0x0303 });
      return d.ok ? d.value.certificateAuthorities.map((c) => c.text) : [];
    };
    const issuing = 'CN=Corp Issuing CA 2, O=Example Corp, C=US';
    const root = 'CN=Example Root CA, O=Example Corp, C=US';
    const bad = Uint8Array.from([0x30, 0x03, 0x31, 0x01, 0x00]);
    const badText = decodeDistinguishedName(bad).text;
    for (let round = 0; round < 3; round++) {
      expect(texts(concat(vec8([1]), sigalgList(), dnList(issuingName, rootName)))).toEqual([issuing, root]);
      expect(texts(concat(vec8([1]), sigalgList(), dnList(rootName)))).toEqual([root]);
      expect(texts(concat(vec8([1]), sigalgList(), dnList(bad, issuingName)))).toEqual([badText, issuing]);
    }
  });

  it('decodes TLS 1.2: types, signature algorithms, CA names as text', () => {
    const d = decodeCertificateRequest(cr12, { version: 0x0303 });
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.variant).toBe('tls12');
    expect(d.value.certificateTypes).toEqual([1, 64]);
    expect(d.value.signatureAlgorithms).toEqual(SIGALGS);
    expect(d.value.certificateAuthorities.map((c) => c.text)).toEqual(['CN=Corp Issuing CA 2, O=Example Corp, C=US', 'CN=Example Root CA, O=Example Corp, C=US']);
    expect(Buffer.from(d.value.certificateAuthorities[1]?.der ?? []).equals(Buffer.from(rootName))).toBe(true);
    expect(d.value.issues).toEqual([]);
  });

  it('decodes TLS 1.0/1.1 without the signature algorithms field (the version decides)', () => {
    for (const version of [0x0300, 0x0301, 0x0302]) {
      const d = decodeCertificateRequest(cr11, { version });
      expect(d.ok && d.value.variant).toBe('tls10');
      expect(d.ok && d.value.signatureAlgorithms).toEqual([]);
      expect(d.ok && d.value.certificateAuthorities.map((c) => c.text)).toEqual(['CN=Example Root CA, O=Example Corp, C=US']);
    }
    // The same bytes read as TLS 1.2 are malformed: the version is never guessed from the bytes.
    expect(decodeCertificateRequest(cr11, { version: 0x0303 }).ok).toBe(false);
  });

  it('decodes TLS 1.3: context, signature_algorithms, certificate_authorities, signature_algorithms_cert', () => {
    for (const version of [0x0304, 0x7f1c]) {
      const d = decodeCertificateRequest(cr13, { version });
      expect(d.ok).toBe(true);
      if (!d.ok || d.value.variant !== 'tls13') throw new Error('expected TLS 1.3');
      expect(d.value.requestContext.length).toBe(0);
      expect(d.value.signatureAlgorithms).toEqual(SIGALGS);
      expect(d.value.signatureAlgorithmsCert).toEqual([0x0807]);
      expect(d.value.certificateAuthorities.map((c) => c.text)).toEqual(['CN=Corp Issuing CA 2, O=Example Corp, C=US']);
      expect(d.value.extensions.map((e) => e.type)).toEqual([13, 47, 50]);
      expect(d.value.certificateTypes).toEqual([]);
      expect(d.value.issues).toEqual([]);
    }
  });

  it('an empty CA list means "any CA"', () => {
    const d = decodeCertificateRequest(concat(vec8([64]), sigalgList(), vec16()), { version: 0x0303 });
    expect(d.ok && d.value.certificateAuthorities).toEqual([]);
  });

  it('notes a TLS 1.3 request without signature_algorithms, and empty TLS 1.2 lists', () => {
    const d13 = decodeCertificateRequest(concat(vec8([7]), vec16(ext(47, dnList(rootName)))), { version: 0x0304 });
    expect(d13.ok && d13.value.issues.map((i) => i.code)).toEqual(['tls.handshake.certificate_request.missing_signature_algorithms']);
    const d12 = decodeCertificateRequest(concat(vec8([]), vec16(), vec16()), { version: 0x0303 });
    expect(d12.ok && d12.value.issues.map((i) => i.code)).toEqual([
      'tls.handshake.certificate_request.no_certificate_types',
      'tls.handshake.certificate_request.no_signature_algorithms',
    ]);
  });

  it('keeps a malformed CA name as #HEX with an issue', () => {
    const d = decodeCertificateRequest(concat(vec8([1]), sigalgList(), dnList(hex('0401ff'))), { version: 0x0303 });
    expect(d.ok && d.value.certificateAuthorities[0]?.text).toBe('#0401FF');
    expect(d.ok && d.value.certificateAuthorities[0]?.issue?.code).toBe('x509.name.malformed');
  });

  it.each([
    ['odd signature algorithms length', concat(vec8([1]), vec16([4, 3, 8]), vec16()), 'tls.handshake.certificate_request.odd_length'],
    ['empty DistinguishedName', concat(vec8([1]), sigalgList(), vec16(vec16())), 'tls.handshake.certificate_request.empty_name'],
    ['name past the list', concat(vec8([1]), sigalgList(), vec16([0, 9, 1])), 'tls.handshake.certificate_request.truncated'],
    ['trailing bytes', concat(vec8([1]), sigalgList(), vec16(), [0]), 'tls.handshake.certificate_request.trailing_bytes'],
  ])('rejects TLS 1.2 with %s', (_, body, code) => {
    const d = decodeCertificateRequest(body, { version: 0x0303 });
    expect(d.ok ? 'ok' : d.issue.code).toBe(code);
  });

  it('fails cleanly on every strict prefix of each variant', () => {
    for (const [body, version] of [
      [cr12, 0x0303],
      [cr11, 0x0301],
      [cr13, 0x0304],
    ] as const) {
      for (const p of strictPrefixes(body)) expect(decodeCertificateRequest(p, { version }).ok).toBe(false);
    }
  });

  it('never throws on random or mutated bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(0x0301, 0x0303, 0x0304), (b, version) => {
        decodeCertificateRequest(b, { version });
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.constantFrom(0, 1, 2), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), (which, edits) => {
        const [src, version] = [
          [cr12, 0x0303],
          [cr11, 0x0301],
          [cr13, 0x0304],
        ][which] as [Uint8Array, number];
        const b = Uint8Array.from(src);
        for (const [i, v] of edits) b[i % b.length] = v;
        decodeCertificateRequest(b, { version });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('decodeCertificateAuthorities (RFC 8446 §4.2.4)', () => {
  it('decodes the names and consumes the extension exactly', () => {
    const r = new ByteReader(dnList(issuingName, rootName));
    const d = decodeCertificateAuthorities(r);
    expect(d.ok && d.value.names.map((n) => n.text)).toEqual(['CN=Corp Issuing CA 2, O=Example Corp, C=US', 'CN=Example Root CA, O=Example Corp, C=US']);
    expect(r.empty()).toBe(true);
  });

  it.each([
    ['an empty list (minimum 3 bytes)', vec16(), 'tls.ext.certificate_authorities.too_short'],
    ['a truncated list', hex('0005000101'), 'tls.ext.certificate_authorities.truncated'],
    ['trailing bytes', concat(dnList(hex('3000')), [0]), 'tls.ext.certificate_authorities.trailing_bytes'],
    ['an empty name', concat(vec16([0, 0], [0, 1, 0x30])), 'tls.ext.certificate_authorities.empty_name'],
  ])('rejects %s', (_, data, code) => {
    const d = decodeCertificateAuthorities(new ByteReader(data));
    expect(d.ok ? 'ok' : d.issue.code).toBe(code);
  });

  it('fails on every strict prefix and never throws on random bytes', () => {
    for (const p of strictPrefixes(dnList(rootName))) expect(decodeCertificateAuthorities(new ByteReader(p)).ok).toBe(false);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        decodeCertificateAuthorities(new ByteReader(b));
      }),
      { numRuns: 2000 },
    );
  });
});
