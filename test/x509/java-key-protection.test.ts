/**
 * The JKS and JCEKS key protections on keys protected here: a JCEKS key whose salt halves are
 * equal (Java reverses the first half, PBES1Core), the parameters Java refuses (a salt that is not
 * eight bytes, an iteration count under one or over the limit), and a JKS key too short to hold
 * its salt and check digest.
 */
import { createCipheriv, createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { javaKeyOpens } from '../../src/x509/identity/java-key-protection.js';
import { oid, tlv } from './helpers.js';

const JKS_KEY_PROTECTOR = '1.3.6.1.4.1.42.2.17.1.1';
const JCEKS_KEY_PROTECTOR = '1.3.6.1.4.1.42.2.19.1';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
const spki = publicKey.export({ format: 'der', type: 'spki' });

function int(n: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (bytes.length === 0 || (bytes[0] as number) & 0x80) bytes.unshift(0);
  return tlv(0x02, bytes);
}

function protectedKey(algorithm: string, params: Uint8Array | null, data: Uint8Array): Uint8Array {
  return tlv(0x30, tlv(0x30, oid(algorithm), ...(params === null ? [] : [params])), tlv(0x04, data));
}

/** d = half; d = MD5(d ‖ password), `iterations` times (PBES1Core's derivation for each salt half). */
function md5Iterated(half: Uint8Array, password: Buffer, iterations: number): Buffer {
  let d = Buffer.from(half);
  for (let i = 0; i < iterations; i++) d = createHash('md5').update(d).update(password).digest();
  return d;
}

/** PBEWithMD5AndTripleDES as written here; `reverseEqualHalves` applies Java's rule for a salt whose halves are equal. */
function jceksProtect(salt: Uint8Array, iterations: number, password: string, reverseEqualHalves: boolean): Uint8Array {
  const s = Buffer.from(salt);
  if (reverseEqualHalves && s.subarray(0, 4).equals(s.subarray(4))) s.subarray(0, 4).reverse();
  const pw = Buffer.from(password, 'latin1');
  const derived = Buffer.concat([md5Iterated(s.subarray(0, 4), pw, iterations), md5Iterated(s.subarray(4), pw, iterations)]);
  const c = createCipheriv('des-ede3-cbc', derived.subarray(0, 24), derived.subarray(24));
  const encrypted = Buffer.concat([c.update(pkcs8), c.final()]);
  return protectedKey(JCEKS_KEY_PROTECTOR, tlv(0x30, tlv(0x04, salt), int(iterations)), encrypted);
}

const EQUAL_HALVES = Uint8Array.from([1, 2, 3, 4, 1, 2, 3, 4]);

describe('JCEKS key protection', () => {
  it('a salt of two equal halves: Java reverses the first, and the key opens only that way', () => {
    const opened = javaKeyOpens(jceksProtect(EQUAL_HALVES, 20, 'changeit', true), 'changeit', 1000);
    expect(opened?.opens).toBe(true);
    expect(Buffer.from(opened?.publicKey ?? []).equals(spki)).toBe(true);
    expect(javaKeyOpens(jceksProtect(EQUAL_HALVES, 20, 'changeit', true), 'wrong', 1000)).toEqual({ opens: false, publicKey: null });
    // Protected without the reversal, the derived key differs from Java's: not opened.
    expect(javaKeyOpens(jceksProtect(EQUAL_HALVES, 20, 'changeit', false), 'changeit', 1000)).toEqual({ opens: false, publicKey: null });
  });

  it('parameters Java refuses are not checked (null): salt length, iteration count, no parameters', () => {
    const good = jceksProtect(Uint8Array.from([9, 8, 7, 6, 5, 4, 3, 2]), 20, 'pw', true);
    expect(javaKeyOpens(good, 'pw', 1000)?.opens).toBe(true);
    const data = new Uint8Array(pkcs8.length + 8);
    expect(javaKeyOpens(protectedKey(JCEKS_KEY_PROTECTOR, tlv(0x30, tlv(0x04, new Uint8Array(7)), int(20)), data), 'pw', 1000)).toBeNull();
    expect(javaKeyOpens(protectedKey(JCEKS_KEY_PROTECTOR, tlv(0x30, tlv(0x04, new Uint8Array(8)), int(0)), data), 'pw', 1000)).toBeNull();
    expect(javaKeyOpens(protectedKey(JCEKS_KEY_PROTECTOR, null, data), 'pw', 1000)).toBeNull();
    // Over the caller's limit, and over Java's own MAX_ITERATION_COUNT (5,000,000) whatever the limit.
    expect(javaKeyOpens(good, 'pw', 19)).toBeNull();
    expect(javaKeyOpens(protectedKey(JCEKS_KEY_PROTECTOR, tlv(0x30, tlv(0x04, new Uint8Array(8)), int(5_000_001)), data), 'pw', 10_000_000)).toBeNull();
  });
});

describe('JKS key protection', () => {
  it('data shorter than its salt and check digest (40 bytes) is not checked', () => {
    expect(javaKeyOpens(protectedKey(JKS_KEY_PROTECTOR, tlv(0x05), new Uint8Array(39)), 'pw', 1000)).toBeNull();
    // 40 bytes: an empty key whose check digest is not SHA-1(password): not opened.
    expect(javaKeyOpens(protectedKey(JKS_KEY_PROTECTOR, tlv(0x05), new Uint8Array(40)), 'pw', 1000)).toEqual({ opens: false, publicKey: null });
  });
});
