/**
 * The certificate facts the rules reason about, read from a certificate summary of
 * `src/x509/`. Rules go through this view so that each of them states a certificate problem
 * the same way, and so that validity is judged against the capture time even when the
 * summary could not say (`validAtCapture: 'unknown'`).
 * A certificate that did not parse still has a summary with a `parseError`; rules then stay
 * silent about its content rather than guess.
 */
import type { CertificateSummary } from '../../x509/index.js';
import type { Timestamp } from '../../util/time.js';
import { ClearingCache } from '../../util/clearing-cache.js';

export type Validity = 'valid' | 'expired' | 'not-yet-valid' | 'unknown';

export interface CertificateView {
  readonly subject: string;
  readonly issuer: string;
  /** ISO-8601, or null when unknown. */
  readonly notBefore: string | null;
  readonly notAfter: string | null;
  /** Validity at the time the certificate was seen. */
  readonly validity: Validity;
  /** Whole days from the capture to notAfter (negative once expired); null when unknown. */
  readonly daysToExpiry: number | null;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  /** 'RSA', 'EC', 'Ed25519', 'DSA', … */
  readonly keyAlgorithm: string | null;
  readonly keyBits: number | null;
  readonly curve: string | null;
  readonly signatureAlgorithm: string | null;
  /** SHA-1 or MD5 signature. */
  readonly weakSignature: boolean;
  /** null: the certificate has no extended key usage extension (any purpose is allowed). */
  readonly extendedKeyUsage: readonly string[] | null;
  /** Key usage names (`digitalSignature`, `keyEncipherment`, …); null without the extension. */
  readonly keyUsage: readonly string[] | null;
  readonly hasClientAuth: boolean;
  readonly hasServerAuth: boolean;
  readonly isCa: boolean | null;
  readonly selfSigned: boolean;
  readonly sha256: string | null;
  readonly parseError: string | null;
}

const MS_PER_DAY = 86_400_000;

function timeMs(t: Timestamp): number {
  return t.sec * 1000 + t.nsec / 1e6;
}

/** Validity of [notBefore, notAfter] at `at`, from the dates alone. */
export function validityAt(notBefore: string | null, notAfter: string | null, at: Timestamp | null): { validity: Validity; daysToExpiry: number | null } {
  if (at === null) return { validity: 'unknown', daysToExpiry: null };
  const now = timeMs(at);
  const nb = notBefore === null ? Number.NaN : Date.parse(notBefore);
  const na = notAfter === null ? Number.NaN : Date.parse(notAfter);
  const daysToExpiry = Number.isNaN(na) ? null : Math.floor((na - now) / MS_PER_DAY);
  if (!Number.isNaN(nb) && now < nb) return { validity: 'not-yet-valid', daysToExpiry };
  if (!Number.isNaN(na) && now > na) return { validity: 'expired', daysToExpiry };
  if (Number.isNaN(nb) || Number.isNaN(na)) return { validity: 'unknown', daysToExpiry };
  return { validity: 'valid', daysToExpiry };
}

/**
 * Reads a certificate summary. `seenAt` (the time of the Certificate message, or the
 * connection start) decides validity when the summary could not (no capture time given).
 */
export function certificateView(summary: CertificateSummary, seenAt: Timestamp | null): CertificateView {
  const computed = summary.validAtCapture === 'unknown' ? validityAt(summary.notBefore, summary.notAfter, seenAt) : null;
  const key = summary.publicKey;
  return {
    subject: summary.subject,
    issuer: summary.issuer,
    notBefore: summary.notBefore,
    notAfter: summary.notAfter,
    validity: computed?.validity ?? summary.validAtCapture,
    daysToExpiry: summary.daysToExpiry ?? computed?.daysToExpiry ?? null,
    dnsNames: summary.subjectAltNames.dns,
    ipAddresses: summary.subjectAltNames.ip,
    keyAlgorithm: key?.algorithm ?? null,
    keyBits: key?.bits ?? null,
    curve: key?.curve ?? null,
    signatureAlgorithm: summary.signatureAlgorithm,
    weakSignature: summary.weakSignature,
    extendedKeyUsage: summary.ekuAnyPurpose === null ? summary.extendedKeyUsage : null,
    keyUsage: summary.keyUsage,
    hasClientAuth: summary.hasClientAuth,
    hasServerAuth: summary.hasServerAuth,
    isCa: summary.basicConstraints?.ca ?? null,
    // A self-issued certificate whose signature could not be checked is still treated as a root.
    selfSigned: summary.selfSigned ?? summary.selfIssued,
    sha256: summary.sha256,
    parseError: summary.parseError,
  };
}

