/**
 * Server certificate rules: what is wrong with the chain the server sent (TLS ≤ 1.2, or
 * TLS 1.3 with a key log) and how the client refused it. Each problem is a cause; when it
 * explains the client's alert it carries that alert and the generic `server-cert-rejected`
 * finding stays silent (see certificate-problems.ts).
 */
import { stackAdvice, stackSettings, withSettings, withSpace } from './stack-advice.js';
import type { Finding } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';
import { SERVER_CERT_ALERTS, alertOwner } from './alert-meanings.js';
import type { CertificateProblem, Refusal } from './certificate-problems.js';
import { expiryText, problemFinding, weakKey } from './certificate-problems.js';
import { chainShape, chainView } from './certificate-view.js';
import type { CertificateView } from './certificate-view.js';
import { alertText, delayText, firstCloseBy, frameTime, frames, theServer } from './evidence.js';
import { serverNameMatch } from './host-name.js';
import { ipVersion } from '../../x509/host-name.js';
import { sharedPerInput } from './per-input.js';

const explainsAlerts = (...codes: (number | null)[]): ReadonlySet<number | null> => new Set(codes);

/** The server's chain as views, or [] when none was seen (or it did not parse); shared by the rules of one verdict. */
export const serverChain = sharedPerInput((input: RuleInput): readonly CertificateView[] => {
  const hs = input.facts.hs;
  if (hs === null || hs.serverCertificates === null) return [];
  const c = input.facts.connection;
  const chain = chainView(hs.serverCertificates, frameTime(c, hs.serverCertificateFrame) ?? hs.serverHelloTime ?? c.startTime);
  return chain.length > 0 && chain[0]?.parseError === null ? chain : [];
});

/** How the client refused the server's certificate: an alert after it, or a close before answering. */
const serverRefusal = sharedPerInput((input: RuleInput): Refusal | null => {
  const { facts, status } = input;
  const hs = facts.hs;
  if (hs === null || status !== 'failed' || hs.serverCertificateFrame === null) return null;
  const c = facts.connection;
  const sentAt = frameTime(c, hs.serverCertificateFrame);
  const a = facts.failureAlert;
  if (a !== null) return a.from === 'client' && alertOwner(input) === 'server-cert' ? { alert: a, close: null, by: 'client', sentAt } : null;
  // The client stopped after the server's flight, before answering it: it refused what it got.
  if (hs.clientCertificates !== null || hs.clientKeyExchangeFrame !== null || hs.clientCcsFrame !== null) return null;
  const close = firstCloseBy(c, 'client', hs.serverCertificateFrame);
  const serverClosedFirst = firstCloseBy(c, 'server', hs.serverCertificateFrame);
  if (close === null || (serverClosedFirst !== null && serverClosedFirst.frame < close.frame)) return null;
  return { alert: null, close, by: 'client', sentAt };
});

/** What the leaf names instead of `sni`, for the mismatch sentence ("covers …"). */
function coveredNames(leaf: CertificateView, cn: string | null, sni: string): string {
  const list = (names: readonly string[]): string => `${names.slice(0, 5).map((n) => `'${n}'`).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}`;
  if (ipVersion(sni) !== 0) return leaf.ipAddresses.length === 0 ? 'no IP address in its subject alternative names (an address is never matched against DNS names or the CN)' : `only the addresses ${list(leaf.ipAddresses)}`;
  if (leaf.dnsNames.length > 0) return `only ${list(leaf.dnsNames)}`;
  return `no DNS names in its subject alternative names, and its subject CN${cn === null ? ' is absent' : ` '${cn}' does not match either`}`;
}

