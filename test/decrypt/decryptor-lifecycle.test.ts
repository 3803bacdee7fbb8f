/**
 * A connection's decryptor from creation to status: which connections it refuses and why, the
 * suites it can and cannot protect, TLS 1.3 early data under its own secret, missing secrets
 * and renegotiation reported as notes. Records are sealed here with the same key schedule.
 */
import { describe, expect, it } from 'vitest';
import { createConnectionDecryptor, type DecryptorSetup } from '../../src/decrypt/connection-decryptor.js';
import { parseKeyLog } from '../../src/decrypt/keylog.js';
import { sealTls13Record, type AeadKeys } from '../../src/decrypt/record-protection.js';
import { decryptableSuite } from '../../src/decrypt/suite-params.js';
import { trafficKeys } from '../../src/decrypt/tls13-key-schedule.js';

const RANDOM = new Uint8Array(32).fill(0x5a);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const secret = (byte: number): Uint8Array => new Uint8Array(32).fill(byte);

function keyLog(lines: Record<string, Uint8Array>): ReturnType<typeof parseKeyLog> {
  return parseKeyLog(
    Object.entries(lines)
      .map(([label, s]) => `${label} ${hex(RANDOM)} ${hex(s)}`)
      .join('\n'),
  );
}

const setup = (over: Partial<DecryptorSetup> = {}): DecryptorSetup => ({
  clientRandom: RANDOM,
  serverRandom: new Uint8Array(32).fill(1),
  version: 0x0304,
  tls13: true,
  cipherSuite: 0x1301,
  encryptThenMac: false,
  earlyDataOffered: false,
  clientRecordsBeforeServerHello: 0,
  ...over,
});

function keysFor(s: Uint8Array): AeadKeys {
  const suite = decryptableSuite(0x1301, 0x0304, true);
  if ('unsupported' in suite || suite.protection.kind !== 'aead') throw new Error('TLS_AES_128_GCM_SHA256 should be decryptable');
  return { suite: suite.protection, ...trafficKeys('sha256', s, 16, 12) };
}

describe('connections the decryptor refuses, with the reason', () => {
  const master = keyLog({ CLIENT_RANDOM: new Uint8Array(48).fill(7) });

  it('an SSLv2-format hello (no 32-byte random)', () => {
    const made = createConnectionDecryptor(master, setup({ clientRandom: RANDOM.subarray(0, 16), tls13: false, version: 0x0303, cipherSuite: 0xc02f }));
    expect(made).toEqual({ ok: false, status: { status: 'not-attempted', reason: 'the ClientHello random is not 32 bytes (SSLv2-format hello), so no key log line can match' } });
  });

  it('SSL 3.0, whose MAC and key derivation are not those of TLS; TLS 1.0 CBC is decrypted (its IV chain is kept from the records not read)', () => {
    const ssl3 = createConnectionDecryptor(master, setup({ tls13: false, version: 0x0300, cipherSuite: 0x002f }));
    expect(ssl3.ok ? null : ssl3.status.reason).toBe('SSL 3.0 records are not decrypted (its MAC and key derivation are not those of TLS)');
    expect(createConnectionDecryptor(master, setup({ tls13: false, version: 0x0301, cipherSuite: 0x002f })).ok).toBe(true);
  });

  it('TLS 1.2 with only TLS 1.3 secrets in the key log names what it has', () => {
    const made = createConnectionDecryptor(keyLog({ CLIENT_HANDSHAKE_TRAFFIC_SECRET: secret(1), EXPORTER_SECRET: secret(2) }), setup({ tls13: false, version: 0x0303, cipherSuite: 0xc02f }));
    expect(made.ok ? null : made.status).toEqual({
      status: 'no-secrets',
      reason: 'the key log has no CLIENT_RANDOM master secret for this connection (it has CLIENT_HANDSHAKE_TRAFFIC_SECRET, EXPORTER_SECRET)',
    });
  });

  it('TLS 1.1 with a CBC suite is accepted (its PRF is MD5+SHA-1)', () => {
    const made = createConnectionDecryptor(master, setup({ tls13: false, version: 0x0302, cipherSuite: 0x002f }));
    expect(made.ok).toBe(true);
    expect(decryptableSuite(0x002f, 0x0302, false)).toMatchObject({ prf: 'md5sha1', protection: { kind: 'cbc', cipher: 'aes-128-cbc', macHash: 'sha1' } });
  });
});

