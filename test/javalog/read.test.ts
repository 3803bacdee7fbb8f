import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JavaLogReader, readJavaLog } from '../../src/javalog/read.js';
import { randomFromCookie } from '../../src/javalog/jdk8.js';
import type { JavaLog, LoggedHandshake } from '../../src/javalog/types.js';

const LOGS = fileURLToPath(new URL('./logs/', import.meta.url));
const log = (name: string) => readJavaLog(`${LOGS}${name}`);
const only = (l: JavaLog): LoggedHandshake => {
  expect(l.handshakes).toHaveLength(1);
  return l.handshakes[0] as LoggedHandshake;
};

function readText(text: string | Uint8Array, limits = {}): JavaLog {
  const reader = new JavaLogReader('(test)', limits);
  reader.push(typeof text === 'string' ? new TextEncoder().encode(text) : text);
  return reader.finish();
}

describe('JDK 11+ format (OpenJDK 17 logs)', () => {
  it('TLS 1.3, client side: the empty Certificate, why (no key entry), and the alert received', async () => {
    const h = only(await log('openjdk17-tls13-empty-cert-client.log'));
    expect(h.format).toBe('jdk11');
    expect(h.side).toBe('client');
    expect(h.clientRandom).toMatch(/^[0-9a-f]{64}$/);
    expect(h.sni).toBe('hr.example.com');
    expect(h.negotiatedVersion).toBe('TLSv1.3');
    expect(h.cipherSuite).toBe('TLS_AES_256_GCM_SHA384');
    expect(h.certificateRequest?.authorities).toEqual(['C=US, O=Example Corp, CN=Corp Root CA']);
    expect(h.clientCertificates).toEqual({ count: 0, subjects: [], issuers: [] });
    expect(h.serverCertificates?.count).toBe(2);
    expect(h.serverCertificates?.subjects[0]).toBe('C=US, O=Example Corp, CN=hr.example.com');
    expect(h.alerts).toEqual([{ direction: 'received', level: 'fatal', description: 'bad_certificate', reason: null }]);
    expect(h.notes).toContain('No available authentication scheme');
    expect(h.notes.some((n) => n.startsWith('No X.509 cert selected for'))).toBe(true);
    expect(h.timeMs).toBe(Date.UTC(2026, 11, 6, 16, 52, 37, 271));
  });

  it('TLS 1.3, server side: the same handshake (same client random), and the alert it sent with its reason', async () => {
    const server = only(await log('openjdk17-tls13-empty-cert-server.log'));
    const client = only(await log('openjdk17-tls13-empty-cert-client.log'));
    expect(server.side).toBe('server');
    expect(server.clientRandom).toBe(client.clientRandom);
    expect(server.serverRandom).toBe(client.serverRandom);
    expect(server.clientCertificates?.count).toBe(0);
    expect(server.alerts).toEqual([{ direction: 'sent', level: 'fatal', description: 'bad_certificate', reason: 'Empty client certificate chain' }]);
    expect(server.failure).toBe('Empty client certificate chain');
  });

  it('TLS 1.2: the one-line CA list is kept as text (its names cannot be split safely)', async () => {
    const h = only(await log('openjdk17-tls12-empty-cert-client.log'));
    expect(h.negotiatedVersion).toBe('TLSv1.2');
    expect(h.cipherSuite).toBe('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384');
    expect(h.certificateRequest).toEqual({ authorities: null, authoritiesText: 'C=US, O=Example Corp, CN=Corp Root CA' });
    expect(h.clientCertificates?.count).toBe(0);
  });

  it('a protocol disabled locally: the client fails before its ClientHello and nothing is sent', async () => {
    const h = only(await log('openjdk17-disabled-protocol-client.log'));
    expect(h.side).toBe('client');
    expect(h.beforeClientHello).toBe(true);
    expect(h.clientRandom).toBeNull();
    expect(h.alerts).toEqual([]);
    expect(h.failure).toBe('No appropriate protocol (protocol is disabled or cipher suites are inappropriate)');
    const server = only(await log('openjdk17-disabled-protocol-server.log'));
    expect(server.failure).toBe('Remote host terminated the handshake');
    expect(server.alerts).toEqual([]);
  });

  it('finds the lines inside a WebLogic-style log, with a prefix before each, and two connections on two threads', async () => {
    const text = readFileSync(`${LOGS}openjdk17-tls13-empty-cert-server.log`, 'utf8');
    const other = text.replaceAll('|10|main|', '|42|[ACTIVE] ExecuteThread: 7|').replaceAll('EA5EA895', '0BADC0DE');
    const prefixed = (t: string) => t.split('\n').map((l) => (l.includes('javax.net.ssl|') ? `####<Dec 6, 2026> <Debug> <SecuritySSL> ${l}` : l)).join('\n');
    const l = readText(prefixed(text) + '\n' + prefixed(other));
    expect(l.handshakes.map((h) => h.clientRandom?.slice(0, 8))).toEqual(['ea5ea895', '0badc0de']);
    expect(l.handshakes.map((h) => h.thread)).toEqual(['10|main', '42|[ACTIVE] ExecuteThread: 7']);
  });
});

