/**
 * TLS 1.3 without keys: everything after ServerHello is encrypted, so the client-certificate
 * exchange is read from record sizes (tls13-inference.ts; numbers in docs/diagnoses.md).
 * These findings are marked `inferred` and use the same codes as their cleartext
 * counterparts (`client-cert-missing`, `client-cert-rejected`, …) so that one cause has one
 * code whatever the version; a key log (--keylog FILE) turns them into facts.
 */
import type { StackIdentity } from '../stack-identification.js';
import { keyLogAdvice, stackAdvice, stackSettings, withSpace } from './stack-advice.js';
import type { Tls13Inference } from '../tls13-inference.js';
import type { Finding } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';
import { alertCodeText, firstCloseBy, frames, theServer } from './evidence.js';

/** How to confirm an inference from the decrypted messages (see `keyLogAdvice`). */
function keylogAdvice(input: RuleInput): string {
  return keyLogAdvice(input, 'to confirm from the decrypted messages');
}

/** ` (text)` or '' when empty. */
function inParentheses(text: string): string {
  return text === '' ? '' : ` (${text})`;
}

/** The alert a server sends for an empty client Certificate, by its stack: JSSE 42, OpenSSL 116 (RFC 8446), either when unknown. */
function emptyCertificateAlert(server: StackIdentity | null): string {
  if (server?.name === 'java') return `The alert is most likely ${alertCodeText(42)}, as JSSE sends.`;
  if (server?.name === 'openssl' || server?.name === 'nodejs') return `The alert is most likely ${alertCodeText(116)}, as OpenSSL sends.`;
  return `The alert is most likely ${alertCodeText(116)} from OpenSSL servers or ${alertCodeText(42)} from Java servers.`;
}

/** The inference, when the handshake is TLS 1.3, full (not PSK), and its messages were not decrypted. */
export function encryptedTls13(input: RuleInput): Tls13Inference | null {
  const { facts } = input;
  const hs = facts.hs;
  if (!facts.tls13 || facts.resumed || hs === null || facts.tls13Inference === null) return null;
  if (hs.certificateRequest !== null || hs.clientCertificates !== null || hs.serverCertificates !== null) return null;
  return facts.tls13Inference;
}

/**
 * The server's answer in words. The sizes themselves are the inference's evidence (`mtls.evidence`,
 * with each side's padding when one was learned), shown once beside the finding, so the story
 * names what they are, not how many bytes.
 */
function alertSized(list: readonly number[]): string {
  return list.length === 1 ? 'a single record the size of an encrypted alert' : `${list.length} records the size of encrypted alerts`;
}

/** A cleartext alert already explains the failure: the inference has nothing to add. */
function cleartextAlert(input: RuleInput): boolean {
  const a = input.facts.failureAlert;
  return a !== null && !a.encrypted;
}

const clientCertInferred: Rule = {
  id: 'tls13-client-cert-inferred',
  codes: ['tls13-client-cert-inferred'],
  evaluate(input: RuleInput): readonly Finding[] {
    const inf = encryptedTls13(input);
    if (inf === null || (inf.clientFlight !== 'empty-certificate' && inf.clientFlight !== 'certificate-sent')) return [];
    const sent = inf.clientFlight === 'certificate-sent';
    const reading = sent
      ? 'a certificate chain with its CertificateVerify, far more than Finished alone: the server asked for a client certificate and the client sent one'
      : 'an empty Certificate: the server asked for a client certificate and the client had none to send';
    const outcome = inf.serverAnswer === 'accepted' ? ' The server went on with larger records afterwards (a session ticket or data), so it accepted the flight.' : '';
    return [
      {
        code: 'tls13-client-cert-inferred',
        severity: !sent && input.status !== 'ok' && input.status !== 'failed' ? 'warning' : 'info',
        title: sent ? 'Client certificate sent (inferred from record sizes)' : 'Client certificate requested, none sent (inferred from record sizes)',
        detail: `The TLS 1.3 handshake is encrypted; the sizes of the client's records after the ServerHello (frame ${inf.clientFlightFrame}) are those of ${reading}.${outcome}`,
        fix: keylogAdvice(input),
        frames: frames(inf.clientFlightFrame, inf.serverAnswerFrame),
        inferred: true,
      },
    ];
  },
};

