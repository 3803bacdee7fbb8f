/**
 * Opening (and, for tests and round trips, sealing) protected TLS records with Node's crypto.
 *
 * TLS 1.3 (RFC 8446 §5.2, §5.3):
 *   struct { opaque content[length]; ContentType type; uint8 zeros[length_of_padding]; } TLSInnerPlaintext;
 *   struct { ContentType opaque_type = application_data; ProtocolVersion legacy_record_version = 0x0303;
 *            uint16 length; opaque encrypted_record[TLSCiphertext.length]; } TLSCiphertext;
 *   nonce = write_iv XOR (64-bit sequence number, left-padded to iv length); additional_data = the 5-byte header
 *   (drafts before -25 authenticate with no additional data: draft-ietf-tls-tls13-20 §5.2).
 *
 * TLS 1.2 AEAD (RFC 5246 §6.2.3.3, RFC 5288 §3, RFC 6655 §3, RFC 7905 §2):
 *   GCM/CCM: nonce = salt[4] + explicit_nonce[8] (the first 8 bytes of the record);
 *   ChaCha20-Poly1305: nonce = write_iv[12] XOR sequence number; no explicit nonce.
 *   additional_data = seq_num[8] + type + version + plaintext length[2].
 *
 * TLS 1.1/1.2 CBC (RFC 5246 §6.2.3.2; RFC 7366 for encrypt-then-MAC):
 *   struct { opaque IV[block]; block-ciphered struct { opaque content[length]; opaque MAC[mac_length];
 *            uint8 padding[padding_length]; uint8 padding_length; }; } GenericBlockCipher;
 *   MAC = HMAC(mac_key, seq_num + type + version + length + content).
 * TLS 1.0 CBC (RFC 2246 §6.2.3.2): the same without the IV field; the first record's IV is the
 *   key block's client/server_write_IV, each later one the last ciphertext block of the record
 *   before it (with encrypt-then-MAC, the block before the MAC).
 *
 * Nothing here throws on bad input: every outcome is a value with a reason.
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import type { AeadSuite, CbcSuite } from './suite-params.js';
import { concatBytes } from '../util/bytes.js';
import { u8At } from '../util/wire-read.js';

/** The 5-byte record header fields that enter the additional data. */
export interface RecordHeaderFields {
  readonly contentType: number;
  readonly version: number;
  readonly length: number;
}

/** The result of opening one record: plaintext and its real content type, or why it failed. */
export type OpenResult =
  | { readonly ok: true; readonly contentType: number; readonly plaintext: Uint8Array }
  | { readonly ok: false; readonly reason: string };

/** Keys of one direction for AEAD suites. */
export interface AeadKeys {
  readonly suite: AeadSuite;
  readonly key: Uint8Array;
  /** TLS 1.3 / ChaCha20: the 12-byte write IV; TLS 1.2 GCM/CCM: the 4-byte salt. */
  readonly iv: Uint8Array;
}

/** Keys of one direction for CBC suites. */
export interface CbcKeys {
  readonly suite: CbcSuite;
  readonly key: Uint8Array;
  readonly macKey: Uint8Array;
  /** RFC 7366 encrypt-then-MAC was negotiated. */
  readonly encryptThenMac: boolean;
}

/** Largest plaintext a record may carry once opened: 2^14 (+1 inner type +255 padding in TLS 1.3, RFC 8446 §5.4). */
const MAX_INNER_PLAINTEXT = 16384 + 256;

function seqBytes(seq: number): Uint8Array {
  const out = new Uint8Array(8);
  // Sequence numbers stay far below 2^53 in any capture; split into two 32-bit halves.
  const hi = Math.floor(seq / 0x1_0000_0000);
  const lo = seq >>> 0;
  out[0] = (hi >>> 24) & 0xff;
  out[1] = (hi >>> 16) & 0xff;
  out[2] = (hi >>> 8) & 0xff;
  out[3] = hi & 0xff;
  out[4] = (lo >>> 24) & 0xff;
  out[5] = (lo >>> 16) & 0xff;
  out[6] = (lo >>> 8) & 0xff;
  out[7] = lo & 0xff;
  return out;
}

