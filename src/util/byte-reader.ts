import { u16At, u24At, u32At } from './wire-read.js';

/**
 * A cursor over bytes whose every read reports success, in the manner of Go's
 * cryptobyte.String: reads return `undefined` on short input and never throw.
 * Sub-readers are views: nothing is copied.
 */
export class ByteReader {
  private pos: number;
  private readonly end: number;

  /**
   * @param bytes the underlying bytes
   * @param start first readable index (default 0)
   * @param end one past the last readable index (default bytes.length)
   */
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
  ) {
    this.pos = Math.max(0, Math.min(start, bytes.length));
    this.end = Math.max(this.pos, Math.min(end, bytes.length));
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Index of the next byte within `bytes` (for offsets in anomalies). */
  get position(): number {
    return this.pos;
  }

  empty(): boolean {
    return this.pos >= this.end;
  }

  u8(): number | undefined {
    if (this.end - this.pos < 1) return undefined;
    return this.bytes[this.pos++];
  }

  u16(): number | undefined {
    const v = u16At(this.bytes, this.pos, this.end);
    if (v !== undefined) this.pos += 2;
    return v;
  }

  u24(): number | undefined {
    const v = u24At(this.bytes, this.pos, this.end);
    if (v !== undefined) this.pos += 3;
    return v;
  }

  u32(): number | undefined {
    const v = u32At(this.bytes, this.pos, this.end);
    if (v !== undefined) this.pos += 4;
    return v;
  }

  /** A view of the next n bytes. */
  bytesView(n: number): Uint8Array | undefined {
    if (n < 0 || this.end - this.pos < n) return undefined;
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A reader over the next n bytes; this reader moves past them. */
  sub(n: number): ByteReader | undefined {
    if (n < 0 || this.end - this.pos < n) return undefined;
    const r = new ByteReader(this.bytes, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }

  skip(n: number): boolean {
    if (n < 0 || this.end - this.pos < n) return false;
    this.pos += n;
    return true;
  }

  /** `opaque x<0..2^8-1>`: a reader over a vector with a 1-byte length. */
  vec8(): ByteReader | undefined {
    const save = this.pos;
    const n = this.u8();
    if (n === undefined) return undefined;
    const r = this.sub(n);
    if (r === undefined) this.pos = save;
    return r;
  }

  /** `opaque x<0..2^16-1>`: a reader over a vector with a 2-byte length. */
  vec16(): ByteReader | undefined {
    const save = this.pos;
    const n = this.u16();
    if (n === undefined) return undefined;
    const r = this.sub(n);
    if (r === undefined) this.pos = save;
    return r;
  }

  /** `opaque x<0..2^24-1>`: a reader over a vector with a 3-byte length. */
  vec24(): ByteReader | undefined {
    const save = this.pos;
    const n = this.u24();
    if (n === undefined) return undefined;
    const r = this.sub(n);
    if (r === undefined) this.pos = save;
    return r;
  }

  /** The unread bytes as a view, consuming them. */
  rest(): Uint8Array {
    const v = this.bytes.subarray(this.pos, this.end);
    this.pos = this.end;
    return v;
  }

  /** The unread bytes as a view, without consuming them. */
  peekRest(): Uint8Array {
    return this.bytes.subarray(this.pos, this.end);
  }
}
