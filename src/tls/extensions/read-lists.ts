/** Readers for the integer lists most extensions are made of. */
import type { ByteReader } from '../../util/byte-reader.js';

/** All of `r` as uint16 values; undefined when the byte count is odd. */
export function readU16s(r: ByteReader): number[] | undefined {
  if (r.remaining % 2 !== 0) return undefined;
  const out: number[] = [];
  while (!r.empty()) out.push(r.u16() as number);
  return out;
}

/** All of `r` as uint8 values. */
export function readU8s(r: ByteReader): number[] {
  // A plain loop: Array.from walks a typed array through the iterator protocol, several times slower.
  const bytes = r.rest();
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i] as number);
  return out;
}

/** Latin-1 text of wire bytes: every byte maps to one character, so nothing is lost or throws. */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i] as number);
  return s;
}
