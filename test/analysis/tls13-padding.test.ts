import { describe, expect, it } from 'vitest';
import { emptyHandshake } from '../../src/analysis/connection.js';
import type { EncryptedRecordInfo, Handshake } from '../../src/analysis/connection.js';
import { inferTls13 } from '../../src/analysis/tls13-inference.js';
import { identifyClientStack } from '../../src/analysis/stack-identification.js';
import { ZERO_TIME } from '../../src/util/time.js';
import { clientHello } from './connection-factory.js';

const SHA384 = 0x1302;

/** The inference as the judge runs it: with the client's stack identified from its hello. */
function infer(hs: Handshake, suite: number) {
  return inferTls13(hs, suite, identifyClientStack(hs.clientHello));
}

/** A TLS 1.3 handshake whose encrypted records are given as [side, size] in capture order. */
function handshake(records: readonly (readonly ['client' | 'server', number])[], java = false): Handshake {
  const encryptedRecords: EncryptedRecordInfo[] = records.map(([from, length], i) => ({ from, kind: 'application-data', length, frame: 10 + i, time: ZERO_TIME }));
  // status_request_v2 (17) in JSSE's order marks a Java client; the default factory hello is OpenSSL-like.
  const hello = java ? clientHello({ extensions: [0, 5, 10, 11, 17, 23, 35, 13, 43, 45, 50, 51] }) : clientHello();
  return { ...emptyHandshake(0), clientHello: hello, encryptedRecords };
}

// Sizes measured on OpenJDK 17 (test/fixtures/java-captures): every record carries 16 bytes of padding.
const JSSE_SERVER_FLIGHT = [['server', 65], ['server', 185], ['server', 1100], ['server', 128], ['server', 85]] as const;
const OPENSSL_SERVER_FLIGHT = [['server', 23], ['server', 60], ['server', 1100], ['server', 112], ['server', 69]] as const;

describe('TLS 1.3 inference learns each side’s record padding', () => {
  it('a JSSE client’s empty Certificate (41) and Finished (85), refused by a JSSE server (35) before the Finished was seen', () => {
    const inf = infer(handshake([...JSSE_SERVER_FLIGHT, ['client', 41], ['server', 35], ['client', 85]], true), SHA384);
    expect(inf.clientFlight).toBe('empty-certificate');
    expect(inf.serverAnswer).toBe('alert');
    expect([inf.clientPadding, inf.serverPadding]).toEqual([16, 16]);
    expect(inf.evidence).toContain("the client's records padded by 16 bytes, as JSSE does");
    expect(inf.evidence).toContain('an alert is 35');
  });

  it('learns the padding from the sizes alone when the client is not identified as Java', () => {
    const inf = infer(handshake([...OPENSSL_SERVER_FLIGHT, ['client', 41], ['client', 85], ['server', 19]]), SHA384);
    expect(inf.clientFlight).toBe('empty-certificate');
    expect([inf.clientPadding, inf.serverPadding]).toEqual([16, 0]);
    expect(inf.evidence).not.toContain("server's records padded");
  });

  it('an unpadded client stays unpadded: 25 + 69 is an empty Certificate with no padding named', () => {
    const inf = infer(handshake([...JSSE_SERVER_FLIGHT, ['client', 25], ['client', 69], ['server', 35]]), SHA384);
    expect(inf.clientFlight).toBe('empty-certificate');
    expect([inf.clientPadding, inf.serverPadding]).toEqual([0, 16]);
    expect(inf.evidence).not.toContain("client's records padded");
  });

  it('a JSSE client’s alert (35) sent before the server’s CertificateVerify and Finished were seen: the client refused the server', () => {
    const [ee, cert, cr] = JSSE_SERVER_FLIGHT;
    const inf = infer(handshake([ee, cert, cr, ['client', 35], ['server', 128], ['server', 85]], true), SHA384);
    expect(inf.clientFlight).toBe('client-alert');
    expect(inf.serverAnswer).toBe('nothing');
    expect(inf.serverPadding).toBe(16);
  });

  it('a JSSE client that sent a certificate: Finished found at 85, the flight read as a certificate sent', () => {
    const inf = infer(handshake([...JSSE_SERVER_FLIGHT, ['client', 1047], ['client', 97], ['client', 85], ['server', 300]], true), SHA384);
    expect(inf.clientFlight).toBe('certificate-sent');
    expect(inf.serverAnswer).toBe('accepted');
    expect(inf.clientPadding).toBe(16);
  });

  it('sizes that fit no padding stay unclear, with no padding claimed', () => {
    const inf = infer(handshake([...OPENSSL_SERVER_FLIGHT, ['client', 47], ['client', 91]]), SHA384);
    expect(inf.clientFlight).toBe('unclear');
    expect(inf.clientPadding).toBeNull();
  });
});
