import { describe, expect, it } from 'vitest';
import { codes, finding, judge, tls13 } from './connection-factory.js';

/**
 * tls13() frames: SYN 1, SYN/ACK 2, ACK 3, ClientHello 4, ServerHello 5, server CCS 6, server
 * flight 7… (5 records with a CertificateRequest, 4 without), client CCS, client flight, answer.
 */
describe('TLS 1.3 inference from record sizes', () => {
  it('certificate sent and accepted: one info finding, inferred; the numbers are said once, as the evidence', () => {
    const v = judge(tls13({ clientFlight: 'certificate-sent' }));
    expect(v.status).toBe('ok');
    expect(codes(v)).toEqual(['tls13-client-cert-inferred']);
    const f = finding(v, 'tls13-client-cert-inferred');
    expect(f.severity).toBe('info');
    expect(f.inferred).toBe(true);
    expect(f.detail).toContain('(frame 13)');
    expect(f.detail).not.toContain('1500');
    expect(v.mtls.evidence).toContain('1500 + 281 + 53 bytes');
    expect(v.mtls.evidence).toContain('Finished alone would be 53');
    expect(f.fix).toContain('--keylog FILE');
    expect(f.frames).toEqual([13, 16]);
  });

  it('Finished only: no certificate requested, said once as encrypted-handshake', () => {
    const v = judge(tls13({ clientFlight: 'finished-only' }));
    expect(codes(v)).toEqual(['encrypted-handshake']);
    expect(finding(v, 'encrypted-handshake').detail).toContain('Finished alone (53)');
  });

  it('SHA-384 suite: sizes 69 and 77', () => {
    const v = judge(tls13({ cipherSuite: 0x1302, clientFlight: [77] }));
    expect(codes(v)).toEqual(['tls13-client-cert-inferred']);
    expect(finding(v, 'tls13-client-cert-inferred').title).toMatch(/none sent/);
  });

  it('empty certificate answered by a lone alert: client-cert-missing (inferred) naming 116 and 42', () => {
    const v = judge(tls13({ clientFlight: 'empty-certificate', serverAnswer: 'alert', close: { how: 'fin', by: 'server' } }));
    expect(v.status).toBe('failed');
    const errors = v.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.code)).toEqual(['client-cert-missing']);
    const f = finding(v, 'client-cert-missing');
    expect(f.inferred).toBe(true);
    expect(f.detail).toContain('certificate_required (116)');
    expect(f.detail).toContain('bad_certificate (42)');
    expect(f.frames).toEqual([13, 15, 16]);
    expect(v.summary).toMatch(/\(inferred from encrypted record sizes\)\.$/);
  });

  it('certificate sent and answered by an alert: client-cert-rejected (inferred) naming 48/42/45/46', () => {
    const v = judge(tls13({ clientFlight: 'certificate-sent', serverAnswer: [35], close: { how: 'rst', by: 'server' } }));
    const f = finding(v, 'client-cert-rejected');
    expect(f.inferred).toBe(true);
    for (const a of ['(48)', '(42)', '(45)', '(46)']) expect(f.detail).toContain(a);
  });

  it('certificate sent, then the server closes with no answer at all (Node.js): client-cert-rejected-silently (inferred)', () => {
    const v = judge(tls13({ clientFlight: 'certificate-sent', serverAnswer: 'none', close: { how: 'fin', by: 'server' } }));
    expect(v.status).toBe('failed');
    const f = finding(v, 'client-cert-rejected-silently');
    expect(f.inferred).toBe(true);
    expect(f.frames).toEqual([13, 16]);
  });

  it('certificate sent and the client closes: not a rejection', () => {
    const v = judge(tls13({ clientFlight: 'certificate-sent', serverAnswer: 'none', close: { how: 'fin', by: 'client' } }));
    expect(codes(v)).not.toContain('client-cert-rejected-silently');
    expect(v.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('a lone 19-byte client record instead of Finished: the client rejected the server (inferred)', () => {
    const v = judge(tls13({ clientFlight: 'client-alert', close: { how: 'fin', by: 'client' } }));
    expect(v.status).toBe('failed');
    const f = finding(v, 'server-cert-rejected');
    expect(f.inferred).toBe(true);
    expect(f.detail).toContain('a single record the size of an encrypted alert at frame 12');
    expect(f.detail).not.toContain('pads');
    expect(v.mtls.evidence).toContain('client records after ServerHello: 19 bytes');
    expect(f.detail).toContain("'hr.example.com'");
    expect(codes(v)).not.toContain('encrypted-handshake');
  });

  it('Finished only answered by an alert: tls13-server-alert-inferred', () => {
    const v = judge(tls13({ clientFlight: 'finished-only', serverAnswer: 'alert', close: { how: 'fin', by: 'server' } }));
    expect(finding(v, 'tls13-server-alert-inferred').detail).toContain('decrypt_error (51)');
  });

  it('a cleartext alert right after ServerHello is explained by its own rule, not by inference', () => {
    const v = judge(tls13({ cleartextAlert: { from: 'client', description: 47 }, close: { how: 'fin', by: 'client' } }));
    expect(codes(v)).toEqual(['handshake-alert']);
  });
});

describe('TLS 1.3 closes without any record', () => {
  it('the client closes after the server flight without its Finished: server-cert-rejected-silently (inferred)', () => {
    const v = judge(tls13({ clientFlight: 'none', close: { how: 'fin', by: 'client' } }));
    expect(v.status).toBe('failed');
    expect(codes(v)).toEqual(['server-cert-rejected-silently']);
    const f = finding(v, 'server-cert-rejected-silently');
    expect(f.inferred).toBe(true);
    expect(f.frames).toEqual([5, 11]);
  });

  it('the server closes after its own flight: not a client refusal, but still explained', () => {
    const v = judge(tls13({ clientFlight: 'none', close: { how: 'fin', by: 'server' } }));
    expect(codes(v)).toEqual(['handshake-abandoned']);
    expect(finding(v, 'handshake-abandoned').detail).toContain('the server closed the connection at frame 11');
  });

  it("Finished only, then the server closes without answering: server-closed-after-client-finished (inferred)", () => {
    const v = judge(tls13({ clientFlight: 'finished-only', serverAnswer: 'none', close: { how: 'fin', by: 'server' } }));
    const f = finding(v, 'server-closed-after-client-finished');
    expect(f.inferred).toBe(true);
    expect(f.frames).toEqual([12, 13]);
  });
});
