/** Small byte helpers shared by every stage. */

/** Joins byte arrays into one new array. */
export function concatBytes(pieces: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of pieces) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Lower-case hex of bytes, through a Buffer view of the same memory (no copy, no per-byte strings). */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
