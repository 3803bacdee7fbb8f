/**
 * Password-based key material for PKCS#12 (RFC 7292): the store's own key derivation
 * (Appendix B.2), the BMPString form of passwords it feeds, and RC4, the stream cipher
 * of the oldest PBE schemes (OpenSSL 3 keeps RC4 in its legacy provider, so Node lacks it).
 *
 * The `x[i] as number` reads below index arrays made here (the KDF's I and B blocks, the RC4
 * state) by counters bounded by their sizes or masked with 0xff, so none can miss; the store's
 * own bytes are read by iteration.
 */
import { createHash } from 'node:crypto';

/** Hash functions the PKCS#12 KDF runs over: output size u and block size v in bytes. */
const HASHES: ReadonlyMap<string, { readonly u: number; readonly v: number }> = new Map([
  ['sha1', { u: 20, v: 64 }],
  ['sha224', { u: 28, v: 64 }],
  ['sha256', { u: 32, v: 64 }],
  ['sha384', { u: 48, v: 128 }],
  ['sha512', { u: 64, v: 128 }],
]);

/** Purposes of derived material (RFC 7292 B.3): 1 key, 2 IV, 3 MAC key. */
export type Pkcs12KdfId = 1 | 2 | 3;

function repeatTo(source: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (source.length === 0) return out;
  for (let i = 0; i < length; i++) out[i] = source[i % source.length] as number;
  return out;
}

/**
 * RFC 7292 Appendix B.2: derives `length` bytes from a BMPString password (with its two
 * trailing zero bytes, or empty for an absent password), a salt and an iteration count.
 * Returns undefined for an unknown hash. The caller bounds `iterations`.
 */
export function pkcs12Kdf(hash: string, id: Pkcs12KdfId, password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Uint8Array | undefined {
  const h = HASHES.get(hash);
  if (h === undefined || iterations < 1) return undefined;
  const { u, v } = h;
  const d = new Uint8Array(v).fill(id);
  const s = repeatTo(salt, v * Math.ceil(salt.length / v));
  const p = repeatTo(password, v * Math.ceil(password.length / v));
  const i = new Uint8Array(s.length + p.length);
  i.set(s);
  i.set(p, s.length);
  const out = new Uint8Array(length);
  for (let done = 0; done < length; ) {
    let a: Uint8Array = createHash(hash).update(d).update(i).digest();
    for (let r = 1; r < iterations; r++) a = createHash(hash).update(a).digest();
    out.set(a.subarray(0, Math.min(u, length - done)), done);
    done += u;
    if (done >= length) break;
    // I_j = (I_j + B + 1) mod 2^(8v) for every v-byte block of I, where B repeats A to v bytes.
    const b = repeatTo(a, v);
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (i[j + k] as number) + (b[k] as number) + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out;
}

/** A password as PKCS#12 wants it: UTF-16BE code units plus a two-byte zero terminator. */
export function bmpPassword(password: string): Uint8Array {
  const out = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    const c = password.charCodeAt(i);
    out[2 * i] = c >> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return out;
}

/** RC4 (the keystream XORed over the data); symmetric, no padding. */
export function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + (s[i] as number) + (key[i % key.length] as number)) & 0xff;
    const t = s[i] as number;
    s[i] = s[j] as number;
    s[j] = t;
  }
  const out = new Uint8Array(data.length);
  let x = 0;
  let y = 0;
  for (const [n, byte] of data.entries()) {
    x = (x + 1) & 0xff;
    y = (y + (s[x] as number)) & 0xff;
    const t = s[x] as number;
    s[x] = s[y] as number;
    s[y] = t;
    out[n] = byte ^ (s[((s[x] as number) + (s[y] as number)) & 0xff] as number);
  }
  return out;
}
