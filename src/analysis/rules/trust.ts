/**
 * Trust-store rules (`--trust`): the chain the peer sent, verified against the trust material
 * given, stated as fact — and cross-checked with what the verifying side actually did. When
 * the store's verdict and the peer's reaction agree the finding says so; when they disagree,
 * that is a finding of its own (the peer uses another store, or checks something more).
 *
 * Codes: `trust-client-untrusted`, `trust-client-trusted`, `trust-server-untrusted`,
 * `trust-server-trusted`, `trust-store-disagrees`, `trust-not-checked` (docs/diagnoses.md).
 */
import type { StackIdentity } from '../stack-identification.js';
import { inParens, stackSettings } from './stack-advice.js';
import type { Connection } from '../connection.js';
import type { ConnectionFacts } from '../judge.js';
import type { Finding, Severity } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';
import { alertText, firstCloseBy, frames, frameTime } from './evidence.js';
import { notChecked, storeNames, verifyChain } from '../../x509/trust/index.js';
import type { TrustPurpose, TrustReason, TrustResult, TrustSetup } from '../../x509/trust/index.js';
import type { Timestamp } from '../../util/time.js';

/** The trust verdicts of one connection: the `trust` object of the JSON report. */
export interface ConnectionTrust {
  readonly client: TrustResult;
  readonly server: TrustResult;
}

const memo = new WeakMap<Connection, { readonly setup: TrustSetup; readonly trust: ConnectionTrust }>();

function toDate(t: Timestamp): Date {
  return new Date(t.sec * 1000 + Math.floor(t.nsec / 1e6));
}

function verifySide(facts: ConnectionFacts, setup: TrustSetup, side: TrustPurpose): TrustResult {
  if (setup.purpose !== side) return notChecked(`The trust stores given verify ${setup.purpose} certificates (--trust-for ${setup.purpose}); ${side} certificates were not checked.`);
  const hs = facts.hs;
  if (hs === null) return notChecked('No TLS handshake was seen.');
  const c = facts.connection;
  const summaries = side === 'client' ? hs.clientCertificates : hs.serverCertificates;
  const ders = side === 'client' ? hs.clientCertificateDers : hs.serverCertificateDers;
  if (summaries === null) {
    const hidden = facts.tls13 ? ' TLS 1.3 encrypts certificates: a key log (--keylog FILE) reveals them.' : '';
    return notChecked(`No ${side} Certificate message was seen (not sent, not captured, or encrypted).${hidden}`);
  }
  if (summaries.length === 0) return notChecked(`The ${side} sent an empty Certificate message.`);
  if (ders === undefined || ders === null || ders.length === 0) return notChecked(`The ${side} certificates' bytes were not kept, so the chain was not verified.`);
  const time = side === 'client' ? (hs.clientCertificateTime ?? c.startTime) : (frameTime(c, hs.serverCertificateFrame) ?? hs.serverHelloTime ?? c.startTime);
  return verifyChain(ders, setup.stores, { purpose: side, at: toDate(time), hostname: side === 'server' ? (hs.clientHello?.sni ?? null) : null });
}

/** Verifies the chains of a connection against the trust setup (computed once per connection and setup). */
export function connectionTrust(facts: ConnectionFacts, setup: TrustSetup): ConnectionTrust {
  const known = memo.get(facts.connection);
  if (known !== undefined && known.setup === setup) return known.trust;
  const trust = { client: verifySide(facts, setup, 'client'), server: verifySide(facts, setup, 'server') };
  memo.set(facts.connection, { setup, trust });
  return trust;
}

/** How the verifying side reacted to the chain: accepted, rejected (alert or close), or not known. */
interface Reaction {
  readonly kind: 'accepted' | 'rejected' | 'unknown';
  /** "the server answered with alert unknown_ca (48) at frame 12" */
  readonly text: string;
  readonly frame: number | null;
}