/** Every problem of the server chain, causes first; shared by the rules of one verdict. */
const serverCertificateProblems = sharedPerInput((input: RuleInput): readonly CertificateProblem[] => {
  const hs = input.facts.hs;
  const chain = serverChain(input);
  const leaf = chain[0];
  if (hs === null || leaf === undefined) return [];
  const at = hs.serverCertificateFrame;
  const out: CertificateProblem[] = [];
  const name = `The server certificate '${leaf.subject}'`;

  const outOfDate = chain.findIndex((v) => v.validity === 'expired' || v.validity === 'not-yet-valid');
  const stale = chain[outOfDate];
  if (stale !== undefined) {
    const expired = stale.validity === 'expired';
    out.push({
      code: expired ? 'server-cert-expired' : 'server-cert-not-yet-valid',
      title: expired ? 'Server certificate expired' : 'Server certificate not yet valid',
      what: `${outOfDate === 0 ? name : `The CA certificate '${stale.subject}' in the server's chain`} (frame ${at}) ${expiryText(stale)}`,
      fix: expired ? 'Renew the server certificate (and any expired intermediate) and reload the server.' : "Check the server's and client's clocks, or install a certificate that is already valid.",
      frames: frames(at),
      explains: explainsAlerts(45, 46, 42, null),
      whenAccepted: 'warning',
    });
  }

  const nameMatch = serverNameMatch(hs);
  if (nameMatch !== null && !nameMatch.matched) {
    const sni = nameMatch.sni;
    const names = coveredNames(leaf, hs.serverCertificates?.[0]?.subjectCommonName ?? null, sni);
    out.push({
      code: 'server-cert-name-mismatch',
      title: 'Server certificate does not cover the requested name',
      what: `The client asked for '${sni}' (SNI, frame ${hs.clientHelloFrame}), but the server certificate '${leaf.subject}' (frame ${at}) covers ${names}`,
      fix: `Install a certificate whose subject alternative names include '${sni}' (a wildcard covers exactly one label), or make the client connect with a name the certificate covers.`,
      frames: frames(hs.clientHelloFrame, at),
      explains: explainsAlerts(42, 46, null),
      whenAccepted: 'warning',
    });
  }

  if (leaf.extendedKeyUsage !== null && !leaf.hasServerAuth) {
    out.push({
      code: 'server-cert-no-server-auth',
      title: 'Server certificate not issued for server authentication',
      what: `${name} (frame ${at}) has an extended key usage of ${leaf.extendedKeyUsage.length === 0 ? 'no purpose' : leaf.extendedKeyUsage.join(', ')} without serverAuth (TLS Web Server Authentication)`,
      fix: 'Issue the server certificate with the serverAuth extended key usage.',
      frames: frames(at),
      explains: explainsAlerts(43, 42, 46, null),
      whenAccepted: 'warning',
    });
  }

  const weak = weakKey(leaf);
  if (weak !== null) {
    out.push({
      code: 'server-cert-weak-key',
      title: 'Server certificate key too weak',
      what: `${name} (frame ${at}) has ${weak.label}, ${weak.why}`,
      fix: 'Issue a new server certificate with an RSA 2048-bit (or larger) or ECDSA P-256 key.',
      frames: frames(at),
      explains: explainsAlerts(42, 43, 71, 46, null),
      whenAccepted: 'warning',
    });
  }

  const weakSig = chain.findIndex((v) => v.weakSignature && !v.selfSigned);
  const ws = chain[weakSig];
  if (ws !== undefined) {
    out.push({
      code: 'server-cert-weak-signature',
      title: 'Server certificate signed with SHA-1 or MD5',
      what: `${weakSig === 0 ? name : `The CA certificate '${ws.subject}' in the server's chain`} (frame ${at}) is signed with ${ws.signatureAlgorithm ?? 'a weak hash'}, which current clients refuse`,
      fix: 'Reissue the certificate with a SHA-256 (or stronger) signature.',
      frames: frames(at),
      explains: explainsAlerts(42, 43, 46, null),
      whenAccepted: 'warning',
    });
  }

  const shape = chainShape(chain);
  if (shape.outOfOrder) {
    out.push({
      code: 'server-chain-out-of-order',
      title: 'Server certificate chain out of order',
      what: `The server sent its ${chain.length} certificates (frame ${at}) out of order: ${chain.map((v) => `'${v.subject}'`).join(', ')}; each certificate should be followed by the one that issued it`,
      fix: 'Order the server chain file leaf first, then each issuing CA in turn (the root may be left out).',
      frames: frames(at),
      explains: explainsAlerts(42, 46, 48, null),
      whenAccepted: 'info',
    });
  } else if (shape.incomplete && shape.missingIssuer !== null) {
    const alone = chain.length === 1;
    out.push({
      code: 'server-chain-incomplete',
      title: 'Server certificate chain incomplete',
      what: `The server sent ${alone ? 'only its own certificate' : `${chain.length} certificates`} (frame ${at}) without '${shape.missingIssuer}', the CA that issued ${alone ? 'it' : 'one of them'}; clients that hold only the root cannot link the server certificate to it${alone ? ` (if '${shape.missingIssuer}' is itself a root in the client's trust store, this is fine)` : ''}`,
      fix: 'Configure the server to send its intermediate CA certificates after its own (a "full chain" file).',
      frames: frames(at),
      explains: explainsAlerts(48, 46, 42, null),
      whenAccepted: alone ? null : 'warning',
    });
  }
  return out;
});

function serverRefusalExplained(input: RuleInput): boolean {
  const r = serverRefusal(input);
  if (r === null) return false;
  const code = r.alert === null || r.alert.encrypted ? null : r.alert.description;
  return serverCertificateProblems(input).some((p) => p.explains.has(code));
}

const serverCertificateContent: Rule = {
  id: 'server-certificate-content',
  codes: ['server-cert-expired', 'server-cert-not-yet-valid', 'server-cert-name-mismatch', 'server-cert-no-server-auth', 'server-cert-weak-key', 'server-cert-weak-signature', 'server-chain-out-of-order', 'server-chain-incomplete'],
  evaluate(input: RuleInput): readonly Finding[] {
    const problems = serverCertificateProblems(input);
    if (problems.length === 0) return [];
    const refusal = serverRefusal(input);
    const out: Finding[] = [];
    for (const p of problems) {
      const f = problemFinding(p, refusal, input.status === 'ok');
      if (f !== null) out.push(f);
    }
    return out;
  },
};

const serverCertificateRejected: Rule = {
  id: 'server-cert-rejected',
  codes: ['server-cert-rejected', 'server-cert-rejected-silently'],
  evaluate(input: RuleInput): readonly Finding[] {
    const hs = input.facts.hs;
    const refusal = serverRefusal(input);
    if (hs === null || refusal === null || serverRefusalExplained(input)) return [];
    const c = input.facts.connection;
    const leaf = serverChain(input)[0];
    const who = leaf !== undefined ? `its certificate '${leaf.subject}' (issued by '${leaf.issuer}')` : 'its certificate';
    const alert = refusal.alert;
    if (alert === null) {
      const close = refusal.close;
      if (close === null) return [];
      return [
        {
          code: 'server-cert-rejected-silently',
          severity: 'error',
          title: 'Client gave up after the server certificate (no alert)',
          detail: `${theServer(c, hs.clientHello?.sni ?? null)} sent ${who} at frame ${hs.serverCertificateFrame}, and the client ${close.kind === 'rst' ? 'reset' : 'closed'} the connection at frame ${close.frame}${delayText(refusal.sentAt, close.time)} without an alert and without answering. Clients that send no alert close like this when they do not trust the server certificate.`,
          fix: "Check the client's log; usually the server's CA is missing from the client's trust store, or the name the client connects to is not in the certificate.",
          frames: frames(hs.serverCertificateFrame, close.frame),
        },
      ];
    }
    const reason = alert.description !== null ? SERVER_CERT_ALERTS.get(alert.description) : undefined;
    return [
      {
        code: 'server-cert-rejected',
        severity: 'error',
        title: reason?.title ?? 'Server certificate rejected',
        detail: `The client rejected the server certificate: ${theServer(c, hs.clientHello?.sni ?? null).replace(/^The/, 'the')} sent ${who} at frame ${hs.serverCertificateFrame}, and the client answered with ${alertText(alert)} at frame ${alert.frame}${delayText(refusal.sentAt, alert.time)}. Meaning: ${reason?.why ?? 'the client refused the server certificate'}.${withSpace(stackAdvice(input.stacks.client, 'client', reason?.byStack ?? {}))}`,
        fix: reason === undefined ? "Check the server certificate against the client's trust store." : withSettings(reason.fix, stackSettings(input.stacks.client, reason.fixByStack ?? {})),
        frames: frames(hs.serverCertificateFrame, alert.frame),
      },
    ];
  },
};

export const SERVER_CERTIFICATE_RULES: readonly Rule[] = [serverCertificateContent, serverCertificateRejected];
