/**
 * An SSL 2.0-only exchange: an SSLv2 CLIENT-HELLO answered by an SSLv2 SERVER-HELLO (2-byte
 * record header) that carries the server's X.509 certificate. The connection then has a
 * negotiated version (SSL 2.0), the server's cipher kinds and its certificate.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analyze.js';
import { decodeSslv2ServerHello } from '../../src/tls/handshake/sslv2-server-hello.js';
import { looksLikeTlsStart } from '../../src/tls/record-start.js';
import { getPki } from '../fixtures/certs.js';
import type { TransportEvent } from '../fixtures/tls-session.js';
import { synthesizeTcp, SAMPLE_EPOCH } from '../fixtures/tcp-synth.js';
import { writeCapture } from '../fixtures/write-capture.js';

const u16 = (n: number) => [(n >>> 8) & 0xff, n & 0xff];
/** SSL_CK_RC4_128_WITH_MD5, SSL_CK_DES_192_EDE3_CBC_WITH_MD5. */
const KINDS = [0x010080, 0x0700c0];
const kindBytes = KINDS.flatMap((k) => [k >>> 16, (k >>> 8) & 0xff, k & 0xff]);

/** A 2-byte-header SSLv2 record around `body` (RFC 6101 app. E). */
function v2Record(body: number[]): Uint8Array {
  return Uint8Array.from([0x80 | (body.length >>> 8), body.length & 0xff, ...body]);
}

function clientHello(): Uint8Array {
  const challenge = Array.from({ length: 16 }, (_, i) => 0xa0 + i);
  return v2Record([1, ...u16(0x0002), ...u16(kindBytes.length), ...u16(0), ...u16(challenge.length), ...kindBytes, ...challenge]);
}

function serverHelloBody(der: Uint8Array, hit = 0): number[] {
  const connectionId = Array.from({ length: 16 }, (_, i) => 0x30 + i);
  const cert = hit === 0 ? [...der] : [];
  const specs = hit === 0 ? kindBytes : [];
  return [4, hit, 1, ...u16(0x0002), ...u16(cert.length), ...u16(specs.length), ...u16(connectionId.length), ...cert, ...specs, ...connectionId];
}

async function serverDer(): Promise<Uint8Array> {
  const pem = (await getPki()).serverRsa.certPem;
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

describe('SSLv2 SERVER-HELLO', () => {
  it('decodes version, cipher kinds and the certificate; every strict prefix fails cleanly', async () => {
    const der = await serverDer();
    const body = Uint8Array.from(serverHelloBody(der));
    const d = decodeSslv2ServerHello(body);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.serverHello.version).toBe(0x0002);
    expect(d.value.cipherKinds).toEqual(KINDS);
    expect(d.value.serverHello.cipherSuite).toBe(KINDS[0]);
    expect(d.value.sessionIdHit).toBe(false);
    expect(d.value.certificate?.entries.map((e) => Buffer.from(e.der).equals(Buffer.from(der)))).toEqual([true]);
    for (let n = 0; n < body.length; n++) expect(decodeSslv2ServerHello(body.subarray(0, n)).ok).toBe(false);
    // A session-id hit carries no certificate.
    const hit = decodeSslv2ServerHello(Uint8Array.from(serverHelloBody(der, 1)));
    expect(hit.ok && hit.value.certificate === null && hit.value.sessionIdHit).toBe(true);
  });

  it('property: random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (junk) => {
        decodeSslv2ServerHello(junk);
        decodeSslv2ServerHello(Uint8Array.from([4, ...junk]));
      }),
      { numRuns: 500 },
    );
  });

  it('starts TLS in the server direction', async () => {
    const record = v2Record(serverHelloBody(await serverDer()));
    expect(looksLikeTlsStart(record)).toBe('sslv2');
    for (let n = 1; n < 5; n++) expect(looksLikeTlsStart(record.subarray(0, n))).toBe('need-more');
    // A 2-byte header with message type 5 is neither hello.
    expect(looksLikeTlsStart(Uint8Array.from([0x80, 0x20, 5, 0, 1]))).toBe('no');
  });

  it('an SSL 2.0-only connection has SSL 2.0 as its version and the server certificate', async () => {
    const der = await serverDer();
    const events: TransportEvent[] = [
      { kind: 'data', dir: 'c2s', bytes: clientHello(), t: 1n },
      { kind: 'data', dir: 's2c', bytes: v2Record(serverHelloBody(der)), t: 2n },
      { kind: 'fin', dir: 'c2s', t: 3n },
      { kind: 'fin', dir: 's2c', t: 4n },
    ];
    const frames = synthesizeTcp({ events }, { client: { ip: '10.0.0.5', port: 50301 }, server: { ip: '10.0.0.20', port: 443 }, clock: { kind: 'synthetic', start: SAMPLE_EPOCH } });
    const analysis = await analyzeCapture(once(writeCapture(frames, { format: 'pcap' })));
    const c = analysis.connections[0];
    const hs = c?.handshakes[0];
    expect(hs?.clientHello?.sslv2Format).toBe(true);
    expect(hs?.serverHello?.version).toBe(0x0002);
    expect(hs?.serverHello?.cipherSuite).toBe(KINDS[0]);
    expect(hs?.serverCertificates?.map((s) => s.subject)).toEqual(['CN=payroll.example.com, O=Example Corp, C=US']);
    expect(c?.anomalies.filter((a) => a.severity === 'violation')).toEqual([]);
  });
});
