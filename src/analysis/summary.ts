/** The one sentence per connection that a person pastes into a ticket. */
import { alertName, versionName } from '../tls/registry/names.js';
import type { RuleInput } from './rules/types.js';
import type { Finding } from './verdict-types.js';

function serverLabel(input: RuleInput): string {
  const c = input.facts.connection;
  const sni = input.facts.hs?.clientHello?.sni ?? null;
  const addr = c.server.ip.includes(':') ? `[${c.server.ip}]:${c.server.port}` : `${c.server.ip}:${c.server.port}`;
  return sni === null ? addr : `${addr}, ${sni}`;
}

export function summarize(input: RuleInput, findings: readonly Finding[]): string {
  const { facts, status, mtls } = input;
  const serverLower = `the server (${serverLabel(input)})`;
  const server = `The server (${serverLabel(input)})`;
  const version = facts.version === null ? 'TLS' : versionName(facts.version);
  const top = findings.find((f) => f.severity === 'error');
  if (status === 'not-tls') return `${server} connection carried no TLS.`;
  if (status === 'ok') {
    const client =
      mtls.state === 'sent-accepted'
        ? 'the client certificate was sent and accepted'
        : mtls.state === 'optional-not-sent'
          ? 'a client certificate was requested but not required, and none was sent'
          : mtls.state === 'not-requested'
            ? 'no client certificate was requested'
            : mtls.inferred && mtls.certificateRequested === true && mtls.clientCertificates !== 0
              ? 'from record sizes the client almost certainly sent a certificate (encrypted; use --keylog to confirm)'
              : mtls.inferred && mtls.certificateRequested === false
                ? 'from record sizes no client certificate was requested (encrypted; use --keylog to confirm)'
                : 'the client certificate exchange is encrypted (use --keylog to see it)';
    return `${version} handshake with ${serverLower} completed${facts.resumed ? ' (resumed session)' : ''}; ${client}.`;
  }
  if (top !== undefined) return firstSentence(top.detail);
  const alert = facts.failureAlert;
  const stageText = input.stage.replace(/-/g, ' ');
  if (status === 'failed') {
    if (alert !== null && alert.description !== null) {
      return `${server} handshake failed at ${stageText}: the ${alert.from} sent alert ${alertName(alert.description)} (${alert.description}) at frame ${alert.frame}.`;
    }
    return `${server} handshake failed at ${stageText}.`;
  }
  return `${server} handshake did not finish within the capture (last step seen: ${stageText}).`;
}

function firstSentence(text: string): string {
  const i = text.search(/\.(\s|$)/);
  return i < 0 ? text : text.slice(0, i + 1);
}
