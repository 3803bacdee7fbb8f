/**
 * A CertificateRequest the client cannot read. RFC 8446 §4.2.4 requires a certificate_authorities
 * extension to name at least one CA; OpenSSL 3.0 (measured: s_server -no_ca_names with a client
 * CA list) sends the extension with an empty list, and JSSE refuses the whole request with
 * decode_error ("Invalid certificate_authorities extension: insufficient data") before it looks
 * at the server's certificate. Seen on the wire in clear (a key log in TLS 1.3) or told by the
 * client's Java log (java-log-verdict.ts states it with the same code and words).
 */
import { withSpace, stackAdvice, stackSettings, inParens, type StackHints } from './stack-advice.js';
import type { StackIdentity } from '../stack-identification.js';
import type { Finding } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';
import { alertOwner } from './alert-meanings.js';
import { alertText, delayText, frames, frameTime, theServer } from './evidence.js';

/** How each server stack comes to send it, for the sentence after the facts. */
const SENT_BY: StackHints = { openssl: 'OpenSSL 3.0 sends an empty list when told not to list its CA names (s_server -no_ca_names, SSL_OP_DISABLE_TLSEXT_CA_NAMES) while it has a client CA list' };
/** How each client stack treats it. */
const REFUSED_BY: StackHints = { java: "JSSE refuses such a request with decode_error (\"Invalid certificate_authorities extension\") before it checks the server's certificate" };
/** Where the server is told to list its CAs again. */
const SERVER_SETTING: StackHints = { openssl: 'drop -no_ca_names or SSL_OP_DISABLE_TLSEXT_CA_NAMES' };

/** The words of the finding, from the wire or from the client's Java log. */
export interface BadCaListFacts {
  /** "The server (…)". */
  readonly server: string;
  readonly requestFrame: number | null;
  /** Why the list could not be read, as the decoder or JSSE said it. */
  readonly problem: string;
  /** "decode_error (50) at frame 8, 12 ms later", or null when the client went on. */
  readonly refusal: string | null;
  readonly stacks: { readonly client: StackIdentity | null; readonly server: StackIdentity | null };
  readonly frames: readonly number[];
  /** `false` when a Java log made the fact exact (the JSON then says so); absent for the wire's own. */
  readonly inferred?: false;
}

export function badCaListFinding(f: BadCaListFacts): Finding {
  const at = f.requestFrame === null ? '' : ` (frame ${f.requestFrame})`;
  const facts = `${f.server} sent a CertificateRequest${at} whose certificate_authorities extension cannot be read: ${f.problem}. RFC 8446 requires the extension, when present, to name at least one CA.`;
  const advice = `${withSpace(stackAdvice(f.stacks.server, 'server', SENT_BY))}${withSpace(stackAdvice(f.stacks.client, 'client', REFUSED_BY))}`;
  const fix = `Make the server list the CAs it accepts${inParens(stackSettings(f.stacks.server, SERVER_SETTING))}, or send no certificate_authorities extension at all (update its TLS library); the client cannot work around it.`;
  const refused = f.refusal !== null;
  return {
    code: 'cert-request-bad-ca-list',
    severity: refused ? 'error' : 'warning',
    title: refused ? "Client refused the server's CertificateRequest" : "Server's CertificateRequest has an unreadable CA list",
    detail: refused ? `${facts} The client answered with ${f.refusal}, before sending any certificate.${advice}` : `${facts} This client went on; Java clients refuse it.`,
    fix,
    frames: f.frames,
    ...(f.inferred === false ? { inferred: false } : {}),
  };
}

const certificateRequestCaList: Rule = {
  id: 'cert-request-bad-ca-list',
  codes: ['cert-request-bad-ca-list'],
  evaluate(input: RuleInput): readonly Finding[] {
    const hs = input.facts.hs;
    const problem = hs?.certificateRequest?.badCertificateAuthorities ?? null;
    if (hs === null || problem === null) return [];
    const a = input.facts.failureAlert;
    const refused = input.status === 'failed' && a !== null && alertOwner(input) === 'cert-request';
    const requestTime = hs.certificateRequestFrame === null ? null : frameTime(input.facts.connection, hs.certificateRequestFrame);
    return [
      badCaListFinding({
        server: theServer(input.facts.connection, hs.clientHello?.sni ?? null),
        requestFrame: hs.certificateRequestFrame,
        problem,
        refusal: refused && a !== null ? `${alertText(a)} at frame ${a.frame}${delayText(requestTime, a.time)}` : null,
        stacks: input.stacks,
        frames: frames(hs.certificateRequestFrame, refused ? a?.frame : null),
      }),
    ];
  },
};

export const CERTIFICATE_REQUEST_RULES: readonly Rule[] = [certificateRequestCaList];
