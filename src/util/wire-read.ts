/**
 * Checked big-endian reads at a fixed offset, for the decoders that run once per packet or per
 * record (link, IP, TCP and UDP headers, the TLS record header), where a `ByteReader` per
 * header would cost an object for every packet.
 *
 * One discipline: every read returns `number | undefined`, and `undefined` whenever one of its
 * bytes lies outside `[0, end)` (`end` defaults to the array's length and never reaches past
 * it). The type makes the caller handle a short input: `bytes[i] as number` silently turned a
 * missed length check into zeros, and a `DataView` would throw a RangeError, which a decoder
 * must never do on input bytes. A header decoder reads its fields first and fails once when any
 * of them is `undefined`, so the read is the length check.
 */

/** The byte at `at`, or `undefined` when `at` is outside `[0, end)`. */
export function u8At(bytes: Uint8Array, at: number, end: number = bytes.length): number | undefined {
  return at < end ? bytes[at] : undefined;
}

/** The big-endian u16 at `at`, or `undefined` when its bytes are not all inside `[0, end)`. */
export function u16At(bytes: Uint8Array, at: number, end: number = bytes.length): number | undefined {
  if (at + 2 > end) return undefined;
  const b0 = bytes[at];
  const b1 = bytes[at + 1];
  if (b0 === undefined || b1 === undefined) return undefined;
  return (b0 << 8) | b1;
}

/** The big-endian u24 at `at`, or `undefined` when its bytes are not all inside `[0, end)`. */
export function u24At(bytes: Uint8Array, at: number, end: number = bytes.length): number | undefined {
  if (at + 3 > end) return undefined;
  const b0 = bytes[at];
  const b1 = bytes[at + 1];
  const b2 = bytes[at + 2];
  if (b0 === undefined || b1 === undefined || b2 === undefined) return undefined;
  return (b0 << 16) | (b1 << 8) | b2;
}

/** The big-endian u32 at `at` (0..2^32-1), or `undefined` when its bytes are not all inside `[0, end)`. */
export function u32At(bytes: Uint8Array, at: number, end: number = bytes.length): number | undefined {
  if (at + 4 > end) return undefined;
  const b0 = bytes[at];
  const b1 = bytes[at + 1];
  const b2 = bytes[at + 2];
  const b3 = bytes[at + 3];
  if (b0 === undefined || b1 === undefined || b2 === undefined || b3 === undefined) return undefined;
  // Multiplying the top byte keeps the value unsigned; `<< 24` would make it negative.
  return b0 * 0x1000000 + ((b1 << 16) | (b2 << 8) | b3);
}
