/** What a key store reader hands to the loader: certificates with their role, before summarizing. */
import type { StoreIntegrity, TrustStoreFormat } from './types.js';

/** One certificate read from a store. */
export interface RawStoreEntry {
  readonly der: Uint8Array;
  /** Alias or friendly name, when the store gives one. */
  readonly label: string | null;
  /** `anchor`: trusted as a path's end; `intermediate`: only helps build a path. */
  readonly role: 'anchor' | 'intermediate';
}

/** A store as read from bytes. */
export interface RawStore {
  readonly format: TrustStoreFormat;
  readonly entries: readonly RawStoreEntry[];
  readonly integrity: StoreIntegrity;
  readonly notes: readonly string[];
}

/** Limits of the key store readers; the defaults suit any real store. */
export interface StoreLimits {
  /** Password-based KDF iterations accepted at most (default 10,000,000: a hostile count must not hang the run). */
  readonly maxIterations?: number;
  /** Entries read per store at most (default 10,000). */
  readonly maxEntries?: number;
}

/** Default of `maxIterations`. Java writes 10,000, OpenSSL 2,048; OWASP's PBKDF2 advice tops out near 1,300,000. */
export const DEFAULT_MAX_KDF_ITERATIONS = 10_000_000;
/** Default of `maxEntries`: the JDK's cacerts holds about 150. */
export const DEFAULT_MAX_STORE_ENTRIES = 10_000;
