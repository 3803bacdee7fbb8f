/**
 * Client certificate rules: the mTLS failures this tool exists for.
 * Alert meanings per RFC 8446 §6.2; the "usual cause" wording reflects how OpenSSL, JSSE and
 * Node.js signal each problem (see docs/diagnoses.md).
 */
import type { Finding } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';
import { alertText, delayText, listCas, serverText } from './evidence.js';

/** What a certificate alert from the server means for the client's certificate. */
const REJECTION_REASONS: ReadonlyMap<number, { title: string; why: string; fix: string }> = new Map([
  [42, { title: 'Client certificate rejected (bad_certificate)', why: 'the server could not verify the client certificate or its signature (OpenSSL sends this for an untrusted or malformed client certificate, and for one with a too-weak key)', fix: "check that the client certificate chains to a CA in the server's trust store, that the client sends its intermediate certificates, and that its key is at least RSA 2048 / ECDSA P-256" }],
  [43, { title: 'Client certificate of an unsupported type', why: 'the server does not accept this kind of certificate (key type, or a certificate without the clientAuth extended key usage)', fix: 'issue the client certificate with the TLS Web Client Authentication (clientAuth) extended key usage and a key type the server accepts' }],
  [44, { title: 'Client certificate revoked', why: "the server's revocation check (CRL or OCSP) says the client certificate was revoked", fix: 'issue a new client certificate and install it in the client keystore' }],
  [45, { title: 'Client certificate expired or not yet valid', why: 'the server found the client certificate outside its validity period (or the clocks differ)', fix: 'renew the client certificate, or correct the clock of the client or server' }],
  [46, { title: 'Client certificate not accepted (certificate_unknown)', why: 'the server rejected the client certificate for an unspecified reason (Java/WebLogic servers send this when PKIX path building or validity checks fail)', fix: "import the client certificate's issuing CA (and root) into the server's trust store, and check its validity dates and extended key usage" }],
  [48, { title: 'Client certificate from an unknown CA', why: "the server does not trust the CA that issued the client certificate (or the client did not send the intermediate that links it to one)", fix: "import the issuing CA into the server's trust store, or have the client send its full chain" }],
  [49, { title: 'Client certificate valid but access denied', why: 'the server verified the certificate but its access policy refused this client', fix: "grant the certificate's subject access in the server's configuration" }],
  [51, { title: 'Client certificate and private key do not match', why: "the server could not verify the client's CertificateVerify signature: the private key used does not belong to the certificate sent", fix: 'pair the client certificate with its own private key in the client keystore' }],
  [116, { title: 'Client certificate required', why: 'the server requires a client certificate and none was sent', fix: 'configure the client with a certificate and key issued by a CA the server trusts' }],
]);

const clientCertificateMissing: Rule = {
  id: 'client-cert-missing',
  evaluate({ facts, status, mtls }: RuleInput): readonly Finding[] {
    const hs = facts.hs;
    if (hs === null || status !== 'failed' || mtls.state !== 'requested-not-sent') return [];
    const c = facts.connection;
    const alert = facts.failureAlert;
    const sent = hs.clientCertificates === null ? 'sent no Certificate message' : `answered with an empty Certificate message (frame ${hs.clientCertificateFrame})`;
    const ending = alert !== null ? `; the server then closed with ${alertText(alert)} at frame ${alert.frame}${delayText(hs.clientCertificateTime, alert.time)}` : c.tcp.end.how === 'rst' ? `; the server then reset the connection at frame ${c.tcp.end.frame}` : '';
    const frames = [hs.certificateRequestFrame, hs.clientCertificateFrame, alert?.frame ?? null].filter((x): x is number => x !== null);
    return [
      {
        code: 'client-cert-missing',
        severity: 'error',
        title: 'Client certificate missing',
        detail: `The server (${serverText(c, hs.clientHello?.sni ?? null)}) asked for a client certificate signed by ${listCas(mtls.acceptableCAs)} and the client ${sent}${ending}. Java clients send an empty certificate when no keystore entry was issued by one of the CAs the server lists.`,
        fix:
          mtls.acceptableCAs.length > 0
            ? `Give the client a certificate (and key) issued by ${listCas(mtls.acceptableCAs)}, or add the client certificate's issuer to the server's trust store so the server advertises it.`
            : 'Configure the client with a certificate and private key (for Java: a keystore with a key entry, set via javax.net.ssl.keyStore).',
        frames,
      },
    ];
  },
};

const clientCertificateRejected: Rule = {
  id: 'client-cert-rejected',
  evaluate({ facts, status, mtls }: RuleInput): readonly Finding[] {
    const hs = facts.hs;
    const alert = facts.failureAlert;
    if (hs === null || status !== 'failed' || mtls.state !== 'sent-rejected') return [];
    const c = facts.connection;
    const reason = alert?.description != null ? REJECTION_REASONS.get(alert.description) : undefined;
    const leaf = hs.clientCertificates?.[0];
    const who = leaf !== undefined ? `'${leaf.subject}' (issued by '${leaf.issuer}')` : 'its certificate';
    const frames = [hs.clientCertificateFrame, alert?.frame ?? c.tcp.end.frame].filter((x): x is number => x !== null);
    if (alert === null) {
      const closedBy = c.tcp.end.by === 'server' ? `the server ${c.tcp.end.how === 'rst' ? 'reset' : 'closed'} the connection at frame ${c.tcp.end.frame} without an alert` : 'the connection ended without an alert';
      return [
        {
          code: 'client-cert-rejected-silently',
          severity: 'error',
          title: 'Client certificate rejected (no alert)',
          detail: `The client sent ${who} at frame ${hs.clientCertificateFrame} and ${closedBy}. Servers that send no alert (Node.js among them) close like this when they reject the client certificate.`,
          fix: "Check the server's log for the reason; usually the client certificate's CA is missing from the server's trust store, or the certificate has expired.",
          frames,
        },
      ];
    }
    return [
      {
        code: 'client-cert-rejected',
        severity: 'error',
        title: reason?.title ?? 'Client certificate rejected',
        detail: `The client sent ${who} at frame ${hs.clientCertificateFrame}; the server answered with ${alertText(alert)} at frame ${alert.frame}: ${reason?.why ?? 'the server refused the client certificate'}.`,
        fix: reason?.fix ?? "Check the client certificate against the server's trust store and requirements.",
        frames,
      },
    ];
  },
};

export const CLIENT_CERTIFICATE_RULES: readonly Rule[] = [clientCertificateMissing, clientCertificateRejected];
