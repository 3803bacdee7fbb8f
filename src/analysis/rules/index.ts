/**
 * Every diagnosis rule, in the order findings of equal severity are listed
 * (causes before symptoms). Listed explicitly: importing a rule file has no side effects.
 * Codes and their meaning: docs/diagnoses.md.
 */
import type { Rule } from './types.js';
import { TRANSPORT_RULES } from './transport.js';
import { NEGOTIATION_RULES } from './negotiation.js';
import { SERVER_CERTIFICATE_RULES } from './server-certificate.js';
import { CLIENT_CERTIFICATE_CONTENT_RULES } from './client-certificate-content.js';
import { CLIENT_CERTIFICATE_RULES } from './client-certificate.js';
import { CERTIFICATE_REQUEST_RULES } from './certificate-request.js';
import { TLS13_INFERRED_RULES } from './tls13-inferred.js';
import { OTHER_ALERT_RULES } from './other-alerts.js';
import { VERSION_HYGIENE_RULES } from './hygiene-version.js';
import { CIPHER_HYGIENE_RULES } from './hygiene-cipher.js';
import { CERTIFICATE_EXPIRY_RULES } from './certificate-expiry.js';
import { RENEGOTIATION_RULES } from './renegotiation.js';
import { SLOW_HANDSHAKE_RULES } from './slow-handshake.js';
import { EVIDENCE_RULES } from './evidence-missing.js';
import { TRUST_RULES } from './trust.js';
import { IDENTITY_RULES } from './identity.js';
import { abandonedHandshake } from './abandoned.js';

/** The rules that explain a failure, causes before symptoms. */
const CAUSES: readonly Rule[] = [
  // Transport first: when TCP or the first bytes fail, nothing later happened.
  ...TRANSPORT_RULES,
  ...NEGOTIATION_RULES,
  // Certificate causes (expired, wrong name, wrong EKU, …) before the alerts they explain.
  ...SERVER_CERTIFICATE_RULES,
  // With --trust, the trust store's verdict is the stated cause of a refused certificate.
  ...TRUST_RULES,
  // A request the client could not read ends the handshake before any client certificate.
  ...CERTIFICATE_REQUEST_RULES,
  ...CLIENT_CERTIFICATE_CONTENT_RULES,
  ...CLIENT_CERTIFICATE_RULES,
  ...TLS13_INFERRED_RULES,
  ...OTHER_ALERT_RULES,
];

export const RULES: readonly Rule[] = [
  ...CAUSES,
  // Every failure gets at least one finding with its evidence: right after the causes, whose findings it reads.
  abandonedHandshake,
  ...VERSION_HYGIENE_RULES,
  ...CIPHER_HYGIENE_RULES,
  ...CERTIFICATE_EXPIRY_RULES,
  ...RENEGOTIATION_RULES,
  ...SLOW_HANDSHAKE_RULES,
  ...EVIDENCE_RULES,
  // With --identity-for server --alias: a fact about the server's configuration, not a cause of failure.
  ...IDENTITY_RULES,
];

/** Every finding code a rule can emit, sorted (docs/diagnoses.md explains each). */
export const FINDING_CODES: readonly string[] = [...new Set(RULES.flatMap((r) => r.codes))].sort();
