/**
 * The key manager emulation held to real OpenJDK 17 clients: for every committed JSSE-client
 * scenario whose key manager ran (its log says "X509KeyManager class"), the alias predicted for
 * the CertificateRequest JSSE logged equals the certificate JSSE logged it sent (none for an
 * empty Certificate), with the key manager the scenario configured; the key types derived from
 * the request equal those JSSE logged when it found no certificate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCertificateRequest } from '../../src/tls/handshake/certificate-request.js';
import { SIGNATURE_SCHEME_ROWS } from '../../src/tls/registry/signature-schemes.js';
import { evaluateIdentity, jsseClientKeyTypes, readIdentityStore } from '../../src/x509/identity/index.js';
import type { IdentityRequest, IdentityStore } from '../../src/x509/identity/index.js';
import { jsseTruth, loggedClientCertificate, normalizeDn, readScenario } from '../fixtures/java/ground-truth.js';
import type { CommittedScenario } from '../fixtures/java/ground-truth.js';
import { JAVA_SCENARIOS } from '../fixtures/java/java-scenarios.js';
import { JAVA_CAPTURES_DIR } from '../fixtures/java/make-java-captures.js';
import { streamsFromCapture } from '../fixtures/java/record-padding.js';

/** The relay's clock of every scenario (java-captures/README.md). */
const CAPTURE_TIME_MS = Date.parse('2026-11-20T14:02:11Z');

/** JSSE's names of the TLS 1.2 schemes IANA lists under other names (SignatureScheme.java). */
const JSSE_ONLY_SCHEMES: ReadonlyMap<string, number> = new Map([
  ['dsa_sha256', 0x0402],
  ['ecdsa_sha224', 0x0303],
  ['rsa_sha224', 0x0301],
  ['dsa_sha224', 0x0302],
  ['dsa_sha1', 0x0202],
  ['dsa_sha384', 0x0502],
  ['dsa_sha512', 0x0602],
]);
const SCHEME_CODES = new Map<string, number>([...SIGNATURE_SCHEME_ROWS.map(([code, name]) => [name, code] as const), ...JSSE_ONLY_SCHEMES]);
const CERTIFICATE_TYPE_CODES: ReadonlyMap<string, number> = new Map([
  ['rsa_sign', 1],
  ['dss_sign', 2],
  ['ecdsa_sign', 64],
]);

function names(list: string | undefined): string[] {
  return (list ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function codes(list: string | undefined, table: ReadonlyMap<string, number>): number[] {
  return names(list).map((n) => {
    const code = table.get(n);
    if (code === undefined) throw new Error(`unknown name in the log: ${n}`);
    return code;
  });
}

/** The CertificateRequest the client logged consuming (JDK 11+ format; these fixtures list one CA at most). */
function loggedRequest(log: string): IdentityRequest {
  const start = log.indexOf('Consuming CertificateRequest handshake message');
  const body = log.slice(start, log.indexOf('\n)\n', start));
  const tls13 = body.includes('"certificate_request_context"');
  const lists = [...body.matchAll(/"(?:supported signature algorithms|signature schemes)":\s*\[([^\]]*)\]/g)].map((m) => codes(m[1], SCHEME_CODES));
  const ca = /"certificate authorities":\s*\[\s*([^\]]*)\]/.exec(body)?.[1]?.trim();
  return {
    tls13,
    certificateTypes: codes(/"certificate types":\s*\[([^\]]*)\]/.exec(body)?.[1], CERTIFICATE_TYPE_CODES),
    signatureAlgorithms: lists[0] ?? [],
    signatureAlgorithmsCert: lists[1] ?? null,
    certificateAuthorities: ca === undefined || ca === '' ? [] : [ca],
  };
}

/** The client's system properties as ground-truth.json records them. */
function clientProperties(s: CommittedScenario): Readonly<Record<string, string>> {
  const config = s.truth.client.config as { systemProperties?: Record<string, string> } | null;
  return config?.systemProperties ?? {};
}

/**
 * The TLS 1.2 CertificateRequest as the wire carries it, decoded by the project's own decoder:
 * the server's handshake records up to its ChangeCipherSpec, split into messages.
 */
async function wireRequest12(s: CommittedScenario): Promise<IdentityRequest | undefined> {
  const streams = await streamsFromCapture(readFileSync(s.capturePath), s.truth.capture.client.port);
  const handshake: Uint8Array[] = [];
  for (let p = 0; p + 5 <= streams.s2c.length; ) {
    const type = streams.s2c[p];
    const length = ((streams.s2c[p + 3] ?? 0) << 8) | (streams.s2c[p + 4] ?? 0);
    if (type === 20) break;
    if (type === 22) handshake.push(streams.s2c.subarray(p + 5, p + 5 + length));
    p += 5 + length;
  }
  const bytes = Buffer.concat(handshake);
  for (let p = 0; p + 4 <= bytes.length; ) {
    const length = bytes.readUIntBE(p + 1, 3);
    if (bytes[p] === 13) {
      const cr = decodeCertificateRequest(bytes.subarray(p + 4, p + 4 + length), { version: 0x0303 });
      if (!cr.ok) return undefined;
      return { tls13: false, certificateTypes: cr.value.certificateTypes, signatureAlgorithms: cr.value.signatureAlgorithms, certificateAuthorities: cr.value.certificateAuthorities.map((n) => n.text) };
    }
    p += 4 + length;
  }
  return undefined;
}