/** iv XOR the sequence number, left-padded to the IV length (RFC 8446 §5.3, RFC 7905 §2). */
export function perRecordNonce(iv: Uint8Array, seq: number): Uint8Array {
  const s = seqBytes(seq);
  const padding = iv.length - s.length;
  // Left of the 8 sequence bytes, the padded sequence number is zeros.
  return iv.map((b, i) => b ^ (s[i - padding] ?? 0));
}

function header5(h: RecordHeaderFields): Uint8Array {
  return Uint8Array.of(h.contentType & 0xff, (h.version >>> 8) & 0xff, h.version & 0xff, (h.length >>> 8) & 0xff, h.length & 0xff);
}

/** Joins byte arrays (the shared helper, with the call shape used here). */
function concat(...parts: readonly Uint8Array[]): Uint8Array {
  return concatBytes(parts);
}

/** AEAD open; null when the tag does not verify (or the inputs do not fit the cipher). */
export function aeadOpen(suite: AeadSuite, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  if (sealed.length < suite.tagLength || key.length !== suite.keyLength) return null;
  const ciphertext = sealed.subarray(0, sealed.length - suite.tagLength);
  const tag = sealed.subarray(sealed.length - suite.tagLength);
  try {
    if (suite.cipher.endsWith('-ccm')) {
      const d = createDecipheriv(suite.cipher as 'aes-128-ccm', key, nonce, { authTagLength: suite.tagLength });
      d.setAuthTag(tag);
      d.setAAD(aad, { plaintextLength: ciphertext.length });
      const out = d.update(ciphertext);
      d.final();
      return new Uint8Array(out);
    }
    const d = createDecipheriv(suite.cipher as 'aes-128-gcm', key, nonce, { authTagLength: suite.tagLength });
    d.setAAD(aad);
    d.setAuthTag(tag);
    const a = d.update(ciphertext);
    const b = d.final();
    return new Uint8Array(concat(a, b));
  } catch {
    return null;
  }
}

/** AEAD seal: ciphertext ‖ tag. Throws only on programmer errors (wrong key or nonce length). */
function aeadSeal(suite: AeadSuite, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  if (suite.cipher.endsWith('-ccm')) {
    const c = createCipheriv(suite.cipher as 'aes-128-ccm', key, nonce, { authTagLength: suite.tagLength });
    c.setAAD(aad, { plaintextLength: plaintext.length });
    const out = concat(c.update(plaintext), c.final());
    return concat(out, c.getAuthTag());
  }
  const c = createCipheriv(suite.cipher as 'aes-128-gcm', key, nonce, { authTagLength: suite.tagLength });
  c.setAAD(aad);
  const out = concat(c.update(plaintext), c.final());
  return concat(out, c.getAuthTag());
}

/**
 * Opens a TLS 1.3 record: decrypts, then strips the zero padding and the real content type.
 * `headerAad` false: a draft before -25, whose records are authenticated without additional data.
 */
export function openTls13Record(keys: AeadKeys, seq: number, header: RecordHeaderFields, body: Uint8Array, headerAad = true): OpenResult {
  if (body.length < keys.suite.tagLength + 1) return { ok: false, reason: `a ${body.length}-byte record is shorter than the AEAD tag plus the content type` };
  const inner = aeadOpen(keys.suite, keys.key, perRecordNonce(keys.iv, seq), headerAad ? header5(header) : new Uint8Array(0), body);
  if (inner === null) return { ok: false, reason: 'the authentication tag does not verify' };
  let end = inner.length;
  while (end > 0 && inner[end - 1] === 0) end--;
  const contentType = u8At(inner, end - 1);
  if (contentType === undefined) return { ok: false, reason: 'the decrypted record is all padding: no content type' };
  if (end - 1 > MAX_INNER_PLAINTEXT) return { ok: false, reason: 'the decrypted record is longer than 2^14 bytes' };
  return { ok: true, contentType, plaintext: inner.subarray(0, end - 1) };
}

