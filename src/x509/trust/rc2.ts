/**
 * RC2 (RFC 2268) in CBC mode: the cipher of `pbeWithSHAAnd40BitRC2-CBC`, which Java keytool
 * and OpenSSL before 3.0 use to encrypt the certificates of a PKCS#12 store. OpenSSL 3 moved
 * RC2 to its legacy provider, which Node does not load, so it is implemented here. Only key
 * stores are decrypted with it; it protects nothing.
 *
 * The `x[i] as number` reads below follow RFC 2268 step by step over fixed tables (PITABLE,
 * the 128-byte L, the 64 subkeys, the 4 words) with indexes masked to their sizes, and over
 * 8-byte blocks whose bounds `rc2CbcDecrypt` checks first (a length that is a multiple of 8,
 * an 8-byte IV), so none can miss.
 */

// RFC 2268 §2: PITABLE, a permutation of 0..255 derived from the digits of pi.
const PITABLE = Uint8Array.from(
  Buffer.from(
    [
      'd978f9c419ddb5ed28e9fd794aa0d89d',
      'c67e37832b76538e624c6488448bfba2',
      '179a59f587b34f1361456d8d09817d32',
      'bd8f40eb86b77b0bf09521225c6b4e82',
      '54d66593ce60b21c7356c014a78cf1dc',
      '1275ca1f3bbee4d1423dd430a33cb626',
      '6fbf0eda4669075727f21d9bbc944303',
      'f811c7f690ef3ee706c3d52fc8661ed7',
      '08e8eade8052eef784aa72ac354d6a2a',
      '961ad2715a1549744b9fd05e0418a4ec',
      'c2e0416e0f51cbcc2491af50a1f47039',
      '997c3a8523b8b47afc02365b25559731',
      '2d5dfa98e38a92ae05df2910676cbac9',
      'd300e6cfe19ea82c6316013f58e289a9',
      '0d38341bab33ffb0bb480c5fb9b1cd2e',
      'c5f3db47e5a59c770aa62068fe7fc1ad',
    ].join(''),
    'hex',
  ),
);

/** Expands a key (1..128 bytes) to the 64 16-bit subkeys (RFC 2268 §2). */
export function rc2KeySchedule(key: Uint8Array, effectiveBits: number): Uint16Array {
  const t = key.length;
  if (t < 1 || t > 128 || effectiveBits < 1 || effectiveBits > 1024) throw new RangeError('RC2 key of 1..128 bytes and 1..1024 effective bits');
  const l = new Uint8Array(128);
  l.set(key);
  for (let i = t; i < 128; i++) l[i] = PITABLE[((l[i - 1] as number) + (l[i - t] as number)) & 0xff] as number;
  const t8 = Math.ceil(effectiveBits / 8);
  const tm = 0xff >> (8 * t8 - effectiveBits);
  l[128 - t8] = PITABLE[(l[128 - t8] as number) & tm] as number;
  for (let i = 127 - t8; i >= 0; i--) l[i] = PITABLE[(l[i + 1] as number) ^ (l[i + t8] as number)] as number;
  const k = new Uint16Array(64);
  for (let i = 0; i < 64; i++) k[i] = (l[2 * i] as number) | ((l[2 * i + 1] as number) << 8);
  return k;
}

const SHIFTS = [1, 2, 3, 5] as const;

function words(block: Uint8Array, at: number): number[] {
  const r: number[] = [];
  for (let i = 0; i < 4; i++) r.push((block[at + 2 * i] as number) | ((block[at + 2 * i + 1] as number) << 8));
  return r;
}

function put(out: Uint8Array, at: number, r: readonly number[]): void {
  for (let i = 0; i < 4; i++) {
    const w = r[i] as number;
    out[at + 2 * i] = w & 0xff;
    out[at + 2 * i + 1] = (w >> 8) & 0xff;
  }
}

