/**
 * The key manager emulation on hand-built entries, one flaw at a time: the extended key usage and
 * key usage tests (and the key types whose key usage PKIX does not look at), validity with and
 * without a capture time, a key without its chain or its key algorithm, a request that allows no
 * key type, and the sentence each key manager says about what it sends.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { certificateFacts } from '../../src/x509/certificate-summary.js';
import { evaluateIdentity } from '../../src/x509/identity/index.js';
import type { IdentityEntry, IdentityRequest, IdentityStore } from '../../src/x509/identity/index.js';
import { x509 } from './helpers.js';
import { makeCert } from './trust-pki.js';
import type { TestCert } from './trust-pki.js';

const AT = Date.parse('2030-01-01T00:00:00Z');
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
/** TLS 1.2, ecdsa_sign, ecdsa_secp256r1_sha256 and ed25519: JSSE asks for EC, then EdDSA. */
const EC_REQUEST: IdentityRequest = { tls13: false, certificateTypes: [64], signatureAlgorithms: [0x0403, 0x0807], certificateAuthorities: [] };

let ca: TestCert;
let good: TestCert;
let serverOnly: TestCert;
let keyAgreementOnly: TestCert;
let edKeyAgreementOnly: TestCert;
let noKeyUsage: TestCert;
let future: TestCert;
let expired: TestCert;

beforeAll(async () => {
  ca = await makeCert({ subject: 'CN=Flaw CA, O=Example Corp', ca: true });
  good = await makeCert({ subject: 'CN=good', issuer: ca });
  serverOnly = await makeCert({ subject: 'CN=server-only', issuer: ca, eku: [SERVER_AUTH] });
  keyAgreementOnly = await makeCert({ subject: 'CN=key-agreement', issuer: ca, keyUsage: x509.KeyUsageFlags.keyAgreement });
  edKeyAgreementOnly = await makeCert({ subject: 'CN=ed-key-agreement', issuer: ca, alg: 'ed25519', keyUsage: x509.KeyUsageFlags.keyAgreement });
  noKeyUsage = await makeCert({ subject: 'CN=no-key-usage', issuer: ca, keyUsage: null });
  future = await makeCert({ subject: 'CN=future', issuer: ca, notBefore: new Date('2031-01-01T00:00:00Z') });
  expired = await makeCert({ subject: 'CN=expired', issuer: ca, notAfter: new Date('2029-01-01T00:00:00Z') });
});

function entry(alias: string, cert: TestCert | null, order: number, extra: Partial<IdentityEntry> = {}): IdentityEntry {
  const chain = cert === null ? [] : [cert.der, ca.der];
  const keyAlgorithm = cert === null ? null : cert.alg === 'ed25519' ? 'EdDSA' : 'EC';
  return { alias, kind: 'private-key', chain, certificates: chain.map((d) => certificateFacts(d)), keyAlgorithm, keySize: 256, keyOpens: true, keyMatches: true, order, ...extra };
}

function store(...entries: IdentityEntry[]): IdentityStore {
  return { path: 'unit.p12', format: 'pkcs12', integrity: 'verified', entries, notes: [] };
}

function reasons(s: IdentityStore, timeMs: number | null = AT, request: IdentityRequest = EC_REQUEST): Record<string, readonly string[]> {
  return Object.fromEntries(evaluateIdentity(s, request, timeMs).entries.map((e) => [e.alias, e.reasons]));
}

