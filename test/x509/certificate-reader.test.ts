/**
 * The certificate reader against `@peculiar/x509`, its reference: whenever the reader answers,
 * it says what the library says, and the library met no problem. Checked on every certificate
 * of the samples, the JSSE captures, the fixture PKI and (when present) ../shared/captures,
 * which the reader must all answer (else the library would be loaded for them after all); on
 * certificates generated with random names, usages, constraints and validity; and on real
 * certificates with bytes changed, cut or inserted, where it may also leave them to the library.
 */
import { webcrypto } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analyze.js';
import { readCertificateContents, type CertificateContents } from '../../src/x509/certificate-reader.js';
import { certificateFacts, libraryContents } from '../../src/x509/certificate-summary.js';
import { readDer, readDerChildren } from '../../src/x509/der.js';
import { getPki } from '../fixtures/certs.js';
import { CAPTURES_DIR, CAPTURES_SKIP_REASON, HAVE_CAPTURES } from '../conformance/manifest.js';
import { oid, tlv, x509 } from './helpers.js';

if (!HAVE_CAPTURES) console.log(`x509/certificate-reader: the ../shared/captures certificates are skipped — ${CAPTURES_SKIP_REASON}.`);

const ROOT = join(import.meta.dirname, '..', '..');

function captureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...captureFiles(path));
    else if (/\.pcap(ng)?$/.test(name)) out.push(path);
  }
  return out;
}

/** Every distinct certificate sent in plaintext in the captures of `dirs`. */
async function certificatesIn(dirs: readonly string[]): Promise<Uint8Array[]> {
  const seen = new Map<string, Uint8Array>();
  for (const dir of dirs) {
    for (const file of captureFiles(dir)) {
      const analysis = await analyzeCapture(file);
      for (const c of analysis.connections) {
        for (const h of c.handshakes) for (const der of [...(h.serverCertificateDers ?? []), ...(h.clientCertificateDers ?? [])]) seen.set(Buffer.from(der).toString('hex'), der);
      }
    }
  }
  return [...seen.values()];
}

/** The library's reading of `der`, which must parse without a problem. */
function library(der: Uint8Array): CertificateContents {
  const found = libraryContents(der);
  if ('error' in found) throw new Error(`the library does not parse it: ${String(found.error)}`);
  expect(found.issues).toEqual([]);
  return found.contents;
}

/** The reader answers, and says what the library says. */
function expectReadAsLibrary(der: Uint8Array): void {
  const read = readCertificateContents(der);
  expect(read).not.toBeNull();
  expect(read).toEqual(library(der));
}

