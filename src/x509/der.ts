/**
 * A minimal DER reader (ITU-T X.690 §8.1, §10) for the few places where exact
 * bytes matter: distinguished names on the TLS wire, and locating issuer/subject
 * inside a certificate that the full parser rejected. Every read reports failure
 * by returning `undefined`; nothing throws, nothing is copied.
 *
 *   TLV  = identifier octets | length octets | contents octets
 *   identifier: class(2) constructed(1) tag(5), tag 31 = high-tag-number form
 *   length: short form (0..127) or long form 0x81..0x84 (DER forbids indefinite 0x80)
 */

import { toHex } from '../util/bytes.js';
import { u8At } from '../util/wire-read.js';

/** One decoded TLV; `value` and `tlv` are views into the input. */
export interface DerElement {
  /** Identifier octet for low tags (e.g. 0x30 SEQUENCE); for high tags, the first identifier octet. */
  readonly tag: number;
  /** Tag number (for high-tag-number form, the decoded number). */
  readonly tagNumber: number;
  readonly constructed: boolean;
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  readonly tagClass: number;
  /** Contents octets. */
  readonly value: Uint8Array;
  /** The whole element: identifier, length and contents. */
  readonly tlv: Uint8Array;
  /** Offset of the element's first byte in the input given to {@link readDer}. */
  readonly start: number;
  /** Offset one past the element's last byte. */
  readonly end: number;
}

/** Universal tags used by the callers. */
export const DER = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  NUMERIC_STRING: 0x12,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** High tag numbers above this are not plausible in certificates; refuse them rather than loop. */
const MAX_TAG_OCTETS = 4;

/**
 * Reads one TLV at `offset` (bounded by `end`).
 * Returns undefined on short input, indefinite length or a length over 2^32-1.
 */
export function readDer(bytes: Uint8Array, offset = 0, end = bytes.length): DerElement | undefined {
  const limit = Math.min(end, bytes.length);
  let p = offset;
  const tag = u8At(bytes, p++, limit);
  if (tag === undefined) return undefined;
  let tagNumber = tag & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let octets = 0; ; octets++) {
      const b = octets < MAX_TAG_OCTETS ? u8At(bytes, p++, limit) : undefined;
      if (b === undefined) return undefined;
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  const first = u8At(bytes, p++, limit);
  if (first === undefined) return undefined;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const n = first & 0x7f;
    // n = 0 is BER's indefinite form; more than 4 octets cannot describe anything in memory.
    if (n === 0 || n > 4) return undefined;
    length = 0;
    for (let i = 0; i < n; i++) {
      const b = u8At(bytes, p++, limit);
      if (b === undefined) return undefined;
      length = length * 256 + b;
    }
  }
  if (limit - p < length) return undefined;
  const valueEnd = p + length;
  return {
    tag,
    tagNumber,
    constructed: (tag & 0x20) !== 0,
    tagClass: tag >> 6,
    value: bytes.subarray(p, valueEnd),
    tlv: bytes.subarray(offset, valueEnd),
    start: offset,
    end: valueEnd,
  };
}

/**
 * The elements inside a constructed value, in order. `complete` is false when
 * bytes were left that do not form a TLV (the elements before them are still returned).
 * The number of elements is bounded by the input length (each takes at least 2 bytes).
 */
export function readDerChildren(value: Uint8Array): { elements: DerElement[]; complete: boolean } {
  const elements: DerElement[] = [];
  let p = 0;
  while (p < value.length) {
    const e = readDer(value, p);
    if (e === undefined) return { elements, complete: false };
    elements.push(e);
    p = e.end;
  }
  return { elements, complete: true };
}

/** Dotted-decimal form of OBJECT IDENTIFIER contents (X.690 §8.19), or undefined when malformed. */
export function decodeOid(value: Uint8Array): string | undefined {
  if (value.length === 0) return undefined;
  const arcs: string[] = [];
  let acc = 0n;
  let first = true;
  let inArc = false;
  for (const b of value) {
    // A leading 0x80 is a non-minimal encoding, which DER forbids.
    if (!inArc && b === 0x80) return undefined;
    acc = (acc << 7n) | BigInt(b & 0x7f);
    inArc = true;
    if ((b & 0x80) === 0) {
      if (first) {
        // X.690 §8.19.4: the first subidentifier packs the first two arcs.
        if (acc < 40n) arcs.push('0', acc.toString());
        else if (acc < 80n) arcs.push('1', (acc - 40n).toString());
        else arcs.push('2', (acc - 80n).toString());
        first = false;
      } else {
        arcs.push(acc.toString());
      }
      acc = 0n;
      inArc = false;
    }
  }
  return inArc ? undefined : arcs.join('.');
}

/** Lower-case hex of bytes (the shared helper, re-exported for the x509 modules). */
export { toHex };
