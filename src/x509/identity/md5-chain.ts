/**
 * MD5 (RFC 1321) iterated over `previous digest ‖ password`, the inner loop of Sun's
 * PBEWithMD5AndTripleDES. Java protects each JCEKS key with 200,000 iterations per salt half;
 * through `crypto.createHash` that costs seconds per key, so short inputs (one 64-byte block:
 * digest and password up to 55 bytes) run through this single-block MD5 instead, about fifty
 * times faster. Longer passwords fall back to Node's MD5.
 */
import { createHash } from 'node:crypto';

/** Per-round constants: floor(|sin(i + 1)| · 2^32). */
const K = Int32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);
const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
/** Largest message that fits one block with its padding and length. */
const ONE_BLOCK = 55;

function compress(m: Int32Array, out: Uint8Array): void {
  let a = 0x67452301;
  let b = 0xefcdab89 | 0;
  let c = 0x98badcfe | 0;
  let d = 0x10325476;
  for (let i = 0; i < 64; i++) {
    let f: number;
    let g: number;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    const s = S[((i >> 4) << 2) + (i & 3)] as number;
    const sum = (a + f + (K[i] as number) + (m[g] as number)) | 0;
    a = d;
    d = c;
    c = b;
    b = (b + ((sum << s) | (sum >>> (32 - s)))) | 0;
  }
  const words = [(a + 0x67452301) | 0, (b + (0xefcdab89 | 0)) | 0, (c + (0x98badcfe | 0)) | 0, (d + 0x10325476) | 0];
  for (let w = 0; w < 4; w++) {
    const v = words[w] as number;
    out[4 * w] = v & 0xff;
    out[4 * w + 1] = (v >>> 8) & 0xff;
    out[4 * w + 2] = (v >>> 16) & 0xff;
    out[4 * w + 3] = (v >>> 24) & 0xff;
  }
}

/** digest₀ = seed; digestᵢ = MD5(digestᵢ₋₁ ‖ password); returns digest_iterations (16 bytes). */
export function md5Chain(seed: Uint8Array, password: Uint8Array, iterations: number): Uint8Array {
  let digest: Uint8Array = seed;
  if (16 + password.length > ONE_BLOCK || seed.length + password.length > ONE_BLOCK) {
    for (let i = 0; i < iterations; i++) digest = createHash('md5').update(digest).update(password).digest();
    return digest;
  }
  const block = new Uint8Array(64);
  const words = new Int32Array(16);
  const out = new Uint8Array(16);
  for (let i = 0; i < iterations; i++) {
    const length = digest.length + password.length;
    block.fill(0);
    block.set(digest);
    block.set(password, digest.length);
    block[length] = 0x80;
    const bits = length * 8;
    block[56] = bits & 0xff;
    block[57] = (bits >>> 8) & 0xff;
    for (let w = 0; w < 16; w++) words[w] = (block[4 * w] as number) | ((block[4 * w + 1] as number) << 8) | ((block[4 * w + 2] as number) << 16) | ((block[4 * w + 3] as number) << 24);
    compress(words, out);
    digest = out;
  }
  return Uint8Array.from(digest);
}
