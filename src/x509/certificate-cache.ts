/**
 * A bounded cache of certificate summaries keyed by SHA-256: the same server and CA
 * certificates appear on thousands of connections of one capture, and parsing X.509
 * is the costliest step per connection. Validity at the capture time is recomputed on
 * every lookup (it is cheap and differs per connection).
 */
import { createHash } from 'node:crypto';
import type { Timestamp } from '../util/time.js';
import { atCaptureTime, certificateFacts, type CertificateFacts, type CertificateSummary, type SummaryOptions } from './certificate-summary.js';

/** Default of `maxEntries`: about 1–3 KB of strings per entry, so a few MB at most. */
export const DEFAULT_CERTIFICATE_CACHE_ENTRIES = 1024;

/** Options of {@link CertificateCache}. */
export interface CertificateCacheOptions extends SummaryOptions {
  /** Summaries kept (default 1024); the least recently used is dropped first. */
  readonly maxEntries?: number;
}

/** LRU cache of certificate summaries (a Map keeps insertion order; a hit re-inserts). */
export class CertificateCache {
  private readonly entries = new Map<string, CertificateFacts>();
  private readonly maxEntries: number;
  private hitCount = 0;
  private missCount = 0;

  constructor(private readonly options: CertificateCacheOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_CERTIFICATE_CACHE_ENTRIES);
  }

  /** The summary of a DER certificate at the capture time, parsed once per distinct certificate. */
  summarize(der: Uint8Array, captureTime?: Timestamp): CertificateSummary {
    const key = createHash('sha256').update(der).digest('hex');
    let facts = this.entries.get(key);
    if (facts !== undefined) {
      this.hitCount++;
      this.entries.delete(key);
    } else {
      this.missCount++;
      facts = certificateFacts(der, this.options);
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next();
        if (oldest.done !== true) this.entries.delete(oldest.value);
      }
    }
    this.entries.set(key, facts);
    return atCaptureTime(facts, captureTime);
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
