/**
 * Trust material and the outcome of verifying a certificate chain against it.
 * The reason codes are part of the JSON report contract: never renamed.
 */
import type { CertificateSummary } from '../certificate-summary.js';

/** Whose chains a trust store verifies: `client` (the server's store, the usual mTLS case) or `server`. */
export type TrustPurpose = 'client' | 'server';

/** File formats a trust store is read from. */
export type TrustStoreFormat = 'pem' | 'der' | 'directory' | 'pkcs12' | 'jks' | 'jceks';

/** One certificate held by a trust store. */
export interface TrustCertificate {
  /** The DER, a private copy. */
  readonly der: Uint8Array;
  /** Capture-independent summary (subject, issuer, constraints, usages). */
  readonly summary: CertificateSummary;
  /** Validity bounds in ms since the epoch, null when the dates did not parse. */
  readonly notBeforeMs: number | null;
  readonly notAfterMs: number | null;
  /** The file that holds it. */
  readonly source: string;
  /** Alias (JKS), friendly name (PKCS#12) or file name within a directory; null when none. */
  readonly label: string | null;
}

/** How the store's integrity was established. */
export type StoreIntegrity =
  /** A password-based MAC or digest was checked and matched. */
  | 'verified'
  /** The store carries an integrity check, but no password was given to check it. */
  | 'not-checked'
  /** The format has no integrity check (PEM, DER) or the store carries none. */
  | 'none';

/** A trust store read from one file or directory. */
export interface LoadedTrustStore {
  /** The path as given. */
  readonly path: string;
  readonly format: TrustStoreFormat;
  /** Certificates a path may end at. */
  readonly anchors: readonly TrustCertificate[];
  /** Certificates the store holds that are not anchors (a key entry's chain); usable as intermediates. */
  readonly intermediates: readonly TrustCertificate[];
  readonly integrity: StoreIntegrity;
  /** Remarks worth showing (entries skipped, Java-specific behaviour), one sentence each. */
  readonly notes: readonly string[];
}

/** Trust material for one run: the stores and whose chains they verify. */
export interface TrustSetup {
  readonly stores: readonly LoadedTrustStore[];
  readonly purpose: TrustPurpose;
}

/** Outcome of a chain verification. */
type TrustVerdict = 'trusted' | 'untrusted' | 'not-checked';

/**
 * Why a chain is not trusted (documented codes of the JSON report):
 * - `no-path-to-anchor`: the chain ends at a CA (or root) that no store holds;
 * - `missing-intermediate`: the issuer of the last certificate was neither sent nor stored, and
 *   it is most likely an intermediate under an anchor the store does hold (same organization);
 * - `expired` / `not-yet-valid`: an element of the path was not valid at the capture time;
 * - `wrong-eku`: the leaf (or a CA on the path) restricts extended key usage and lacks the purpose;
 * - `not-a-ca`: an issuer lacks basicConstraints cA, keyCertSign, or its path length is exceeded;
 * - `bad-signature`: a certificate's signature does not verify with its named issuer's key;
 * - `name-mismatch`: the server certificate does not cover the server name (SNI) the client asked for.
 */
export type TrustReason = 'no-path-to-anchor' | 'missing-intermediate' | 'expired' | 'not-yet-valid' | 'wrong-eku' | 'not-a-ca' | 'bad-signature' | 'name-mismatch';

/** Every reason code, in the order the verifier reports them when several apply to one path. */
export const TRUST_REASONS: readonly TrustReason[] = ['bad-signature', 'expired', 'not-yet-valid', 'not-a-ca', 'wrong-eku', 'name-mismatch', 'missing-intermediate', 'no-path-to-anchor'];

/** One problem found on the chain; `reason` of the result is the first one's. */
export interface TrustProblem {
  readonly reason: TrustReason;
  /** One sentence naming the certificate and what to do. */
  readonly detail: string;
}

/** The result of verifying one chain (the `trust.client` / `trust.server` objects of the JSON report). */
export interface TrustResult {
  readonly verdict: TrustVerdict;
  /** null when trusted or not checked. */
  readonly reason: TrustReason | null;
  /** Subject DN of the anchor the path ends at, or null. */
  readonly anchor: string | null;
  /** The file holding the anchor, or null. */
  readonly anchorSource: string | null;
  /** Subject DNs from the leaf to the anchor (trusted) or as far as the path got. */
  readonly path: readonly string[];
  /** One sentence: what was found and, when untrusted, what to change. */
  readonly detail: string;
  /** Every problem found (the first is `reason`/`detail`). */
  readonly problems: readonly TrustProblem[];
}
