/**
 * Chain verification where the store matters: an anchor listed in two stores, a CA that is both
 * an anchor and a key entry's chain certificate, problems of a trust anchor and of a CA taken from
 * a store (each named with its file), an old v1 root without extensions, a CA without
 * basicConstraints, a pathLenConstraint of one, and a server chain missing its intermediate.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readTrustStore, verifyChain } from '../../src/x509/trust/index.js';
import type { LoadedTrustStore, VerifyOptions } from '../../src/x509/trust/index.js';
import { writeJks } from './jks-writer.js';
import { CAPTURE_TIME, makeCert } from './trust-pki.js';
import type { TestCert } from './trust-pki.js';

const client: VerifyOptions = { purpose: 'client', at: CAPTURE_TIME };

function pem(name: string, ...certs: TestCert[]): LoadedTrustStore {
  return readTrustStore(Buffer.from(certs.map((c) => c.pem).join('\n')), name);
}

let root: TestCert;
let issuing: TestCert;
let leaf: TestCert;

beforeAll(async () => {
  root = await makeCert({ subject: 'CN=Source Root, O=Source', ca: true });
  issuing = await makeCert({ subject: 'CN=Source Issuing CA, O=Source', issuer: root, ca: true });
  leaf = await makeCert({ subject: 'CN=src-leaf, O=Source', issuer: issuing });
});

describe('which store a certificate came from', () => {
  it('an anchor in two stores is taken from the first; a chain certificate that is also an anchor stays an anchor', () => {
    const r = verifyChain([leaf.der, issuing.der], [pem('first.pem', root), pem('second.pem', root)], client);
    expect(r).toMatchObject({ verdict: 'trusted', anchor: 'CN=Source Root, O=Source', anchorSource: 'first.pem' });
    const keyStore = readTrustStore(writeJks([{ kind: 'key', alias: 'k', chain: [leaf.der, issuing.der] }], 'pw'), 'keys.jks', { password: 'pw' });
    const viaAnchor = verifyChain([leaf.der], [pem('int.pem', issuing), keyStore], client);
    expect(viaAnchor).toMatchObject({ verdict: 'trusted', anchor: 'CN=Source Issuing CA, O=Source', anchorSource: 'int.pem', path: ['CN=src-leaf, O=Source', 'CN=Source Issuing CA, O=Source'] });
  });

  it('an expired trust anchor is named with its store', async () => {
    const oldRoot = await makeCert({ subject: 'CN=Old Source Root, O=Source', ca: true, notAfter: new Date('2026-01-01T00:00:00Z') });
    const under = await makeCert({ subject: 'CN=under-old-root, O=Source', issuer: oldRoot });
    const r = verifyChain([under.der], [pem('old.pem', oldRoot)], client);
    expect(r.reason).toBe('expired');
    expect(r.problems.map((p) => p.detail)).toEqual(["The trust anchor 'CN=Old Source Root, O=Source' (in old.pem) expired on 2026-01-01T00:00:00.000Z, before the capture time 2026-06-01T12:00:00.000Z; replace it with its renewed certificate."]);
  });

  it('an expired CA found in a store (not sent by the peer) is named with its store', async () => {
    const oldCa = await makeCert({ subject: 'CN=Old Source CA, O=Source', issuer: root, ca: true, notAfter: new Date('2026-02-01T00:00:00Z') });
    const under = await makeCert({ subject: 'CN=under-old-ca, O=Source', issuer: oldCa });
    // A key entry's leaf is trusted as an anchor; the CAs of its chain only help build paths.
    const keyStore = readTrustStore(writeJks([{ kind: 'key', alias: 'k', chain: [leaf.der, oldCa.der] }], 'pw'), 'keys.jks', { password: 'pw' });
    const r = verifyChain([under.der], [pem('root.pem', root), keyStore], client);
    expect(r.path).toEqual(['CN=under-old-ca, O=Source', 'CN=Old Source CA, O=Source', 'CN=Source Root, O=Source']);
    expect(r.reason).toBe('expired');
    expect(r.problems.map((p) => p.detail)).toEqual(["The CA certificate 'CN=Old Source CA, O=Source' (from keys.jks) expired on 2026-02-01T00:00:00.000Z, before the capture time 2026-06-01T12:00:00.000Z; replace it with its renewed certificate."]);
  });
});

describe('CA constraints', () => {
  it('an old v1 self-signed root (no extensions at all) is accepted as an anchor', async () => {
    const v1 = await makeCert({ subject: 'CN=V1 Root, O=Source', ca: true, basicConstraints: false, keyUsage: null });
    const under = await makeCert({ subject: 'CN=under-v1, O=Source', issuer: v1 });
    expect(verifyChain([under.der], [pem('v1.pem', v1)], client)).toMatchObject({ verdict: 'trusted', anchor: 'CN=V1 Root, O=Source', problems: [] });
  });

  it('a sent CA without basicConstraints is not a CA: the detail says the extension is absent', async () => {
    const bare = await makeCert({ subject: 'CN=Bare CA, O=Source', issuer: root, ca: true, basicConstraints: false });
    const under = await makeCert({ subject: 'CN=under-bare, O=Source', issuer: bare });
    const r = verifyChain([under.der, bare.der], [pem('root.pem', root)], client);
    expect(r.reason).toBe('not-a-ca');
    expect(r.problems[0]?.detail).toBe("The CA certificate 'CN=Bare CA, O=Source' issued 'CN=under-bare, O=Source' but is not a CA (basicConstraints cA is absent); it must be issued as a CA certificate.");
  });

  it('a pathLenConstraint of 1 with two CAs below it: "1 CA", in the singular', async () => {
    const top = await makeCert({ subject: 'CN=Top CA, O=Source', issuer: root, ca: true, pathLength: 1 });
    const mid = await makeCert({ subject: 'CN=Mid CA, O=Source', issuer: top, ca: true });
    const low = await makeCert({ subject: 'CN=Low CA, O=Source', issuer: mid, ca: true });
    const under = await makeCert({ subject: 'CN=under-low, O=Source', issuer: low });
    const r = verifyChain([under.der, low.der, mid.der, top.der], [pem('root.pem', root)], client);
    expect(r.reason).toBe('not-a-ca');
    expect(r.problems.map((p) => p.detail)).toEqual(["The CA certificate 'CN=Top CA, O=Source' allows 1 CA below it (pathLenConstraint) but the path has 2."]);
  });
});

describe('server chains', () => {
  it('a server leaf without its intermediate: the server is told to send it', async () => {
    const server = await makeCert({ subject: 'CN=svc.source.example, O=Source', issuer: issuing, san: [{ type: 'dns', value: 'svc.source.example' }] });
    const r = verifyChain([server.der], [pem('root.pem', root)], { purpose: 'server', at: CAPTURE_TIME, hostname: 'svc.source.example' });
    expect(r.reason).toBe('missing-intermediate');
    expect(r.detail).toContain("which the server did not send and root.pem does not hold; it is most likely an intermediate under 'CN=Source Root, O=Source' (same organization), which the store does hold: configure the server to send 'CN=Source Issuing CA, O=Source'");
  });
});
