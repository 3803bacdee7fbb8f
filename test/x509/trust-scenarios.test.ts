/**
 * The generator's refused client certificates, diagnosed from the server's trust store alone:
 * the verdict must match what the server did (Node.js sends no alert: it closes after the
 * client's Finished), and a trust store that disagrees with the server must be reported.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analyze.js';
import { KeyLog } from '../../src/decrypt/keylog.js';
import { captureReport } from '../../src/report/model.js';
import type { ConnectionReport } from '../../src/report/model.js';
import { readTrustStore } from '../../src/x509/trust/index.js';
import type { TrustSetup } from '../../src/x509/trust/index.js';
import { getPki } from '../fixtures/certs.js';
import { buildScenario } from '../fixtures/scenarios.js';
import type { ScenarioName } from '../fixtures/scenarios.js';

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

async function analyzedWith(name: ScenarioName, trust: TrustSetup, withKeyLog = false): Promise<{ c: ConnectionReport; expected: Awaited<ReturnType<typeof buildScenario>>['expected'] }> {
  const scenario = await buildScenario(name);
  const keyLog = new KeyLog();
  if (withKeyLog) keyLog.addText(scenario.keylog, 'scenario key log');
  const analysis = await analyzeCapture(once(scenario.captureBytes), withKeyLog ? { keyLog } : {});
  const report = captureReport(name, analysis, { trust });
  const c = report.connections[0];
  if (c === undefined) throw new Error(`no connection in ${name}`);
  return { c, expected: scenario.expected };
}

/** What Node's (OpenSSL's) verdict on the client certificate means in this project's reason codes. */
const OPENSSL_REASON: Record<string, readonly string[]> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: ['no-path-to-anchor', 'missing-intermediate'],
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: ['no-path-to-anchor', 'missing-intermediate'],
  SELF_SIGNED_CERT_IN_CHAIN: ['no-path-to-anchor'],
  CERT_HAS_EXPIRED: ['expired'],
  CERT_NOT_YET_VALID: ['not-yet-valid'],
};

async function serverStore(): Promise<TrustSetup> {
  const pki = await getPki();
  return { stores: [readTrustStore(Buffer.from(pki.rootCa.certPem), 'server-truststore.pem')], purpose: 'client' };
}

