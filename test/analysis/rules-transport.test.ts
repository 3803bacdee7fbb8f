import { describe, expect, it } from 'vitest';
import { codes, context, finding, judge, tls12 } from './connection-factory.js';

describe('transport failures', () => {
  it('SYN never answered: how many SYNs and how long', () => {
    const v = judge(tls12({ synRetries: 2 }));
    expect(v.status).toBe('failed');
    expect(v.stage).toBe('tcp-connect');
    const f = finding(v, 'tcp-no-answer');
    expect(f.detail).toContain('3 SYNs');
    expect(f.detail).toContain('within 3002 ms');
    expect(f.frames).toEqual([1, 3]);
  });

  it('RST to the SYN: connection refused', () => {
    const c = tls12({ synRetries: 0, close: { how: 'rst', by: 'server' } });
    const v = judge(c);
    expect(codes(v)).toEqual(['tcp-connection-refused']);
    expect(finding(v, 'tcp-connection-refused').frames).toEqual([1, 2]);
  });

  it('client closes without a ClientHello (Java with a disabled protocol)', () => {
    const v = judge(tls12({ stopAfter: 'tcp', close: { how: 'fin', by: 'client' } }));
    expect(codes(v)).toEqual(['client-closed-before-hello']);
    expect(finding(v, 'client-closed-before-hello').detail).toContain('jdk.tls.disabledAlgorithms');
  });

  it('server closes before the ClientHello', () => {
    expect(codes(judge(tls12({ stopAfter: 'tcp', close: { how: 'fin', by: 'server' } })))).toEqual(['server-closed-before-hello']);
  });

  it('server resets after the ClientHello', () => {
    const v = judge(tls12({ stopAfter: 'client-hello', close: { how: 'rst', by: 'server' }, delays: { close: 2 } }));
    const f = finding(v, 'server-reset-after-client-hello');
    expect(f.frames).toEqual([4, 5]);
    expect(f.detail).toContain('3 ms after it');
  });

  it('server closes (FIN) after the ClientHello', () => {
    expect(codes(judge(tls12({ stopAfter: 'client-hello', close: { how: 'fin', by: 'server' } })))).toEqual(['server-closed-after-client-hello']);
  });

  it('server silent, client gives up after 30 s', () => {
    const v = judge(tls12({ stopAfter: 'client-hello', close: { how: 'fin', by: 'client' }, delays: { close: 30_000 } }));
    const f = finding(v, 'server-silent-after-client-hello');
    expect(f.severity).toBe('error');
    expect(f.detail).toContain('gave up and closed the connection at frame 5, 30.0 s after the ClientHello');
  });

  it('server silent until the capture ends: a warning, and the summary says so', () => {
    const v = judge(tls12({ stopAfter: 'client-hello', close: { how: 'open', by: null } }));
    expect(v.status).toBe('incomplete');
    const f = finding(v, 'server-silent-after-client-hello');
    expect(f.severity).toBe('warning');
    expect(f.detail).toContain('the capture ended');
    expect(v.summary).toContain('sent nothing after the ClientHello (frame 4)');
  });

  it('an HTTP reply to a ClientHello shows the first bytes', () => {
    const v = judge(tls12({ stopAfter: 'client-hello', notTls: { from: 'server', text: 'HTTP/1.1 400 Bad Request\r\n', after: 'client-hello' }, close: { how: 'fin', by: 'server' } }));
    expect(codes(v)).toEqual(['not-tls-reply']);
    const f = finding(v, 'not-tls-reply');
    expect(f.detail).toContain('"HTTP/1.1 400 Bad Request\\r\\n"');
    expect(f.detail).toContain('plain HTTP');
    expect(f.frames).toEqual([4, 5]);
  });

  it('plaintext from the client to a port that speaks TLS elsewhere in the capture', () => {
    const c = tls12({ stopAfter: 'tcp', notTls: { from: 'client', text: 'GET / HTTP/1.1\r\nHost: hr\r\n', after: null }, close: { how: 'fin', by: 'server' } });
    const tlsPort = context({ tlsServers: new Set(['10.20.9.5|8443']) });
    expect(codes(judge(c, tlsPort))).toEqual(['plaintext-to-tls-port']);
    expect(finding(judge(c, tlsPort), 'plaintext-to-tls-port').detail).toContain('"GET / HTTP/1.1');
    // Port 8443 is a standard TLS port even when no other connection shows it.
    expect(finding(judge(c, context()), 'plaintext-to-tls-port').detail).toContain('the standard port of HTTPS (alternate)');
    // On another port without TLS elsewhere, plaintext is just another protocol.
    const other = tls12({ server: { ip: '10.20.9.5', port: 8080 }, stopAfter: 'tcp', notTls: { from: 'client', text: 'GET / HTTP/1.1\r\n', after: null }, close: { how: 'fin', by: 'server' } });
    expect(codes(judge(other, context()))).toEqual([]);
  });
});
