import { describe, expect, it } from 'vitest';
import { ISSUING_CA, codes, finding, intermediate, judge, root, serverLeaf, tls12 } from './connection-factory.js';

/** The client answers the server's flight (frames 5–8) with an alert at frame 9. */
const refused = (description: number, serverCertificates = [serverLeaf(), intermediate()]) =>
  tls12({ stopAfter: 'server-flight', certificateRequest: null, serverCertificates, alert: { from: 'client', description }, close: { how: 'fin', by: 'client' } });

describe('server certificate rejected by the client', () => {
  for (const [code, title] of [
    [42, /bad_certificate/],
    [46, /not trusted/],
    [48, /unknown CA/],
    [45, /expired/],
  ] as const) {
    it(`alert ${code} with nothing visibly wrong: server-cert-rejected`, () => {
      const v = judge(refused(code));
      expect(v.status).toBe('failed');
      expect(codes(v)).toEqual(['server-cert-rejected']);
      const f = finding(v, 'server-cert-rejected');
      expect(f.title).toMatch(title);
      expect(f.frames).toEqual([6, 8]);
      expect(f.detail).toContain(`(${code}) at frame 8`);
    });
  }

  it('an expired server certificate absorbs certificate_expired (45)', () => {
    const v = judge(refused(45, [serverLeaf({ validAtCapture: 'expired', notAfter: '2026-11-01T00:00:00.000Z', daysToExpiry: -19 }), intermediate()]));
    expect(codes(v)).toEqual(['server-cert-expired']);
    expect(finding(v, 'server-cert-expired').detail).toContain('expired on 2026-11-01 (19 days before the capture)');
    expect(finding(v, 'server-cert-expired').detail).toContain('the client answered with alert certificate_expired (45) at frame 8');
  });

  it('a not-yet-valid certificate computed from the dates when the summary has no capture time', () => {
    const v = judge(refused(45, [serverLeaf({ validAtCapture: 'unknown', notBefore: '2027-01-01T00:00:00.000Z', daysToExpiry: null }), intermediate()]));
    expect(codes(v)).toEqual(['server-cert-not-yet-valid']);
  });

  it('a client closing without an alert after the server certificate', () => {
    const v = judge(tls12({ stopAfter: 'server-flight', certificateRequest: null, close: { how: 'rst', by: 'client' } }));
    expect(codes(v)).toEqual(['server-cert-rejected-silently']);
    expect(finding(v, 'server-cert-rejected-silently').frames).toEqual([6, 8]);
  });

  it('a server that closes first is not a client refusal', () => {
    const v = judge(tls12({ stopAfter: 'server-flight', certificateRequest: null, close: { how: 'fin', by: 'server' } }));
    expect(codes(v)).not.toContain('server-cert-rejected-silently');
  });
});