describe('suites the record layer can open', () => {
  it.each([
    [0xc024, 0x0303, { prf: 'sha384', protection: { kind: 'cbc', cipher: 'aes-256-cbc', macHash: 'sha384', macLength: 48 } }],
    [0xc028, 0x0303, { prf: 'sha384', protection: { kind: 'cbc', cipher: 'aes-256-cbc', macHash: 'sha384' } }],
    [0x003c, 0x0303, { prf: 'sha256', protection: { kind: 'cbc', cipher: 'aes-128-cbc', macHash: 'sha256', macLength: 32 } }],
    [0x000a, 0x0303, { prf: 'sha256', protection: { kind: 'cbc', cipher: 'des-ede3-cbc', keyLength: 24, blockSize: 8 } }],
    [0xc0ac, 0x0303, { protection: { kind: 'aead', cipher: 'aes-128-ccm', tagLength: 16, fixedIvLength: 4, explicitNonceLength: 8 } }],
    [0xc0ae, 0x0303, { protection: { kind: 'aead', cipher: 'aes-128-ccm', tagLength: 8 } }],
    [0x1305, 0x0304, { protection: { kind: 'aead', cipher: 'aes-128-ccm', tagLength: 8, fixedIvLength: 12, explicitNonceLength: 0 } }],
  ] as const)('suite %i under version %i', (code, version, expected) => {
    expect(decryptableSuite(code, version, version === 0x0304)).toMatchObject(expected);
  });

  it.each([
    [0x0a0a, 'cipher suite GREASE(0x0a0a) is not in the registry'],
    [0x0004, 'TLS_RSA_WITH_RC4_128_MD5: RC4 records are not decrypted (AEAD and CBC suites only)'],
    [0x0003, 'TLS_RSA_EXPORT_WITH_RC4_40_MD5: RC4 records are not decrypted (AEAD and CBC suites only)'],
    [0x0096, 'TLS_RSA_WITH_SEED_CBC_SHA: SEED-CBC is not supported'],
    [0x0001, 'TLS_RSA_WITH_NULL_MD5: NULL records are not decrypted (AEAD and CBC suites only)'],
  ])('suite %i is refused: %s', (code, reason) => {
    expect(decryptableSuite(code, 0x0303, false)).toEqual({ unsupported: reason });
  });

  it('a CBC suite offered as TLS 1.3 is refused', () => {
    expect(decryptableSuite(0xc013, 0x0304, true)).toEqual({ unsupported: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA is not a TLS 1.3 suite' });
  });
});

describe('TLS 1.3 early data', () => {
  const early = secret(0xe0);
  const handshake = secret(0xc1);
  const log = keyLog({ CLIENT_EARLY_TRAFFIC_SECRET: early, CLIENT_HANDSHAKE_TRAFFIC_SECRET: handshake, SERVER_HANDSHAKE_TRAFFIC_SECRET: secret(0x51) });

  it('records before the client handshake flight open under the early secret, counted from the records sent before the ServerHello', () => {
    const made = createConnectionDecryptor(log, setup({ earlyDataOffered: true, clientRecordsBeforeServerHello: 1 }));
    if (!made.ok) throw new Error(made.status.reason);
    const d = made.decryptor;
    const first = sealTls13Record(keysFor(early), 1, 23, new TextEncoder().encode('GET / HTTP/1.1\r\n'));
    const opened = d.open('client', first.header, first.body, 4);
    expect(opened).toMatchObject({ ok: true, early: true, contentType: 23 });
    expect(opened.ok && new TextDecoder().decode(opened.plaintext)).toBe('GET / HTTP/1.1\r\n');
    // A record under neither key is an early record it could not open, not a failure.
    const garbage = sealTls13Record(keysFor(secret(0x99)), 0, 23, Uint8Array.of(1, 2, 3));
    expect(d.open('client', garbage.header, garbage.body, 5)).toEqual({ ok: false, reason: 'a 0-RTT (early data) record', skippedEarly: true });
    // The client's handshake flight still opens at sequence 0 of the handshake keys.
    const fin = sealTls13Record(keysFor(handshake), 0, 22, Uint8Array.of(20, 0, 0, 0));
    expect(d.open('client', fin.header, fin.body, 6)).toMatchObject({ ok: true, contentType: 22 });
    expect(d.status()).toEqual({ status: 'decrypted' });
  });

  it('without the early secret, early records are skipped as such', () => {
    const made = createConnectionDecryptor(keyLog({ CLIENT_HANDSHAKE_TRAFFIC_SECRET: handshake, SERVER_HANDSHAKE_TRAFFIC_SECRET: secret(0x51) }), setup({ earlyDataOffered: true }));
    if (!made.ok) throw new Error(made.status.reason);
    const rec = sealTls13Record(keysFor(early), 0, 23, Uint8Array.of(1));
    expect(made.decryptor.open('client', rec.header, rec.body, 3)).toMatchObject({ skippedEarly: true });
  });
});

describe('what the status says', () => {
  it('decrypted, with a note when the key log lacks the application secrets', () => {
    const made = createConnectionDecryptor(keyLog({ CLIENT_HANDSHAKE_TRAFFIC_SECRET: secret(1), SERVER_HANDSHAKE_TRAFFIC_SECRET: secret(2) }), setup());
    if (!made.ok) throw new Error(made.status.reason);
    const d = made.decryptor;
    const rec = sealTls13Record(keysFor(secret(2)), 0, 22, Uint8Array.of(8, 0, 0, 2, 0, 0));
    expect(d.open('server', rec.header, rec.body, 2)).toMatchObject({ ok: true });
    d.finished('server');
    expect(d.active('server')).toBe(false);
    expect(d.status()).toEqual({ status: 'decrypted', reason: "the key log has no SERVER_TRAFFIC_SECRET_0: the server's post-handshake records stay encrypted" });
  });

  it('TLS 1.2 renegotiation: records after a second ChangeCipherSpec are left, and the status says so', () => {
    const made = createConnectionDecryptor(keyLog({ CLIENT_RANDOM: new Uint8Array(48).fill(3) }), setup({ tls13: false, version: 0x0303, cipherSuite: 0xc02f }));
    if (!made.ok) throw new Error(made.status.reason);
    const d = made.decryptor;
    d.changeCipherSpec('client');
    expect(d.wants('client', 22, 40)).toBe(true);
    d.changeCipherSpec('client');
    expect(d.wants('client', 22, 40)).toBe(false);
    d.changeCipherSpec('client');
    expect(d.status()).toEqual({ status: 'not-attempted', reason: "the client's records after its second ChangeCipherSpec (renegotiation) are not decrypted" });
  });
});
