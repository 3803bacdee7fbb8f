/**
 * Identity key stores (the `javax.net.ssl.keyStore` of a Java client or server) and what Java's
 * key managers make of them. The entry kinds and reason codes are part of the JSON report
 * contract: never renamed.
 */
import type { CertificateFacts } from '../certificate-summary.js';
import type { StoreIntegrity } from '../trust/types.js';

/** What an alias of a key store holds. */
type IdentityEntryKind = 'private-key' | 'trusted-certificate' | 'secret-key';

/** One alias of an identity store. */
export interface IdentityEntry {
  /** The alias as Java lists it (PKCS#12 aliases in lower case, as `PKCS12KeyStore` keeps them). */
  readonly alias: string;
  readonly kind: IdentityEntryKind;
  /** Certificate DERs, leaf first (PKCS#12: built from the store's certificates as Java builds it); empty when none. */
  readonly chain: readonly Uint8Array[];
  /** The facts of each chain certificate, in chain order. */
  readonly certificates: readonly CertificateFacts[];
  /** The leaf's key algorithm under Java's name (`EC`, `RSA`, `RSASSA-PSS`, `EdDSA`, `DSA`, `XDH`), or null without a leaf. */
  readonly keyAlgorithm: string | null;
  /** The leaf's key size in bits, or null. */
  readonly keySize: number | null;
  /** Did the key password open the private key? null: not a private key, or a protection tlsautopsy cannot check. */
  readonly keyOpens: boolean | null;
  /** Is the private key the one the leaf certificate certifies? null: the key was not opened, or a key Node cannot read. */
  readonly keyMatches: boolean | null;
  /** Position in the order Java's `KeyStore.aliases()` enumerates the store (0 first). */
  readonly order: number;
}

/** An identity store as read from one file. */
export interface IdentityStore {
  readonly path: string;
  readonly format: 'pkcs12' | 'jks' | 'jceks';
  readonly integrity: StoreIntegrity;
  /** Every alias, in Java's enumeration order. */
  readonly entries: readonly IdentityEntry[];
  /** Remarks worth showing (entries skipped, checks not made), one sentence each. */
  readonly notes: readonly string[];
}

/**
 * Why an entry would not be sent (documented in docs/diagnoses.md):
 * - `no-private-key`: a trusted-certificate or secret-key entry;
 * - `chain-missing`: a private key without a certificate chain;
 * - `key-not-recoverable`: the key password does not open the key ("Cannot recover key");
 * - `key-type-not-requested`: the leaf's key algorithm is not among the key types JSSE derives from the request;
 * - `issuer-not-requested`: no certificate of the chain was issued by a CA the request lists;
 * - `expired` / `not-yet-valid`: the leaf at the capture time;
 * - `no-client-auth`: an extended key usage without clientAuth (or anyExtendedKeyUsage);
 * - `no-digital-signature`: a key usage without digitalSignature, for the key types PKIX checks (RSA, EC, DSA).
 */
export type IdentityReason =
  | 'no-private-key'
  | 'chain-missing'
  | 'key-not-recoverable'
  | 'key-type-not-requested'
  | 'issuer-not-requested'
  | 'expired'
  | 'not-yet-valid'
  | 'no-client-auth'
  | 'no-digital-signature';

/** A CertificateRequest as plain data (the analysis's view of it, without importing the analysis). */
export interface IdentityRequest {
  /** TLS 1.3 (certificate types are absent then). */
  readonly tls13: boolean;
  /** TLS ≤ 1.2 ClientCertificateType codes (1 rsa_sign, 2 dss_sign, 64 ecdsa_sign, …). */
  readonly certificateTypes: readonly number[];
  /** signature_algorithms (TLS 1.2: the request's list; TLS 1.3: the extension). */
  readonly signatureAlgorithms: readonly number[];
  /** TLS 1.3 signature_algorithms_cert when the request carries it; JSSE then derives key types from it. */
  readonly signatureAlgorithmsCert?: readonly number[] | null;
  /** Requested CAs as distinguished names in the form certificate summaries use (`CN=…, O=…, C=…`); empty: any. */
  readonly certificateAuthorities: readonly string[];
}

/** One entry weighed against a request. */
export interface EntryEvaluation {
  readonly alias: string;
  /** No reason applies. */
  readonly eligible: boolean;
  /** Every reason that applies, in the order of {@link IdentityReason}'s list. */
  readonly reasons: readonly IdentityReason[];
}

/** Java's two client key managers. */
type KeyManagerName = 'SunX509' | 'PKIX';

/** What one key manager would do with the request. */
export interface KeyManagerChoice {
  /** The alias sent, or null. */
  readonly alias: string | null;
  /**
   * `certificate`: the alias's chain is sent; `empty-certificate`: an empty Certificate message;
   * `no-handshake`: the key manager cannot be built (a key the password does not open), and the
   * client gives up before its ClientHello.
   */
  readonly outcome: 'certificate' | 'empty-certificate' | 'no-handshake';
  /** One sentence saying why. */
  readonly detail: string;
}

/** The whole evaluation of a store against a request. */
export interface IdentityEvaluation {
  /** The key types JSSE asks its key manager for, in order (as its log prints them). */
  readonly keyTypes: readonly string[];
  readonly entries: readonly EntryEvaluation[];
  readonly keyManagers: Readonly<Record<KeyManagerName, KeyManagerChoice>>;
}