/** Seals a TLS 1.3 record body (for tests): content ‖ type ‖ zeros, encrypted under the 5-byte header. */
export function sealTls13Record(keys: AeadKeys, seq: number, contentType: number, content: Uint8Array, padding = 0, headerAad = true): { header: RecordHeaderFields; body: Uint8Array } {
  const inner = new Uint8Array(content.length + 1 + padding);
  inner.set(content, 0);
  inner[content.length] = contentType;
  const header = { contentType: 23, version: 0x0303, length: inner.length + keys.suite.tagLength };
  return { header, body: aeadSeal(keys.suite, keys.key, perRecordNonce(keys.iv, seq), headerAad ? header5(header) : new Uint8Array(0), inner) };
}

function tls12Aad(seq: number, contentType: number, version: number, length: number): Uint8Array {
  return concat(seqBytes(seq), Uint8Array.of(contentType & 0xff, (version >>> 8) & 0xff, version & 0xff, (length >>> 8) & 0xff, length & 0xff));
}

/** Opens a TLS 1.2 AEAD record (GCM/CCM with explicit nonce, ChaCha20-Poly1305 with implicit nonce). */
export function openTls12AeadRecord(keys: AeadKeys, seq: number, header: RecordHeaderFields, body: Uint8Array): OpenResult {
  const s = keys.suite;
  const overhead = s.explicitNonceLength + s.tagLength;
  if (body.length < overhead) return { ok: false, reason: `a ${body.length}-byte record is shorter than the explicit nonce and tag (${overhead} bytes)` };
  const nonce = s.explicitNonceLength > 0 ? concat(keys.iv, body.subarray(0, s.explicitNonceLength)) : perRecordNonce(keys.iv, seq);
  const sealed = body.subarray(s.explicitNonceLength);
  const plain = aeadOpen(s, keys.key, nonce, tls12Aad(seq, header.contentType, header.version, sealed.length - s.tagLength), sealed);
  if (plain === null) return { ok: false, reason: 'the authentication tag does not verify' };
  return { ok: true, contentType: header.contentType, plaintext: plain };
}

/** Seals a TLS 1.2 AEAD record body (for tests); `explicitNonce` defaults to the sequence number. */
export function sealTls12AeadRecord(keys: AeadKeys, seq: number, contentType: number, version: number, content: Uint8Array): Uint8Array {
  const s = keys.suite;
  const explicit = s.explicitNonceLength > 0 ? seqBytes(seq).subarray(8 - s.explicitNonceLength) : new Uint8Array(0);
  const nonce = s.explicitNonceLength > 0 ? concat(keys.iv, explicit) : perRecordNonce(keys.iv, seq);
  return concat(explicit, aeadSeal(s, keys.key, nonce, tls12Aad(seq, contentType, version, content.length), content));
}

