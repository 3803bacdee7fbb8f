import { describe, expect, it } from 'vitest';
import { judge, serverLeaf, intermediate, tls12, tls13 } from './connection-factory.js';

describe('ticket summary', () => {
  it('ok mTLS', () => {
    expect(judge(tls12()).summary).toBe('TLS 1.2 handshake with the server (10.20.9.5:8443, hr.example.com) completed; the client certificate was sent and accepted.');
  });

  it('ok with a warning names the first warning', () => {
    const v = judge(tls12({ certificateRequest: null, serverCertificates: [serverLeaf({ daysToExpiry: 5 }), intermediate()] }));
    expect(v.summary).toBe('TLS 1.2 handshake with the server (10.20.9.5:8443, hr.example.com) completed; no client certificate was requested. Warning: Server certificate expires in 5 days.');
  });

  it('TLS 1.3 encrypted: the inference in words', () => {
    expect(judge(tls13({ clientFlight: 'certificate-sent' })).summary).toContain('from record sizes the client almost certainly sent a certificate');
    expect(judge(tls13()).summary).toContain('from record sizes no client certificate was requested');
  });

  it('failed: the first sentence of the leading error', () => {
    const v = judge(tls12({ stopAfter: 'client-hello', alert: { from: 'server', description: 112 }, close: { how: 'fin', by: 'server' } }));
    expect(v.summary).toBe("The client asked for 'hr.example.com' (SNI) at frame 4; the server (10.20.9.5:8443, hr.example.com) answered with alert unrecognized_name (112) at frame 5: no virtual host of the server matches that name.");
  });

  it('IPv6 servers are bracketed', () => {
    const v = judge(tls12({ server: { ip: '2001:db8::5', port: 443 }, certificateRequest: null }));
    expect(v.summary).toContain('(the server ([2001:db8::5]:443, hr.example.com)'.slice(1));
  });

  it('nothing sent yet when the capture ended', () => {
    expect(judge(tls12({ stopAfter: 'tcp', close: { how: 'open', by: null } })).summary).toBe('The TCP connection to the server (10.20.9.5:8443) was established, but neither side sent anything before the capture ended.');
  });

  it('another protocol', () => {
    const v = judge(tls12({ server: { ip: '10.20.9.5', port: 8080 }, stopAfter: 'tcp', notTls: { from: 'client', text: 'GET / HTTP/1.1\r\n', after: null }, close: { how: 'fin', by: 'client' } }));
    expect(v.status).toBe('not-tls');
    expect(v.summary).toBe('The connection to the server (10.20.9.5:8080) carried another protocol, not TLS.');
  });
});
