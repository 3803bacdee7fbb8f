/** What the diagnosis says of one connection. */
import type { TrustResult } from '../x509/trust/index.js';
import type { JavaLogVerdict } from './java-log-verdict.js';
import type { ConnectionStacks } from './stack-identification.js';
import type { IdentityVerdict } from './identity-verdict.js';

export type Status = 'ok' | 'failed' | 'incomplete' | 'not-tls';

/**
 * Where the handshake stopped (for `ok`: how far it got), in handshake order.
 * Documented in docs/diagnoses.md; never renamed.
 */
export const STAGES = [
  'tcp-connect',
  'client-hello',
  'server-hello',
  'server-certificate',
  'certificate-request',
  'client-certificate',
  'key-exchange',
  'finished',
  'application-data',
] as const;
export type Stage = (typeof STAGES)[number];

export type MtlsState =
  | 'not-requested'
  | 'requested-not-sent'
  /** The server asked, and the handshake stopped before the client's turn to answer (or the client refused the server's flight instead). */
  | 'not-reached'
  | 'sent-accepted'
  | 'sent-rejected'
  | 'optional-not-sent'
  | 'unknown-encrypted'
  | 'unknown';

export interface MtlsVerdict {
  readonly state: MtlsState;
  /** null: not visible in this capture (encrypted, or not reached). */
  readonly certificateRequested: boolean | null;
  /** Certificates in the client's Certificate message; 0 = empty message; null = not seen. */
  readonly clientCertificates: number | null;
  /** Distinguished names from the CertificateRequest (empty: the server named none, or not seen). */
  readonly acceptableCAs: readonly string[];
  /** True when the state comes from encrypted record sizes rather than decoded messages. */
  readonly inferred: boolean;
  /** For an inference: the numbers it rests on, in words. */
  readonly evidence: string | null;
  /** Set when a Java SSL debug log (--java-log) told the certificate facts the wire could only infer. */
  readonly source?: 'java-log';
}

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** Stable code, documented in docs/diagnoses.md (e.g. `client-cert-missing`). */
  readonly code: string;
  readonly severity: Severity;
  /** Short title, e.g. "Client certificate missing". */
  readonly title: string;
  /** What happened, in plain words with the evidence (frames, times, values). */
  readonly detail: string;
  /** What to change. */
  readonly fix: string;
  /** Frames that show it. */
  readonly frames: readonly number[];
  /** True when it rests on an inference (record sizes, timing) rather than a decoded message. */
  readonly inferred?: boolean;
}

export interface Verdict {
  readonly status: Status;
  readonly stage: Stage;
  readonly mtls: MtlsVerdict;
  /** Abbreviated handshake (session resumption or TLS 1.3 PSK). */
  readonly resumed: boolean;
  /** Findings, most important first. */
  readonly findings: readonly Finding[];
  /** One sentence a person can paste into a ticket. */
  readonly summary: string;
  /** Which TLS implementation each side is, from its hello (docs/stacks.md); null when unsure. */
  readonly stacks: ConnectionStacks;
  /** Chain verification against the --trust stores; absent when none were given. */
  readonly trust?: { readonly client: TrustResult; readonly server: TrustResult };
  /** The Java SSL debug logs matched to the connection; absent when no log was given. */
  readonly javaLog?: JavaLogVerdict;
  /** The --identity stores weighed against the connection (one per store); null when there is nothing to weigh; absent without --identity. */
  readonly identity?: IdentityVerdict | null;
}