function keyManagerOf(s: CommittedScenario): 'SunX509' | 'PKIX' {
  const props = clientProperties(s);
  const file = props['java.security.properties'];
  if (file === undefined) return 'SunX509';
  const text = readFileSync(join(JAVA_CAPTURES_DIR, '..', '..', '..', file), 'utf8');
  return /^ssl\.KeyManagerFactory\.algorithm=PKIX$/m.test(text) ? 'PKIX' : 'SunX509';
}

function storeOf(s: CommittedScenario): IdentityStore {
  const props = clientProperties(s);
  const path = props['javax.net.ssl.keyStore'];
  if (path === undefined) return { path: '(none)', format: 'pkcs12', integrity: 'none', entries: [], notes: [] };
  return readIdentityStore(readFileSync(join(JAVA_CAPTURES_DIR, path)), path, { password: props['javax.net.ssl.keyStorePassword'] ?? null });
}

const decided = JAVA_SCENARIOS.map((d) => readScenario(JAVA_CAPTURES_DIR, d.name)).filter((s) => s.truth.client.stack === 'jsse' && (s.clientLog?.includes('X509KeyManager class') ?? false));

describe('the key manager JSSE used sends what the emulation predicts', () => {
  it('covers every scenario with a key store decision, the multi-entry ones included', () => {
    const covered = decided.map((s) => s.truth.name);
    expect(covered.length).toBeGreaterThanOrEqual(19);
    for (const name of ['jsse-tls12-keystore-carol-and-mallory', 'jsse-tls12-keystore-carol-and-alice', 'jsse-tls12-keystore-alice-and-bob', 'jsse-node-tls12-keystore-alice-and-bob-rsa-only', 'jsse-tls12-keystore-carol-and-alice-pkix', 'jsse-tls12-keystore-carol-and-mallory-pkix', 'jsse-tls12-want-no-keystore', 'jsse-tls13-want-no-keystore']) {
      expect(covered).toContain(name);
    }
  });

  for (const s of decided) {
    it(s.truth.name, () => {
      const log = s.clientLog ?? '';
      const request = loggedRequest(log);
      const store = storeOf(s);
      const evaluation = evaluateIdentity(store, request, CAPTURE_TIME_MS);
      const sent = loggedClientCertificate(log, 'Produced');
      expect(sent, 'the client logged its Certificate message').toBeDefined();
      const leaf = sent?.[0];
      const expected = leaf === undefined ? null : (store.entries.find((e) => normalizeDn(e.certificates[0]?.summary.subject ?? '') === normalizeDn(leaf))?.alias ?? `(no entry for ${leaf})`);
      const choice = evaluation.keyManagers[keyManagerOf(s)];
      expect(choice.alias).toBe(expected);
      expect(choice.outcome).toBe(expected === null ? 'empty-certificate' : 'certificate');
      const noneFor = /No X\.509 cert selected for \[([^\]]*)\]/.exec(log)?.[1];
      if (noneFor !== undefined) expect(evaluation.keyTypes).toEqual(names(noneFor));
    });
    if (!s.truth.name.includes('tls13')) {
      it(`${s.truth.name}: the CertificateRequest decoded from the wire gives the same choice`, async () => {
        const wire = await wireRequest12(s);
        expect(wire, 'a TLS 1.2 CertificateRequest in the capture').toBeDefined();
        if (wire === undefined) return;
        expect(wire.signatureAlgorithms).toEqual(loggedRequest(s.clientLog ?? '').signatureAlgorithms);
        const store = storeOf(s);
        const fromWire = evaluateIdentity(store, wire, CAPTURE_TIME_MS).keyManagers[keyManagerOf(s)];
        const fromLog = evaluateIdentity(store, loggedRequest(s.clientLog ?? ''), CAPTURE_TIME_MS).keyManagers[keyManagerOf(s)];
        expect(fromWire).toEqual(fromLog);
      });
    }
  }
});