function hmac(hash: CbcSuite['macHash'], key: Uint8Array, ...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHmac(hash, key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function cbcDecrypt(suite: CbcSuite, key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
  try {
    const d = createDecipheriv(suite.cipher, key, iv);
    d.setAutoPadding(false);
    return new Uint8Array(concat(d.update(ciphertext), d.final()));
  } catch {
    return null;
  }
}

/**
 * Opens a CBC record; MAC-then-encrypt unless encrypt-then-MAC was negotiated. TLS 1.1/1.2
 * records carry their IV in front; a TLS 1.0 record's IV is given as `chainedIv` (see the module comment).
 */
export function openCbcRecord(keys: CbcKeys, seq: number, header: RecordHeaderFields, body: Uint8Array, chainedIv?: Uint8Array): OpenResult {
  const s = keys.suite;
  const b = s.blockSize;
  const ivLength = chainedIv === undefined ? b : 0;
  if (keys.encryptThenMac) {
    if (body.length < ivLength + b + s.macLength || (body.length - s.macLength) % b !== 0) return { ok: false, reason: `a ${body.length}-byte record does not fit the block and MAC sizes` };
    const sealed = body.subarray(0, body.length - s.macLength);
    const mac = body.subarray(body.length - s.macLength);
    const expected = hmac(s.macHash, keys.macKey, seqBytes(seq), Uint8Array.of(header.contentType, header.version >>> 8, header.version & 0xff, sealed.length >>> 8, sealed.length & 0xff), sealed);
    if (!sameBytes(mac, expected)) return { ok: false, reason: 'the record MAC does not verify' };
    const plain = cbcDecrypt(s, keys.key, chainedIv ?? sealed.subarray(0, b), sealed.subarray(ivLength));
    if (plain === null) return { ok: false, reason: 'the block cipher could not decrypt the record' };
    const pad = u8At(plain, plain.length - 1);
    if (pad === undefined || pad + 1 > plain.length) return { ok: false, reason: 'the CBC padding is longer than the record' };
    return { ok: true, contentType: header.contentType, plaintext: plain.subarray(0, plain.length - pad - 1) };
  }
  if (body.length < ivLength + Math.max(b, s.macLength + 1) || body.length % b !== 0) return { ok: false, reason: `a ${body.length}-byte record does not fit the block and MAC sizes` };
  const plain = cbcDecrypt(s, keys.key, chainedIv ?? body.subarray(0, b), body.subarray(ivLength));
  if (plain === null) return { ok: false, reason: 'the block cipher could not decrypt the record' };
  const pad = u8At(plain, plain.length - 1);
  if (pad === undefined || pad + 1 + s.macLength > plain.length) return { ok: false, reason: 'the CBC padding or MAC does not fit: wrong keys' };
  for (let i = plain.length - 1 - pad; i < plain.length - 1; i++) {
    if (plain[i] !== pad) return { ok: false, reason: 'the CBC padding bytes are wrong: wrong keys' };
  }
  const contentEnd = plain.length - 1 - pad - s.macLength;
  const content = plain.subarray(0, contentEnd);
  const mac = plain.subarray(contentEnd, contentEnd + s.macLength);
  const expected = hmac(s.macHash, keys.macKey, seqBytes(seq), Uint8Array.of(header.contentType, header.version >>> 8, header.version & 0xff, content.length >>> 8, content.length & 0xff), content);
  if (!sameBytes(mac, expected)) return { ok: false, reason: 'the record MAC does not verify' };
  return { ok: true, contentType: header.contentType, plaintext: content };
}

/**
 * Seals a CBC record body (for tests) with the given IV: in front of the record (TLS 1.1/1.2),
 * or, with `chained`, not sent (TLS 1.0: the previous record's last ciphertext block).
 */
export function sealCbcRecord(keys: CbcKeys, seq: number, contentType: number, version: number, content: Uint8Array, iv: Uint8Array, chained = false): Uint8Array {
  const s = keys.suite;
  const encrypt = (plain: Uint8Array): Uint8Array => {
    const c = createCipheriv(s.cipher, keys.key, iv);
    c.setAutoPadding(false);
    return concat(chained ? new Uint8Array(0) : iv, c.update(plain), c.final());
  };
  const pad = (n: number): Uint8Array => {
    const padLength = (s.blockSize - ((n + 1) % s.blockSize)) % s.blockSize;
    return new Uint8Array(padLength + 1).fill(padLength);
  };
  const hdr = (len: number) => Uint8Array.of(contentType, version >>> 8, version & 0xff, len >>> 8, len & 0xff);
  if (keys.encryptThenMac) {
    const sealed = encrypt(concat(content, pad(content.length)));
    return concat(sealed, hmac(s.macHash, keys.macKey, seqBytes(seq), hdr(sealed.length), sealed));
  }
  const mac = hmac(s.macHash, keys.macKey, seqBytes(seq), hdr(content.length), content);
  const withMac = concat(content, mac);
  return encrypt(concat(withMac, pad(withMac.length)));
}
