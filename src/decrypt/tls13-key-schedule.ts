/**
 * The TLS 1.3 key schedule pieces a key log needs (RFC 8446 §7.1, §7.2, §7.3):
 *
 *   HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret, HkdfLabel, Length)
 *   struct {
 *       uint16 length = Length;
 *       opaque label<7..255> = "tls13 " + Label;
 *       opaque context<0..255> = Context;
 *   } HkdfLabel;
 *
 *   Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length)
 *   [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length)
 *   [sender]_write_iv  = HKDF-Expand-Label(Secret, "iv", "", iv_length)
 *   application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length)
 *
 * Drafts of TLS 1.3 before -20 prefixed the label with "TLS 1.3, " instead of "tls13 " (as
 * Wireshark's tls13_hkdf_label_prefix does); `tls13DraftRules` says which a version uses.
 *
 * HKDF (RFC 5869) is built on Node's HMAC: Node's `hkdfSync` always extracts first, and the
 * key log hands over secrets that are already pseudorandom keys.
 */
import { createHash, createHmac } from 'node:crypto';

/** Hash functions of the TLS 1.3 cipher suites (and of the TLS 1.2 PRFs). */
export type HashName = 'sha256' | 'sha384';

/** Output length of a hash in bytes. */
export function hashLength(hash: HashName): number {
  return hash === 'sha384' ? 48 : 32;
}

/** HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM) (RFC 5869 §2.2). An empty salt means Hash.length zeros. */
export function hkdfExtract(hash: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  const s = salt.length === 0 ? new Uint8Array(hashLength(hash)) : salt;
  return new Uint8Array(createHmac(hash, s).update(ikm).digest());
}

/** HKDF-Expand(PRK, info, L) (RFC 5869 §2.3); L ≤ 255 · Hash.length. */
export function hkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const n = hashLength(hash);
  if (length < 0 || length > 255 * n) throw new RangeError(`HKDF-Expand length ${length} out of range`);
  const out = new Uint8Array(length);
  let previous = new Uint8Array(0);
  let filled = 0;
  for (let i = 1; filled < length; i++) {
    const block = new Uint8Array(createHmac(hash, prk).update(previous).update(info).update(Uint8Array.of(i)).digest());
    out.set(block.subarray(0, Math.min(n, length - filled)), filled);
    filled += n;
    previous = block;
  }
  return out;
}

/** The HkdfLabel prefix of RFC 8446, and of the drafts before -20. */
export type LabelPrefix = 'tls13 ' | 'TLS 1.3, ';

/** How a TLS 1.3 version (final or draft) protects records, where the drafts differ from RFC 8446. */
export interface Tls13Rules {
  readonly labelPrefix: LabelPrefix;
  /** RFC 8446 §5.2 and drafts from -25: the record header is the AEAD additional data; earlier drafts use none. */
  readonly headerAad: boolean;
}

/**
 * The draft number a TLS 1.3 version names: 0x7f00 + n for draft-n; Facebook's 0xfb17 and
 * 0xfb1a are drafts 23 and 26; Google's 0x7eXX experiments were built on draft-18. Null for
 * RFC 8446 (0x0304) and anything else.
 */
export function tls13DraftNumber(version: number): number | null {
  if (version >= 0x7f00 && version <= 0x7fff) return version & 0xff;
  if (version === 0xfb17 || version === 0xfb1a) return version & 0xff;
  if (version >= 0x7e00 && version <= 0x7eff) return 18;
  return null;
}

/** The record protection rules of a TLS 1.3 version (see {@link Tls13Rules}). */
export function tls13DraftRules(version: number): Tls13Rules {
  const draft = tls13DraftNumber(version);
  if (draft === null) return { labelPrefix: 'tls13 ', headerAad: true };
  return { labelPrefix: draft < 20 ? 'TLS 1.3, ' : 'tls13 ', headerAad: draft >= 25 };
}

/** The HkdfLabel structure (RFC 8446 §7.1). */
export function hkdfLabel(label: string, context: Uint8Array, length: number, prefix: LabelPrefix): Uint8Array {
  const full = new TextEncoder().encode(`${prefix}${label}`);
  if (full.length > 255 || context.length > 255) throw new RangeError('HkdfLabel label or context too long');
  const out = new Uint8Array(2 + 1 + full.length + 1 + context.length);
  out[0] = (length >>> 8) & 0xff;
  out[1] = length & 0xff;
  out[2] = full.length;
  out.set(full, 3);
  out[3 + full.length] = context.length;
  out.set(context, 4 + full.length);
  return out;
}

/** HKDF-Expand-Label (RFC 8446 §7.1); `prefix` differs only in drafts before -20. */
export function hkdfExpandLabel(hash: HashName, secret: Uint8Array, label: string, context: Uint8Array, length: number, prefix: LabelPrefix = 'tls13 '): Uint8Array {
  return hkdfExpand(hash, secret, hkdfLabel(label, context, length, prefix), length);
}

/** Derive-Secret(Secret, Label, Messages), given the transcript hash of Messages (RFC 8446 §7.1). */
export function deriveSecret(hash: HashName, secret: Uint8Array, label: string, transcriptHash: Uint8Array): Uint8Array {
  return hkdfExpandLabel(hash, secret, label, transcriptHash, hashLength(hash));
}

/** Transcript-Hash of nothing: Hash(""), the context of Derive-Secret(., "derived", ""). */
export function emptyHash(hash: HashName): Uint8Array {
  return new Uint8Array(createHash(hash).update(new Uint8Array(0)).digest());
}

/** A traffic key and IV for one direction (RFC 8446 §7.3). */
export interface TrafficKeys {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

/** [sender]_write_key and [sender]_write_iv from a traffic secret (RFC 8446 §7.3). */
export function trafficKeys(hash: HashName, secret: Uint8Array, keyLength: number, ivLength = 12, prefix: LabelPrefix = 'tls13 '): TrafficKeys {
  return { key: hkdfExpandLabel(hash, secret, 'key', new Uint8Array(0), keyLength, prefix), iv: hkdfExpandLabel(hash, secret, 'iv', new Uint8Array(0), ivLength, prefix) };
}

/** application_traffic_secret_N+1 after a KeyUpdate (RFC 8446 §7.2). */
export function nextTrafficSecret(hash: HashName, secret: Uint8Array, prefix: LabelPrefix = 'tls13 '): Uint8Array {
  return hkdfExpandLabel(hash, secret, 'traffic upd', new Uint8Array(0), hashLength(hash), prefix);
}