const serverAlertInferred: Rule = {
  id: 'tls13-server-alert-inferred',
  codes: ['tls13-server-alert-inferred', 'client-cert-missing', 'client-cert-rejected'],
  evaluate(input: RuleInput): readonly Finding[] {
    const inf = encryptedTls13(input);
    if (inf === null || inf.serverAnswer !== 'alert' || cleartextAlert(input) || input.status === 'ok') return [];
    const hs = input.facts.hs;
    const c = input.facts.connection;
    const server = theServer(c, hs?.clientHello?.sni ?? null);
    const answer = `answered the client's flight (frame ${inf.clientFlightFrame}) with ${alertSized(inf.serverRecordSizesAfter)} at frame ${inf.serverAnswerFrame}, instead of a session ticket or data`;
    const close = firstCloseBy(c, 'server', inf.serverAnswerFrame ?? 0);
    const closed = close !== null ? `, then ${close.kind === 'rst' ? 'reset' : 'closed'} the connection at frame ${close.frame}` : '';
    const fr = frames(inf.clientFlightFrame, inf.serverAnswerFrame, close?.frame);
    if (inf.clientFlight === 'empty-certificate') {
      return [
        {
          code: 'client-cert-missing',
          severity: 'error',
          title: 'Client certificate missing (inferred)',
          detail: `${server} asked for a client certificate and the client sent an empty one; the server ${answer}${closed}. ${emptyCertificateAlert(input.stacks.server)}`,
          fix: `Configure the client with a certificate and key issued by a CA the server trusts${inParentheses(stackSettings(input.stacks.client, { java: 'a keystore whose key entry was issued by one of the CAs the server lists', nodejs: 'the cert and key options of tls.connect' }))}. ${keylogAdvice(input)}`,
          frames: fr,
          inferred: true,
        },
      ];
    }
    if (inf.clientFlight === 'certificate-sent') {
      return [
        {
          code: 'client-cert-rejected',
          severity: 'error',
          title: 'Client certificate rejected (inferred)',
          detail: `${server} rejected the client certificate: the client sent a certificate and the server ${answer}${closed}. The alert is most likely ${alertCodeText(48)}, ${alertCodeText(42)}, ${alertCodeText(45)}, or ${alertCodeText(46)} from Java servers.`,
          fix: `Check that the client certificate chains to a CA in the server's trust store, is within its validity dates and has the clientAuth extended key usage; the server's log names the reason. ${keylogAdvice(input)}`,
          frames: fr,
          inferred: true,
        },
      ];
    }
    return [
      {
        code: 'tls13-server-alert-inferred',
        severity: 'error',
        title: 'Server refused the client\'s Finished (inferred)',
        detail: `${server} ${answer}${closed}. With no client certificate involved, the alert is most likely ${alertCodeText(51)}, ${alertCodeText(20)} or ${alertCodeText(40)}.`,
        fix: `Read the server's log for this connection. ${keylogAdvice(input)}`,
        frames: fr,
        inferred: true,
      },
    ];
  },
};

const serverClosedSilently: Rule = {
  id: 'tls13-server-closed-after-client-flight',
  codes: ['client-cert-missing', 'client-cert-rejected-silently'],
  evaluate(input: RuleInput): readonly Finding[] {
    const inf = encryptedTls13(input);
    if (inf === null || inf.serverAnswer !== 'nothing' || cleartextAlert(input) || input.status !== 'failed') return [];
    if (inf.clientFlight !== 'certificate-sent' && inf.clientFlight !== 'empty-certificate') return [];
    const c = input.facts.connection;
    const close = firstCloseBy(c, 'server', inf.clientFlightFrame ?? 0);
    const clientClose = firstCloseBy(c, 'client', inf.clientFlightFrame ?? 0);
    if (close === null || (clientClose !== null && clientClose.frame < close.frame)) return [];
    const server = theServer(c, input.facts.hs?.clientHello?.sni ?? null);
    const verb = close.kind === 'rst' ? 'reset' : 'closed';
    const fr = frames(inf.clientFlightFrame, close.frame);
    if (inf.clientFlight === 'empty-certificate') {
      return [
        {
          code: 'client-cert-missing',
          severity: 'error',
          title: 'Client certificate missing (inferred)',
          detail: `${server} asked for a client certificate and the client sent an empty one (frame ${inf.clientFlightFrame}); the server then ${verb} the connection at frame ${close.frame} without an answer.`,
          fix: `Configure the client with a certificate and key issued by a CA the server trusts. ${keylogAdvice(input)}`,
          frames: fr,
          inferred: true,
        },
      ];
    }
    return [
      {
        code: 'client-cert-rejected-silently',
        severity: 'error',
        title: 'Client certificate rejected (no alert, inferred)',
        detail: `The client sent a certificate and its Finished (frame ${inf.clientFlightFrame}), and ${server.replace(/^The/, 'the')} ${verb} the connection at frame ${close.frame} without any answer — no session ticket, no data, no alert. Servers that send no alert (Node.js among them) close like this when they reject the client certificate.`,
        fix: `Check the server's log for the reason; usually the client certificate's CA is missing from the server's trust store, or the certificate has expired. ${keylogAdvice(input)}`,
        frames: fr,
        inferred: true,
      },
    ];
  },
};

