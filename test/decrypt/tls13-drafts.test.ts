/**
 * TLS 1.3 drafts with a key log: drafts before -25 authenticate records without additional
 * data (draft-ietf-tls-tls13-20 §5.2; OpenSSL's "Use the TLSv1.3 record header as AAD" came with
 * draft-25), and drafts before -20 prefix HKDF labels with "TLS 1.3, " (as Wireshark does).
 * Records sealed the way each draft's peers sealed them open with the negotiated version, and
 * only with it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createConnectionDecryptor } from '../../src/decrypt/connection-decryptor.js';
import { parseKeyLog } from '../../src/decrypt/keylog.js';
import { sealTls13Record } from '../../src/decrypt/record-protection.js';
import { decryptableSuite } from '../../src/decrypt/suite-params.js';
import type { AeadSuite } from '../../src/decrypt/suite-params.js';
import { tls13DraftNumber, tls13DraftRules, trafficKeys } from '../../src/decrypt/tls13-key-schedule.js';
import type { LabelPrefix } from '../../src/decrypt/tls13-key-schedule.js';

const CLIENT_RANDOM = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const SERVER_RANDOM = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
const SERVER_HS = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 3) & 0xff);
const CLIENT_HS = Uint8Array.from({ length: 32 }, (_, i) => (i * 11 + 5) & 0xff);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const KEY_LOG = parseKeyLog(
  [`SERVER_HANDSHAKE_TRAFFIC_SECRET ${hex(CLIENT_RANDOM)} ${hex(SERVER_HS)}`, `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${hex(CLIENT_RANDOM)} ${hex(CLIENT_HS)}`].join('\n'),
);

function aes128gcm(): AeadSuite {
  const s = decryptableSuite(0x1301, 0x0304, true);
  if ('unsupported' in s || s.protection.kind !== 'aead') throw new Error('TLS_AES_128_GCM_SHA256 must be decryptable');
  return s.protection;
}

/** The server's first encrypted record (EncryptedExtensions, empty), sealed as a peer of `version` would. */
function serverRecord(prefix: LabelPrefix, headerAad: boolean): ReturnType<typeof sealTls13Record> {
  const suite = aes128gcm();
  const keys = { suite, ...trafficKeys('sha256', SERVER_HS, suite.keyLength, suite.fixedIvLength, prefix) };
  return sealTls13Record(keys, 0, 22, Uint8Array.of(8, 0, 0, 2, 0, 0), 0, headerAad);
}

function open(version: number, record: ReturnType<typeof sealTls13Record>) {
  const made = createConnectionDecryptor(KEY_LOG, {
    clientRandom: CLIENT_RANDOM,
    serverRandom: SERVER_RANDOM,
    version,
    tls13: true,
    cipherSuite: 0x1301,
    encryptThenMac: false,
    earlyDataOffered: false,
    clientRecordsBeforeServerHello: 0,
  });
  if (!made.ok) throw new Error(made.status.reason);
  return { result: made.decryptor.open('server', record.header, record.body, 4), status: () => made.decryptor.status() };
}

describe('TLS 1.3 draft versions choose the record protection', () => {
  it('names the draft of each version form', () => {
    expect([0x7f13, 0x7f16, 0x7f1c, 0xfb17, 0xfb1a, 0x7e01, 0x0304, 0x0303].map(tls13DraftNumber)).toEqual([19, 22, 28, 23, 26, 18, null, null]);
    expect(tls13DraftRules(0x7f13)).toEqual({ labelPrefix: 'TLS 1.3, ', headerAad: false });
    expect(tls13DraftRules(0x7f14)).toEqual({ labelPrefix: 'tls13 ', headerAad: false });
    expect(tls13DraftRules(0x7f18)).toEqual({ labelPrefix: 'tls13 ', headerAad: false });
    expect(tls13DraftRules(0x7f19)).toEqual({ labelPrefix: 'tls13 ', headerAad: true });
    expect(tls13DraftRules(0x0304)).toEqual({ labelPrefix: 'tls13 ', headerAad: true });
  });

  const cases: readonly [string, number, LabelPrefix, boolean][] = [
    ['draft-19', 0x7f13, 'TLS 1.3, ', false],
    ['draft-20', 0x7f14, 'tls13 ', false],
    ['draft-23', 0x7f17, 'tls13 ', false],
    ['draft-28', 0x7f1c, 'tls13 ', true],
    ['RFC 8446', 0x0304, 'tls13 ', true],
  ];
  for (const [name, version, prefix, headerAad] of cases) {
    it(`${name}: its peers' records open, the others' do not`, () => {
      const ok = open(version, serverRecord(prefix, headerAad));
      expect(ok.result).toMatchObject({ ok: true, contentType: 22 });
      expect(ok.status()).toEqual({ status: 'decrypted' });
      for (const [, , otherPrefix, otherAad] of cases) {
        if (otherPrefix === prefix && otherAad === headerAad) continue;
        const wrong = open(version, serverRecord(otherPrefix, otherAad));
        expect(wrong.result.ok).toBe(false);
        expect(wrong.status().status).toBe('failed');
      }
    });
  }

  it('property: random bytes as a draft-23 record never throw and never open', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (junk) => {
        const { result } = open(0x7f17, { header: { contentType: 23, version: 0x0303, length: junk.length }, body: junk });
        expect(result.ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