describe('the certificate reader against @peculiar/x509', () => {
  let real: Uint8Array[] = [];

  beforeAll(async () => {
    const pki = await getPki();
    real = [
      ...Object.values(pki).map((issued) => new Uint8Array(issued.cert.rawData)),
      ...(await certificatesIn([join(ROOT, 'samples'), join(ROOT, 'test', 'fixtures', 'java-captures'), join(ROOT, 'test', 'fixtures', 'key-usage')])),
    ];
  }, 60_000);

  it('reads every certificate of the fixture PKI, the samples and the JSSE captures as the library does', () => {
    expect(real.length).toBeGreaterThan(15);
    for (const der of real) expectReadAsLibrary(der);
  });

  it.skipIf(!HAVE_CAPTURES)('reads every certificate of ../shared/captures as the library does', async () => {
    const shared = await certificatesIn([CAPTURES_DIR]);
    // Real issuers' certificates: AIA, CRL distribution points, policies, AKI with issuer and serial, an empty SAN.
    expect(shared.length).toBeGreaterThan(40);
    for (const der of shared) expectReadAsLibrary(der);
  }, 60_000);

  it('reads generated certificates of any names, usages, constraints and validity as the library does', async () => {
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const text = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 40 });
    const ipv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => Array.from(b).join('.'));
    // Groups of zeros are frequent, so that every zero-run compression case shows.
    const ipv6 = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }).map((g) => g.map((n) => n.toString(16)).join(':'));
    const dotted = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { maxLength: 5 })).map(([a, b, rest]) => [a, b, ...rest].join('.'));
    const altName = fc.oneof(
      fc.record({ type: fc.constantFrom('dns', 'email', 'url'), value: text }),
      fc.record({ type: fc.constant('ip'), value: fc.oneof(ipv4, ipv6) }),
      fc.record({ type: fc.constant('id'), value: dotted }),
    );
    const purposes = fc.array(fc.oneof(fc.constantFrom('1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2', '2.5.29.37.0', '1.3.6.1.4.1.311.20.2.2'), dotted), { maxLength: 4 });
    // Whole seconds from 1950 to 2199: UTCTime before 2050, GeneralizedTime after.
    const time = fc.integer({ min: -631_152_000, max: 7_258_118_399 }).map((s) => new Date(s * 1000));
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          names: fc.option(fc.array(altName, { maxLength: 6 }), { nil: undefined }),
          usage: fc.option(fc.integer({ min: 1, max: 0x1ff }), { nil: undefined }),
          purposes: fc.option(purposes, { nil: undefined }),
          constraints: fc.option(fc.record({ ca: fc.boolean(), pathLength: fc.option(fc.integer({ min: -3, max: 70_000 }), { nil: undefined }) }), { nil: undefined }),
          others: fc.boolean(),
          critical: fc.boolean(),
          notBefore: time,
          notAfter: time,
        }),
        async (o) => {
          const extensions: InstanceType<typeof x509.Extension>[] = [];
          if (o.names !== undefined) extensions.push(new x509.SubjectAlternativeNameExtension(o.names as { type: 'dns'; value: string }[], o.critical));
          if (o.usage !== undefined) extensions.push(new x509.KeyUsagesExtension(o.usage, o.critical));
          if (o.purposes !== undefined) extensions.push(new x509.ExtendedKeyUsageExtension(o.purposes, o.critical));
          if (o.constraints !== undefined) extensions.push(new x509.BasicConstraintsExtension(o.constraints.ca, o.constraints.pathLength, o.critical));
          if (o.others) {
            extensions.push(
              new x509.SubjectKeyIdentifierExtension('0a0b0c0d'),
              new x509.AuthorityKeyIdentifierExtension('01020304'),
              new x509.CertificatePolicyExtension(['2.23.140.1.2.1']),
              new x509.CRLDistributionPointsExtension(['http://crl.example/ca.crl']),
              new x509.AuthorityInfoAccessExtension({ ocsp: ['http://ocsp.example'], caIssuers: ['http://ca.example/ca.crt'] }),
              new x509.IssuerAlternativeNameExtension([{ type: 'dns', value: 'ca.example' }]),
            );
          }
          const cert = await x509.X509CertificateGenerator.create({
            serialNumber: '01',
            subject: 'CN=generated, O=Example',
            issuer: 'CN=generated, O=Example',
            notBefore: o.notBefore,
            notAfter: o.notAfter,
            signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
            publicKey: keys.publicKey,
            signingKey: keys.privateKey,
            extensions,
          });
          expectReadAsLibrary(new Uint8Array(cert.rawData));
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);

  it('on certificates with bytes changed, cut or inserted, answers only as the library does', () => {
    let answered = 0;
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'cut')), { minLength: 1, maxLength: 3 }),
        (pick, edits) => {
          let b = Uint8Array.from(real[pick % real.length] as Uint8Array);
          for (const [at, value, how] of edits) {
            const i = at % b.length;
            if (how === 'set') b[i] = value;
            else if (how === 'insert') b = Uint8Array.from([...b.subarray(0, i), value, ...b.subarray(i)]);
            else b = b.subarray(0, Math.max(1, i));
          }
          const read = readCertificateContents(b);
          if (read === null) return;
          answered++;
          const found = libraryContents(b);
          expect('error' in found ? String(found.error) : found.issues).toEqual([]);
          if (!('error' in found)) expect(read).toEqual(found.contents);
        },
      ),
      { numRuns: 3000 },
    );
    // Changes within names, keys and signatures keep a certificate readable: the check is not vacuous.
    expect(answered).toBeGreaterThan(150);
  });

  it('leaves to the library what it reads its own way, and the summary is the library’s', () => {
    const leaf = real[0] as Uint8Array;
    const outer = readDer(leaf);
    const [tbs, algorithm, signature] = readDerChildren(outer?.value ?? new Uint8Array()).elements;
    if (tbs === undefined || algorithm === undefined || signature === undefined) throw new Error('not a certificate');
    const fields = readDerChildren(tbs.value).elements;
    /** The leaf with one more extension (its signature no longer verifies; no summary needs it to). */
    const withExtension = (extension: Uint8Array): Uint8Array => {
      const rebuilt = fields.map((f) => {
        if (f.tag !== 0xa3) return f.tlv;
        const list = readDerChildren(readDerChildren(f.value).elements[0]?.value ?? new Uint8Array()).elements.map((e) => e.tlv);
        return tlv(0xa3, tlv(0x30, ...list, extension));
      });
      return tlv(0x30, tlv(0x30, ...rebuilt), algorithm.tlv, signature.tlv);
    };
    const extension = (id: string, value: Uint8Array): Uint8Array => tlv(0x30, oid(id), tlv(0x04, value));
    // An otherName of a type the library does not know (it knows UPN and GUID).
    const otherName = tlv(0xa0, oid('1.2.3.4.5'), tlv(0xa0, tlv(0x0c, Buffer.from('user@example'))));
    // CRL distribution points that are no SEQUENCE: the library fails every extension on it.
    const badPoints = withExtension(extension('2.5.29.31', tlv(0x02, new Uint8Array([0x01]))));
    const cases = [
      badPoints,
      // An alternative name that is an otherName of a type the library does not know: it drops the name.
      withExtension(extension('2.5.29.17', tlv(0x30, otherName, tlv(0x82, Buffer.from('a.example'))))),
      // A repeated extension: the library answers with the first.
      withExtension(extension('2.5.29.15', tlv(0x03, new Uint8Array([0x07, 0x80])))),
      // A BER boolean (critical = 0x01).
      withExtension(tlv(0x30, oid('1.2.3.4'), tlv(0x01, new Uint8Array([0x01])), tlv(0x04, new Uint8Array([0x05, 0x00])))),
    ];
    expect(readCertificateContents(leaf)).not.toBeNull();
    for (const der of cases) {
      expect(readCertificateContents(der)).toBeNull();
      const found = libraryContents(der);
      if ('error' in found) throw new Error(String(found.error));
      const summary = certificateFacts(der).summary;
      expect(summary.parseError).toBeNull();
      expect(summary.issues).toEqual(found.issues);
    }
    expect(certificateFacts(badPoints).summary.issues.join(' ')).toMatch(/^The subjectAltName extension does not decode/);
    expect(certificateFacts(cases[1] as Uint8Array).summary.subjectAltNames).toMatchObject({ dns: ['a.example'], other: 0 });
  });
});
