/**
 * A bounded cache of certificate summaries keyed by the DER itself: the same server and CA
 * certificates appear on thousands of connections of one capture, and parsing X.509
 * is the costliest step per connection. Validity at the capture time is recomputed on
 * every lookup (it is cheap and differs per connection).
 */
import { createHash } from 'node:crypto';
import type { Timestamp } from '../util/time.js';
import { atCaptureTime, certificateFacts, type CertificateFacts, type CertificateSummary, type SummaryOptions } from './certificate-summary.js';

/** Default of `maxEntries`: about 1–3 KB of strings per entry, so a few MB at most. */
export const DEFAULT_CERTIFICATE_CACHE_ENTRIES = 1024;

/**
 * DERs up to this size are their own key (one byte per character): cheaper than hashing them
 * on every lookup, and at most ~8 MB of keys at the default size. Longer ones key by SHA-256.
 */
export const MAX_BYTE_KEY_LENGTH = 8192;

/** Options of {@link CertificateCache}. */
export interface CertificateCacheOptions extends SummaryOptions {
  /** Summaries kept (default 1024); the least recently used is dropped first. */
  readonly maxEntries?: number;
}

/** One certificate's facts, and the summary last handed out (reused while its capture-time facts repeat). */
interface Entry {
  /** The key it was stored under, re-used when a hit moves it to the back (see summarize). */
  readonly key: string;
  readonly facts: CertificateFacts;
  last: CertificateSummary | null;
}

/** The cache key of a DER: its bytes as latin1 text, or (long ones) a SHA-256 hex with a prefix no latin1 text has. */
function derKey(der: Uint8Array): string {
  if (der.length <= MAX_BYTE_KEY_LENGTH) return Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1');
  return `\u0100${createHash('sha256').update(der).digest('hex')}`;
}

/** LRU cache of certificate summaries (a Map keeps insertion order; a hit re-inserts). */
export class CertificateCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private hitCount = 0;
  private missCount = 0;

  constructor(private readonly options: CertificateCacheOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_CERTIFICATE_CACHE_ENTRIES);
  }

  /** The summary of a DER certificate at the capture time, parsed once per distinct certificate. */
  summarize(der: Uint8Array, captureTime?: Timestamp): CertificateSummary {
    const key = derKey(der);
    let entry = this.entries.get(key);
    if (entry !== undefined) {
      this.hitCount++;
      // Re-inserted under its stored key: the long-lived map then never points to this lookup's fresh key string.
      this.entries.delete(entry.key);
      this.entries.set(entry.key, entry);
    } else {
      this.missCount++;
      entry = { key, facts: certificateFacts(der, this.options), last: null };
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next();
        if (oldest.done !== true) this.entries.delete(oldest.value);
      }
      this.entries.set(key, entry);
    }
    // Summaries are read-only: one object per distinct validity and days-to-expiry, not a copy per connection.
    const summary = atCaptureTime(entry.facts, captureTime, entry.last ?? undefined);
    entry.last = summary;
    return summary;
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
