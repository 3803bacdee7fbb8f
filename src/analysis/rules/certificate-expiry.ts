/** Hygiene: certificates of either chain that expire within `context.expiryDays` of the capture. */
import type { Finding } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';
import { day } from './certificate-view.js';
import type { CertificateView } from './certificate-view.js';
import { clientChain } from './client-certificate-content.js';
import { frames } from './evidence.js';
import { serverChain } from './server-certificate.js';

function expiring(chain: readonly CertificateView[], within: number): { cert: CertificateView; index: number } | null {
  let best: { cert: CertificateView; index: number } | null = null;
  for (let index = 0; index < chain.length; index++) {
    const cert = chain[index] as CertificateView;
    if (cert.validity !== 'valid' || cert.daysToExpiry === null || cert.daysToExpiry > within) continue;
    if (best === null || (best.cert.daysToExpiry ?? 0) > cert.daysToExpiry) best = { cert, index };
  }
  return best;
}

/** The finding for the certificate of one side's chain that expires first within the threshold, or null. */
function expiryFinding(role: 'server' | 'client', chain: readonly CertificateView[], frame: number | null, within: number): Finding | null {
  const hit = expiring(chain, within);
  if (hit === null) return null;
  const days = hit.cert.daysToExpiry ?? 0;
  const which = hit.index === 0 ? `The ${role} certificate` : `The CA certificate in the ${role}'s chain`;
  const ofServer = role === 'server';
  return {
    code: ofServer ? 'server-cert-expiring' : 'client-cert-expiring',
    severity: 'warning',
    title: `${ofServer ? 'Server' : 'Client'} certificate expires in ${days} day${days === 1 ? '' : 's'}`,
    detail: `${which} '${hit.cert.subject}' (frame ${frame}) expires on ${day(hit.cert.notAfter)}, ${days} day${days === 1 ? '' : 's'} after this capture (warning threshold: ${within} days).`,
    fix: `Renew the ${role} certificate before ${day(hit.cert.notAfter)} and install it ${ofServer ? 'on the server' : "in the client's keystore"}.`,
    frames: frames(frame),
  };
}

const certificateExpiry: Rule = {
  id: 'certificate-expiring',
  codes: ['server-cert-expiring', 'client-cert-expiring'],
  evaluate(input: RuleInput): readonly Finding[] {
    const hs = input.facts.hs;
    if (hs === null) return [];
    const within = input.context.expiryDays;
    const server = expiryFinding('server', serverChain(input), hs.serverCertificateFrame, within);
    const client = expiryFinding('client', clientChain(input), hs.clientCertificateFrame, within);
    if (server === null) return client === null ? [] : [client];
    return client === null ? [server] : [server, client];
  },
};

export const CERTIFICATE_EXPIRY_RULES: readonly Rule[] = [certificateExpiry];