const clientAlertInferred: Rule = {
  id: 'tls13-client-alert-inferred',
  codes: ['server-cert-rejected'],
  evaluate(input: RuleInput): readonly Finding[] {
    const inf = encryptedTls13(input);
    if (inf === null || inf.clientFlight !== 'client-alert' || cleartextAlert(input) || input.status === 'ok') return [];
    const hs = input.facts.hs;
    const sni = hs?.clientHello?.sni ?? null;
    const server = theServer(input.facts.connection, sni).replace(/^The/, 'the');
    return [
      {
        code: 'server-cert-rejected',
        severity: 'error',
        title: 'Client rejected the server (inferred)',
        detail: `The client answered the encrypted flight of ${server} with a single record the size of an encrypted alert at frame ${inf.clientFlightFrame}, instead of its Finished. It refused the server, most likely its certificate: ${alertCodeText(48)}, ${alertCodeText(42)}, ${alertCodeText(45)}, or ${alertCodeText(46)} from Java clients${sni !== null ? ` (also sent when the certificate does not cover '${sni}')` : ''}.${withSpace(stackAdvice(input.stacks.client, 'client', UNREADABLE_REQUEST))}`,
        fix: `Check that the client trusts the server's CA (and that the server sends its intermediates), that the certificate is valid and covers the name the client uses. ${keylogAdvice(input)}`,
        frames: frames(inf.clientFlightFrame),
        inferred: true,
      },
    ];
  },
};

/** The other refusal a Java client makes at this point, which record sizes cannot tell from a certificate's. */
const UNREADABLE_REQUEST = {
  java: "it also ends here, with decode_error, when the server's CertificateRequest carries an empty certificate_authorities list (as OpenSSL 3.0 servers run with -no_ca_names send it); a key log or the client's Java log (--java-log) tells which",
} as const;

const clientClosedSilently: Rule = {
  id: 'tls13-client-closed-after-server-flight',
  codes: ['server-cert-rejected-silently'],
  evaluate(input: RuleInput): readonly Finding[] {
    const inf = encryptedTls13(input);
    if (inf === null || inf.clientFlight !== 'none' || inf.serverFlightRecordSizes.length === 0 || cleartextAlert(input) || input.status !== 'failed') return [];
    const c = input.facts.connection;
    const hs = input.facts.hs;
    const close = firstCloseBy(c, 'client', hs?.serverHelloFrame ?? 0);
    const serverClose = firstCloseBy(c, 'server', hs?.serverHelloFrame ?? 0);
    if (close === null || (serverClose !== null && serverClose.frame < close.frame)) return [];
    const sni = hs?.clientHello?.sni ?? null;
    return [
      {
        code: 'server-cert-rejected-silently',
        severity: 'error',
        title: 'Client gave up after the server certificate (no alert, inferred)',
        detail: `The client ${close.kind === 'rst' ? 'reset' : 'closed'} the connection at frame ${close.frame} after the encrypted flight of ${theServer(c, sni).replace(/^The/, 'the')}, without its Finished and without an alert. A client that does not trust the server certificate${sni !== null ? ` or finds that it does not cover '${sni}'` : ''} closes like this when it sends no alert.`,
        fix: `Check the client's log; usually the server's CA is missing from the client's trust store, or the server does not send its intermediates. ${keylogAdvice(input)}`,
        frames: frames(hs?.serverHelloFrame, close.frame),
        inferred: true,
      },
    ];
  },
};

export const TLS13_INFERRED_RULES: readonly Rule[] = [clientAlertInferred, clientClosedSilently, serverAlertInferred, serverClosedSilently, clientCertInferred];
