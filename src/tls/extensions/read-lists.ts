/** Readers for the integer lists most extensions are made of. */
import type { ByteReader } from '../../util/byte-reader.js';

/** All of `r` as uint16 values; undefined when the byte count is odd. */
export function readU16s(r: ByteReader): number[] | undefined {
  const out: number[] = [];
  while (!r.empty()) {
    const v = r.u16();
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/** All of `r` as uint8 values. */
export function readU8s(r: ByteReader): number[] {
  // A loop that pushes: Array.from with a typed array goes through the iterator protocol, several times slower.
  const out: number[] = [];
  for (const b of r.rest()) out.push(b);
  return out;
}

/** Bytes per `String.fromCharCode` call: well within any engine's limit on arguments. */
const LATIN1_CHUNK = 1024;

/**
 * Latin-1 text of wire bytes: every byte maps to one character, so nothing is lost or throws.
 * Made by whole chunks of bytes, not a character at a time: one flat string instead of a chain
 * of one-character pieces (a host name, an ALPN name, per hello).
 */
export function latin1(bytes: Uint8Array): string {
  if (bytes.length <= LATIN1_CHUNK) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let s = '';
  for (let i = 0; i < bytes.length; i += LATIN1_CHUNK) s += String.fromCharCode.apply(null, bytes.subarray(i, i + LATIN1_CHUNK) as unknown as number[]);
  return s;
}