/** Encrypts one 8-byte block (RFC 2268 §3). */
export function rc2EncryptBlock(k: Uint16Array, input: Uint8Array, at: number, out: Uint8Array, outAt: number): void {
  const r = words(input, at);
  let j = 0;
  const mix = (): void => {
    for (let i = 0; i < 4; i++) {
      const a = r[(i + 3) & 3] as number;
      const b = r[(i + 2) & 3] as number;
      const c = r[(i + 1) & 3] as number;
      let x = ((r[i] as number) + (k[j++] as number) + (a & b) + (~a & c)) & 0xffff;
      const s = SHIFTS[i] as number;
      x = ((x << s) | (x >> (16 - s))) & 0xffff;
      r[i] = x;
    }
  };
  const mash = (): void => {
    for (let i = 0; i < 4; i++) r[i] = ((r[i] as number) + (k[(r[(i + 3) & 3] as number) & 63] as number)) & 0xffff;
  };
  for (let n = 0; n < 5; n++) mix();
  mash();
  for (let n = 0; n < 6; n++) mix();
  mash();
  for (let n = 0; n < 5; n++) mix();
  put(out, outAt, r);
}

/** Decrypts one 8-byte block (RFC 2268 §4). */
export function rc2DecryptBlock(k: Uint16Array, input: Uint8Array, at: number, out: Uint8Array, outAt: number): void {
  const r = words(input, at);
  let j = 63;
  const unmix = (): void => {
    for (let i = 3; i >= 0; i--) {
      const s = SHIFTS[i] as number;
      let x = r[i] as number;
      x = ((x >> s) | (x << (16 - s))) & 0xffff;
      const a = r[(i + 3) & 3] as number;
      const b = r[(i + 2) & 3] as number;
      const c = r[(i + 1) & 3] as number;
      r[i] = (x - (k[j--] as number) - (a & b) - (~a & c & 0xffff)) & 0xffff;
    }
  };
  const unmash = (): void => {
    for (let i = 3; i >= 0; i--) r[i] = ((r[i] as number) - (k[(r[(i + 3) & 3] as number) & 63] as number)) & 0xffff;
  };
  for (let n = 0; n < 5; n++) unmix();
  unmash();
  for (let n = 0; n < 6; n++) unmix();
  unmash();
  for (let n = 0; n < 5; n++) unmix();
  put(out, outAt, r);
}

/**
 * RC2-CBC decryption with PKCS#7 padding removed; undefined when the length is not a
 * multiple of 8 or the padding is wrong (the usual sign of a wrong password).
 */
export function rc2CbcDecrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  if (iv.length !== 8 || data.length === 0 || data.length % 8 !== 0) return undefined;
  const k = rc2KeySchedule(key, effectiveBits);
  const out = new Uint8Array(data.length);
  let prev = iv;
  let prevAt = 0;
  for (let at = 0; at < data.length; at += 8) {
    rc2DecryptBlock(k, data, at, out, at);
    for (let i = 0; i < 8; i++) out[at + i] = (out[at + i] as number) ^ (prev[prevAt + i] as number);
    prev = data;
    prevAt = at;
  }
  return unpad(out, 8);
}

/** RC2-CBC encryption with PKCS#7 padding (tests write legacy stores with it). */
export function rc2CbcEncrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (iv.length !== 8) throw new RangeError('RC2-CBC needs an 8-byte IV');
  const k = rc2KeySchedule(key, effectiveBits);
  const pad = 8 - (data.length % 8);
  const input = new Uint8Array(data.length + pad);
  input.set(data);
  input.fill(pad, data.length);
  const out = new Uint8Array(input.length);
  let prev: Uint8Array = iv;
  let prevAt = 0;
  for (let at = 0; at < input.length; at += 8) {
    for (let i = 0; i < 8; i++) input[at + i] = (input[at + i] as number) ^ (prev[prevAt + i] as number);
    rc2EncryptBlock(k, input, at, out, at);
    prev = out;
    prevAt = at;
  }
  return out;
}

/** Removes PKCS#7 padding; undefined when it is malformed. */
export function unpad(data: Uint8Array, blockSize: number): Uint8Array | undefined {
  const n = data[data.length - 1];
  if (n === undefined || n < 1 || n > blockSize || n > data.length) return undefined;
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) return undefined;
  return data.subarray(0, data.length - n);
}
