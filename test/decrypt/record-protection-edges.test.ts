/**
 * The record openers on records sealed here and then spoiled: AEAD inputs that do not fit the
 * cipher, TLS 1.3 records that are all padding or too long once opened, encrypt-then-MAC CBC
 * records with a bad MAC, a key the cipher refuses or a padding longer than the record; and the
 * HKDF bounds of RFC 5869 and RFC 8446.
 */
import { createCipheriv, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aeadOpen, openCbcRecord, openTls13Record, sealCbcRecord, sealTls13Record, type AeadKeys, type CbcKeys } from '../../src/decrypt/record-protection.js';
import { decryptableSuite } from '../../src/decrypt/suite-params.js';
import { hkdfExpand, hkdfLabel } from '../../src/decrypt/tls13-key-schedule.js';

function suiteOf(code: number, version: number, tls13: boolean) {
  const s = decryptableSuite(code, version, tls13);
  if ('unsupported' in s) throw new Error(s.unsupported);
  return s.protection;
}

const gcm = suiteOf(0x1301, 0x0304, true);
if (gcm.kind !== 'aead') throw new Error('expected an AEAD suite');
const cbc = suiteOf(0x002f, 0x0303, false);
if (cbc.kind !== 'cbc') throw new Error('expected a CBC suite');

const aeadKeys: AeadKeys = { suite: gcm, key: new Uint8Array(16).fill(1), iv: new Uint8Array(12).fill(2) };
const etm: CbcKeys = { suite: cbc, key: new Uint8Array(16).fill(3), macKey: new Uint8Array(20).fill(4), encryptThenMac: true };
const header = (length: number, contentType = 23) => ({ contentType, version: 0x0303, length });

describe('AEAD inputs that do not fit the cipher', () => {
  it('a sealed body shorter than the tag, or a key of the wrong length, opens to nothing', () => {
    expect(aeadOpen(gcm, aeadKeys.key, new Uint8Array(12), new Uint8Array(5), new Uint8Array(15))).toBeNull();
    expect(aeadOpen(gcm, new Uint8Array(32), new Uint8Array(12), new Uint8Array(5), new Uint8Array(32))).toBeNull();
  });
});

describe('TLS 1.3 records', () => {
  it('a record that is all padding has no content type', () => {
    const r = sealTls13Record(aeadKeys, 0, 0, new Uint8Array(0), 7);
    expect(openTls13Record(aeadKeys, 0, r.header, r.body)).toEqual({ ok: false, reason: 'the decrypted record is all padding: no content type' });
  });

  it('a record longer than 2^14 once opened is refused; 2^14 exactly opens', () => {
    const long = sealTls13Record(aeadKeys, 3, 23, new Uint8Array(16384 + 257).fill(0x41));
    expect(openTls13Record(aeadKeys, 3, long.header, long.body)).toEqual({ ok: false, reason: 'the decrypted record is longer than 2^14 bytes' });
    const max = sealTls13Record(aeadKeys, 4, 23, new Uint8Array(16384).fill(0x41));
    const opened = openTls13Record(aeadKeys, 4, max.header, max.body);
    expect(opened.ok && opened.plaintext.length).toBe(16384);
  });
});

describe('CBC with encrypt-then-MAC (RFC 7366)', () => {
  it('a record sealed here opens; a flipped MAC byte does not verify', () => {
    const body = sealCbcRecord(etm, 9, 23, 0x0303, new TextEncoder().encode('hello'), new Uint8Array(16).fill(5));
    const opened = openCbcRecord(etm, 9, header(body.length), body);
    expect(opened.ok && new TextDecoder().decode(opened.plaintext)).toBe('hello');
    const spoiled = Uint8Array.from(body);
    spoiled[spoiled.length - 1] = (spoiled[spoiled.length - 1] as number) ^ 1;
    expect(openCbcRecord(etm, 9, header(body.length), spoiled)).toEqual({ ok: false, reason: 'the record MAC does not verify' });
    expect(openCbcRecord(etm, 10, header(body.length), body)).toEqual({ ok: false, reason: 'the record MAC does not verify' });
  });

  it('a body that does not fit the block and MAC sizes', () => {
    expect(openCbcRecord(etm, 0, header(40), new Uint8Array(40))).toEqual({ ok: false, reason: 'a 40-byte record does not fit the block and MAC sizes' });
  });

  /** IV ‖ one block encrypted as is (no padding added) ‖ a valid MAC over them, under `key`. */
  function macked(key: Uint8Array, block: Uint8Array): Uint8Array {
    const iv = new Uint8Array(16).fill(6);
    let sealed: Uint8Array;
    try {
      const c = createCipheriv('aes-128-cbc', key, iv);
      c.setAutoPadding(false);
      sealed = Buffer.concat([iv, c.update(block), c.final()]);
    } catch {
      sealed = Buffer.concat([iv, block]);
    }
    const mac = createHmac('sha1', etm.macKey)
      .update(new Uint8Array(8))
      .update(Uint8Array.of(23, 3, 3, sealed.length >>> 8, sealed.length & 0xff))
      .update(sealed)
      .digest();
    return Buffer.concat([sealed, mac]);
  }

  it('a padding length longer than the record', () => {
    const block = new Uint8Array(16).fill(0x30);
    expect(openCbcRecord(etm, 0, header(52), macked(etm.key, block))).toEqual({ ok: false, reason: 'the CBC padding is longer than the record' });
  });

  it('a key the block cipher refuses', () => {
    const bad: CbcKeys = { ...etm, key: new Uint8Array(5) };
    expect(openCbcRecord(bad, 0, header(52), macked(bad.key, new Uint8Array(16)))).toEqual({ ok: false, reason: 'the block cipher could not decrypt the record' });
  });
});

describe('HKDF bounds', () => {
  it('HKDF-Expand refuses more than 255 hash lengths; HkdfLabel refuses a label over 255 bytes', () => {
    expect(hkdfExpand('sha256', new Uint8Array(32), new Uint8Array(0), 255 * 32)).toHaveLength(255 * 32);
    expect(() => hkdfExpand('sha256', new Uint8Array(32), new Uint8Array(0), 255 * 32 + 1)).toThrow(RangeError);
    expect(() => hkdfLabel('x'.repeat(250), new Uint8Array(0), 16, 'tls13 ')).toThrow('HkdfLabel label or context too long');
    expect(() => hkdfLabel('key', new Uint8Array(256), 16, 'tls13 ')).toThrow(RangeError);
  });
});