/** Distinguished names compared the way people read them: case and spacing around separators ignored. */
export function sameName(a: string, b: string): boolean {
  return a === b || normalizeName(a) === normalizeName(b);
}

/**
 * The same few issuer and subject names come back on every connection to a server: their normal
 * forms are remembered. Bounded; when full it is cleared (stays correct, only slower).
 */
const MAX_NORMALIZED_NAME_CACHE = 4096;
/** Longer names are normalised each time, so the cache holds at most ~4096 × 1 KiB characters. */
const MAX_CACHED_NAME_LENGTH = 1024;
const normalizedNames = new ClearingCache<string, string>(MAX_NORMALIZED_NAME_CACHE);

function normalizeName(n: string): string {
  const hit = normalizedNames.get(n);
  if (hit !== undefined) return hit;
  const normal = n
    .split(/(?<!\\),/)
    .map((part) => part.trim().replace(/\s*=\s*/, '=').toLowerCase())
    .join(',');
  if (n.length <= MAX_CACHED_NAME_LENGTH) normalizedNames.set(n, normal);
  return normal;
}

/**
 * Views of summaries that state their own validity, which then depend on the summary alone:
 * summaries are shared by the connections that carry the same certificate, and so are their
 * views. Weakly held, so a summary no longer in use takes its view with it.
 */
const viewsOfSummaries = new WeakMap<CertificateSummary, CertificateView>();

function sharedCertificateView(summary: CertificateSummary, seenAt: Timestamp | null): CertificateView {
  if (summary.validAtCapture === 'unknown') return certificateView(summary, seenAt);
  let view = viewsOfSummaries.get(summary);
  if (view === undefined) {
    view = certificateView(summary, seenAt);
    viewsOfSummaries.set(summary, view);
  }
  return view;
}

/** The views of a chain, in the order sent; [] when none was seen. */
export function chainView(chain: readonly CertificateSummary[] | null, seenAt: Timestamp | null): CertificateView[] {
  if (chain === null) return [];
  const views: CertificateView[] = [];
  for (const summary of chain) views.push(sharedCertificateView(summary, seenAt));
  return views;
}

/** The date part of an ISO timestamp. */
export function day(iso: string | null): string {
  return iso === null ? 'unknown' : iso.slice(0, 10);
}

export interface ChainShape {
  /** Index i where chain[i].issuer is not chain[i+1].subject. */
  readonly brokenLinks: readonly number[];
  /** The issuer of some certificate is sent later in the chain, but not right after it. */
  readonly outOfOrder: boolean;
  /** The leaf's issuer is not among the certificates sent and the leaf is not self-signed. */
  readonly incomplete: boolean;
  /** For an incomplete chain: the issuer name that was not sent. */
  readonly missingIssuer: string | null;
}

/**
 * The last shape read per leaf view, with the chain it was read from: views are shared by the
 * connections that carry the same certificates, so the same chain comes back on each of them.
 */
const shapesByLeaf = new WeakMap<CertificateView, { readonly chain: readonly CertificateView[]; readonly shape: ChainShape }>();

function sameViews(a: readonly CertificateView[], b: readonly CertificateView[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * How a chain is put together. The last certificate of a correct chain may be an
 * intermediate whose issuer (the root) is not sent: that is normal, so only a missing link
 * below the last certificate — or a lone non-self-signed leaf whose issuer the peer may not
 * hold — counts as incomplete; the caller decides the latter from context.
 */
export function chainShape(chain: readonly CertificateView[]): ChainShape {
  const leaf = chain[0];
  if (leaf === undefined) return shapeOf(chain);
  const known = shapesByLeaf.get(leaf);
  if (known !== undefined && sameViews(known.chain, chain)) return known.shape;
  const shape = shapeOf(chain);
  shapesByLeaf.set(leaf, { chain, shape });
  return shape;
}

function shapeOf(chain: readonly CertificateView[]): ChainShape {
  const broken: number[] = [];
  let outOfOrder = false;
  let incomplete = false;
  let missingIssuer: string | null = null;
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i] as CertificateView;
    const next = chain[i + 1];
    if (cert.selfSigned) continue;
    if (next !== undefined && sameName(cert.issuer, next.subject)) continue;
    const elsewhere = chain.findIndex((o, j) => j !== i && sameName(o.subject, cert.issuer));
    if (next !== undefined) broken.push(i);
    if (elsewhere > i + 1 || (elsewhere >= 0 && elsewhere < i)) outOfOrder = true;
    else if (elsewhere < 0 && i === 0) {
      incomplete = true;
      missingIssuer = cert.issuer;
    } else if (elsewhere < 0 && next !== undefined) {
      incomplete = true;
      missingIssuer ??= cert.issuer;
    }
  }
  return { brokenLinks: broken, outOfOrder, incomplete, missingIssuer };
}
