/**
 * The one sentence per connection that a person pastes into a ticket: what failed, where,
 * and the evidence, e.g. "The server (10.0.0.5:8443, hr.example.com) asked for a client
 * certificate signed by 'CN=Corp Issuing CA 2' and the client sent none; the server then
 * closed with alert handshake_failure (40) at frame 14." It is the first sentence of the most
 * important finding when there is one, so the summary and the findings never disagree.
 */
import { alertName, versionName } from '../tls/registry/names.js';
import type { RuleInput } from './rules/types.js';
import { keyLogGiven } from '../tls/session/decryption.js';
import { serverText } from './rules/evidence.js';
import type { Finding } from './verdict-types.js';

/** Findings that explain an unfinished handshake (rather than hygiene remarks about it). */
const EXPLAINS_INCOMPLETE = new Set(['capture-file-cut', 'server-silent-after-client-hello', 'capture-gap', 'snap-length-truncated', 'capture-ended-mid-handshake', 'handshake-not-captured']);

export function summarize(input: RuleInput, findings: readonly Finding[]): string {
  const { facts, status, mtls } = input;
  const c = facts.connection;
  const label = serverText(c, facts.hs?.clientHello?.sni ?? null);
  const server = `The server (${label})`;
  const version = facts.version === null ? 'TLS' : versionName(facts.version);
  const top = findings.find((f) => f.severity === 'error');
  if (top !== undefined) return findingSentence(top);
  if (status === 'not-tls') {
    return c.tls === null ? `No data was exchanged with ${server.replace(/^The/, 'the')}: the connection carried no TLS.` : `The connection to ${server.replace(/^The/, 'the')} carried another protocol, not TLS.`;
  }
  if (status === 'ok') {
    // With a key log given, the findings say why it did not open this connection.
    const given = keyLogGiven(c.decryption);
    const toConfirm = given ? '' : '; use --keylog to confirm';
    const client =
      mtls.state === 'sent-accepted'
        ? 'the client certificate was sent and accepted'
        : mtls.state === 'optional-not-sent'
          ? 'a client certificate was requested but not required, and none was sent'
          : mtls.state === 'not-requested'
            ? 'no client certificate was requested'
            : mtls.inferred && mtls.certificateRequested === true && mtls.clientCertificates !== 0
              ? `from record sizes the client almost certainly sent a certificate (encrypted${toConfirm})`
              : mtls.inferred && mtls.certificateRequested === true && mtls.clientCertificates === 0
                ? `from record sizes a client certificate was requested and none was sent (encrypted${toConfirm})`
                : mtls.inferred && mtls.certificateRequested === false
                  ? `from record sizes no client certificate was requested (encrypted${toConfirm})`
                  : `the client certificate exchange is encrypted${given ? '' : ' (use --keylog to see it)'}`;
    const warnings = findings.filter((f) => f.severity === 'warning');
    const first = warnings[0];
    const note = first === undefined ? '' : ` Warning: ${first.title}${warnings.length > 1 ? ` (and ${warnings.length - 1} more)` : ''}.`;
    return `${version} handshake with the server (${label}) completed${facts.resumed ? ' (resumed session)' : ''}; ${client}.${note}`;
  }
  const stageText = input.stage.replace(/-/g, ' ');
  if (status === 'failed') {
    const alert = facts.failureAlert;
    if (alert !== null && alert.description !== null) {
      return `${server} handshake failed at ${stageText}: the ${alert.from} sent alert ${alertName(alert.description)} (${alert.description}) at frame ${alert.frame}.`;
    }
    return `${server} handshake failed at ${stageText}.`;
  }
  if (c.tls === null) return `The TCP connection to ${server.replace(/^The/, 'the')} was ${c.tcp.synAckFrame !== null ? 'established' : 'seen'}, but neither side sent anything before the capture ended.`;
  const why = findings.find((f) => EXPLAINS_INCOMPLETE.has(f.code));
  if (why !== undefined) return findingSentence(why);
  return `${server} handshake did not finish within the capture (last step seen: ${stageText}).`;
}

/** A finding's first sentence, marked when it rests on an inference. */
function findingSentence(f: Finding): string {
  const s = firstSentence(f.detail);
  if (f.inferred !== true) return s;
  return `${s.replace(/\.$/, '')} (inferred from encrypted record sizes).`;
}

/**
 * The first sentence: up to a period followed by a capitalized word or the end. Periods
 * inside names ("O=Example Inc.", "10.0.0.5", "e.g.") are not followed by a space and a
 * capital, so they do not end it.
 */
export function firstSentence(text: string): string {
  // The expression /\.(?=\s+[A-Z]|\s*$)/ spelled out: it ran for every failed connection.
  for (let dot = text.indexOf('.'); dot >= 0; dot = text.indexOf('.', dot + 1)) {
    let next = dot + 1;
    while (next < text.length && isSpace(text.charCodeAt(next))) next++;
    if (next === text.length) return text.slice(0, dot + 1);
    const c = text.charCodeAt(next);
    if (next > dot + 1 && c >= 0x41 && c <= 0x5a) return text.slice(0, dot + 1);
  }
  return text;
}

/** What `\s` matches in a regular expression (ECMAScript WhiteSpace and LineTerminator). */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
