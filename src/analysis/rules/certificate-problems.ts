/**
 * Certificate problems found in a chain, shared by the client- and server-certificate rules.
 * A problem is a cause; when the peer refused the certificate with an alert the problem
 * explains (e.g. an expired certificate and certificate_expired), the problem's finding
 * carries the alert and the generic "rejected" finding is not emitted, so one cause gives
 * one finding.
 */
import { weakKeyOf } from '../../x509/key-strength.js';
import type { AlertRecord } from '../connection.js';
import type { Finding, Severity } from '../verdict-types.js';
import type { CertificateView } from './certificate-view.js';
import { day } from './certificate-view.js';
import { alertText, delayText } from './evidence.js';
import type { Timestamp } from '../../util/time.js';

/** Alert descriptions a problem explains; null stands for "closed without an alert" and encrypted alerts. */
type Explains = ReadonlySet<number | null>;

export interface CertificateProblem {
  readonly code: string;
  readonly title: string;
  /** A sentence without its final period, e.g. "The client certificate 'CN=a' expired on 2025-01-01". */
  readonly what: string;
  readonly fix: string;
  readonly frames: readonly number[];
  readonly explains: Explains;
  /** Severity when the handshake succeeded anyway (null: say nothing then). */
  readonly whenAccepted: Severity | null;
}

/** How the peer refused the certificate: an alert, or a close without one. */
export interface Refusal {
  readonly alert: AlertRecord | null;
  /** Used when there is no alert. */
  readonly close: { readonly kind: 'fin' | 'rst'; readonly frame: number; readonly time: Timestamp } | null;
  /** Who refused. */
  readonly by: 'client' | 'server';
  /** When the certificate was sent (for the delay). */
  readonly sentAt: Timestamp | null;
}

function refusalExplained(p: CertificateProblem, r: Refusal | null): boolean {
  if (r === null) return false;
  const code = r.alert === null || r.alert.encrypted ? null : r.alert.description;
  return p.explains.has(code);
}

function refusalText(r: Refusal): string {
  if (r.alert !== null) return `the ${r.by} answered with ${alertText(r.alert)} at frame ${r.alert.frame}${delayText(r.sentAt, r.alert.time)}`;
  if (r.close !== null) return `the ${r.by} ${r.close.kind === 'rst' ? 'reset' : 'closed'} the connection without an alert at frame ${r.close.frame}${delayText(r.sentAt, r.close.time)}`;
  return `the ${r.by} ended the handshake`;
}

/**
 * The finding for a problem: an error that carries the refusal when it explains it, a
 * warning next to a refusal it does not explain, the `whenAccepted` severity when the
 * handshake succeeded.
 */
export function problemFinding(p: CertificateProblem, r: Refusal | null, accepted: boolean): Finding | null {
  if (accepted) {
    if (p.whenAccepted === null) return null;
    return { code: p.code, severity: p.whenAccepted, title: p.title, detail: `${p.what}. The handshake succeeded anyway.`, fix: p.fix, frames: p.frames };
  }
  if (r !== null && refusalExplained(p, r)) {
    const refusalFrame = r.alert?.frame ?? r.close?.frame ?? null;
    const fr = refusalFrame === null ? p.frames : [...new Set([...p.frames, refusalFrame])].sort((a, b) => a - b);
    return { code: p.code, severity: 'error', title: p.title, detail: `${p.what}; ${refusalText(r)}.`, fix: p.fix, frames: fr };
  }
  return { code: p.code, severity: 'warning', title: p.title, detail: `${p.what}.`, fix: p.fix, frames: p.frames };
}

/** A key under the sizes issuance rules ask for (x509/key-strength.ts), as a finding says it. */
export interface WeakKeyText {
  /** "an RSA 1024-bit key", "an EC 192-bit key (P-192)", "a DSA 1024-bit key". */
  readonly label: string;
  /** "under the 2048 bits issuance rules ask for; OpenSSL at security level 2 … refuses it; …". */
  readonly why: string;
}

export function weakKey(v: CertificateView): WeakKeyText | null {
  const weak = weakKeyOf(v.keyAlgorithm, v.keyBits);
  if (weak === null) return null;
  const name = weak.family === 'EC' ? 'EC' : (v.keyAlgorithm ?? weak.family).toUpperCase();
  const curve = weak.family === 'EC' && v.curve !== null ? ` (${v.curve})` : '';
  return { label: `${weak.family === 'DSA' ? 'a' : 'an'} ${name} ${weak.bits}-bit key${curve}`, why: `under the ${weak.minBits} bits issuance rules ask for; ${weak.refusedBy}` };
}

/** "expired on 2025-01-01 (12 days before the capture)". */
export function expiryText(v: CertificateView): string {
  if (v.validity === 'not-yet-valid') return `is not valid before ${day(v.notBefore)}`;
  const ago = v.daysToExpiry !== null && v.daysToExpiry < 0 ? ` (${-v.daysToExpiry} day${v.daysToExpiry === -1 ? '' : 's'} before the capture)` : '';
  return `expired on ${day(v.notAfter)}${ago}`;
}