describe('server certificate names (RFC 6125)', () => {
  const withSans = (dns: string[], sni: string) =>
    judge(tls12({ clientHello: { sni }, certificateRequest: null, serverCertificates: [serverLeaf({ subjectAltNames: { dns, ip: [], uri: [], email: [], other: 0, omitted: 0 } }), intermediate()] }));

  it('SNI covered exactly or by a one-label wildcard: nothing', () => {
    expect(codes(withSans(['hr.example.com'], 'HR.example.com.'))).toEqual([]);
    expect(codes(withSans(['*.example.com'], 'hr.example.com'))).toEqual([]);
  });

  it('a wildcard does not cover two labels, the bare domain, or a partial label', () => {
    expect(codes(withSans(['*.example.com'], 'a.hr.example.com'))).toEqual(['server-cert-name-mismatch']);
    expect(codes(withSans(['*.example.com'], 'example.com'))).toEqual(['server-cert-name-mismatch']);
    expect(codes(withSans(['h*.example.com'], 'hr.example.com'))).toEqual(['server-cert-name-mismatch']);
    expect(codes(withSans(['hr.*.com'], 'hr.example.com'))).toEqual(['server-cert-name-mismatch']);
  });

  it('a mismatch accepted by the client is a warning naming both sides', () => {
    const v = withSans(['www.example.com'], 'hr.example.com');
    const f = finding(v, 'server-cert-name-mismatch');
    expect(f.severity).toBe('warning');
    expect(f.detail).toContain("The client asked for 'hr.example.com' (SNI, frame 4)");
    expect(f.detail).toContain("only 'www.example.com'");
  });

  it('a mismatch absorbs the Java client alert certificate_unknown (46)', () => {
    const v = judge(tls12({ stopAfter: 'server-flight', certificateRequest: null, clientHello: { sni: 'api.example.com' }, alert: { from: 'client', description: 46 }, close: { how: 'fin', by: 'client' } }));
    expect(codes(v)).toEqual(['server-cert-name-mismatch']);
    expect(finding(v, 'server-cert-name-mismatch').severity).toBe('error');
  });

  it('no SNI: no name check', () => {
    const v = judge(tls12({ clientHello: { sni: null }, certificateRequest: null, serverCertificates: [serverLeaf({ subjectAltNames: { dns: [], ip: [], uri: [], email: [], other: 0, omitted: 0 } }), intermediate()] }));
    expect(codes(v)).toEqual([]);
  });
});

describe('server chain shape and strength', () => {
  it('out of order: leaf, root, intermediate', () => {
    const v = judge(tls12({ certificateRequest: null, serverCertificates: [serverLeaf(), root(), intermediate()] }));
    expect(codes(v)).toEqual(['server-chain-out-of-order']);
    expect(finding(v, 'server-chain-out-of-order').severity).toBe('info');
  });

  it('leaf, intermediate, root in order is fine', () => {
    expect(codes(judge(tls12({ certificateRequest: null, serverCertificates: [serverLeaf(), intermediate(), root()] })))).toEqual([]);
  });

  it('a leaf alone without its intermediate explains unknown_ca (48)', () => {
    const v = judge(refused(48, [serverLeaf()]));
    expect(codes(v)).toEqual(['server-chain-incomplete']);
    expect(finding(v, 'server-chain-incomplete').detail).toContain(`without '${ISSUING_CA}'`);
  });

  it('a lone leaf that works says nothing (its issuer may be a trusted root)', () => {
    expect(codes(judge(tls12({ certificateRequest: null, serverCertificates: [serverLeaf()] })))).toEqual([]);
  });

  it('a self-signed server certificate is neither incomplete nor weakly signed', () => {
    const self = serverLeaf({ issuer: 'CN=hr.example.com', selfIssued: true, selfSigned: true, weakSignature: true, signatureAlgorithm: 'sha1WithRSAEncryption' });
    expect(codes(judge(tls12({ certificateRequest: null, serverCertificates: [self] })))).toEqual([]);
  });

  it('weak key and SHA-1 signature', () => {
    const leaf = serverLeaf({ publicKey: { algorithm: 'EC', bits: 192, curve: 'P-192' }, weakSignature: true, signatureAlgorithm: 'sha1WithRSAEncryption' });
    const v = judge(tls12({ certificateRequest: null, serverCertificates: [leaf, intermediate()] }));
    expect(codes(v)).toEqual(['server-cert-weak-key', 'server-cert-weak-signature']);
    expect(finding(v, 'server-cert-weak-key').detail).toContain('EC 192-bit key (P-192)');
    expect(finding(v, 'server-cert-weak-signature').detail).toContain('sha1WithRSAEncryption');
  });

  it('RSA 2048 and P-256 are not weak', () => {
    const leaf = serverLeaf({ publicKey: { algorithm: 'EC', bits: 256, curve: 'P-256' } });
    expect(codes(judge(tls12({ certificateRequest: null, serverCertificates: [leaf, intermediate()] })))).toEqual([]);
  });
});
