import { describe, expect, it } from 'vitest';
import { ISSUING_CA, ROOT_CA, clientLeaf, codes, finding, intermediate, judge, tls12 } from './connection-factory.js';

const failedAfterClientFlight = { stopAfter: 'client-flight', close: { how: 'fin', by: 'server' } } as const;

describe('client certificate missing', () => {
  it('empty Certificate then handshake_failure: one error with the CA list, frames and delay', () => {
    const c = tls12({ ...failedAfterClientFlight, clientCertificates: [], alert: { from: 'server', description: 40 } });
    const v = judge(c);
    expect(v.status).toBe('failed');
    expect(codes(v).filter((x) => v.findings.find((f) => f.code === x)?.severity === 'error')).toEqual(['client-cert-missing']);
    const f = finding(v, 'client-cert-missing');
    expect(f.frames).toEqual([7, 9, 13]);
    expect(f.detail).toContain(`'${ISSUING_CA}' or '${ROOT_CA}' (frame 7)`);
    expect(f.detail).toContain('empty Certificate message (frame 9)');
    expect(f.detail).toContain('alert handshake_failure (40) at frame 13');
    // The factory's ClientHello matches no stack signature: Java advice is conditional.
    expect(f.detail).toContain('If the client is Java, it sends an empty Certificate');
    expect(f.fix).toContain(ISSUING_CA);
    expect(v.summary).toBe(
      `The server (10.20.9.5:8443, hr.example.com) asked for a client certificate signed by '${ISSUING_CA}' or '${ROOT_CA}' (frame 7) and the client answered with an empty Certificate message (frame 9); the server then closed with alert handshake_failure (40) at frame 13, 4 ms later.`,
    );
  });

  it('no Certificate message and a server reset without alert', () => {
    const c = tls12({ stopAfter: 'client-flight', clientCertificates: null, close: { how: 'rst', by: 'server' } });
    const v = judge(c);
    const f = finding(v, 'client-cert-missing');
    expect(f.detail).toContain('sent no Certificate message');
    expect(f.detail).toContain('reset the connection without an alert at frame 12');
    expect(f.frames).toEqual([7, 12]);
  });

  it('JSSE style bad_certificate (42) for an empty certificate is still "missing", not "rejected"', () => {
    const v = judge(tls12({ ...failedAfterClientFlight, clientCertificates: [], alert: { from: 'server', description: 42 } }));
    expect(codes(v)).toContain('client-cert-missing');
    expect(codes(v)).not.toContain('client-cert-rejected');
    expect(codes(v)).not.toContain('handshake-alert');
  });

  it('does not fire when the certificate was optional and the handshake succeeded', () => {
    const v = judge(tls12({ clientCertificates: [] }));
    expect(v.status).toBe('ok');
    expect(v.mtls.state).toBe('optional-not-sent');
    expect(v.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('client certificate rejected, per alert', () => {
  const cases: [number, RegExp][] = [
    [42, /bad_certificate/],
    [43, /unsupported type/],
    [44, /revoked/],
    [46, /certificate_unknown/],
    [48, /unknown CA/],
    [49, /access denied/],
    [51, /private key do not match/],
    [116, /required/],
  ];
  for (const [code, title] of cases) {
    it(`alert ${code}`, () => {
      const v = judge(tls12({ ...failedAfterClientFlight, alert: { from: 'server', description: code } }));
      expect(v.mtls.state).toBe('sent-rejected');
      const f = finding(v, 'client-cert-rejected');
      expect(f.severity).toBe('error');
      expect(f.title).toMatch(title);
      expect(f.detail).toContain(`(${code}) at frame 14`);
      expect(f.detail).toContain("'CN=hr-connector, O=Example Corp'");
      expect(f.frames).toEqual([9, 11, 14]);
      expect(v.findings.filter((x) => x.severity === 'error')).toHaveLength(1);
    });
  }

  it('alert 45 with an expired certificate: one finding, the cause, carrying the alert', () => {
    const expired = clientLeaf({ validAtCapture: 'expired', notAfter: '2026-10-01T00:00:00.000Z', daysToExpiry: -50 });
    const v = judge(tls12({ ...failedAfterClientFlight, clientCertificates: [expired, intermediate()], alert: { from: 'server', description: 45 } }));
    expect(codes(v)).toEqual(['client-cert-expired']);
    const f = finding(v, 'client-cert-expired');
    expect(f.severity).toBe('error');
    expect(f.detail).toContain('expired on 2026-10-01 (50 days before the capture)');
    expect(f.detail).toContain('certificate_expired (45) at frame 14');
    expect(f.frames).toEqual([9, 14]);
  });

  it('alert 48 with an expired certificate: the alert stays the error, the expiry a warning', () => {
    const expired = clientLeaf({ validAtCapture: 'expired', daysToExpiry: -3 });
    const v = judge(tls12({ ...failedAfterClientFlight, clientCertificates: [expired, intermediate()], alert: { from: 'server', description: 48 } }));
    expect(finding(v, 'client-cert-rejected').severity).toBe('error');
    expect(finding(v, 'client-cert-expired').severity).toBe('warning');
  });

  it('alert 51 without a client CertificateVerify is a negotiation decrypt_error, not a key mismatch', () => {
    const c = tls12({ ...failedAfterClientFlight, certificateRequest: null, alert: { from: 'server', description: 51 } });
    const v = judge(c);
    expect(codes(v)).toContain('decrypt-error');
    expect(codes(v)).not.toContain('client-cert-rejected');
  });

  it('a server that closes silently after the client Finished (Node.js)', () => {
    const v = judge(tls12({ stopAfter: 'client-flight', close: { how: 'fin', by: 'server' } }));
    expect(v.status).toBe('failed');
    const f = finding(v, 'client-cert-rejected-silently');
    expect(f.frames).toEqual([9, 13, 14]);
    expect(f.detail).toContain('closed the connection at frame 14');
    expect(f.detail).toContain('Node.js');
  });

  it('a silent close is explained by an expired certificate instead when there is one', () => {
    const expired = clientLeaf({ validAtCapture: 'expired', daysToExpiry: -3 });
    const v = judge(tls12({ stopAfter: 'client-flight', close: { how: 'fin', by: 'server' }, clientCertificates: [expired, intermediate()] }));
    expect(codes(v)).toEqual(['client-cert-expired']);
    expect(finding(v, 'client-cert-expired').detail).toContain('closed the connection without an alert at frame 14');
  });
});

describe('client certificate content', () => {
  it('no clientAuth EKU explains unsupported_certificate (43)', () => {
    const leaf = clientLeaf({ extendedKeyUsage: ['serverAuth'], hasClientAuth: false });
    const v = judge(tls12({ ...failedAfterClientFlight, clientCertificates: [leaf, intermediate()], alert: { from: 'server', description: 43 } }));
    expect(codes(v)).toEqual(['client-cert-no-client-auth']);
    expect(finding(v, 'client-cert-no-client-auth').detail).toContain('serverAuth without clientAuth');
  });

  it('a certificate without any EKU extension may serve any purpose', () => {
    const leaf = clientLeaf({ extendedKeyUsage: null, ekuAnyPurpose: 'no-extension', hasClientAuth: true });
    expect(codes(judge(tls12({ clientCertificates: [leaf, intermediate()] })))).toEqual([]);
  });

  it('RSA-1024 key explains bad_certificate (42); accepted anyway gives a warning', () => {
    const leaf = clientLeaf({ publicKey: { algorithm: 'RSA', bits: 1024, curve: null } });
    const failed = judge(tls12({ ...failedAfterClientFlight, clientCertificates: [leaf, intermediate()], alert: { from: 'server', description: 42 } }));
    expect(codes(failed)).toEqual(['client-cert-weak-key']);
    expect(finding(failed, 'client-cert-weak-key').detail).toContain('RSA 1024-bit key');
    const ok = judge(tls12({ clientCertificates: [leaf, intermediate()] }));
    expect(ok.status).toBe('ok');
    expect(finding(ok, 'client-cert-weak-key').severity).toBe('warning');
  });

  it('a key usage without digitalSignature explains what an OpenSSL server sends for it (43), not other alerts; accepted anyway gives a warning', () => {
    const leaf = clientLeaf({ keyUsage: ['keyEncipherment'] });
    const refused = judge(tls12({ ...failedAfterClientFlight, clientCertificates: [leaf, intermediate()], alert: { from: 'server', description: 43 } }));
    expect(codes(refused)).toEqual(['client-cert-no-digital-signature']);
    expect(finding(refused, 'client-cert-no-digital-signature').detail).toContain(
      'has a key usage of keyEncipherment without digitalSignature, yet a client certificate must sign the handshake (CertificateVerify), so an OpenSSL server refuses it ("unsuitable certificate purpose", alert unsupported_certificate); the server answered with alert unsupported_certificate (43)',
    );
    // An OpenSSL server says 43 for it: an unknown_ca (48) has another cause, and this one stays a warning.
    const other = judge(tls12({ ...failedAfterClientFlight, clientCertificates: [leaf, intermediate()], alert: { from: 'server', description: 48 } }));
    expect(finding(other, 'client-cert-no-digital-signature').severity).toBe('warning');
    const ok = judge(tls12({ clientCertificates: [leaf, intermediate()] }));
    expect(ok.status).toBe('ok');
    expect(finding(ok, 'client-cert-no-digital-signature').severity).toBe('warning');
  });

  it('an EC key with keyAgreement instead, which OpenSSL takes: a warning, never the cause; no key usage, digitalSignature, or a key that does not sign: nothing', () => {
    const agreement = clientLeaf({ keyUsage: ['keyAgreement'], publicKey: { algorithm: 'EC', bits: 256, curve: 'P-256' } });
    const v = judge(tls12({ ...failedAfterClientFlight, clientCertificates: [agreement, intermediate()], alert: { from: 'server', description: 43 } }));
    const f = finding(v, 'client-cert-no-digital-signature');
    expect(f.severity).toBe('warning');
    expect(f.detail).toContain('an OpenSSL server takes its keyAgreement instead and accepts it');
    for (const over of [{ keyUsage: null }, { keyUsage: ['digitalSignature', 'keyEncipherment'] }, { keyUsage: ['keyAgreement'], publicKey: { algorithm: 'X25519', bits: 256, curve: null } }]) {
      expect(codes(judge(tls12({ clientCertificates: [clientLeaf(over), intermediate()] })))).toEqual([]);
    }
  });

  it('issuer not among the requested CAs explains unknown_ca (48)', () => {
    const leaf = clientLeaf({ issuer: 'CN=Other CA' });
    const other = intermediate({ subject: 'CN=Other CA', issuer: 'CN=Other Root' });
    const v = judge(tls12({ ...failedAfterClientFlight, clientCertificates: [leaf, other], alert: { from: 'server', description: 48 } }));
    expect(codes(v)).toEqual(['client-cert-issuer-not-requested']);
    const f = finding(v, 'client-cert-issuer-not-requested');
    expect(f.detail).toContain("issued by 'CN=Other CA'");
    expect(f.frames).toEqual([7, 9, 14]);
  });

  it('a leaf sent without its intermediate, when the server names only the root', () => {
    const v = judge(tls12({ ...failedAfterClientFlight, certificateRequest: { certificateAuthorities: [ROOT_CA] }, clientCertificates: [clientLeaf()], alert: { from: 'server', description: 48 } }));
    expect(codes(v)).toEqual(['client-chain-incomplete']);
    expect(finding(v, 'client-chain-incomplete').detail).toContain(`without '${ISSUING_CA}'`);
  });

  it('a lone leaf whose issuer the server lists is not incomplete', () => {
    const v = judge(tls12({ clientCertificates: [clientLeaf()] }));
    expect(codes(v)).toEqual([]);
  });

  it('an ok mutual TLS handshake with a clean close_notify yields no findings at all', () => {
    const v = judge(tls12());
    expect(v.status).toBe('ok');
    expect(v.findings).toEqual([]);
  });
});

describe('client alert after its own flight', () => {
  it('a client alert is not taken for a silent server rejection', () => {
    const v = judge(tls12({ stopAfter: 'client-flight', alert: { from: 'client', description: 80 }, close: { how: 'fin', by: 'server' } }));
    expect(codes(v)).toEqual(['handshake-alert']);
    expect(finding(v, 'handshake-alert').detail).toContain('The client sent alert internal_error (80) at frame 14');
  });

  it('TLS 1.2 without a CertificateRequest: the server closing after the client Finished', () => {
    const v = judge(tls12({ stopAfter: 'client-flight', certificateRequest: null, close: { how: 'rst', by: 'server' } }));
    expect(codes(v)).toEqual(['server-closed-after-client-finished']);
    expect(finding(v, 'server-closed-after-client-finished').frames).toEqual([10, 11]);
  });

  it('a failure nothing explains is still reported, with who closed and after what', () => {
    const v = judge(tls12({ stopAfter: 'server-hello', close: { how: 'fin', by: 'client' } }));
    const f = finding(v, 'handshake-abandoned');
    expect(f.detail).toContain("the client closed the connection at frame 6 after the server's ServerHello (frame 5)");
    expect(f.frames).toEqual([5, 6]);
  });
});

describe('missing intermediate or foreign CA', () => {
  it('a lone leaf from another organization than the listed CAs: issuer not requested', () => {
    const leaf = clientLeaf({ issuer: 'CN=Rogue Device CA, O=Unknown Org' });
    const v = judge(tls12({ stopAfter: 'client-flight', certificateRequest: { certificateAuthorities: [ROOT_CA] }, clientCertificates: [leaf], close: { how: 'fin', by: 'server' } }));
    expect(codes(v)).toEqual(['client-cert-issuer-not-requested']);
    const f = finding(v, 'client-cert-issuer-not-requested');
    expect(f.detail).toContain("issued by 'CN=Rogue Device CA, O=Unknown Org'");
    expect(f.detail).toMatch(/the server closed the connection without an alert at frame 14/);
  });

  it('expiry text reads frame first, then the date', () => {
    const expired = clientLeaf({ validAtCapture: 'expired', notAfter: '2025-01-01T00:00:00.000Z', daysToExpiry: -688 });
    const v = judge(tls12({ ...failedAfterClientFlight, clientCertificates: [expired, intermediate()], alert: { from: 'server', description: 45 } }));
    expect(finding(v, 'client-cert-expired').detail).toMatch(/^The client certificate 'CN=hr-connector, O=Example Corp' \(frame 9\) expired on 2025-01-01 \(688 days before the capture\); the server answered/);
  });
});
