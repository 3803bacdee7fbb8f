import { describe, expect, it } from 'vitest';
import { clientLeaf, codes, context, finding, intermediate, judge, serverLeaf, tls12, tls13 } from './connection-factory.js';

describe('hygiene', () => {
  it('TLS 1.0 negotiated is a warning; offered only, info', () => {
    const negotiated = judge(tls12({ clientHello: { legacyVersion: 0x0301, versions: [0x0301] }, serverHello: { version: 0x0301, legacyVersion: 0x0301 } }));
    expect(finding(negotiated, 'legacy-version-negotiated').severity).toBe('warning');
    expect(finding(negotiated, 'legacy-version-negotiated').title).toBe('TLS 1.0 negotiated');
    const offered = judge(tls12({ clientHello: { versions: [0x0303, 0x0302, 0x0301], supportedVersionsExtension: true } }));
    expect(codes(offered)).toEqual(['legacy-version-offered']);
    expect(finding(offered, 'legacy-version-offered').detail).toContain('TLS 1.1, TLS 1.0');
  });

  it('TLS 1.2 and 1.3 offered and negotiated: nothing', () => {
    expect(codes(judge(tls12({ clientHello: { versions: [0x0304, 0x0303], supportedVersionsExtension: true } })))).toEqual([]);
  });

  it('weak cipher suites: negotiated RC4 warns, offered 3DES informs, GREASE and AES-GCM do not', () => {
    const rc4 = judge(tls12({ serverHello: { cipherSuite: 0x0005 } }));
    expect(finding(rc4, 'weak-cipher-negotiated').detail).toContain('TLS_RSA_WITH_RC4_128_SHA');
    const offered = judge(tls12({ clientHello: { cipherSuites: [0x0a0a, 0xc02f, 0x000a, 0x0003] } }));
    expect(codes(offered)).toEqual(['weak-cipher-offered']);
    expect(finding(offered, 'weak-cipher-offered').detail).toContain('2 weak suites');
    expect(codes(judge(tls12({ clientHello: { cipherSuites: [0x0a0a, 0xc02f, 0x1301] } })))).toEqual([]);
  });

  const WEAK_TEXT = new Map([
    [0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA (3DES (64-bit block, Sweet32))'],
    [0x0003, 'TLS_RSA_EXPORT_WITH_RC4_40_MD5 (EXPORT-grade (40/56-bit))'],
  ]);

  it('offered weak suites stay right when lists repeat and differ by one suite or their order', () => {
    const lists = [[0xc02f, 0x000a, 0x0003], [0xc02f, 0x000a], [0x0003, 0xc02f, 0x000a], [0xc02f, 0x000a, 0x0003], [0xc02f, 0x1301], [0x000a]];
    for (let round = 0; round < 2; round++) {
      for (const cipherSuites of lists) {
        const v = judge(tls12({ clientHello: { cipherSuites } }));
        const weak = cipherSuites.filter((s) => s === 0x000a || s === 0x0003);
        if (weak.length === 0) expect(codes(v)).toEqual([]);
        else expect(finding(v, 'weak-cipher-offered').detail).toContain(`offers ${weak.length} weak suite${weak.length === 1 ? '' : 's'}: ${weak.map((s) => WEAK_TEXT.get(s)).join(', ')}.`);
      }
    }
  });

  it('certificates expiring within the threshold, for both chains', () => {
    const c = tls12({ serverCertificates: [serverLeaf({ daysToExpiry: 12, notAfter: '2026-12-02T00:00:00.000Z' }), intermediate()], clientCertificates: [clientLeaf(), intermediate({ daysToExpiry: 20 })] });
    const v = judge(c);
    expect(codes(v)).toEqual(['server-cert-expiring', 'client-cert-expiring']);
    expect(finding(v, 'server-cert-expiring').title).toBe('Server certificate expires in 12 days');
    expect(finding(v, 'server-cert-expiring').detail).toContain('2026-12-02');
    expect(finding(v, 'client-cert-expiring').detail).toContain("The CA certificate in the client's chain");
    expect(codes(judge(c, context({ expiryDays: 7 })))).toEqual([]);
  });

  it('insecure renegotiation: neither renegotiation_info nor the SCSV', () => {
    const v = judge(tls12({ clientHello: { secureRenegotiation: false }, serverHello: { secureRenegotiation: false } }));
    expect(finding(v, 'insecure-renegotiation').detail).toContain('Neither side signals');
    expect(codes(judge(tls13()))).not.toContain('insecure-renegotiation');
  });

  it('slow handshake names the slow step', () => {
    const slowServer = judge(tls12({ delays: { 'server-hello': 2500 } }));
    const f = finding(slowServer, 'slow-handshake');
    expect(f.title).toBe('Slow handshake step: ClientHello → ServerHello');
    expect(f.detail).toContain('the server took 2501 ms (frames 4 → 5');
    const slowVerify = judge(tls12({ delays: { 'server-finished': 4000 } }));
    expect(finding(slowVerify, 'slow-handshake').title).toBe("Slow handshake step: client's Finished → server's Finished");
    expect(finding(slowVerify, 'slow-handshake').detail).toContain('CRL or OCSP');
    expect(codes(judge(tls12({ delays: { 'server-hello': 500 } })))).toEqual([]);
    expect(codes(judge(tls12({ delays: { 'server-hello': 2500 } }), context({ slowHandshakeMs: 5000 })))).toEqual([]);
  });

  it('slow handshake names the slowest step first and lists the other slow ones', () => {
    const v = judge(tls12({ delays: { 'server-hello': 2500, 'client-flight': 1500, 'server-finished': 4000 } }));
    const f = finding(v, 'slow-handshake');
    expect(f.title).toBe("Slow handshake step: client's Finished → server's Finished");
    expect(f.detail).toContain("the server took 4002 ms (frames 13 → 15; threshold 1000 ms). Also slow: ClientHello → ServerHello: 2501 ms; ServerHelloDone → client's answer: 1501 ms.");
  });

  it('slow TLS 1.3 client answer', () => {
    const v = judge(tls13({ clientFlight: 'certificate-sent', delays: { 'client-flight': 3000 } }));
    expect(finding(v, 'slow-handshake').title).toBe("Slow handshake step: ServerHello → client's second flight");
  });
});