// JDK 8 format: the layout and field syntax of JDK 8's output (`*** ClientHello, TLSv1.2`, the
// `RandomCookie` line, `Thread, RECV … ALERT`), with the ClientHello numbers of OpenJDK's own
// test SSLEngineBadBufferArrayAccess/ClientHello test data (see randomFromCookie below).
const JDK8_CLIENT = `Allow unsafe renegotiation: false
%% No cached client session
*** ClientHello, TLSv1.2
RandomCookie:  GMT: 1469560450 bytes = { 108, 140, 12, 202, 2, 213, 10, 236, 143, 223, 58, 162, 228, 155, 239, 3, 98, 232, 89, 41, 116, 120, 13, 37, 105, 153, 97, 241 }
Session ID:  {}
Cipher Suites: [TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, TLS_EMPTY_RENEGOTIATION_INFO_SCSV]
Compression Methods:  { 0 }
Extension server_name, server_name: [type=host_name (0), value=hr.example.com]
***
main, WRITE: TLSv1.2 Handshake, length = 223
main, READ: TLSv1.2 Handshake, length = 89
*** ServerHello, TLSv1.2
RandomCookie:  GMT: -1406616370 bytes = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28 }
Session ID:  {}
Cipher Suite: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
Compression Method: 0
***
*** Certificate chain
chain [0] = [
[
  Version: V3
  Subject: CN=hr.example.com, O=Example Corp, C=US
  Signature Algorithm: SHA256withRSA, OID = 1.2.840.113549.1.1.11
  Issuer: CN=Corp Root CA, O=Example Corp, C=US
]
***
*** CertificateRequest
Cert Types: RSA, DSS, ECDSA
Supported Signature Algorithms: SHA512withECDSA, SHA256withRSA
Cert Authorities:
<CN=Corp Root CA, O=Example Corp, C=US>
*** ServerHelloDone
Warning: no suitable certificate found - continuing without client authentication
*** Certificate chain
<Empty>
***
*** ECDHClientKeyExchange
main, WRITE: TLSv1.2 Handshake, length = 77
main, READ: TLSv1.2 Alert, length = 2
main, RECV TLSv1.2 ALERT:  fatal, handshake_failure
main, called closeSocket()
main, handling exception: javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure
`;

describe('JDK 8 format', () => {
  it('reads the hellos, both chains, the CAs asked for, the alert and the exception', () => {
    const l = readText(JDK8_CLIENT);
    expect(l.formats).toEqual(['jdk8']);
    const h = only(l);
    expect(h.side).toBe('client');
    expect(h.clientRandom).toBe('5898b7826c8c0cca02d50aec8fdf3aa2e49bef0362e8592974780d25699961f1');
    expect(h.sni).toBe('hr.example.com');
    expect(h.cipherSuite).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    expect(h.negotiatedVersion).toBe('TLSv1.2');
    expect(h.serverCertificates).toEqual({ count: 1, subjects: ['CN=hr.example.com, O=Example Corp, C=US'], issuers: ['CN=Corp Root CA, O=Example Corp, C=US'] });
    expect(h.certificateRequest?.authorities).toEqual(['CN=Corp Root CA, O=Example Corp, C=US']);
    expect(h.clientCertificates?.count).toBe(0);
    expect(h.alerts).toEqual([{ direction: 'received', level: 'fatal', description: 'handshake_failure', reason: null }]);
    expect(h.failure).toBe('javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure');
    expect(h.notes[0]).toMatch(/no suitable certificate found/);
  });

  it('a server-side JDK 8 log: the ClientHello was read, the alert sent carries the fatal error before it', () => {
    const server = `main, READ: TLSv1.2 Handshake, length = 223
*** ClientHello, TLSv1.2
RandomCookie:  GMT: 1469560450 bytes = { 108, 140, 12, 202, 2, 213, 10, 236, 143, 223, 58, 162, 228, 155, 239, 3, 98, 232, 89, 41, 116, 120, 13, 37, 105, 153, 97, 241 }
***
*** ServerHelloDone
*** Certificate chain
<Empty>
***
main, fatal error: 42: null cert chain
main, SEND TLSv1.2 ALERT:  fatal, description = bad_certificate
`;
    const h = only(readText(server));
    expect(h.side).toBe('server');
    expect(h.alerts).toEqual([{ direction: 'sent', level: 'fatal', description: 'bad_certificate', reason: 'null cert chain' }]);
  });

  it('undoes the sign extension of gmt_unix_time (OpenJDK test data: the logged line and the record it came from)', () => {
    // OpenJDK's test logs `GMT: 1469560450` for a ClientHello whose random starts 58 98 b7 82
    // (0x58 0x98 0xb7 0x82 summed as signed bytes is 1469560450, not 0x5898b782).
    const bytes = '108, 140, 12, 202, 2, 213, 10, 236, 143, 223, 58, 162, 228, 155, 239, 3, 98, 232, 89, 41, 116, 120, 13, 37, 105, 153, 97, 241';
    expect(randomFromCookie(1469560450, bytes)).toBe('5898b7826c8c0cca02d50aec8fdf3aa2e49bef0362e8592974780d25699961f1');
  });

  it('randomFromCookie inverts JDK 8 printing for every random', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (r) => {
        const signed = (b: number) => (b >= 128 ? b - 256 : b);
        // Java int arithmetic: (b0 << 24) + (b1 << 16) + (b2 << 8) + b3 on sign-extended bytes, wrapped to 32 bits.
        const gmt = ((signed(r[0] ?? 0) << 24) + (signed(r[1] ?? 0) << 16) + (signed(r[2] ?? 0) << 8) + signed(r[3] ?? 0)) | 0;
        const text = [...r.subarray(4)].join(', ');
        expect(randomFromCookie(gmt, text)).toBe(Buffer.from(r).toString('hex'));
      }),
      { numRuns: 500 },
    );
  });
});

