import { describe, expect, it } from 'vitest';
import { codes, finding, judge, tls12 } from './connection-factory.js';

/** The server answers the ClientHello (frame 4) with an alert at frame 5. */
const refusedHello = (description: number, clientHello = {}) => tls12({ stopAfter: 'client-hello', clientHello, alert: { from: 'server', description }, close: { how: 'fin', by: 'server' } });

describe('negotiation failures', () => {
  it('protocol_version (70) from the server names what the client offered', () => {
    const v = judge(refusedHello(70, { versions: [0x0302, 0x0301], supportedVersionsExtension: true }));
    expect(codes(v)).toEqual(['protocol-version-mismatch', 'legacy-version-offered']);
    const f = finding(v, 'protocol-version-mismatch');
    expect(f.detail).toContain('TLS 1.1, TLS 1.0 (supported_versions)');
    expect(f.detail).toContain('alert protocol_version (70) at frame 5');
    expect(f.frames).toEqual([4, 5]);
  });

  it('the client refusing a version it did not offer', () => {
    const c = tls12({ stopAfter: 'server-hello', clientHello: { versions: [0x0304, 0x0303], supportedVersionsExtension: true }, serverHello: { version: 0x0301 }, alert: { from: 'client', description: 70 }, close: { how: 'fin', by: 'client' } });
    const v = judge(c);
    const f = finding(v, 'protocol-version-mismatch');
    expect(f.detail).toContain('the server chose TLS 1.0 at frame 5');
    expect(f.detail).toContain('TLS 1.3, TLS 1.2');
  });

  it('the client closing without alert on a version it did not offer', () => {
    const c = tls12({ stopAfter: 'server-flight', certificateRequest: null, clientHello: { versions: [0x0303], supportedVersionsExtension: true }, serverHello: { version: 0x0301 }, close: { how: 'fin', by: 'client' } });
    const v = judge(c);
    expect(codes(v)).toContain('protocol-version-mismatch');
    expect(finding(v, 'protocol-version-mismatch').title).toMatch(/did not offer/);
  });

  it('handshake_failure (40) before ServerHello: no common cipher suite, listing the offer', () => {
    const v = judge(refusedHello(40, { cipherSuites: [0x000a, 0x0005] }));
    expect(codes(v)).toEqual(['no-common-cipher-suite', 'weak-cipher-offered']);
    const f = finding(v, 'no-common-cipher-suite');
    expect(f.detail).toContain('TLS_RSA_WITH_3DES_EDE_CBC_SHA');
    expect(f.detail).toContain('before any ServerHello');
  });

  it('insufficient_security (71)', () => {
    expect(codes(judge(refusedHello(71)))).toEqual(['insufficient-security']);
  });

  for (const [alert, code] of [
    [86, 'inappropriate-fallback'],
    [112, 'unrecognized-name'],
    [120, 'no-application-protocol'],
    [109, 'missing-extension'],
    [20, 'bad-record-mac'],
  ] as const) {
    it(`alert ${alert} → ${code}`, () => {
      const v = judge(refusedHello(alert));
      expect(codes(v)).toEqual([code]);
      expect(finding(v, code).frames).toEqual([4, 5]);
      expect(finding(v, code).detail).toContain(`(${alert}) at frame 5`);
    });
  }

  it('no_application_protocol lists the client ALPN offer; unrecognized_name the SNI', () => {
    expect(finding(judge(refusedHello(120)), 'no-application-protocol').detail).toContain("'h2', 'http/1.1'");
    expect(finding(judge(refusedHello(112)), 'unrecognized-name').detail).toContain("'hr.example.com' (SNI)");
  });

  it('any other alert gets exactly one generic finding naming it', () => {
    const v = judge(refusedHello(80));
    expect(codes(v)).toEqual(['handshake-alert']);
    expect(finding(v, 'handshake-alert').detail).toContain('internal_error (80)');
  });

  it('an encrypted alert after the client Finished says a key log would reveal it', () => {
    const v = judge(tls12({ stopAfter: 'client-flight', certificateRequest: null, alert: { from: 'server', description: null, encrypted: true, length: 26 }, close: { how: 'fin', by: 'server' } }));
    expect(codes(v)).toEqual(['handshake-alert']);
    expect(finding(v, 'handshake-alert').detail).toContain('encrypted alert (26-byte record)');
    expect(finding(v, 'handshake-alert').fix).toContain('--keylog');
  });

  it('close_notify and warnings after a completed handshake are not failures', () => {
    const v = judge(tls12({ alert: { from: 'server', description: 0, level: 1 }, close: { how: 'fin', by: 'server' } }));
    expect(v.status).toBe('ok');
    expect(codes(v)).toEqual([]);
  });
});
