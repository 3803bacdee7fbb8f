/**
 * A small BER reader (ITU-T X.690 §8) for key stores: PKCS#12 files written by Windows and
 * some Java versions use indefinite lengths and constructed OCTET STRINGs, which DER forbids.
 * Every read returns `undefined` on malformed or short input; nothing throws.
 *
 *   TLV    = identifier | length | contents
 *   length = short form 0..127 | long form 0x81..0x84 | indefinite 0x80 … end-of-contents 00 00
 */
import { u8At } from '../../util/wire-read.js';
import { decodeOid } from '../der.js';

/** One element; `value` views the contents (for the indefinite form, up to the end-of-contents). */
export interface BerElement {
  /** First identifier octet (class, constructed bit and low tag number). */
  readonly tag: number;
  readonly constructed: boolean;
  readonly value: Uint8Array;
  /** Offset one past the element in the input given to {@link readBer}. */
  readonly end: number;
}

/** Nesting of indefinite-length elements followed at most; real stores nest fewer than ten. */
const MAX_BER_DEPTH = 24;
/** Elements read per constructed value at most (a store with more entries is refused). */
const MAX_BER_CHILDREN = 100_000;

/** Universal and context tags the key store readers use. */
export const BER = {
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  OCTET_STRING_CONSTRUCTED: 0x24,
  NULL: 0x05,
  OID: 0x06,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
  CONTEXT_0: 0xa0,
  CONTEXT_0_PRIMITIVE: 0x80,
} as const;

/** Reads one element at `offset`. */
export function readBer(bytes: Uint8Array, offset = 0, end = bytes.length, depth = 0): BerElement | undefined {
  const limit = Math.min(end, bytes.length);
  if (depth > MAX_BER_DEPTH) return undefined;
  let p = offset;
  const tag = u8At(bytes, p++, limit);
  const first = u8At(bytes, p++, limit);
  // High tag numbers do not occur in key stores.
  if (tag === undefined || first === undefined || (tag & 0x1f) === 0x1f) return undefined;
  const constructed = (tag & 0x20) !== 0;
  if (first === 0x80) {
    if (!constructed) return undefined;
    const start = p;
    let count = 0;
    while (p + 2 <= limit) {
      if (bytes[p] === 0 && bytes[p + 1] === 0) return { tag, constructed, value: bytes.subarray(start, p), end: p + 2 };
      const child = readBer(bytes, p, limit, depth + 1);
      if (child === undefined || ++count > MAX_BER_CHILDREN) return undefined;
      p = child.end;
    }
    return undefined;
  }
  let length: number;
  if (first < 0x80) length = first;
  else {
    const n = first & 0x7f;
    if (n > 4) return undefined;
    length = 0;
    for (let i = 0; i < n; i++) {
      const b = u8At(bytes, p++, limit);
      if (b === undefined) return undefined;
      length = length * 256 + b;
    }
  }
  if (limit - p < length) return undefined;
  return { tag, constructed, value: bytes.subarray(p, p + length), end: p + length };
}

/** The elements of a constructed value; undefined when any of it does not parse. */
export function berChildren(e: BerElement | undefined, depth = 0): BerElement[] | undefined {
  if (e === undefined || !e.constructed) return undefined;
  const out: BerElement[] = [];
  let p = 0;
  while (p < e.value.length) {
    const child = readBer(e.value, p, e.value.length, depth + 1);
    if (child === undefined || out.length >= MAX_BER_CHILDREN) return undefined;
    out.push(child);
    p = child.end;
  }
  return out;
}

/** The bytes of an OCTET STRING (or an implicitly tagged one), joining the segments of the constructed form. */
export function berOctets(e: BerElement | undefined, depth = 0): Uint8Array | undefined {
  if (e === undefined) return undefined;
  if (!e.constructed) return e.value;
  if (depth > MAX_BER_DEPTH) return undefined;
  const parts = berChildren(e, depth);
  if (parts === undefined) return undefined;
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    const bytes = berOctets(part, depth + 1);
    if (bytes === undefined) return undefined;
    chunks.push(bytes);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

/** Dotted OID of an OBJECT IDENTIFIER element. */
export function berOid(e: BerElement | undefined): string | undefined {
  return e?.tag === BER.OID ? decodeOid(e.value) : undefined;
}

/** A small non-negative INTEGER (iteration counts, versions), or undefined when it does not fit 2^48. */
export function berInt(e: BerElement | undefined): number | undefined {
  const lead = e?.value[0];
  if (e?.tag !== BER.INTEGER || lead === undefined || e.value.length > 7 || (lead & 0x80) !== 0) return undefined;
  let n = 0;
  for (const b of e.value) n = n * 256 + b;
  return n;
}
