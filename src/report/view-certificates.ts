/**
 * Certificates as the reports show them: one fact per field, the same in every format.
 */
import type { ServerNameMatch } from '../analysis/rules/host-name.js';
import type { CertificateSummary } from '../x509/index.js';
import { plural } from './view.js';

/** A certificate as the reports show it: one fact per field, unescaped. */
export interface CertificateView {
  readonly subject: string;
  readonly issuer: string;
  /** "RSA 2048", "EC P-256", "Ed25519". */
  readonly key: string;
  readonly notBefore: string | null;
  readonly notAfter: string | null;
  /** "valid 2025-03-01 → 2027-03-01". */
  readonly validity: string;
  /** "(463 days left)", "(EXPIRED 12 days before the capture)", "(not yet valid)", or "". */
  readonly validityNote: string;
  /** True when the capture time lies outside the validity period. */
  readonly outOfValidity: boolean;
  readonly sans: readonly string[];
  /** Names not listed (other kinds, or past the summary's bound). */
  readonly moreSans: number;
  /** Does the certificate cover the SNI (the analysis's answer)? null: no SNI or not the leaf. */
  readonly sniMatch: boolean | null;
  /**
   * The SNI check as every format prints it: "✔ SNI" (a SAN), "CN ✔ SNI" (the subject CN of a
   * certificate without DNS SANs), "✘ SNI" ("no SAN ✘ SNI" when no SAN is listed), "" unchecked.
   */
  readonly sniMark: string;
  readonly signature: string;
  readonly weakSignature: boolean;
  readonly sha256: string;
  readonly parseError: string | null;
}

function keyText(cert: CertificateSummary): string {
  const k = cert.publicKey;
  if (k === null) return 'key ?';
  if (k.algorithm === 'EC') return `EC ${k.curve ?? (k.bits !== null ? String(k.bits) : '?')}`;
  if (k.algorithm === 'RSA' || k.algorithm === 'RSA-PSS' || k.algorithm === 'DSA') return `${k.algorithm} ${k.bits ?? '?'}`;
  return k.algorithm;
}

function sniMarkText(match: ServerNameMatch | null, sansListed: boolean): string {
  if (match === null) return '';
  if (match.matched) return match.via === 'cn' ? 'CN ✔ SNI' : '✔ SNI';
  return sansListed ? '✘ SNI' : 'no SAN ✘ SNI';
}

/**
 * The facts of one certificate for display. `nameMatch` is the model's SNI check
 * (`ConnectionReport.nameMatch`), given for the leaf of the server chain only: the view shows
 * the analysis's answer and never matches names itself.
 */
export function certificateView(cert: CertificateSummary, nameMatch: ServerNameMatch | null = null): CertificateView {
  const san = cert.subjectAltNames;
  const sans = [...san.dns, ...san.ip, ...san.uri, ...san.email];
  const moreSans = san.other + san.omitted;
  const match = cert.parseError === null ? nameMatch : null;
  let validityNote = '';
  const days = cert.daysToExpiry;
  switch (cert.validAtCapture) {
    case 'valid':
      validityNote = days === null ? '' : `(${plural(days, 'day')} left)`;
      break;
    case 'expired':
      validityNote = days === null ? '(EXPIRED at capture time)' : `(EXPIRED ${plural(Math.abs(days), 'day')} before the capture)`;
      break;
    case 'not-yet-valid':
      validityNote = '(NOT YET VALID at capture time)';
      break;
    default:
      validityNote = '';
  }
  const day = (s: string | null): string => (s === null ? '?' : s.slice(0, 10));
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    key: keyText(cert),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    validity: `valid ${day(cert.notBefore)} → ${day(cert.notAfter)}`,
    validityNote,
    outOfValidity: cert.validAtCapture === 'expired' || cert.validAtCapture === 'not-yet-valid',
    sans,
    moreSans,
    sniMatch: match === null ? null : match.matched,
    sniMark: sniMarkText(match, sans.length > 0),
    signature: cert.signatureAlgorithm ?? '?',
    weakSignature: cert.weakSignature,
    sha256: cert.sha256,
    parseError: cert.parseError,
  };
}
