/**
 * Address text: dotted-quad IPv4 and RFC 5952 canonical IPv6.
 *
 * RFC 5952 §4: lowercase hex, no leading zeros in a group, the longest run of two or more
 * all-zero groups replaced by "::" (the first such run on a tie), a single zero group never
 * compressed. §5: IPv4-mapped addresses (::ffff:0:0/96) keep the IPv4 part dotted.
 *
 * Flow keys are built from these strings for every packet, so `AddressCache` returns the same
 * string instance for the same bytes without allocating on a hit.
 */
import { u16At, u32At, u8At } from '../util/wire-read.js';

/** Dotted-quad text of the 4 bytes at `offset`, or `undefined` when they are not all there. */
export function formatIpv4(bytes: Uint8Array, offset: number): string | undefined {
  const high = u16At(bytes, offset);
  const low = u16At(bytes, offset + 2);
  if (high === undefined || low === undefined) return undefined;
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** RFC 5952 text of the 16 bytes at `offset`, or `undefined` when they are not all there. */
export function formatIpv6(bytes: Uint8Array, offset: number): string | undefined {
  const groups: number[] = [];
  for (let g = 0; g < 8; g++) {
    const group = u16At(bytes, offset + 2 * g);
    if (group === undefined) return undefined;
    groups.push(group);
  }
  // Find the longest run of zero groups (ties: the first), per RFC 5952 §4.2.3.
  let bestStart = -1;
  let bestLen = 0;
  let runStart = -1;
  for (const [g, group] of groups.entries()) {
    if (group === 0) {
      if (runStart < 0) runStart = g;
      const len = g - runStart + 1;
      if (len > bestLen) {
        bestLen = len;
        bestStart = runStart;
      }
    } else {
      runStart = -1;
    }
  }
  // IPv4-mapped ::ffff:a.b.c.d (RFC 5952 §5, RFC 4291 §2.5.5.2).
  if (bestStart === 0 && bestLen === 5 && groups[5] === 0xffff) {
    const v4 = formatIpv4(bytes, offset + 12);
    return v4 === undefined ? undefined : `::ffff:${v4}`;
  }
  const parts = groups.map((group) => group.toString(16));
  if (bestLen < 2) return parts.join(':');
  return `${parts.slice(0, bestStart).join(':')}::${parts.slice(bestStart + bestLen).join(':')}`;
}

/** Default number of slots in each `AddressCache` table. */
const ADDRESS_CACHE_SLOTS = 4096;

/**
 * Direct-mapped caches of address text keyed by the address bytes. A hit costs a hash and a
 * compare and allocates nothing; a miss formats and overwrites the slot. Memory is fixed:
 * `slots` strings per family.
 */
export class AddressCache {
  private readonly mask: number;
  private readonly v4Keys: Uint32Array;
  private readonly v4Text: (string | undefined)[];
  private readonly v6Keys: Uint8Array;
  private readonly v6Text: (string | undefined)[];

  /** @param slots table size per family, rounded up to a power of two (default 4096). */
  constructor(slots = ADDRESS_CACHE_SLOTS) {
    let n = 16;
    while (n < slots && n < 1 << 20) n <<= 1;
    this.mask = n - 1;
    this.v4Keys = new Uint32Array(n);
    this.v4Text = new Array<string | undefined>(n).fill(undefined);
    this.v6Keys = new Uint8Array(n * 16);
    this.v6Text = new Array<string | undefined>(n).fill(undefined);
  }

  /** Dotted-quad text of the 4 bytes at `offset`, or `undefined` when they are not all there. */
  ipv4(bytes: Uint8Array, offset: number): string | undefined {
    const key = u32At(bytes, offset);
    if (key === undefined) return undefined;
    const slot = (Math.imul(key, 0x9e3779b1) >>> 12) & this.mask;
    const hit = this.v4Text[slot];
    if (hit !== undefined && this.v4Keys[slot] === key) return hit;
    const text = formatIpv4(bytes, offset);
    if (text === undefined) return undefined;
    this.v4Keys[slot] = key;
    this.v4Text[slot] = text;
    return text;
  }

  /** RFC 5952 text of the 16 bytes at `offset`, or `undefined` when they are not all there. */
  ipv6(bytes: Uint8Array, offset: number): string | undefined {
    // FNV-1a over the 16 bytes.
    let h = 0x811c9dc5;
    for (let i = 0; i < 16; i++) {
      const b = u8At(bytes, offset + i);
      if (b === undefined) return undefined;
      h = Math.imul(h ^ b, 0x01000193);
    }
    const slot = (h >>> 0) & this.mask;
    const base = slot * 16;
    const keys = this.v6Keys;
    const hit = this.v6Text[slot];
    if (hit !== undefined) {
      let same = true;
      for (let i = 0; i < 16; i++) {
        if (keys[base + i] !== bytes[offset + i]) {
          same = false;
          break;
        }
      }
      if (same) return hit;
    }
    const text = formatIpv6(bytes, offset);
    if (text === undefined) return undefined;
    keys.set(bytes.subarray(offset, offset + 16), base);
    this.v6Text[slot] = text;
    return text;
  }
}

/** Formats addresses; `AddressCache` is one, plain formatting is the other. */
export interface AddressFormatter {
  /** Text of the 4 bytes at `offset`, or `undefined` when they are not all there. */
  ipv4(bytes: Uint8Array, offset: number): string | undefined;
  /** Text of the 16 bytes at `offset`, or `undefined` when they are not all there. */
  ipv6(bytes: Uint8Array, offset: number): string | undefined;
}

/** Formatter without a cache (for one-off use and tests). */
export const plainAddressFormatter: AddressFormatter = { ipv4: formatIpv4, ipv6: formatIpv6 };
