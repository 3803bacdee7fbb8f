/**
 * A bounded cache of certificate summaries keyed by the DER itself: the same server and CA
 * certificates appear on thousands of connections of one capture, and parsing X.509
 * is the costliest step per connection. Validity at the capture time is recomputed on
 * every lookup (it is cheap and differs per connection).
 */
import { createHash } from 'node:crypto';
import type { Timestamp } from '../util/time.js';
import { atCaptureTime, certificateFacts, type CertificateFacts, type CertificateSummary, type SummaryOptions } from './certificate-summary.js';

/** Default of `maxEntries`: about 1–3 KB of strings and DER per entry, so a few MB at most. */
export const DEFAULT_CERTIFICATE_CACHE_ENTRIES = 1024;

/**
 * DERs up to this size are found by a numeric key (a hash of their length and last bytes: the
 * end of the signature) and confirmed by comparing their bytes with a kept copy: far cheaper than
 * hashing them on every lookup, and no string or buffer is made per lookup. Longer ones (rare;
 * their copies would weigh) key by SHA-256.
 */
export const MAX_BYTE_KEY_LENGTH = 8192;
/** Trailing bytes in the short key: the signature's last bytes tell certificates apart. */
const TAIL_BYTES = 32;

/** Options of {@link CertificateCache}. */
export interface CertificateCacheOptions extends SummaryOptions {
  /** Summaries kept (default 1024); the least recently used is dropped first. */
  readonly maxEntries?: number;
}

/** One certificate's facts, and the summary last handed out (reused while its capture-time facts repeat). */
interface Entry {
  /** The key it was stored under, re-used when a hit moves it to the back (see summarize). */
  readonly key: CacheKey;
  /** A copy of the DER behind a short key (null behind a SHA-256 key): what a lookup compares. */
  readonly der: Uint8Array | null;
  readonly facts: CertificateFacts;
  last: CertificateSummary | null;
}

/** A short key (a number) or a SHA-256 key (a string): the two never collide. */
type CacheKey = number | string;

/** A SHA-256 key: a string, so it never meets a short key (a number). */
function hashKey(der: Uint8Array): string {
  return `#${createHash('sha256').update(der).digest('hex')}`;
}

/**
 * The short key: FNV-1a over the length and the last bytes, as a 32-bit number. Only a hint:
 * entries behind it are confirmed byte for byte.
 */
function shortKey(der: Uint8Array): number {
  const n = der.length;
  let h = Math.imul(0x811c9dc5 ^ (n & 0xffff), 0x01000193);
  for (let i = Math.max(0, n - TAIL_BYTES); i < n; i++) h = Math.imul(h ^ (der[i] as number), 0x01000193);
  return h >>> 0;
}

/** Whether two byte arrays hold the same bytes (one native compare; Buffer.compare takes any Uint8Array). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** LRU cache of certificate summaries (a Map keeps insertion order; a hit re-inserts). */
export class CertificateCache {
  private readonly entries = new Map<CacheKey, Entry>();
  private readonly maxEntries: number;
  private hitCount = 0;
  private missCount = 0;

  constructor(private readonly options: CertificateCacheOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_CERTIFICATE_CACHE_ENTRIES);
  }

  /** The summary of a DER certificate at the capture time, parsed once per distinct certificate. */
  summarize(der: Uint8Array, captureTime?: Timestamp): CertificateSummary {
    const entry = this.lookup(der);
    // Summaries are read-only: one object per distinct validity and days-to-expiry, not a copy per connection.
    const summary = atCaptureTime(entry.facts, captureTime, entry.last ?? undefined);
    entry.last = summary;
    return summary;
  }

  private lookup(der: Uint8Array): Entry {
    if (der.length <= MAX_BYTE_KEY_LENGTH) {
      const key = shortKey(der);
      const found = this.entries.get(key);
      // An unpooled copy: entries live long, and a view of a slab would pin the slab's other bytes.
      if (found === undefined) return this.insert(key, new Uint8Array(der), der);
      if (found.der !== null && sameBytes(found.der, der)) return this.hit(found);
      // Same hash, other bytes (a crafted capture, or a rare collision): kept by SHA-256 instead.
    }
    const key = hashKey(der);
    const found = this.entries.get(key);
    return found === undefined ? this.insert(key, null, der) : this.hit(found);
  }

  private insert(key: CacheKey, copy: Uint8Array | null, der: Uint8Array): Entry {
    this.missCount++;
    const entry: Entry = { key, der: copy, facts: certificateFacts(der, this.options), last: null };
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, entry);
    return entry;
  }

  private hit(entry: Entry): Entry {
    this.hitCount++;
    // Re-inserted under its stored key: for a SHA-256 key, the long-lived map then never points to this lookup's fresh string.
    this.entries.delete(entry.key);
    this.entries.set(entry.key, entry);
    return entry;
  }

  /** Summaries currently kept. */
  get size(): number {
    return this.entries.size;
  }

  /** Lookups answered from the cache and lookups that parsed. */
  stats(): { hits: number; misses: number } {
    return { hits: this.hitCount, misses: this.missCount };
  }
}