describe('the multi-entry stores: every reason, and both key managers', () => {
  const corpRoot = 'CN=Corp Root CA, O=Example Corp, C=US';
  const tls12All: IdentityRequest = { tls13: false, certificateTypes: [64, 1, 2], signatureAlgorithms: [0x0403, 0x0807, 0x0804, 0x0809, 0x0401, 0x0402], certificateAuthorities: [corpRoot] };
  const store = (file: string, options: { password?: string; keyPassword?: string } = { password: 'changeit' }): IdentityStore => readIdentityStore(readFileSync(join(JAVA_CAPTURES_DIR, 'keystores', file)), file, options);

  it('carol (listed CA, expired) and mallory (unlisted CA): both managers send carol, mallory is not requested', () => {
    const e = evaluateIdentity(store('client-carol-and-mallory.p12'), tls12All, CAPTURE_TIME_MS);
    expect(e.entries).toEqual([
      { alias: 'carol', eligible: false, reasons: ['expired'] },
      { alias: 'mallory', eligible: false, reasons: ['issuer-not-requested'] },
    ]);
    expect([e.keyManagers.SunX509.alias, e.keyManagers.PKIX.alias]).toEqual(['carol', 'carol']);
  });

  it('carol (expired) and alice (valid): SunX509 sends carol by its HashMap order, PKIX the valid alice', () => {
    const e = evaluateIdentity(store('client-carol-and-alice.p12'), tls12All, CAPTURE_TIME_MS);
    expect(e.entries.map((x) => [x.alias, x.reasons])).toEqual([
      ['carol', ['expired']],
      ['alice', []],
    ]);
    expect(e.keyManagers.SunX509.alias).toBe('carol');
    expect(e.keyManagers.SunX509.detail).toContain('expired');
    expect(e.keyManagers.PKIX.alias).toBe('alice');
  });

  it('alice (EC) and bob (RSA): EC first when allowed, bob when the request allows RSA only', () => {
    const s = store('client-alice-and-bob.p12');
    expect(s.entries.map((x) => [x.alias, x.keyAlgorithm, x.keySize])).toEqual([
      ['alice', 'EC', 256],
      ['bob', 'RSA', 2048],
    ]);
    expect(evaluateIdentity(s, tls12All, CAPTURE_TIME_MS).keyManagers.SunX509.alias).toBe('alice');
    const rsaOnly = evaluateIdentity(s, { ...tls12All, certificateTypes: [1], signatureAlgorithms: [0x0804, 0x0401] }, CAPTURE_TIME_MS);
    expect(rsaOnly.keyTypes).toEqual(['RSA']);
    expect(rsaOnly.entries.find((x) => x.alias === 'alice')?.reasons).toEqual(['key-type-not-requested']);
    expect([rsaOnly.keyManagers.SunX509.alias, rsaOnly.keyManagers.PKIX.alias]).toEqual(['bob', 'bob']);
  });

  it('a JKS key with its own password: SunX509 cannot be built, as JSSE failed with "Cannot recover key"', () => {
    const scenario = readScenario(JAVA_CAPTURES_DIR, 'jsse-tls12-keystore-jks-separate-key-password');
    expect(jsseTruth(scenario.truth.client)?.causes).toContain('java.security.KeyManagementException: Cannot recover key');
    const s = store('client-alice-keypass.jks');
    expect(s.entries.map((x) => [x.alias, x.keyOpens])).toEqual([['alice', false]]);
    const e = evaluateIdentity(s, tls12All, CAPTURE_TIME_MS);
    expect(e.entries).toEqual([{ alias: 'alice', eligible: false, reasons: ['key-not-recoverable'] }]);
    expect(e.keyManagers.SunX509).toMatchObject({ alias: null, outcome: 'no-handshake' });
    expect(e.keyManagers.PKIX).toMatchObject({ alias: null, outcome: 'empty-certificate' });
    // With the key's own password, the key opens and alice is sent.
    const opened = store('client-alice-keypass.jks', { password: 'changeit', keyPassword: 'keypass1' });
    expect(opened.entries.map((x) => x.keyOpens)).toEqual([true]);
    expect(evaluateIdentity(opened, tls12All, CAPTURE_TIME_MS).keyManagers.SunX509.alias).toBe('alice');
  });

  it('a trust store offers no key: no-private-key, and an empty Certificate', () => {
    const e = evaluateIdentity(store('trust-corp.jks'), tls12All, CAPTURE_TIME_MS);
    expect(e.entries).toEqual([{ alias: 'corp-root', eligible: false, reasons: ['no-private-key'] }]);
    expect(e.keyManagers.SunX509.outcome).toBe('empty-certificate');
  });

  it('TLS 1.3 derives key types from signature_algorithms_cert and drops what cannot sign in TLS 1.3', () => {
    expect(jsseClientKeyTypes({ tls13: true, certificateTypes: [], signatureAlgorithms: [0x0804, 0x0403], signatureAlgorithmsCert: [0x0403, 0x0402, 0x0401], certificateAuthorities: [] })).toEqual(['EC', 'RSA']);
    expect(jsseClientKeyTypes({ tls13: true, certificateTypes: [], signatureAlgorithms: [0x0401, 0x0201], certificateAuthorities: [] })).toEqual([]);
  });
});