function reaction(input: RuleInput, purpose: TrustPurpose): Reaction {
  const { facts, status, mtls } = input;
  const hs = facts.hs;
  const c = facts.connection;
  const verifier = purpose === 'client' ? 'server' : 'client';
  const sentFrame = (purpose === 'client' ? hs?.clientCertificateFrame : hs?.serverCertificateFrame) ?? null;
  if (status === 'ok') return { kind: 'accepted', text: `the ${verifier} accepted it and the handshake completed`, frame: facts.completedFrame };
  if (status !== 'failed' || sentFrame === null) return { kind: 'unknown', text: '', frame: null };
  if (purpose === 'client' && mtls.state !== 'sent-rejected') return { kind: 'unknown', text: '', frame: null };
  const alert = facts.failureAlert;
  if (alert !== null && alert.from === verifier && alert.frame >= sentFrame) return { kind: 'rejected', text: `the ${verifier} answered with ${alertText(alert)} at frame ${alert.frame}`, frame: alert.frame };
  if (alert !== null) return { kind: 'unknown', text: '', frame: null };
  const close = firstCloseBy(c, verifier, sentFrame);
  if (close !== null) return { kind: 'rejected', text: `the ${verifier} ${close.kind === 'rst' ? 'reset' : 'closed'} the connection without an alert at frame ${close.frame}`, frame: close.frame };
  return { kind: 'unknown', text: '', frame: null };
}

const TITLES: Record<TrustReason, string> = {
  'no-path-to-anchor': 'chains to a CA the trust store lacks',
  'missing-intermediate': 'intermediate CA missing from the chain',
  expired: 'chain has an expired certificate',
  'not-yet-valid': 'chain has a certificate not yet valid',
  'wrong-eku': 'not issued for this purpose (extended key usage)',
  'not-a-ca': 'chain has an issuer that may not act as a CA',
  'bad-signature': 'signature does not verify',
  'name-mismatch': 'does not cover the server name',
};

/** How each stack adds a CA to the trust store it verifies with. */
const TRUST_IMPORT = { java: 'keytool -importcert -trustcacerts -alias <name> -file ca.pem -keystore truststore.jks', openssl: 'append the PEM to the CAfile, or c_rehash the CApath', nodejs: 'the ca option, or NODE_EXTRA_CA_CERTS' } as const;
/** Where each stack names the trust store it loads. */
const TRUST_STORE_SETTING = { java: '-Djavax.net.ssl.trustStore, WebLogic: the keystore configuration of the server', openssl: 'CAfile/CApath, SSL_CERT_FILE', nodejs: 'the ca option, NODE_EXTRA_CA_CERTS' } as const;

/** The stack of the side that verifies the `purpose` certificate: the server verifies the client's. */
function verifierStack(input: RuleInput, purpose: TrustPurpose): StackIdentity | null {
  return purpose === 'client' ? input.stacks.server : input.stacks.client;
}

function fixFor(reason: TrustReason, purpose: TrustPurpose, verifierStack: StackIdentity | null): string {
  const holder = purpose === 'client' ? "the server's trust store" : "the client's trust store";
  const sender = purpose === 'client' ? 'client' : 'server';
  switch (reason) {
    case 'no-path-to-anchor':
      return `Import the CA named above into ${holder}${inParens(stackSettings(verifierStack, TRUST_IMPORT))}, or issue the ${sender} certificate from a CA it already trusts.`;
    case 'missing-intermediate':
      return `Configure the ${sender} to send its full chain (certificate plus intermediate CAs), or import the intermediate into ${holder}.`;
    case 'expired':
      return 'Renew the expired certificate named above and install it where it is used.';
    case 'not-yet-valid':
      return "Check the clocks of both hosts, or wait for the certificate's start date.";
    case 'wrong-eku':
      return `Reissue the ${sender} certificate with the ${purpose === 'client' ? 'clientAuth' : 'serverAuth'} extended key usage.`;
    case 'not-a-ca':
      return 'Reissue the issuing certificate as a CA (basicConstraints cA=true, keyUsage keyCertSign) or use a chain whose CAs allow this depth.';
    case 'bad-signature':
      return `Replace the certificate with an intact copy, or import the CA's current certificate into ${holder}.`;
    case 'name-mismatch':
      return 'Reissue the server certificate with the name clients use in its subject alternative names, or connect with a name it covers.';
  }
}

/** The result's detail without the closing offline remark (findings keep it short). */
function statement(r: TrustResult): string {
  return r.detail.replace(/ Checked offline:.*$/, '');
}

