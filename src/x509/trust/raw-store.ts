/** What a key store reader hands to the loader: certificates with their role, before summarizing. */
import type { StoreIntegrity, TrustStoreFormat } from './types.js';

/** One certificate read from a store. */
export interface RawStoreEntry {
  readonly der: Uint8Array;
  /** Alias or friendly name, when the store gives one. */
  readonly label: string | null;
  /** `anchor`: trusted as a path's end; `intermediate`: only helps build a path. */
  readonly role: 'anchor' | 'intermediate';
  /** PKCS#12 localKeyId (lower-case hex) tying a certificate to its key, or null. */
  readonly keyId?: string | null;
}

/**
 * One alias of a store as Java lists it (identity stores): a private key, a trusted certificate
 * or a secret key, in the order the file holds them.
 */
export interface RawAlias {
  readonly alias: string;
  readonly kind: 'private-key' | 'trusted-certificate' | 'secret-key';
  /** JKS/JCEKS: the chain as stored, leaf first; trusted: the certificate; PKCS#12 keys: empty (built from the certificates). */
  readonly chain: readonly Uint8Array[];
  /** PKCS#12 localKeyId (lower-case hex), or null. */
  readonly keyId: string | null;
  /** JKS/JCEKS private keys: the protected key (an EncryptedPrivateKeyInfo), checked by the caller; else null. */
  readonly protectedKey: Uint8Array | null;
  /** PKCS#12 private keys: whether the key decrypted with the key password (null: not tried). */
  readonly opens: boolean | null;
  /** PKCS#12 private keys that decrypted: the SubjectPublicKeyInfo of the key's public half; else null. */
  readonly publicKey: Uint8Array | null;
}

/** A store as read from bytes. */
export interface RawStore {
  readonly format: TrustStoreFormat;
  readonly entries: readonly RawStoreEntry[];
  readonly integrity: StoreIntegrity;
  readonly notes: readonly string[];
  /** Every alias in file order (JKS, JCEKS and PKCS#12 readers). */
  readonly aliases?: readonly RawAlias[];
}

/** Limits of the key store readers; the defaults suit any real store. */
export interface StoreLimits {
  /** Password-based KDF iterations accepted at most (default 10,000,000: a hostile count must not hang the run). */
  readonly maxIterations?: number;
  /** Entries read per store at most (default 10,000). */
  readonly maxEntries?: number;
}

/** Options of the store readers beyond their limits. */
export interface StoreReadOptions extends StoreLimits {
  /** What the store is to the user, in messages: `trust store` (default) or `key store`. */
  readonly noun?: 'trust store' | 'key store';
  /** How to give a password, in messages (default: the trust store option). */
  readonly passwordHint?: string;
  /** Password of the private keys of a PKCS#12 store (default: the store password). */
  readonly keyPassword?: string | null;
  /** Try the key password on PKCS#12 private keys (identity stores); trust stores leave keys alone. */
  readonly checkKeys?: boolean;
  /** Private keys whose password is checked per store at most (default 64); the rest are left unchecked. */
  readonly maxKeyChecks?: number;
}

/**
 * Default of `maxKeyChecks`: every check runs the key's own derivation (PBKDF2 with thousands of
 * rounds, or 400,000 MD5 rounds for a JCEKS key), and real identity stores hold a few keys.
 */
export const DEFAULT_MAX_KEY_CHECKS = 64;

/** How the trust store readers tell the user to give a password. */
export const TRUST_PASSWORD_HINT = 'give it with --trust-password or the TLSAUTOPSY_TRUST_PASSWORD environment variable';

/** Default of `maxIterations`. Java writes 10,000, OpenSSL 2,048; OWASP's PBKDF2 advice tops out near 1,300,000. */
export const DEFAULT_MAX_KDF_ITERATIONS = 10_000_000;
/** Default of `maxEntries`: the JDK's cacerts holds about 150. */
export const DEFAULT_MAX_STORE_ENTRIES = 10_000;
