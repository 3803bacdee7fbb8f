/**
 * Certificates as the reports show them: one fact per field, the same in every format.
 */
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
  /** Does a DNS SAN (or the subject CN without SANs) cover the SNI? null: no SNI or not the leaf. */
  readonly sniMatch: boolean | null;
  readonly signature: string;
  readonly weakSignature: boolean;
  readonly sha256: string;
  readonly parseError: string | null;
}

/** RFC 6125 §6.4.3: a wildcard stands for exactly one left-most label. */
function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return p === h;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

function keyText(cert: CertificateSummary): string {
  const k = cert.publicKey;
  if (k === null) return 'key ?';
  if (k.algorithm === 'EC') return `EC ${k.curve ?? (k.bits !== null ? String(k.bits) : '?')}`;
  if (k.algorithm === 'RSA' || k.algorithm === 'RSA-PSS' || k.algorithm === 'DSA') return `${k.algorithm} ${k.bits ?? '?'}`;
  return k.algorithm;
}

/** The facts of one certificate for display; `sni` is given for the leaf of the server chain. */
export function certificateView(cert: CertificateSummary, sni: string | null = null): CertificateView {
  const san = cert.subjectAltNames;
  const dns = san.dns;
  const sans = [...dns, ...san.ip, ...san.uri, ...san.email];
  const moreSans = san.other + san.omitted;
  let sniMatch: boolean | null = null;
  if (sni !== null && cert.parseError === null) {
    const cn = cert.subjectCommonName;
    sniMatch = dns.length > 0 ? dns.some((d) => hostMatches(d, sni)) : cn !== null && hostMatches(cn, sni);
  }
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
    sniMatch,
    signature: cert.signatureAlgorithm ?? '?',
    weakSignature: cert.weakSignature,
    sha256: cert.sha256,
    parseError: cert.parseError,
  };
}
