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

/** Dotted-quad text of the 4 bytes at `offset`. */
export function formatIpv4(bytes: Uint8Array, offset: number): string {
  return `${bytes[offset] ?? 0}.${bytes[offset + 1] ?? 0}.${bytes[offset + 2] ?? 0}.${bytes[offset + 3] ?? 0}`;
}

/** RFC 5952 text of the 16 bytes at `offset`. */
export function formatIpv6(bytes: Uint8Array, offset: number): string {
  // Find the longest run of zero groups (ties: the first), per RFC 5952 §4.2.3.
  let bestStart = -1;
  let bestLen = 0;
  let runStart = -1;
  for (let g = 0; g < 8; g++) {
    const zero = (bytes[offset + 2 * g] ?? 0) === 0 && (bytes[offset + 2 * g + 1] ?? 0) === 0;
    if (zero) {
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
  if (bestStart === 0 && bestLen === 5 && bytes[offset + 10] === 0xff && bytes[offset + 11] === 0xff) {
    return `::ffff:${formatIpv4(bytes, offset + 12)}`;
  }
  if (bestLen < 2) bestStart = -1;
  let out = '';
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      out += '::';
      g += bestLen - 1;
      continue;
    }
    if (out.length > 0 && !out.endsWith(':')) out += ':';
    out += (((bytes[offset + 2 * g] ?? 0) << 8) | (bytes[offset + 2 * g + 1] ?? 0)).toString(16);
  }
  return out;
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

  /** Dotted-quad text of the 4 bytes at `offset` (caller guarantees they are present). */
  ipv4(bytes: Uint8Array, offset: number): string {
    const key =
      (((bytes[offset] as number) << 24) | ((bytes[offset + 1] as number) << 16) | ((bytes[offset + 2] as number) << 8) | (bytes[offset + 3] as number)) >>> 0;
    const slot = (Math.imul(key, 0x9e3779b1) >>> 12) & this.mask;
    const hit = this.v4Text[slot];
    if (hit !== undefined && this.v4Keys[slot] === key) return hit;
    const text = formatIpv4(bytes, offset);
    this.v4Keys[slot] = key;
    this.v4Text[slot] = text;
    return text;
  }

  /** RFC 5952 text of the 16 bytes at `offset` (caller guarantees they are present). */
  ipv6(bytes: Uint8Array, offset: number): string {
    // FNV-1a over the 16 bytes.
    let h = 0x811c9dc5;
    for (let i = 0; i < 16; i++) h = Math.imul(h ^ (bytes[offset + i] as number), 0x01000193);
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
    for (let i = 0; i < 16; i++) keys[base + i] = bytes[offset + i] as number;
    this.v6Text[slot] = text;
    return text;
  }
}

/** Formats addresses; `AddressCache` is one, plain formatting is the other. */
export interface AddressFormatter {
  ipv4(bytes: Uint8Array, offset: number): string;
  ipv6(bytes: Uint8Array, offset: number): string;
}

/** Formatter without a cache (for one-off use and tests). */
export const plainAddressFormatter: AddressFormatter = { ipv4: formatIpv4, ipv6: formatIpv6 };