describe('trust verdicts of the generated captures', () => {
  it('untrusted CA: the client certificate chains to a CA missing from the store, as the server found', async () => {
    const { c, expected } = await analyzedWith('tls12-client-cert-untrusted', await serverStore());
    const truth = expected.connections[0];
    expect(truth?.tcp.closedBy).toBe('server');
    expect(OPENSSL_REASON[truth?.tls.serverAuthorizationError ?? '']).toContain(c.trust?.client.reason);
    expect(c.status).toBe('failed');
    expect(c.trust?.client.verdict).toBe('untrusted');
    expect(c.trust?.client.reason).toBe('no-path-to-anchor');
    expect(c.trust?.client.path).toEqual(['CN=mallory, O=Unknown Org']);
    expect(c.trust?.client.detail).toContain("'CN=Rogue Device CA, O=Unknown Org'");
    expect(c.trust?.client.detail).toContain('server-truststore.pem');
    expect(c.trust?.server.verdict).toBe('not-checked');
    const f = c.findings.find((x) => x.code === 'trust-client-untrusted');
    expect(f?.severity).toBe('error');
    // Node.js closes without an alert: the finding says the store and the server agree.
    expect(truth?.tls.alert).toBeUndefined();
    expect(f?.detail).toMatch(/This matches what the server did: the server closed the connection without an alert at frame \d+/);
    expect(c.findings.some((x) => x.code === 'trust-store-disagrees')).toBe(false);
    expect(c.summary).toContain("import 'CN=Rogue Device CA, O=Unknown Org'");
  });

  it('expired client certificate: the verdict names it and its date, matching the server', async () => {
    const { c, expected } = await analyzedWith('tls12-client-cert-expired', await serverStore());
    expect(OPENSSL_REASON[expected.connections[0]?.tls.serverAuthorizationError ?? '']).toContain(c.trust?.client.reason);
    expect(expected.connections[0]?.tls.alert).toBeUndefined();
    expect(c.trust?.client.verdict).toBe('untrusted');
    expect(c.trust?.client.reason).toBe('expired');
    expect(c.trust?.client.anchor).toBe('CN=Corp Root CA, O=Example Corp, C=US');
    expect(c.trust?.client.path).toEqual(['CN=carol, OU=Finance, O=Example Corp, C=US', 'CN=Corp Issuing CA 2, O=Example Corp, C=US', 'CN=Corp Root CA, O=Example Corp, C=US']);
    expect(c.trust?.client.detail).toContain('expired on 2025-01-01T00:00:00.000Z');
    const f = c.findings.find((x) => x.code === 'trust-client-untrusted');
    expect(f?.detail).toContain('This matches what the server did');
  });

  it('a successful mTLS handshake is trusted, and the server agrees', async () => {
    const { c } = await analyzedWith('tls12-mtls-ok', await serverStore());
    expect(c.status).toBe('ok');
    expect(c.trust?.client).toMatchObject({ verdict: 'trusted', reason: null, anchor: 'CN=Corp Root CA, O=Example Corp, C=US' });
    expect(c.trust?.client.detail).toContain('revocation (OCSP, CRL) was not checked');
    const f = c.findings.find((x) => x.code === 'trust-client-trusted');
    expect(f?.severity).toBe('info');
    expect(f?.detail).toContain('The server accepted it too.');
  });

  it('a store that would accept what the server refused is itself a finding', async () => {
    const pki = await getPki();
    // The rogue CA is trusted here but not by the server: the server must use another store.
    const trust: TrustSetup = { stores: [readTrustStore(Buffer.from(pki.untrustedCa.certPem), 'other.pem')], purpose: 'client' };
    const { c } = await analyzedWith('tls12-client-cert-untrusted', trust);
    expect(c.trust?.client.verdict).toBe('trusted');
    const f = c.findings.find((x) => x.code === 'trust-store-disagrees');
    expect(f?.detail).toContain('other.pem would accept this client certificate');
    expect(f?.detail).toContain('the server uses a different trust store, or a revocation or policy check failed');
  });

  it('a store that rejects what the server accepted is reported as a disagreement', async () => {
    const pki = await getPki();
    const trust: TrustSetup = { stores: [readTrustStore(Buffer.from(pki.untrustedCa.certPem), 'other.pem')], purpose: 'client' };
    const { c } = await analyzedWith('tls12-mtls-ok', trust);
    expect(c.trust?.client.verdict).toBe('untrusted');
    const f = c.findings.find((x) => x.code === 'trust-store-disagrees');
    expect(f?.severity).toBe('warning');
    expect(f?.detail).toContain('Yet the server accepted it and the handshake completed');
  });

  it('server chains: verified with --trust-for server, including the SNI', async () => {
    const pki = await getPki();
    const trust: TrustSetup = { stores: [readTrustStore(Buffer.from(pki.rootCa.certPem), 'client-ca.pem')], purpose: 'server' };
    const { c } = await analyzedWith('tls12-mtls-ok', trust);
    expect(c.trust?.server).toMatchObject({ verdict: 'trusted', anchor: 'CN=Corp Root CA, O=Example Corp, C=US' });
    expect(c.trust?.server.detail).toContain('and the server name check out');
    expect(c.trust?.client.verdict).toBe('not-checked');
    expect(c.findings.some((x) => x.code === 'trust-server-trusted')).toBe(true);
  });

  it('TLS 1.3: the encrypted client certificate is not checked without a key log, and diagnosed with one', async () => {
    const hidden = await analyzedWith('tls13-client-cert-untrusted', await serverStore());
    expect(hidden.c.trust?.client.verdict).toBe('not-checked');
    expect(hidden.c.trust?.client.detail).toContain('--keylog');
    expect(hidden.c.findings.find((f) => f.code === 'trust-not-checked')?.severity).toBe('info');
    const seen = await analyzedWith('tls13-client-cert-untrusted', await serverStore(), true);
    expect(seen.c.trust?.client).toMatchObject({ verdict: 'untrusted', reason: 'no-path-to-anchor', path: ['CN=mallory, O=Unknown Org'] });
    expect(seen.c.findings.some((f) => f.code === 'trust-client-untrusted')).toBe(true);
  });
});