describe('hostile logs', () => {
  it('binary bytes, a truncated body and an empty file give no handshake and one clear issue', () => {
    const binary = new Uint8Array(200_000).map((_, i) => (i * 2654435761) >>> 24);
    expect(readText(binary).handshakes).toEqual([]);
    expect(readText(binary).issues.map((i) => i.code)).toEqual(['javalog.no_handshake']);
    const text = readFileSync(`${LOGS}openjdk17-tls13-empty-cert-server.log`, 'utf8');
    const cut = readText(text.slice(0, text.indexOf('"random"') + 20));
    expect(cut.handshakes).toHaveLength(1);
    expect(cut.handshakes[0]?.clientRandom).toBeNull();
    expect(readText('').issues.map((i) => i.code)).toEqual(['javalog.no_handshake']);
  });

  it('a line of 1 MB is cut at the limit and named once; a body longer than its limit is cut', () => {
    const l = readText(`x${'a'.repeat(1_000_000)}\n`.repeat(3), { maxJavaLogLineChars: 1000 });
    expect(l.issues.map((i) => i.code)).toEqual(['javalog.long_line', 'javalog.no_handshake']);
    expect(l.lines).toBe(3);
    const body = readText(`javax.net.ssl|DEBUG|1|t|2026-12-06 16:00:00.000 UTC|X.java:1|Produced ClientHello handshake message (\n${'"x": 1\n'.repeat(5000)})\n`, { maxJavaLogBodyLines: 100 });
    expect(body.issues.map((i) => i.code)).toContain('javalog.body_limit');
  });

  it('a file past maxJavaLogFileBytes is read up to the limit and says so once; one of exactly that size is whole', async () => {
    const path = `${LOGS}openjdk17-tls13-empty-cert-server.log`;
    const size = readFileSync(path).length;
    const whole = await readJavaLog(path, { maxJavaLogFileBytes: size });
    expect(whole.issues.map((i) => i.code)).not.toContain('javalog.file_limit');
    const cut = await readJavaLog(path, { maxJavaLogFileBytes: Math.floor(size / 2) });
    expect(cut.issues.filter((i) => i.code === 'javalog.file_limit')).toHaveLength(1);
    expect(cut.issues.find((i) => i.code === 'javalog.file_limit')?.message).toContain('raise --limit maxJavaLogFileBytes');
    expect(cut.lines).toBeLessThan(whole.lines);
  });

  it('a million lines of hellos keep at most maxJavaLogHandshakes handshakes and say how many there were', () => {
    const one = 'javax.net.ssl|DEBUG|1|t|2026-12-06 16:00:00.000 UTC|X.java:1|Produced ClientHello handshake message (\n"random" : "' + 'ab'.repeat(32) + '",\n)\n';
    const reader = new JavaLogReader('(big)', { maxJavaLogHandshakes: 1000 });
    const chunk = new TextEncoder().encode(one.repeat(10_000));
    for (let i = 0; i < 33; i++) reader.push(chunk);
    const l = reader.finish();
    expect(l.lines).toBe(990_000);
    expect(l.handshakes).toHaveLength(1000);
    expect(l.issues.find((i) => i.code === 'javalog.handshake_limit')?.message).toContain('330000 handshakes');
  });

  it('random text and random cuts of a real log never throw, and every random kept is 64 hex digits', () => {
    const text = readFileSync(`${LOGS}openjdk17-tls12-empty-cert-server.log`, 'utf8');
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.nat(text.length), fc.nat(text.length), (noise, a, b) => {
        const l = readText(text.slice(Math.min(a, b), Math.max(a, b)) + noise + text.slice(0, Math.min(a, b)));
        for (const h of l.handshakes) for (const r of [h.clientRandom, h.serverRandom]) if (r !== null) expect(r).toMatch(/^[0-9a-f]{64}$/);
      }),
      { numRuns: 200 },
    );
  });
});
