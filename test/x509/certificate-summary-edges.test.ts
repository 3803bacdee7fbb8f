/**
 * Certificate summary fields real issuers rarely write: the hash of an RSASSA-PSS signature from
 * each form of its parameters (absent, defaulted, unknown, malformed), subject alternative names
 * of kinds not listed by name, an issuer name with a value invalid for its string type, and a
 * capture time that is no number.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { atCaptureTime, certificateFacts } from '../../src/x509/certificate-summary.js';
import { readDer, readDerChildren } from '../../src/x509/der.js';
import { oid, tlv } from './helpers.js';
import { makeCert } from './trust-pki.js';
import type { TestCert } from './trust-pki.js';

const RSASSA_PSS = '1.2.840.113549.1.1.10';
const SHA256 = '2.16.840.1.101.3.4.2.1';
const seq = (...c: Uint8Array[]): Uint8Array => tlv(0x30, ...c);

let ca: TestCert;
let leaf: TestCert;

beforeAll(async () => {
  ca = await makeCert({ subject: 'CN=Edge CA, O=Example Corp', ca: true });
  leaf = await makeCert({ subject: 'CN=edge-leaf', issuer: ca, san: [{ type: 'dns', value: 'edge.example' }, { type: 'dn', value: 'CN=directory name' }, { type: 'id', value: '1.2.3.4' }] });
});

/** The certificate with its outer signatureAlgorithm replaced (the signature no longer verifies; the summary does not need it to). */
function withSignatureAlgorithm(der: Uint8Array, algorithm: Uint8Array): Uint8Array {
  const outer = readDer(der);
  if (outer === undefined) throw new Error('not DER');
  const [tbs, , signature] = readDerChildren(outer.value).elements;
  if (tbs === undefined || signature === undefined) throw new Error('not a certificate');
  return seq(tbs.tlv, algorithm, signature.tlv);
}

function pssSignature(params: Uint8Array | null): { name: string | null; weak: boolean } {
  const s = certificateFacts(withSignatureAlgorithm(leaf.der, seq(oid(RSASSA_PSS), ...(params === null ? [] : [params])))).summary;
  expect(s.parseError).toBeNull();
  return { name: s.signatureAlgorithm, weak: s.weakSignature };
}

describe('RSASSA-PSS signature hash', () => {
  it('no parameters, or parameters without hashAlgorithm: the DEFAULT, SHA-1, which is weak', () => {
    expect(pssSignature(null)).toEqual({ name: 'RSASSA-PSS/SHA-1', weak: true });
    expect(pssSignature(seq())).toEqual({ name: 'RSASSA-PSS/SHA-1', weak: true });
  });

  it('a known hash by name, an unknown one by its OID, and a hashAlgorithm that is no AlgorithmIdentifier as unknown', () => {
    expect(pssSignature(seq(tlv(0xa0, seq(oid(SHA256), tlv(0x05)))))).toEqual({ name: 'RSASSA-PSS/SHA-256', weak: false });
    expect(pssSignature(seq(tlv(0xa0, seq(oid('1.2.3.4')))))).toEqual({ name: 'RSASSA-PSS/1.2.3.4', weak: false });
    expect(pssSignature(seq(tlv(0xa0, tlv(0x04, [1, 2]))))).toEqual({ name: 'RSASSA-PSS/unknown', weak: false });
    expect(pssSignature(seq(tlv(0xa0, seq(tlv(0x04, [1])))))).toEqual({ name: 'RSASSA-PSS/unknown', weak: false });
  });
});

describe('names and times', () => {
  it('subject alternative names of other kinds are counted, not listed', () => {
    const sans = certificateFacts(leaf.der).summary.subjectAltNames;
    expect(sans).toEqual({ dns: ['edge.example'], ip: [], uri: [], email: [], other: 2, omitted: 0 });
  });

  it('an issuer name whose value is invalid for its string type is an issue of the issuer', () => {
    const der = Uint8Array.from(leaf.der);
    // The issuer comes before the subject in the TBS: the first 'Edge CA' is the issuer's CN, a
    // PrintableString; made a UTF8String whose first byte is no UTF-8.
    const at = Buffer.from(der).indexOf(Buffer.from('Edge CA'));
    expect(der[at - 2]).toBe(0x13);
    der[at - 2] = 0x0c;
    der[at] = 0xff;
    const s = certificateFacts(der).summary;
    expect(s.parseError).toBeNull();
    expect(s.issues).toEqual(['Issuer: The CN value is not valid for its string type; it is shown as hex.']);
    expect(s.issuer).toBe('CN=#0C07FF646765204341, O=Example Corp');
  });

  it('a capture time that is not a finite number leaves the capture-time facts unknown', () => {
    const facts = certificateFacts(leaf.der);
    expect(atCaptureTime(facts, { sec: Number.NaN, nsec: 0 })).toBe(facts.summary);
    expect(facts.summary.validAtCapture).toBe('unknown');
    expect(atCaptureTime(facts, { sec: Date.parse('2030-01-01T00:00:00Z') / 1000, nsec: 0 }).validAtCapture).toBe('valid');
  });
});
