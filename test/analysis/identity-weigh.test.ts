/**
 * A store weighed against a request is remembered per store, by the request and by where the
 * capture time falls among the leaves' validity bounds. Whatever the order of the connections,
 * each weighing must be the one computed afresh at that connection's time, also exactly at a
 * bound (an entry is expired only after its notAfter, not yet valid only before its notBefore).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { weighIdentity } from '../../src/analysis/identity-verdict.js';
import { certificateFacts } from '../../src/x509/certificate-summary.js';
import type { CertificateFacts } from '../../src/x509/certificate-summary.js';
import { evaluateIdentity } from '../../src/x509/identity/index.js';
import type { IdentityEntry, IdentityRequest, IdentityStore } from '../../src/x509/identity/index.js';
import { makeCert } from '../x509/trust-pki.js';
import type { TestCert } from '../x509/trust-pki.js';

const DAY = 86_400_000;
const T0 = Date.parse('2030-01-01T00:00:00Z');
/** Bounds on a small grid, so that times land on them, just before and just after. */
const BOUNDS = [T0, T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY];
const TIMES = BOUNDS.flatMap((b) => [b - 1, b, b + 1]);

let ca: TestCert;
let leaf: TestCert;
let other: TestCert;

beforeAll(async () => {
  ca = await makeCert({ subject: 'CN=Weigh CA, O=Example Corp', ca: true });
  leaf = await makeCert({ subject: 'CN=weigh', issuer: ca });
  other = await makeCert({ subject: 'CN=other', issuer: await makeCert({ subject: 'CN=Other CA', ca: true }) });
});

function withValidity(facts: CertificateFacts, notBeforeMs: number | null, notAfterMs: number | null): CertificateFacts {
  return { ...facts, notBeforeMs, notAfterMs };
}

function storeOf(windows: readonly { readonly from: number | null; readonly to: number | null; readonly foreign: boolean }[]): IdentityStore {
  const entries: IdentityEntry[] = windows.map((w, i) => {
    const cert = w.foreign ? other : leaf;
    const chain = [cert.der, ca.der];
    const certificates = chain.map((d, k) => (k === 0 ? withValidity(certificateFacts(d), w.from, w.to) : certificateFacts(d)));
    return { alias: `e${i}`, kind: 'private-key', chain, certificates, keyAlgorithm: 'EC', keySize: 256, keyOpens: true, keyMatches: true, order: i };
  });
  return { path: 'weigh.p12', format: 'pkcs12', integrity: 'verified', entries, notes: [] };
}

const requests: readonly IdentityRequest[] = [
  { tls13: false, certificateTypes: [64], signatureAlgorithms: [0x0403], certificateAuthorities: [] },
  { tls13: false, certificateTypes: [64], signatureAlgorithms: [0x0403], certificateAuthorities: ['CN=Weigh CA, O=Example Corp'] },
  { tls13: true, certificateTypes: [], signatureAlgorithms: [0x0403, 0x0804], certificateAuthorities: ['CN=Other CA'] },
];

describe('weighing a store, remembered across connections', () => {
  it('is what a fresh weighing at each connection time gives, in any order, at and around every bound', async () => {
    const bound = fc.option(fc.constantFrom(...BOUNDS), { nil: null });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ from: bound, to: bound, foreign: fc.boolean() }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(fc.constantFrom(...TIMES), fc.nat(requests.length - 1)), { minLength: 1, maxLength: 20 }),
        async (windows, lookups) => {
          const store = storeOf(windows);
          for (const [time, r] of lookups) {
            const request = requests[r] as IdentityRequest;
            expect(weighIdentity(store, request, time).evaluation).toEqual(evaluateIdentity(store, request, time));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
