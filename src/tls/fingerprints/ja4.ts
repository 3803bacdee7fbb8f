/**
 * JA4 client fingerprint (FoxIO-LLC/ja4 `technical_details/JA4.md`, BSD-3-Clause) and its raw forms.
 * JA4S and the other JA4+ methods are under a different licence and are not implemented.
 *
 *   JA4 = a_b_c
 *   a = protocol (t|q|d) · version (13, 12, …) · SNI (d|i) · cipher count (2 digits) · extension count (2 digits) · ALPN (2 chars)
 *   b = sha256(sorted 4-hex cipher list, comma-joined)[:12]
 *   c = sha256(sorted 4-hex extension list without SNI and ALPN + "_" + signature algorithms in wire order)[:12]
 * GREASE is removed everywhere; counts are capped at 99.
 */
import { createHash } from 'node:crypto';
import type { ClientHello } from '../handshake/client-hello.js';
import { isGrease } from '../registry/names.js';
import { ClearingCache } from '../../util/clearing-cache.js';

/** JA4 and its raw and original-order variants. */
export interface Ja4Result {
  /** a_b_c with sorted lists hashed. */
  readonly ja4: string;
  /** JA4_r: a_b_c with the sorted lists in clear. */
  readonly ja4_r: string;
  /** JA4_o: original wire order (SNI and ALPN kept in the extension list), hashed. */
  readonly ja4_o: string;
  /** JA4_ro: original order in clear. */
  readonly ja4_ro: string;
}

const EXT_SNI = 0x0000;
const EXT_ALPN = 0x0010;
const EMPTY_HASH = '000000000000';

const VERSION_CODES = new Map<number, string>([
  [0x0304, '13'],
  [0x0303, '12'],
  [0x0302, '11'],
  [0x0301, '10'],
  [0x0300, 's3'],
  [0x0002, 's2'],
  [0xfeff, 'd1'],
  [0xfefd, 'd2'],
  [0xfefc, 'd3'],
]);

/** Two hex digits per byte value, so a 16-bit value is two lookups instead of toString + padStart. */
const HEX2: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function hex4(n: number): string {
  return (HEX2[(n >>> 8) & 0xff] as string) + (HEX2[n & 0xff] as string);
}

/**
 * Most captures repeat a handful of client stacks, so the same list strings come back connection after
 * connection: remember their hashes. Bounded; when full it is cleared (stays correct, only slower).
 */
const MAX_JA4_HASH_CACHE = 4096;
/** Longer inputs are hashed each time, so the cache holds at most ~4096 × 2 KiB characters. */
const MAX_JA4_HASH_CACHE_INPUT_LENGTH = 2048;
const sha12Cache = new ClearingCache<string, string>(MAX_JA4_HASH_CACHE);

function sha12(text: string): string {
  const hit = sha12Cache.get(text);
  if (hit !== undefined) return hit;
  const h = createHash('sha256').update(text, 'latin1').digest('hex').slice(0, 12);
  if (text.length <= MAX_JA4_HASH_CACHE_INPUT_LENGTH) {
    sha12Cache.set(text, h);
  }
  return h;
}

function count2(n: number): string {
  return String(Math.min(n, 99)).padStart(2, '0');
}

function isAlnum(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/**
 * The two ALPN characters: first and last character of the first value; `00` when absent or empty.
 * When either end byte is not ASCII alphanumeric, the first and last hex digits of the value are used
 * (JA4.md; e.g. 0xAB → `ab`, 0x30 0xAB → `3b`). A one-character value gives that character twice.
 */
export function ja4Alpn(first: Uint8Array | undefined): string {
  const a = first?.[0];
  const z = first?.[first.length - 1];
  if (first === undefined || a === undefined || z === undefined) return '00';
  if (isAlnum(a) && isAlnum(z)) return String.fromCharCode(a) + String.fromCharCode(z);
  const hex = Array.from(first, (b) => b.toString(16).padStart(2, '0')).join('');
  return (hex[0] as string) + (hex[hex.length - 1] as string);
}

/** The JA4 version code: highest non-GREASE supported_versions value if the extension is present, else legacy_version. */
export function ja4Version(hello: ClientHello): string {
  let version = hello.legacyVersion;
  if (hello.supportedVersions !== null) {
    let max = Number.NEGATIVE_INFINITY;
    for (const v of hello.supportedVersions) if (!isGrease(v) && v > max) max = v;
    if (max !== Number.NEGATIVE_INFINITY) version = max;
  }
  return VERSION_CODES.get(version) ?? '00';
}

/** `values` as comma-joined 4-hex-digit strings, optionally skipping SNI and ALPN (one string, no arrays). */
function hexList(values: readonly number[], skipSniAlpn: boolean): string {
  let out = '';
  for (const v of values) {
    if (skipSniAlpn && (v === EXT_SNI || v === EXT_ALPN)) continue;
    out = out.length === 0 ? hex4(v) : `${out},${hex4(v)}`;
  }
  return out;
}

const ascending = (x: number, y: number): number => x - y;

/**
 * JA4 of a ClientHello. `protocol` is `t` for TLS over TCP (the default), `q` for QUIC, `d` for DTLS.
 * Not remembered here: a hello's fingerprints are remembered with its shape (analysis/hello-shape.ts).
 */
export function ja4(hello: ClientHello, protocol: 't' | 'q' | 'd' = 't'): Ja4Result {
  // One pass per list (this runs for every ClientHello): GREASE out, SNI seen, nothing else allocated.
  const ciphers: number[] = [];
  for (const c of hello.cipherSuites) if (c <= 0xffff && !isGrease(c)) ciphers.push(c);
  const extTypes: number[] = [];
  let hasSni = false;
  for (const e of hello.extensions) {
    if (e.type === EXT_SNI) hasSni = true;
    if (!isGrease(e.type)) extTypes.push(e.type);
  }
  const sigalgs: number[] = [];
  for (const v of hello.signatureAlgorithms ?? []) {
    if (!isGrease(v)) sigalgs.push(v);
  }

  const a = `${protocol}${ja4Version(hello)}${hasSni ? 'd' : 'i'}${count2(ciphers.length)}${count2(extTypes.length)}${ja4Alpn(hello.alpnRaw?.[0])}`;

  const cipherOriginal = hexList(ciphers, false);
  const extOriginal = hexList(extTypes, false);
  const cipherSorted = hexList([...ciphers].sort(ascending), false);
  const extSorted = hexList([...extTypes].sort(ascending), true);
  const sig = hexList(sigalgs, false);

  const cPart = (exts: string): string => (sig.length > 0 ? `${exts}_${sig}` : exts);
  const hashOrEmpty = (list: string, input: string): string => (list.length === 0 ? EMPTY_HASH : sha12(input));

  const bSorted = hashOrEmpty(cipherSorted, cipherSorted);
  const bOriginal = hashOrEmpty(cipherOriginal, cipherOriginal);
  const cSorted = extSorted.length === 0 && sig.length === 0 ? EMPTY_HASH : sha12(cPart(extSorted));
  const cOriginal = extOriginal.length === 0 && sig.length === 0 ? EMPTY_HASH : sha12(cPart(extOriginal));

  return {
    ja4: `${a}_${bSorted}_${cSorted}`,
    ja4_r: `${a}_${cipherSorted}_${cPart(extSorted)}`,
    ja4_o: `${a}_${bOriginal}_${cOriginal}`,
    ja4_ro: `${a}_${cipherOriginal}_${cPart(extOriginal)}`,
  };
}
