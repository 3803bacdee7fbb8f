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
  chain.forEach((cert, index) => {
    if (cert.validity !== 'valid' || cert.daysToExpiry === null || cert.daysToExpiry > within) return;
    if (best === null || (best.cert.daysToExpiry ?? 0) > cert.daysToExpiry) best = { cert, index };
  });
  return best;
}

const certificateExpiry: Rule = {
  id: 'certificate-expiring',
  codes: ['server-cert-expiring', 'client-cert-expiring'],
  evaluate(input: RuleInput): readonly Finding[] {
    const hs = input.facts.hs;
    if (hs === null) return [];
    const within = input.context.expiryDays;
    const out: Finding[] = [];
    const sides = [
      { role: 'server', code: 'server-cert-expiring', chain: serverChain(input), frame: hs.serverCertificateFrame },
      { role: 'client', code: 'client-cert-expiring', chain: clientChain(input), frame: hs.clientCertificateFrame },
    ] as const;
    for (const side of sides) {
      const hit = expiring(side.chain, within);
      if (hit === null) continue;
      const days = hit.cert.daysToExpiry ?? 0;
      const which = hit.index === 0 ? `The ${side.role} certificate` : `The CA certificate in the ${side.role}'s chain`;
      out.push({
        code: side.code,
        severity: 'warning',
        title: `${side.role === 'server' ? 'Server' : 'Client'} certificate expires in ${days} day${days === 1 ? '' : 's'}`,
        detail: `${which} '${hit.cert.subject}' (frame ${side.frame}) expires on ${day(hit.cert.notAfter)}, ${days} day${days === 1 ? '' : 's'} after this capture (warning threshold: ${within} days).`,
        fix: `Renew the ${side.role} certificate before ${day(hit.cert.notAfter)} and install it ${side.role === 'server' ? 'on the server' : "in the client's keystore"}.`,
        frames: frames(side.frame),
      });
    }
    return out;
  },
};

export const CERTIFICATE_EXPIRY_RULES: readonly Rule[] = [certificateExpiry];