function trustRule(purpose: TrustPurpose): Rule {
  return {
    id: `trust-${purpose}`,
    codes: ['trust-not-checked', 'trust-store-disagrees', `trust-${purpose}-untrusted`, `trust-${purpose}-trusted`],
    evaluate(input: RuleInput): readonly Finding[] {
      const setup = input.context.trust;
      if (setup === undefined || setup.purpose !== purpose) return [];
      const { facts } = input;
      const hs = facts.hs;
      const result = connectionTrust(facts, setup)[purpose];
      const sentFrame = (purpose === 'client' ? hs?.clientCertificateFrame : hs?.serverCertificateFrame) ?? null;
      const stores = storeNames(setup.stores);
      if (result.verdict === 'not-checked') {
        // Worth saying only where a certificate was due and is hidden from view.
        const due = purpose === 'client' ? input.mtls.certificateRequested !== false && input.mtls.clientCertificates !== 0 && hs?.clientCertificates === null : hs?.serverHello !== null && hs?.serverCertificates === null && !facts.resumed;
        if (hs === null || hs.serverHello === null || !due || !facts.tls13) return [];
        return [{ code: 'trust-not-checked', severity: 'info', title: `Trust store not applied: ${purpose} certificate not visible`, detail: result.detail, fix: 'Capture with a key log (SSLKEYLOGFILE) and pass it with --keylog to verify the certificate against the trust store.', frames: [] }];
      }
      const r = reaction(input, purpose);
      const verifier = purpose === 'client' ? 'server' : 'client';
      const what = `${purpose === 'client' ? 'Client' : 'Server'} certificate`;
      if (result.verdict === 'untrusted') {
        const reason = result.reason as TrustReason;
        if (r.kind === 'accepted') {
          return [
            {
              code: 'trust-store-disagrees',
              severity: 'warning',
              title: `Trust store would reject the ${purpose} certificate the ${verifier} accepted`,
              detail: `${statement(result)} Yet ${r.text}: the ${verifier} does not use ${stores}, or does not verify ${purpose} certificates${purpose === 'client' ? ' (optional client authentication)' : ''}.`,
              fix: `Check which trust store the ${verifier} really loads; ${fixFor(reason, purpose, verifierStack(input, purpose)).charAt(0).toLowerCase()}${fixFor(reason, purpose, verifierStack(input, purpose)).slice(1)}`,
              frames: frames(sentFrame, r.frame),
            },
          ];
        }
        const agreement = r.kind === 'rejected' ? ` This matches what the ${verifier} did: ${r.text}.` : '';
        const severity: Severity = input.status === 'failed' ? 'error' : 'warning';
        return [{ code: `trust-${purpose}-untrusted`, severity, title: `${what} ${TITLES[reason]}`, detail: `${statement(result)}${agreement}`, fix: fixFor(reason, purpose, verifierStack(input, purpose)), frames: frames(sentFrame, r.frame) }];
      }
      if (r.kind === 'rejected') {
        return [
          {
            code: 'trust-store-disagrees',
            severity: 'warning',
            title: `Trust store would accept the ${purpose} certificate the ${verifier} rejected`,
            detail: `${stores} would accept this ${purpose} certificate (it chains to '${result.anchor ?? ''}'), yet ${r.text}: the ${verifier} uses a different trust store, or a revocation or policy check failed (not checked here: no network).`,
            fix: `Find the trust store the ${verifier} really loads${inParens(stackSettings(verifierStack(input, purpose), TRUST_STORE_SETTING))} and compare it with ${stores}; read the ${verifier}'s log for the exact reason.`,
            frames: frames(sentFrame, r.frame),
          },
        ];
      }
      const agreement = r.kind === 'accepted' ? ` The ${verifier} accepted it too.` : '';
      return [{ code: `trust-${purpose}-trusted`, severity: 'info', title: `${what} trusted by ${stores}`, detail: `${statement(result)}${agreement}`, fix: 'Nothing to change.', frames: frames(sentFrame) }];
    },
  };
}

/** The trust rules: client chains (the usual mTLS case) and server chains. */
export const TRUST_RULES: readonly Rule[] = [trustRule('client'), trustRule('server')];
