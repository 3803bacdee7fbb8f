/**
 * What is wrong with the client certificate itself, read from the chain the client sent
 * (TLS ≤ 1.2, or TLS 1.3 with a key log): expired or not yet valid, no clientAuth extended
 * key usage, a weak key or signature, an issuer the server did not ask for, an incomplete
 * chain. Each problem is a cause; see certificate-problems.ts for how it absorbs the alert.
 */
import { inParens, stackSettings } from './stack-advice.js';
import type { Finding } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';
import type { CertificateProblem, Refusal } from './certificate-problems.js';
import { expiryText, problemFinding, weakKey } from './certificate-problems.js';
import { chainShape, chainView, sameName } from './certificate-view.js';
import type { CertificateView } from './certificate-view.js';
import { firstCloseBy, frames, listCas, theServer } from './evidence.js';
import { sharedPerInput } from './per-input.js';
import type { StackIdentity } from '../stack-identification.js';
import { SIGNING_REFUSED, forbidsSigning } from '../../x509/key-usage.js';

const explainsAlerts = (...codes: (number | null)[]): ReadonlySet<number | null> => new Set(codes);

/** The O= attribute of a distinguished name, lower-cased, or null. */
function organization(dn: string): string | null {
  const m = /(?:^|,)\s*O\s*=\s*((?:\\,|[^,])+)/i.exec(dn);
  return m?.[1] === undefined ? null : m[1].trim().toLowerCase();
}

/** The client's chain as views, or [] when none was seen (or it did not parse); shared by the rules of one verdict. */
export const clientChain = sharedPerInput((input: RuleInput): readonly CertificateView[] => {
  const hs = input.facts.hs;
  if (hs === null || hs.clientCertificates === null) return [];
  const chain = chainView(hs.clientCertificates, hs.clientCertificateTime ?? input.facts.connection.startTime);
  return chain.length > 0 && chain[0]?.parseError === null ? chain : [];
});

/** How the server refused the client certificate, when it did; shared by the rules of one verdict. */
export const clientRefusal = sharedPerInput((input: RuleInput): Refusal | null => {
  const { facts, mtls } = input;
  const hs = facts.hs;
  if (hs === null || mtls.state !== 'sent-rejected') return null;
  const c = facts.connection;
  // A client that sent a fatal alert itself ended the handshake: the server's close is its echo.
  if (facts.failureAlert !== null && facts.failureAlert.from === 'client') return null;
  const alert = facts.failureAlert;
  const close = alert === null ? firstCloseBy(c, 'server', hs.clientCertificateFrame ?? 0) : null;
  if (alert === null && close === null) return null;
  return { alert, close, by: 'server', sentAt: hs.clientCertificateTime };
});

/**
 * What servers do with a client certificate that may not sign, as seen with real peers: JSSE
 * refuses it in TLS 1.2 and 1.3 with certificate_unknown; OpenSSL's purpose check refuses it with
 * unsupported_certificate (a Node.js server closes without an alert) unless the key usage has
 * keyAgreement, which it takes instead. Said of the server's stack when it is known, and only the
 * refusals that stack makes are explained by it.
 */
function signingRefusal(server: StackIdentity | null, keyAgreement: boolean): { readonly text: string; readonly explains: ReadonlySet<number | null> } {
  const java = `("${SIGNING_REFUSED.java}", alert certificate_unknown)`;
  const openssl = `("${SIGNING_REFUSED.openssl}", alert unsupported_certificate)`;
  const name = server?.name ?? null;
  if (name === 'java') return { text: `, so a Java server refuses it ${java}`, explains: explainsAlerts(46, null) };
  if (name === 'openssl' || name === 'nodejs' || name === 'curl') {
    return keyAgreement
      ? { text: '; an OpenSSL server takes its keyAgreement instead and accepts it', explains: explainsAlerts() }
      : { text: `, so an OpenSSL server refuses it ${openssl}`, explains: explainsAlerts(43, null) };
  }
  return {
    text: `: Java servers refuse it ${java}, ${keyAgreement ? 'while OpenSSL servers take its keyAgreement instead' : `and OpenSSL servers too ${openssl}`}`,
    explains: explainsAlerts(46, 43, 42, 40, null),
  };
}

