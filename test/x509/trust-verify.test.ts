/**
 * Chain verification: every outcome and reason code on chains built at test time, every
 * signature family, and random input that must never throw.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { x509Library } from '../../src/x509/peculiar.js';
import { readTrustStore, verifyChain } from '../../src/x509/trust/index.js';
import type { LoadedTrustStore, VerifyOptions } from '../../src/x509/trust/index.js';
import { CAPTURE_TIME, corruptSignature, generateKeys, makeCert } from './trust-pki.js';
import type { KeyAlg, TestCert } from './trust-pki.js';

const x509 = x509Library();

const client: VerifyOptions = { purpose: 'client', at: CAPTURE_TIME };

function store(name: string, ...certs: TestCert[]): LoadedTrustStore {
  return readTrustStore(Buffer.from(certs.map((c) => c.pem).join('\n')), name);
}

let root: TestCert;
let issuing: TestCert;
let alice: TestCert;
let rootStore: LoadedTrustStore;

beforeAll(async () => {
  root = await makeCert({ subject: 'CN=Corp Root, O=Corp', ca: true });
  issuing = await makeCert({ subject: 'CN=Corp Issuing CA 2, O=Corp', issuer: root, ca: true, pathLength: 0 });
  alice = await makeCert({ subject: 'CN=alice, O=Corp', issuer: issuing, eku: [x509.ExtendedKeyUsage.clientAuth] });
  rootStore = store('truststore.pem', root);
});

describe('trusted chains', () => {
  it('leaf + intermediate sent, root in the store', () => {
    const r = verifyChain([alice.der, issuing.der], [rootStore], client);
    expect(r.verdict).toBe('trusted');
    expect(r.reason).toBeNull();
    expect(r.anchor).toBe('CN=Corp Root, O=Corp');
    expect(r.anchorSource).toBe('truststore.pem');
    expect(r.path).toEqual(['CN=alice, O=Corp', 'CN=Corp Issuing CA 2, O=Corp', 'CN=Corp Root, O=Corp']);
    expect(r.detail).toContain("through 'CN=Corp Issuing CA 2, O=Corp'");
    expect(r.detail).toContain('no missing certificate was fetched (AIA)');
  });

  it('the intermediate may come from the store instead of the peer, and the path runs on to the root', () => {
    const r = verifyChain([alice.der], [store('bundle.pem', root, issuing)], client);
    expect(r.verdict).toBe('trusted');
    expect(r.path).toEqual(['CN=alice, O=Corp', 'CN=Corp Issuing CA 2, O=Corp', 'CN=Corp Root, O=Corp']);
    expect(r.anchor).toBe('CN=Corp Root, O=Corp');
    expect(r.detail).not.toContain('The anchor is not a root');
  });

  it('the root sent by the peer is ignored unless it is an anchor; chains end at the stored one', () => {
    const r = verifyChain([alice.der, issuing.der, root.der], [rootStore], client);
    expect(r).toMatchObject({ verdict: 'trusted', anchor: 'CN=Corp Root, O=Corp' });
  });

  it('an intermediate as the only anchor is accepted, with the OpenSSL caveat', () => {
    const r = verifyChain([alice.der, issuing.der], [store('int.pem', issuing)], client);
    expect(r.verdict).toBe('trusted');
    expect(r.anchor).toBe('CN=Corp Issuing CA 2, O=Corp');
    expect(r.detail).toContain('The anchor is not a root');
  });

  it('a self-signed client certificate pinned in the store is trusted', async () => {
    const pinned = await makeCert({ subject: 'CN=device-7, O=Plant', eku: [x509.ExtendedKeyUsage.clientAuth] });
    const r = verifyChain([pinned.der], [store('pins.pem', pinned)], client);
    expect(r.verdict).toBe('trusted');
    expect(r.path).toEqual(['CN=device-7, O=Plant']);
    expect(verifyChain([pinned.der], [rootStore], client)).toMatchObject({ verdict: 'untrusted', reason: 'no-path-to-anchor' });
    expect(verifyChain([pinned.der], [rootStore], client).detail).toContain("'CN=device-7, O=Plant' is self-signed and is not in truststore.pem");
  });

  it.each<KeyAlg>(['p256', 'p384', 'p521', 'rsa', 'rsa-pss', 'ed25519'])('signatures by a %s CA verify', async (alg) => {
    const ca = await makeCert({ subject: `CN=Root ${alg}, O=Corp`, alg, ca: true });
    const mid = await makeCert({ subject: `CN=Mid ${alg}, O=Corp`, issuer: ca, alg: 'p256', ca: true });
    const leaf = await makeCert({ subject: `CN=leaf ${alg}, O=Corp`, issuer: mid });
    expect(verifyChain([leaf.der, mid.der], [store('s.pem', ca)], client).verdict).toBe('trusted');
    // The same chain under a CA of the same name but another key must not verify.
    const impostor = await makeCert({ subject: `CN=Root ${alg}, O=Corp`, alg, ca: true });
    expect(verifyChain([leaf.der, mid.der], [store('old.pem', impostor)], client)).toMatchObject({ verdict: 'untrusted', reason: 'bad-signature' });
  });

  it('leaves without an EKU extension, or with anyExtendedKeyUsage, serve any purpose', async () => {
    const any = await makeCert({ subject: 'CN=any, O=Corp', issuer: issuing, eku: null });
    const anyEku = await makeCert({ subject: 'CN=any2, O=Corp', issuer: issuing, eku: ['2.5.29.37.0'] });
    expect(verifyChain([any.der, issuing.der], [rootStore], client).verdict).toBe('trusted');
    expect(verifyChain([anyEku.der, issuing.der], [rootStore], client).verdict).toBe('trusted');
  });
});

describe('untrusted chains, one reason each', () => {
  it('untrusted root: the peer sent its whole chain up to a root the store lacks', async () => {
    const rogue = await makeCert({ subject: 'CN=Rogue Root, O=Rogue', ca: true });
    const rogueInt = await makeCert({ subject: 'CN=Rogue Issuing, O=Rogue', issuer: rogue, ca: true });
    const mallory = await makeCert({ subject: 'CN=mallory, O=Rogue', issuer: rogueInt });
    const r = verifyChain([mallory.der, rogueInt.der, rogue.der], [rootStore], client);
    expect(r).toMatchObject({ verdict: 'untrusted', reason: 'no-path-to-anchor', anchor: null });
    expect(r.path).toEqual(['CN=mallory, O=Rogue', 'CN=Rogue Issuing, O=Rogue', 'CN=Rogue Root, O=Rogue']);
    expect(r.detail).toContain("The client certificate chains to 'CN=Rogue Root, O=Rogue', which is not in truststore.pem: import 'CN=Rogue Root, O=Rogue' into the server trust store.");
    // Without the root, the sentence names the last CA and its root.
    const r2 = verifyChain([mallory.der, rogueInt.der], [rootStore], client);
    expect(r2.reason).toBe('no-path-to-anchor');
    expect(r2.detail).toContain("import 'CN=Rogue Issuing, O=Rogue' (or its root 'CN=Rogue Root, O=Rogue') into the server trust store");
  });

  it('a leaf from another organization whose issuer is unknown has no path', async () => {
    const rogue = await makeCert({ subject: 'CN=Rogue Device CA, O=Rogue', ca: true });
    const mallory = await makeCert({ subject: 'CN=mallory, O=Rogue', issuer: rogue });
    const r = verifyChain([mallory.der], [rootStore], client);
    expect(r.reason).toBe('no-path-to-anchor');
    expect(r.detail).toContain("was issued by 'CN=Rogue Device CA, O=Rogue', which the client did not send and which is not in truststore.pem");
  });

  it('missing intermediate: the leaf alone, its issuer under a stored root of the same organization', () => {
    const r = verifyChain([alice.der], [rootStore], client);
    expect(r).toMatchObject({ verdict: 'untrusted', reason: 'missing-intermediate', path: ['CN=alice, O=Corp'] });
    expect(r.detail).toContain("configure the client to send 'CN=Corp Issuing CA 2, O=Corp'");
    expect(r.detail).toContain("intermediate under 'CN=Corp Root, O=Corp'");
  });

  it('expired and not-yet-valid leaves and CAs, with dates', async () => {
    const old = await makeCert({ subject: 'CN=carol, O=Corp', issuer: issuing, notBefore: new Date('2024-01-01Z'), notAfter: new Date('2025-01-01Z') });
    const r = verifyChain([old.der, issuing.der], [rootStore], client);
    expect(r).toMatchObject({ verdict: 'untrusted', reason: 'expired', anchor: 'CN=Corp Root, O=Corp' });
    expect(r.detail).toContain("The client certificate 'CN=carol, O=Corp' expired on 2025-01-01T00:00:00.000Z, before the capture time 2026-06-01T12:00:00.000Z");
    const future = await makeCert({ subject: 'CN=dan, O=Corp', issuer: issuing, notBefore: new Date('2030-01-01Z') });
    expect(verifyChain([future.der, issuing.der], [rootStore], client).reason).toBe('not-yet-valid');
    // Without a time, dates are not judged (and the text says so).
    const undated = verifyChain([old.der, issuing.der], [rootStore], { purpose: 'client', at: null });
    expect(undated.verdict).toBe('trusted');
    expect(undated.detail).toContain('Validity dates were not checked');
    const oldCa = await makeCert({ subject: 'CN=Old CA, O=Corp', issuer: root, ca: true, notAfter: new Date('2026-01-01Z') });
    const leaf = await makeCert({ subject: 'CN=erin, O=Corp', issuer: oldCa });
    const r3 = verifyChain([leaf.der, oldCa.der], [rootStore], client);
    expect(r3.reason).toBe('expired');
    expect(r3.detail).toContain("The CA certificate 'CN=Old CA, O=Corp' expired on 2026-01-01");
  });

  it('wrong EKU: a serverAuth-only certificate as a client certificate, and the reverse', async () => {
    const dave = await makeCert({ subject: 'CN=dave, O=Corp', issuer: issuing, eku: [x509.ExtendedKeyUsage.serverAuth] });
    const r = verifyChain([dave.der, issuing.der], [rootStore], client);
    expect(r).toMatchObject({ verdict: 'untrusted', reason: 'wrong-eku' });
    expect(r.detail).toContain('has the extended key usage serverAuth, without clientAuth');
    expect(verifyChain([dave.der, issuing.der], [rootStore], { purpose: 'server', at: CAPTURE_TIME }).verdict).toBe('trusted');
    expect(verifyChain([alice.der, issuing.der], [rootStore], { purpose: 'server', at: CAPTURE_TIME }).reason).toBe('wrong-eku');
  });

  it('a CA whose EKU excludes the purpose fails (as OpenSSL checks it)', async () => {
    const webCa = await makeCert({ subject: 'CN=Web CA, O=Corp', issuer: root, ca: true, eku: [x509.ExtendedKeyUsage.serverAuth] });
    const leaf = await makeCert({ subject: 'CN=frank, O=Corp', issuer: webCa });
    const r = verifyChain([leaf.der, webCa.der], [rootStore], client);
    expect(r.reason).toBe('wrong-eku');
    expect(r.detail).toContain("The CA certificate 'CN=Web CA, O=Corp' restricts its extended key usage to serverAuth");
  });

  it('bad signature: one flipped bit in the leaf', () => {
    const r = verifyChain([corruptSignature(alice.der), issuing.der], [rootStore], client);
    expect(r).toMatchObject({ verdict: 'untrusted', reason: 'bad-signature' });
    expect(r.detail).toContain("The client certificate 'CN=alice, O=Corp' names 'CN=Corp Issuing CA 2, O=Corp' as its issuer, but its signature does not verify");
  });

  it('not a CA: no basicConstraints cA, no keyCertSign, path length exceeded', async () => {
    const notCa = await makeCert({ subject: 'CN=Not A CA, O=Corp', issuer: root, ca: false, eku: null });
    const l1 = await makeCert({ subject: 'CN=l1, O=Corp', issuer: notCa });
    const r1 = verifyChain([l1.der, notCa.der], [rootStore], client);
    expect(r1.reason).toBe('not-a-ca');
    expect(r1.detail).toContain("'CN=Not A CA, O=Corp'");
    expect(r1.detail).toContain('basicConstraints cA is false');

    const noSign = await makeCert({ subject: 'CN=No Sign CA, O=Corp', issuer: root, ca: true, keyUsage: x509.KeyUsageFlags.digitalSignature });
    const l2 = await makeCert({ subject: 'CN=l2, O=Corp', issuer: noSign });
    const r2 = verifyChain([l2.der, noSign.der], [rootStore], client);
    expect(r2.reason).toBe('not-a-ca');
    expect(r2.detail).toContain('lacks keyCertSign');

    // Corp Issuing CA 2 has pathLenConstraint 0: a CA below it is one too many.
    const sub = await makeCert({ subject: 'CN=Sub CA, O=Corp', issuer: issuing, ca: true });
    const l3 = await makeCert({ subject: 'CN=l3, O=Corp', issuer: sub });
    const r3 = verifyChain([l3.der, sub.der, issuing.der], [rootStore], client);
    expect(r3.reason).toBe('not-a-ca');
    expect(r3.detail).toContain('allows 0 CAs below it (pathLenConstraint) but the path has 1');
  });

  it('name mismatch: the server certificate does not cover the SNI', async () => {
    const web = await makeCert({ subject: 'CN=hr.example.com, O=Corp', issuer: issuing, eku: [x509.ExtendedKeyUsage.serverAuth], san: [{ type: 'dns', value: 'hr.example.com' }, { type: 'ip', value: '10.0.0.20' }] });
    const server = (hostname: string | null): VerifyOptions => ({ purpose: 'server', at: CAPTURE_TIME, hostname });
    expect(verifyChain([web.der, issuing.der], [rootStore], server('hr.example.com')).verdict).toBe('trusted');
    expect(verifyChain([web.der, issuing.der], [rootStore], server('10.0.0.20')).verdict).toBe('trusted');
    const r = verifyChain([web.der, issuing.der], [rootStore], server('payroll.example.com'));
    expect(r).toMatchObject({ verdict: 'untrusted', reason: 'name-mismatch' });
    expect(r.detail).toContain("does not cover the name 'payroll.example.com' the client asked for (it names hr.example.com, 10.0.0.20)");
    expect(verifyChain([web.der, issuing.der], [rootStore], server(null)).detail).toContain('The client sent no server name');
  });

  it('several problems are all listed, causes in a fixed order', async () => {
    const both = await makeCert({ subject: 'CN=gina, O=Corp', issuer: issuing, eku: [x509.ExtendedKeyUsage.serverAuth], notAfter: new Date('2025-06-01Z') });
    const r = verifyChain([both.der, issuing.der], [rootStore], client);
    expect(r.reason).toBe('expired');
    expect(r.problems.map((p) => p.reason)).toEqual(['expired', 'wrong-eku']);
  });
});

describe('inputs that are not chains', () => {
  it('nothing sent, no store, or an unparsable leaf: not checked', () => {
    expect(verifyChain([], [rootStore], client).verdict).toBe('not-checked');
    expect(verifyChain([alice.der], [], client).verdict).toBe('not-checked');
    const r = verifyChain([new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])], [rootStore], client);
    expect(r.verdict).toBe('not-checked');
    expect(r.detail).toContain('does not parse');
  });

  it('random and mutated chains never throw and always give a verdict', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 4 }), fc.nat(2000), fc.integer({ min: 0, max: 255 }), (garbage, at, flip) => {
        const mutated = Uint8Array.from(alice.der);
        mutated[at % mutated.length] = (mutated[at % mutated.length] as number) ^ (flip | 1);
        for (const chain of [garbage, [mutated, issuing.der], [alice.der, ...garbage]]) {
          const r = verifyChain(chain, [rootStore], client);
          expect(['trusted', 'untrusted', 'not-checked']).toContain(r.verdict);
          expect(r.detail.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('many same-named CAs stop at the signature budget instead of stalling', async () => {
    const keys = await generateKeys('p256');
    const clones: TestCert[] = [];
    for (let i = 0; i < 12; i++) clones.push(await makeCert({ subject: 'CN=Corp Issuing CA 2, O=Corp', issuer: root, ca: true, keys: i === 0 ? keys : undefined }));
    const r = verifyChain([alice.der, ...clones.map((c) => c.der)], [rootStore], { ...client, maxSignatureChecks: 5 });
    expect(r.verdict).toBe('untrusted');
    expect(r.detail).toContain('Only 5 signatures were checked');
  });
});
