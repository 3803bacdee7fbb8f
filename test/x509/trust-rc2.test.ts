/** RC2 against RFC 2268 §5, CBC round trips, and the PKCS#12 KDF's shape. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rc2CbcDecrypt, rc2CbcEncrypt, rc2DecryptBlock, rc2EncryptBlock, rc2KeySchedule } from '../../src/x509/trust/rc2.js';
import { bmpPassword, pkcs12Kdf, rc4 } from '../../src/x509/trust/pkcs12-kdf.js';

// RFC 2268 §5: key, effective key bits, plaintext, ciphertext.
const VECTORS: readonly [string, number, string, string][] = [
  ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
  ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
  ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
  ['88', 64, '0000000000000000', '61a8a244adacccf0'],
  ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
  ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
  ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
  ['88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e', 129, '0000000000000000', '5b78d3a43dfff1f1'],
];

describe('RC2', () => {
  it.each(VECTORS)('key %s, %i bits: encrypts and decrypts the RFC 2268 block', (key, bits, plain, cipher) => {
    const k = rc2KeySchedule(Buffer.from(key, 'hex'), bits);
    const out = new Uint8Array(8);
    rc2EncryptBlock(k, Buffer.from(plain, 'hex'), 0, out, 0);
    expect(Buffer.from(out).toString('hex')).toBe(cipher);
    const back = new Uint8Array(8);
    rc2DecryptBlock(k, out, 0, back, 0);
    expect(Buffer.from(back).toString('hex')).toBe(plain);
  });

  it('CBC round trips any data; a wrong key or a cut ciphertext is refused, never thrown', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 5, maxLength: 16 }), fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.uint8Array({ minLength: 8, maxLength: 100 }), (key, iv, data) => {
        const c = rc2CbcEncrypt(key, key.length * 8, iv, data);
        expect(c.length % 8).toBe(0);
        expect(Buffer.from(rc2CbcDecrypt(key, key.length * 8, iv, c) ?? [])).toEqual(Buffer.from(data));
        expect(rc2CbcDecrypt(key, key.length * 8, iv, c.subarray(0, c.length - 1))).toBeUndefined();
        const other = Uint8Array.from(key);
        other[0] = (other[0] as number) ^ 0xff;
        const wrong = rc2CbcDecrypt(other, key.length * 8, iv, c);
        if (wrong !== undefined) expect(Buffer.from(wrong)).not.toEqual(Buffer.from(data));
      }),
      { numRuns: 200 },
    );
  });
});

describe('PKCS#12 key derivation and RC4', () => {
  it('passwords become BMPStrings with a terminator', () => {
    expect(Buffer.from(bmpPassword('ab')).toString('hex')).toBe('006100620000');
    expect(Buffer.from(bmpPassword('')).toString('hex')).toBe('0000');
  });

  it('derives deterministic material that depends on every input', () => {
    const salt = Buffer.from('0102030405060708', 'hex');
    const a = pkcs12Kdf('sha1', 1, bmpPassword('pw'), salt, 3, 24);
    expect(a?.length).toBe(24);
    expect(pkcs12Kdf('sha1', 1, bmpPassword('pw'), salt, 3, 24)).toEqual(a);
    expect(pkcs12Kdf('sha1', 2, bmpPassword('pw'), salt, 3, 24)).not.toEqual(a);
    expect(pkcs12Kdf('sha1', 1, bmpPassword('px'), salt, 3, 24)).not.toEqual(a);
    expect(pkcs12Kdf('sha1', 1, bmpPassword('pw'), salt, 4, 24)).not.toEqual(a);
    // The first 20 bytes do not depend on how many are asked for.
    expect(Buffer.from(pkcs12Kdf('sha1', 1, bmpPassword('pw'), salt, 3, 20) ?? [])).toEqual(Buffer.from(a?.subarray(0, 20) ?? []));
    expect(pkcs12Kdf('md5', 1, bmpPassword('pw'), salt, 1, 8)).toBeUndefined();
  });

  it('RC4 matches the classic test vector and is its own inverse', () => {
    // "Key" / "Plaintext" → bbf316e8d940af0ad3 (widely published RC4 vector).
    expect(Buffer.from(rc4(Buffer.from('Key'), Buffer.from('Plaintext'))).toString('hex')).toBe('bbf316e8d940af0ad3');
    const data = Buffer.from('some certificates');
    expect(Buffer.from(rc4(Buffer.from('k'), rc4(Buffer.from('k'), data)))).toEqual(data);
  });
});