/** How each client stack is made to send its intermediates. */
const CHAIN_SETTINGS = { java: 'import the full chain into the key entry', openssl: 'put the intermediates after the certificate in the --cert file', nodejs: 'put the intermediates after the certificate in the cert option' } as const;

/** Every problem of the client chain, causes first; shared by the rules of one verdict. */
const clientCertificateProblems = sharedPerInput((input: RuleInput): readonly CertificateProblem[] => {
  const hs = input.facts.hs;
  const chain = clientChain(input);
  const leaf = chain[0];
  if (hs === null || leaf === undefined) return [];
  const at = hs.clientCertificateFrame;
  const out: CertificateProblem[] = [];
  const name = `The client certificate '${leaf.subject}'`;

  const outOfDate = chain.findIndex((v) => v.validity === 'expired' || v.validity === 'not-yet-valid');
  const stale = chain[outOfDate];
  if (stale !== undefined) {
    const which = outOfDate === 0 ? name : `The CA certificate '${stale.subject}' in the client's chain`;
    const expired = stale.validity === 'expired';
    out.push({
      code: expired ? 'client-cert-expired' : 'client-cert-not-yet-valid',
      title: expired ? 'Client certificate expired' : 'Client certificate not yet valid',
      what: `${which} (frame ${at}) ${expiryText(stale)}`,
      fix: expired ? 'Renew the client certificate (and any expired CA certificate in its chain) and install it in the client keystore.' : "Check the client's and server's clocks, or wait until the certificate's start date.",
      frames: frames(at),
      explains: explainsAlerts(45, 46, 42, 40, null),
      whenAccepted: 'warning',
    });
  }

  if (leaf.extendedKeyUsage !== null && !leaf.hasClientAuth) {
    const usages = leaf.extendedKeyUsage.length === 0 ? 'no purpose' : leaf.extendedKeyUsage.join(', ');
    out.push({
      code: 'client-cert-no-client-auth',
      title: 'Client certificate not issued for client authentication',
      what: `${name} (frame ${at}) has an extended key usage of ${usages} without clientAuth (TLS Web Client Authentication)`,
      fix: 'Issue the client certificate with the clientAuth extended key usage (OpenSSL: extendedKeyUsage = clientAuth; most CAs call the template "client authentication" or "user").',
      frames: frames(at),
      explains: explainsAlerts(43, 42, 46, 40, null),
      whenAccepted: 'warning',
    });
  }

  if (leaf.keyUsage !== null && forbidsSigning(leaf.keyAlgorithm, leaf.keyUsage)) {
    const refusal = signingRefusal(input.stacks.server, leaf.keyUsage.includes('keyAgreement'));
    out.push({
      code: 'client-cert-no-digital-signature',
      title: 'Client certificate key usage does not allow signing',
      what: `${name} (frame ${at}) has a key usage of ${leaf.keyUsage.length === 0 ? 'nothing' : leaf.keyUsage.join(', ')} without digitalSignature, yet a client certificate must sign the handshake (CertificateVerify)${refusal.text}`,
      fix: 'Reissue the client certificate with the digitalSignature key usage (OpenSSL: keyUsage = digitalSignature, plus keyEncipherment for an RSA key).',
      frames: frames(at),
      explains: refusal.explains,
      whenAccepted: 'warning',
    });
  }

  const weak = weakKey(leaf);
  if (weak !== null) {
    out.push({
      code: 'client-cert-weak-key',
      title: 'Client certificate key too weak',
      what: `${name} (frame ${at}) has ${weak.label}, ${weak.why}`,
      fix: 'Issue a new client certificate with an RSA 2048-bit (or larger) or ECDSA P-256 key.',
      frames: frames(at),
      explains: explainsAlerts(42, 43, 71, 46, 40, null),
      whenAccepted: 'warning',
    });
  }

  const weakSig = chain.findIndex((v) => v.weakSignature && !v.selfSigned);
  const ws = chain[weakSig];
  if (ws !== undefined) {
    out.push({
      code: 'client-cert-weak-signature',
      title: 'Client certificate signed with SHA-1 or MD5',
      what: `${weakSig === 0 ? name : `The CA certificate '${ws.subject}' in the client's chain`} (frame ${at}) is signed with ${ws.signatureAlgorithm ?? 'a weak hash'}, which current TLS stacks refuse`,
      fix: 'Reissue the certificate with a SHA-256 (or stronger) signature.',
      frames: frames(at),
      explains: explainsAlerts(42, 43, 46, 40, null),
      whenAccepted: 'warning',
    });
  }

  const shape = chainShape(chain);
  const cas = hs.certificateRequest?.certificateAuthorities ?? [];
  const known = (n: string): boolean => cas.some((ca) => sameName(ca, n));
  // A missing issuer from the same organization as a CA the server lists is most likely an
  // intermediate the client did not send; from another organization, another PKI altogether.
  // When the server lists no CA, the server's own chain stands for its PKI: an issuer from an
  // organization that appears nowhere in it is more likely a CA the server does not trust than an
  // intermediate it was not sent, and the refusal itself then leads.
  const pkiNames = cas.length > 0 ? cas : (hs.serverCertificates ?? []).flatMap((c) => [c.subject, c.issuer]);
  const sameOrg = (n: string): boolean => {
    const o = organization(n);
    return o !== null && pkiNames.some((ca) => organization(ca) === o);
  };
  if (shape.incomplete && shape.missingIssuer !== null && !known(shape.missingIssuer) && sameOrg(shape.missingIssuer)) {
    out.push({
      code: 'client-chain-incomplete',
      title: 'Client certificate chain incomplete',
      what: `The client sent ${chain.length === 1 ? 'only its own certificate' : `${chain.length} certificates`} (frame ${at}) without '${shape.missingIssuer}', the CA that issued ${chain.length === 1 ? 'it' : 'one of them'}; a server that trusts only the root cannot link the client certificate to it`,
      fix: `Make the client send its intermediate CA certificates${inParens(stackSettings(input.stacks.client, CHAIN_SETTINGS))}, or add the intermediate to the server's trust store.`,
      frames: frames(at),
      explains: explainsAlerts(48, 46, 42, 40, null),
      whenAccepted: null,
    });
  } else if (cas.length > 0 && !chain.some((v) => known(v.subject) || known(v.issuer))) {
    out.push({
      code: 'client-cert-issuer-not-requested',
      title: 'Client certificate issuer not accepted by the server',
      what: `${theServer(input.facts.connection, hs.clientHello?.sni ?? null)} asked for a client certificate issued by ${listCas(cas)} (frame ${hs.certificateRequestFrame}), but the client sent '${leaf.subject}' issued by '${leaf.issuer}' (frame ${at}), which chains to none of them${shape.incomplete ? ' (and the client sent no CA certificate that would link it to one)' : ''}`,
      fix: `Give the client a certificate issued by ${listCas(cas)}, or add '${chain[chain.length - 1]?.issuer ?? leaf.issuer}' to the server's trust store so the server accepts and advertises it.`,
      frames: frames(hs.certificateRequestFrame, at),
      explains: explainsAlerts(48, 46, 42, 40, null),
      whenAccepted: null,
    });
  }
  return out;
});

/** True when a problem of the client chain explains the server's refusal (the rejected rule stays silent then). */
export function clientRefusalExplained(input: RuleInput): boolean {
  const r = clientRefusal(input);
  if (r === null) return false;
  const code = r.alert === null || r.alert.encrypted ? null : r.alert.description;
  return clientCertificateProblems(input).some((p) => p.explains.has(code));
}

const clientCertificateContent: Rule = {
  id: 'client-certificate-content',
  codes: ['client-cert-expired', 'client-cert-not-yet-valid', 'client-cert-no-client-auth', 'client-cert-no-digital-signature', 'client-cert-weak-key', 'client-cert-weak-signature', 'client-chain-incomplete', 'client-cert-issuer-not-requested'],
  evaluate(input: RuleInput): readonly Finding[] {
    const problems = clientCertificateProblems(input);
    if (problems.length === 0) return [];
    const refusal = clientRefusal(input);
    const accepted = input.status === 'ok';
    const out: Finding[] = [];
    for (const p of problems) {
      const f = problemFinding(p, refusal, accepted);
      if (f !== null) out.push(f);
    }
    return out;
  },
};

export const CLIENT_CERTIFICATE_CONTENT_RULES: readonly Rule[] = [clientCertificateContent];
