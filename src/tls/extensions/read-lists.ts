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

/** Latin-1 text of wire bytes: every byte maps to one character, so nothing is lost or throws. */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}
