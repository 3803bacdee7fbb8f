/** Hygiene: TLS ≤ 1.2 without secure renegotiation (RFC 5746: renegotiation_info or the SCSV). */
import { isTls13Version } from '../judge.js';
import type { Finding } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';
import { frames } from './evidence.js';

const insecureRenegotiation: Rule = {
  id: 'insecure-renegotiation',
  codes: ['insecure-renegotiation'],
  evaluate({ facts }: RuleInput): readonly Finding[] {
    const hs = facts.hs;
    const ch = hs?.clientHello ?? null;
    const sh = hs?.serverHello ?? null;
    // TLS 1.3 has no renegotiation; SSL 3.0 has no extensions to signal it.
    if (hs === null || ch === null || sh === null || isTls13Version(sh.version) || sh.version < 0x0301) return [];
    if (ch.secureRenegotiation && sh.secureRenegotiation) return [];
    const side = !ch.secureRenegotiation && !sh.secureRenegotiation ? 'Neither side signals' : !ch.secureRenegotiation ? 'The client does not signal' : 'The server does not signal';
    return [
      {
        code: 'insecure-renegotiation',
        severity: 'warning',
        title: 'No secure renegotiation (RFC 5746)',
        detail: `${side} secure renegotiation: ${ch.secureRenegotiation ? '' : `the ClientHello (frame ${hs.clientHelloFrame}) has neither the renegotiation_info extension nor TLS_EMPTY_RENEGOTIATION_INFO_SCSV`}${!ch.secureRenegotiation && !sh.secureRenegotiation ? ', and ' : ''}${sh.secureRenegotiation ? '' : `the ServerHello (frame ${hs.serverHelloFrame}) has no renegotiation_info`}. Such a connection is open to the renegotiation injection attack (CVE-2009-3555), and OpenSSL 3 clients refuse such servers by default.`,
        fix: 'Update the TLS library of that side; every maintained stack supports RFC 5746.',
        frames: frames(hs.clientHelloFrame, hs.serverHelloFrame),
      },
    ];
  },
};

export const RENEGOTIATION_RULES: readonly Rule[] = [insecureRenegotiation];
