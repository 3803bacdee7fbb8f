/**
 * Record protection round trips for every suite family (TLS 1.3 AEAD, TLS 1.2 GCM/CCM with
 * explicit nonce, ChaCha20-Poly1305, CBC MAC-then-encrypt and encrypt-then-MAC), and
 * properties: any corrupted or truncated record fails with a reason and never throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  openCbcRecord,
  openTls12AeadRecord,
  openTls13Record,
  sealCbcRecord,
  sealTls12AeadRecord,
  sealTls13Record,
} from '../../src/decrypt/record-protection.js';
import type { AeadKeys, CbcKeys } from '../../src/decrypt/record-protection.js';
import { decryptableSuite } from '../../src/decrypt/suite-params.js';
import type { RecordSuite } from '../../src/decrypt/suite-params.js';

function suite(code: number, version: number, tls13: boolean): RecordSuite {
  const s = decryptableSuite(code, version, tls13);
  if ('unsupported' in s) throw new Error(s.unsupported);
  return s.protection;
}

function fill(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
}

function aeadKeys(code: number, version: number, tls13: boolean): AeadKeys {
  const s = suite(code, version, tls13);
  if (s.kind !== 'aead') throw new Error('not AEAD');
  return { suite: s, key: fill(s.keyLength, code), iv: fill(s.fixedIvLength, code + 1) };
}

function cbcKeys(code: number, encryptThenMac: boolean): CbcKeys {
  const s = suite(code, 0x0303, false);
  if (s.kind !== 'cbc') throw new Error('not CBC');
  return { suite: s, key: fill(s.keyLength, code), macKey: fill(s.macLength, code + 2), encryptThenMac };
}

const TLS13 = [0x1301, 0x1302, 0x1303, 0x1304, 0x1305];
const TLS12_AEAD = [0x009c, 0xc02b, 0xc030, 0xcca8, 0xcca9, 0xc09c, 0xc0a0, 0xc0ae];
const TLS12_CBC = [0x002f, 0x0035, 0x003c, 0xc009, 0xc013, 0xc027, 0xc028, 0x000a];
const hdr = (contentType: number, length: number, version = 0x0303) => ({ contentType, version, length });

describe('suite parameters', () => {
  it('knows the tag, key and nonce sizes', () => {
    expect(suite(0x1305, 0x0304, true)).toMatchObject({ cipher: 'aes-128-ccm', tagLength: 8, fixedIvLength: 12 });
    expect(suite(0xc030, 0x0303, false)).toMatchObject({ cipher: 'aes-256-gcm', explicitNonceLength: 8, fixedIvLength: 4, hash: 'sha384' });
    expect(suite(0xcca8, 0x0303, false)).toMatchObject({ cipher: 'chacha20-poly1305', explicitNonceLength: 0, fixedIvLength: 12 });
    expect(suite(0xc028, 0x0303, false)).toMatchObject({ kind: 'cbc', cipher: 'aes-256-cbc', macHash: 'sha384', macLength: 48 });
    expect(suite(0x000a, 0x0303, false)).toMatchObject({ kind: 'cbc', cipher: 'des-ede3-cbc', keyLength: 24, blockSize: 8 });
  });

  it('says why a suite is not decrypted', () => {
    const rc4 = decryptableSuite(0x0005, 0x0303, false);
    expect('unsupported' in rc4 && rc4.unsupported).toContain('TLS_RSA_WITH_RC4_128_SHA');
    expect('unsupported' in decryptableSuite(0x0003, 0x0303, false)).toBe(true);
    expect('unsupported' in decryptableSuite(0xfefe, 0x0303, false)).toBe(true);
  });
});

describe('round trips', () => {
  for (const code of TLS13) {
    it(`TLS 1.3 0x${code.toString(16)}: content, type and padding survive`, () => {
      const keys = aeadKeys(code, 0x0304, true);
      for (const [seq, type, len, pad] of [[0, 22, 0, 0], [1, 21, 2, 0], [7, 23, 300, 13], [2 ** 33 + 5, 22, 16384, 255]] as const) {
        const content = fill(len, seq);
        const { header, body } = sealTls13Record(keys, seq, type, content, pad);
        expect(openTls13Record(keys, seq, header, body)).toEqual({ ok: true, contentType: type, plaintext: content });
        expect(openTls13Record(keys, seq + 1, header, body).ok).toBe(false);
      }
    });
  }
  for (const code of TLS12_AEAD) {
    it(`TLS 1.2 AEAD 0x${code.toString(16)}`, () => {
      const keys = aeadKeys(code, 0x0303, false);
      for (const [seq, type, len] of [[0, 22, 16], [1, 21, 2], [99, 23, 1000]] as const) {
        const content = fill(len, seq);
        const body = sealTls12AeadRecord(keys, seq, type, 0x0303, content);
        expect(openTls12AeadRecord(keys, seq, hdr(type, body.length), body)).toEqual({ ok: true, contentType: type, plaintext: content });
        // The sequence number and type are authenticated.
        expect(openTls12AeadRecord(keys, seq + 1, hdr(type, body.length), body).ok).toBe(false);
        expect(openTls12AeadRecord(keys, seq, hdr(type === 21 ? 22 : 21, body.length), body).ok).toBe(false);
      }
    });
  }
  for (const code of TLS12_CBC) {
    for (const etm of [false, true]) {
      it(`TLS 1.2 CBC 0x${code.toString(16)}${etm ? ' encrypt-then-MAC' : ''}`, () => {
        const keys = cbcKeys(code, etm);
        for (const [seq, type, len] of [[0, 22, 16], [1, 21, 2], [5, 23, 0], [6, 23, 777]] as const) {
          const content = fill(len, seq);
          const body = sealCbcRecord(keys, seq, type, 0x0303, content, fill(keys.suite.blockSize, seq + 9));
          expect(openCbcRecord(keys, seq, hdr(type, body.length), body)).toEqual({ ok: true, contentType: type, plaintext: content });
          const wrong = openCbcRecord(keys, seq + 1, hdr(type, body.length), body);
          expect(wrong.ok).toBe(false);
        }
      });
    }
  }
});

describe('TLS 1.0 CBC: the IV is the last ciphertext block of the record before', () => {
  for (const etm of [false, true]) {
    it(`AES-128-CBC-SHA${etm ? ' encrypt-then-MAC' : ''}: records open in a chain, and only with the right IV`, () => {
      const keys = cbcKeys(0x002f, etm);
      const b = keys.suite.blockSize;
      let iv = fill(b, 77);
      for (const [seq, type, len] of [[0, 22, 16], [1, 23, 500], [2, 21, 2]] as const) {
        const content = fill(len, seq);
        const body = sealCbcRecord(keys, seq, type, 0x0301, content, iv, true);
        // No IV travels with the record: it is the sealed content, its MAC and padding only.
        expect((body.length - (etm ? keys.suite.macLength : 0)) % b).toBe(0);
        expect(openCbcRecord(keys, seq, hdr(type, body.length, 0x0301), body, iv)).toEqual({ ok: true, contentType: type, plaintext: content });
        // A wrong IV garbles the first block: MAC-then-encrypt notices; encrypt-then-MAC authenticates only the ciphertext.
        const wrongIv = openCbcRecord(keys, seq, hdr(type, body.length, 0x0301), body, fill(b, 1));
        if (etm) expect(wrongIv.ok && len > 0 && Buffer.from(wrongIv.plaintext).equals(Buffer.from(content))).toBe(false);
        else expect(wrongIv.ok).toBe(false);
        const end = body.length - (etm ? keys.suite.macLength : 0);
        iv = body.slice(end - b, end);
      }
    });
  }
});

describe('properties: bad records never throw and never open', () => {
  const families: { name: string; seal: (seq: number, content: Uint8Array) => Uint8Array; open: (seq: number, body: Uint8Array) => { ok: boolean } }[] = [
    {
      name: 'TLS 1.3 AES-256-GCM',
      seal: (seq, c) => sealTls13Record(aeadKeys(0x1302, 0x0304, true), seq, 22, c).body,
      open: (seq, b) => openTls13Record(aeadKeys(0x1302, 0x0304, true), seq, hdr(23, b.length), b),
    },
    {
      name: 'TLS 1.3 ChaCha20-Poly1305',
      seal: (seq, c) => sealTls13Record(aeadKeys(0x1303, 0x0304, true), seq, 22, c).body,
      open: (seq, b) => openTls13Record(aeadKeys(0x1303, 0x0304, true), seq, hdr(23, b.length), b),
    },
    {
      name: 'TLS 1.3 AES-128-CCM-8',
      seal: (seq, c) => sealTls13Record(aeadKeys(0x1305, 0x0304, true), seq, 22, c).body,
      open: (seq, b) => openTls13Record(aeadKeys(0x1305, 0x0304, true), seq, hdr(23, b.length), b),
    },
    {
      name: 'TLS 1.2 AES-128-GCM',
      seal: (seq, c) => sealTls12AeadRecord(aeadKeys(0xc02b, 0x0303, false), seq, 22, 0x0303, c),
      open: (seq, b) => openTls12AeadRecord(aeadKeys(0xc02b, 0x0303, false), seq, hdr(22, b.length), b),
    },
    {
      name: 'TLS 1.2 AES-128-CBC-SHA',
      seal: (seq, c) => sealCbcRecord(cbcKeys(0xc013, false), seq, 22, 0x0303, c, fill(16, seq)),
      open: (seq, b) => openCbcRecord(cbcKeys(0xc013, false), seq, hdr(22, b.length), b),
    },
    {
      name: 'TLS 1.0 AES-128-CBC-SHA (chained IV)',
      seal: (seq, c) => sealCbcRecord(cbcKeys(0x002f, false), seq, 22, 0x0301, c, fill(16, seq), true),
      open: (seq, b) => openCbcRecord(cbcKeys(0x002f, false), seq, hdr(22, b.length, 0x0301), b, fill(16, seq)),
    },
    {
      name: 'TLS 1.0 AES-128-CBC-SHA encrypt-then-MAC (chained IV)',
      seal: (seq, c) => sealCbcRecord(cbcKeys(0x002f, true), seq, 22, 0x0301, c, fill(16, seq), true),
      open: (seq, b) => openCbcRecord(cbcKeys(0x002f, true), seq, hdr(22, b.length, 0x0301), b, fill(16, seq)),
    },
    {
      name: 'TLS 1.2 AES-256-CBC-SHA384 encrypt-then-MAC',
      seal: (seq, c) => sealCbcRecord(cbcKeys(0xc028, true), seq, 22, 0x0303, c, fill(16, seq)),
      open: (seq, b) => openCbcRecord(cbcKeys(0xc028, true), seq, hdr(22, b.length), b),
    },
  ];
  for (const f of families) {
    it(`${f.name}: a flipped bit, a truncation or random bytes fail with a reason`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), fc.integer({ min: 0, max: 7 }), fc.nat(), (content, at, bit, cut) => {
          const body = f.seal(3, content);
          const flipped = new Uint8Array(body);
          const i = at % flipped.length;
          flipped[i] = (flipped[i] as number) ^ (1 << bit);
          expect(f.open(3, flipped).ok).toBe(false);
          expect(f.open(3, body.subarray(0, cut % body.length)).ok).toBe(false);
          expect(f.open(3, body).ok).toBe(true);
        }),
        { numRuns: 150 },
      );
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (junk) => {
          expect(f.open(0, junk).ok).toBe(false);
        }),
        { numRuns: 150 },
      );
    });
  }
});
