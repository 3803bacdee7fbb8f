/**
 * SubjectPublicKeyInfo summaries on hand-written DER: DSA sizes from the domain parameters,
 * RSA keys whose BIT STRING or modulus is missing or malformed, and inputs that are no SPKI.
 */
import { describe, expect, it } from 'vitest';
import { summarizePublicKey } from '../../src/x509/public-key.js';
import { oid, tlv } from './helpers.js';

const seq = (...c: Uint8Array[]): Uint8Array => tlv(0x30, ...c);
const int = (bytes: readonly number[]): Uint8Array => tlv(0x02, bytes);
const bitString = (...c: Uint8Array[]): Uint8Array => tlv(0x03, [0], ...c);
const DSA = '1.2.840.10040.4.1';
const RSA = '1.2.840.113549.1.1.1';

describe('public key summaries', () => {
  it('DSA: the size of p, from the algorithm parameters', () => {
    const p = [0x00, 0x80, ...new Array<number>(127).fill(0x11)];
    const spki = seq(seq(oid(DSA), seq(int(p), int([0x7f]), int([2]))), bitString(int([5])));
    expect(summarizePublicKey(spki)).toEqual({ algorithm: 'DSA', bits: 1024, curve: null });
  });

  it('DSA without domain parameters (inherited from the issuer): size unknown', () => {
    expect(summarizePublicKey(seq(seq(oid(DSA)), bitString(int([5]))))).toEqual({ algorithm: 'DSA', bits: null, curve: null });
    expect(summarizePublicKey(seq(seq(oid(DSA), seq(tlv(0x04, [1]))), bitString(int([5]))))).toEqual({ algorithm: 'DSA', bits: null, curve: null });
  });

  it('RSA: the modulus size; a missing BIT STRING or a key that is not an RSAPublicKey gives no size', () => {
    const rsaKey = seq(int([0x00, 0xc0, ...new Array<number>(255).fill(1)]), int([1, 0, 1]));
    expect(summarizePublicKey(seq(seq(oid(RSA), tlv(0x05)), bitString(rsaKey)))).toEqual({ algorithm: 'RSA', bits: 2048, curve: null });
    expect(summarizePublicKey(seq(seq(oid(RSA), tlv(0x05)), tlv(0x04, [1, 2])))).toEqual({ algorithm: 'RSA', bits: null, curve: null });
    expect(summarizePublicKey(seq(seq(oid(RSA), tlv(0x05)), bitString(int([1]))))).toEqual({ algorithm: 'RSA', bits: null, curve: null });
    expect(summarizePublicKey(seq(seq(oid(RSA), tlv(0x05)), bitString(seq(tlv(0x04, [1])))))).toEqual({ algorithm: 'RSA', bits: null, curve: null });
  });

  it('a zero modulus has no bits', () => {
    expect(summarizePublicKey(seq(seq(oid(RSA), tlv(0x05)), bitString(seq(int([0, 0]), int([3])))))).toEqual({ algorithm: 'RSA', bits: 0, curve: null });
  });

  it('bytes that are no SPKI, or an SPKI without an algorithm, are unknown', () => {
    expect(summarizePublicKey(Uint8Array.of(0x02, 0x01, 0x05))).toEqual({ algorithm: 'unknown', bits: null, curve: null });
    expect(summarizePublicKey(new Uint8Array(0))).toEqual({ algorithm: 'unknown', bits: null, curve: null });
    expect(summarizePublicKey(seq(int([1])))).toEqual({ algorithm: 'unknown', bits: null, curve: null });
  });

  it('an algorithm it does not size is named by its OID', () => {
    expect(summarizePublicKey(seq(seq(oid('1.2.3.4.5')), bitString(int([1]))))).toEqual({ algorithm: '1.2.3.4.5', bits: null, curve: null });
  });
});