describe('the reasons an entry is not sent', () => {
  it('extended key usage without clientAuth; key usage without digitalSignature for EC, not for EdDSA; no key usage at all', () => {
    const s = store(entry('server-only', serverOnly, 0), entry('ka', keyAgreementOnly, 1), entry('ed-ka', edKeyAgreementOnly, 2), entry('no-ku', noKeyUsage, 3), entry('good', good, 4));
    expect(reasons(s)).toEqual({ 'server-only': ['no-client-auth'], ka: ['no-digital-signature'], 'ed-ka': [], 'no-ku': [], good: [] });
  });

  it('validity at the capture time, and none judged without one', () => {
    const s = store(entry('future', future, 0), entry('expired', expired, 1));
    expect(reasons(s)).toEqual({ future: ['not-yet-valid'], expired: ['expired'] });
    expect(reasons(s, null)).toEqual({ future: [], expired: [] });
  });

  it('a key without its chain, and a key whose algorithm is unknown', () => {
    const s = store(entry('bare', null, 0), entry('unknown', good, 1, { keyAlgorithm: null }), entry('unknown-ka', keyAgreementOnly, 2, { keyAlgorithm: null }));
    // A key usage without digitalSignature counts only for the key types PKIX checks, which an unknown one is not.
    expect(reasons(s)).toEqual({ bare: ['chain-missing'], unknown: ['key-type-not-requested'], 'unknown-ka': ['key-type-not-requested'] });
    const e = evaluateIdentity(s, EC_REQUEST, AT);
    expect(e.keyManagers.SunX509).toEqual({ alias: null, outcome: 'empty-certificate', detail: 'SunX509 finds no EC, EdDSA entry, so the client sends an empty Certificate.' });
    expect(e.keyManagers.PKIX.detail).toBe('PKIX finds no EC, EdDSA entry, so the client sends an empty Certificate.');
  });
});

describe('what each key manager says it sends', () => {
  it('SunX509 sends a flawed entry and names its flaws; PKIX prefers an expired one to a mismatch', () => {
    const s = store(entry('ka', keyAgreementOnly, 0), entry('server-only', serverOnly, 1), entry('future', future, 2));
    const e = evaluateIdentity(s, EC_REQUEST, AT);
    // SunX509's HashMap walks server-only (bucket 0 of 16), then ka and future (both bucket 6, in insertion order).
    expect(e.keyManagers.SunX509).toEqual({
      alias: 'server-only',
      outcome: 'certificate',
      detail: "SunX509 sends 'server-only', the first EC entry in its alias order whose chain a requested CA issued, although it is flawed (no-client-auth): SunX509 does not check validity or key usage.",
    });
    expect(e.keyManagers.PKIX).toEqual({
      alias: 'future',
      outcome: 'certificate',
      detail: "PKIX sends 'future', the first EC entry whose chain a requested CA issued that is the best of flawed entries: its certificate is outside its validity.",
    });
  });

  it('every SunX509 flaw shows when it is the only entry', () => {
    for (const [cert, flaw] of [
      [keyAgreementOnly, 'no-digital-signature'],
      [serverOnly, 'no-client-auth'],
      [future, 'not-yet-valid'],
    ] as const) {
      expect(evaluateIdentity(store(entry('only', cert, 0)), EC_REQUEST, AT).keyManagers.SunX509.detail).toContain(`although it is flawed (${flaw})`);
    }
  });

  it('PKIX sends the first of entries that are all mismatches, saying its key usage does not allow client authentication', () => {
    const s = store(entry('server-only', serverOnly, 0), entry('ka', keyAgreementOnly, 1));
    expect(evaluateIdentity(s, EC_REQUEST, AT).keyManagers.PKIX).toEqual({
      alias: 'server-only',
      outcome: 'certificate',
      detail: "PKIX sends 'server-only', the first EC entry whose chain a requested CA issued that is the best of flawed entries: its key usage does not allow client authentication.",
    });
  });

  it('a request that allows no key type JSSE can sign with: both managers send an empty Certificate and say why', () => {
    // ecdsa_sign allowed, but the only scheme is an RSA one.
    const request: IdentityRequest = { tls13: false, certificateTypes: [64], signatureAlgorithms: [0x0401], certificateAuthorities: [] };
    const e = evaluateIdentity(store(entry('good', good, 0)), request, AT);
    expect(e.keyTypes).toEqual([]);
    expect(e.entries).toEqual([{ alias: 'good', eligible: false, reasons: ['key-type-not-requested'] }]);
    for (const name of ['SunX509', 'PKIX'] as const) {
      expect(e.keyManagers[name]).toEqual({ alias: null, outcome: 'empty-certificate', detail: `${name} is asked for no key type (the request allows none JSSE can sign with), so the client sends an empty Certificate.` });
    }
  });
});
