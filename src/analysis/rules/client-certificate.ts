/**
 * Client certificate rules: the mTLS failures this tool exists for, as seen in cleartext
 * (TLS ≤ 1.2, or TLS 1.3 with a key log). The TLS 1.3 variants read from record sizes live
 * in tls13-inferred.ts and use the same codes with `inferred: true`.
 * Alert meanings per RFC 8446 §6.2; the "usual cause" wording reflects how OpenSSL, JSSE and
 * Node.js signal each problem (see docs/diagnoses.md).
 */
import type { StackIdentity } from '../stack-identification.js';
import { inParens, stackAdvice, stackSettings, withSpace } from './stack-advice.js';
import type { Finding } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';
import { CLIENT_CERT_ALERTS, alertOwner } from './alert-meanings.js';
import { clientChain, clientRefusal, clientRefusalExplained } from './client-certificate-content.js';
import { alertText, delayText, firstCloseBy, frames, listCas, theServer } from './evidence.js';

/** Why a client answers a CertificateRequest with an empty Certificate, per stack. */
const EMPTY_CERTIFICATE_CAUSES = {
  java: 'it sends an empty Certificate when no key entry of its key store was issued by one of the CAs the server lists (or the key store set by javax.net.ssl.keyStore was not loaded)',
  openssl: 'it sends an empty Certificate when it was given no certificate and key (curl --cert/--key, openssl s_client -cert/-key)',
  nodejs: 'it sends an empty Certificate when tls.connect was given no cert and key',
} as const;

/** Where a client is given its certificate and key, per stack. */
const CLIENT_IDENTITY_SETTINGS = {
  java: 'a key store with a key entry, set via javax.net.ssl.keyStore',
  openssl: 'curl --cert and --key, openssl s_client -cert and -key',
  nodejs: 'the cert and key options of tls.connect',
} as const;

/** Which servers drop a rejected client silently: Node.js does; a JSSE server sends an alert. */
function silentServers(server: StackIdentity | null): string {
  return server === null || server.name === 'nodejs' || server.name === 'openssl' ? 'Servers that send no alert (Node.js among them)' : 'Servers that send no alert';
}

const clientCertificateMissing: Rule = {
  id: 'client-cert-missing',
  codes: ['client-cert-missing'],
  evaluate(input: RuleInput): readonly Finding[] {
    const { facts, status, mtls } = input;
    const hs = facts.hs;
    if (hs === null || status !== 'failed' || mtls.state !== 'requested-not-sent') return [];
    const owner = alertOwner(input);
    if (owner !== null && owner !== 'client-cert') return [];
    const c = facts.connection;
    const alert = facts.failureAlert;
    const sent = hs.clientCertificates === null ? 'sent no Certificate message' : `answered with an empty Certificate message (frame ${hs.clientCertificateFrame})`;
    const close = alert === null ? firstCloseBy(c, 'server', hs.certificateRequestFrame ?? 0) : null;
    const from = hs.clientCertificateTime ?? null;
    const ending =
      alert !== null
        ? `; the server then closed with ${alertText(alert)} at frame ${alert.frame}${delayText(from, alert.time)}`
        : close !== null
          ? `; the server then ${close.kind === 'rst' ? 'reset' : 'closed'} the connection without an alert at frame ${close.frame}${delayText(from, close.time)}`
          : '';
    const advice = hs.clientCertificates !== null && mtls.acceptableCAs.length > 0 ? stackAdvice(input.stacks.client, 'client', EMPTY_CERTIFICATE_CAUSES) : '';
    const why = advice === '' ? '' : ` ${advice}`;
    return [
      {
        code: 'client-cert-missing',
        severity: 'error',
        title: 'Client certificate missing',
        detail: `${theServer(c, hs.clientHello?.sni ?? null)} asked for a client certificate signed by ${listCas(mtls.acceptableCAs)} (frame ${hs.certificateRequestFrame}) and the client ${sent}${ending}.${why}`,
        fix:
          mtls.acceptableCAs.length > 0
            ? `Give the client a certificate (and key) issued by ${listCas(mtls.acceptableCAs)}, or add the client certificate's issuer to the server's trust store so the server advertises it.`
            : `Configure the client with a certificate and private key${inParens(stackSettings(input.stacks.client, CLIENT_IDENTITY_SETTINGS))}.`,
        frames: frames(hs.certificateRequestFrame, hs.clientCertificateFrame, alert?.frame ?? close?.frame),
      },
    ];
  },
};

const clientCertificateRejected: Rule = {
  id: 'client-cert-rejected',
  codes: ['client-cert-rejected', 'client-cert-rejected-silently'],
  evaluate(input: RuleInput): readonly Finding[] {
    const { facts, status, mtls } = input;
    const hs = facts.hs;
    if (hs === null || status !== 'failed' || mtls.state !== 'sent-rejected') return [];
    const refusal = clientRefusal(input);
    if (refusal === null) return [];
    if (refusal.alert !== null && alertOwner(input) !== 'client-cert') return [];
    // A finding from the certificate's content (expired, wrong EKU, …) already explains it.
    if (clientRefusalExplained(input)) return [];
    const c = facts.connection;
    const leaf = clientChain(input)[0];
    const who = leaf !== undefined && leaf.subject !== '' ? `its certificate '${leaf.subject}' (issued by '${leaf.issuer}')` : 'its certificate';
    const cv = hs.clientCertificateVerify !== null ? ` and its CertificateVerify at frame ${hs.clientCertificateVerify.frame}` : '';
    const alert = refusal.alert;
    if (alert === null) {
      const close = refusal.close;
      if (close === null) return [];
      const finished = hs.clientFinishedFrame !== null ? `, then its Finished (frame ${hs.clientFinishedFrame})` : '';
      return [
        {
          code: 'client-cert-rejected-silently',
          severity: 'error',
          title: 'Client certificate rejected (no alert)',
          detail: `The client sent ${who} at frame ${hs.clientCertificateFrame}${cv}${finished}, and the server ${close.kind === 'rst' ? 'reset' : 'closed'} the connection at frame ${close.frame}${delayText(hs.clientCertificateTime, close.time)} without an alert and without its own Finished. ${silentServers(input.stacks.server)} close like this when they reject the client certificate.`,
          fix: "Check the server's log for the reason; usually the client certificate's CA is missing from the server's trust store, or the certificate has expired.",
          frames: frames(hs.clientCertificateFrame, hs.clientFinishedFrame, close.frame),
        },
      ];
    }
    const reason = alert.description !== null ? CLIENT_CERT_ALERTS.get(alert.description) : undefined;
    return [
      {
        code: 'client-cert-rejected',
        severity: 'error',
        title: reason?.title ?? 'Client certificate rejected',
        detail: `${theServer(c, hs.clientHello?.sni ?? null)} rejected the client certificate: the client sent ${who} at frame ${hs.clientCertificateFrame}${cv}, and the server answered with ${alertText(alert)} at frame ${alert.frame}${delayText(hs.clientCertificateTime, alert.time)}. Meaning: ${reason?.why ?? 'the server refused the client certificate; the alert is encrypted, so a key log (--keylog FILE) would show which one'}.${withSpace(stackAdvice(input.stacks.server, 'server', reason?.byStack ?? {}))}`,
        fix: reason?.fix ?? "Check the client certificate against the server's trust store and requirements, and read the server's log for the reason.",
        frames: frames(hs.clientCertificateFrame, hs.clientCertificateVerify?.frame, alert.frame),
      },
    ];
  },
};

export const CLIENT_CERTIFICATE_RULES: readonly Rule[] = [clientCertificateMissing, clientCertificateRejected];
