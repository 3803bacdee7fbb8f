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

/**
 * Room for `need` bytes: `bytes` itself when it is large enough, else a new array (twice the
 * size, at least `floor`, at most `cap`, never less than `need`) holding a copy of its first
 * `used` bytes. Doubling keeps data that arrives in many small pieces from being copied over
 * and over; the cap keeps a declared length from being overshot.
 */
export function withRoom(bytes: Uint8Array, used: number, need: number, floor = 0, cap = Infinity): Uint8Array {
  if (bytes.length >= need) return bytes;
  const grown = new Uint8Array(Math.max(need, Math.min(cap, Math.max(bytes.length * 2, floor))));
  grown.set(bytes.subarray(0, used));
  return grown;
}

/** Where `toHex` copies short inputs: a few dozen bytes copy for less than a Buffer object costs to make. */
const HEX_SCRATCH = Buffer.allocUnsafeSlow(256);

/** Lower-case hex of bytes (randoms and session ids, per hello), without a Buffer object per call when short. */
export function toHex(bytes: Uint8Array): string {
  if (bytes.length <= HEX_SCRATCH.length) {
    HEX_SCRATCH.set(bytes);
    return HEX_SCRATCH.toString('hex', 0, bytes.length);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Owned copies of small byte ranges carved out of shared slabs. A typed array over 64 bytes gets
 * its own off-heap backing store, several times dearer to make and to collect than a view of a
 * slab. A slab lives while any view of it does, so a slab should hold bytes of like lifetimes
 * (one slab per kind of data); nothing ever writes to the bytes a copy views.
 */
export class ByteSlab {
  private slab: Uint8Array;
  private used = 0;

  /** `size` bytes per slab; ranges of `minCopy`..`maxCopy` bytes go into slabs, others get their own copy. */
  constructor(
    private readonly size = 64 * 1024,
    private readonly maxCopy = 8 * 1024,
    private readonly minCopy = 65,
  ) {
    this.slab = new Uint8Array(size);
  }

  /** An owned copy of `bytes[start, end)`. */
  copy(bytes: Uint8Array, start = 0, end = bytes.length): Uint8Array {
    const n = end - start;
    if (n < this.minCopy || n > this.maxCopy) return bytes.slice(start, end);
    if (this.used + n > this.size) {
      this.slab = new Uint8Array(this.size);
      this.used = 0;
    }
    const out = this.slab.subarray(this.used, this.used + n);
    out.set(bytes.subarray(start, end));
    this.used += n;
    return out;
  }
}
