/**
 * Identity key store rules (`--identity-for server --alias NAME`): the certificate the server
 * sent on the wire against the leaf of the alias it is configured with. A server presenting
 * another certificate than its configured alias runs with another key store or alias than the
 * one the administrator looks at (a second managed server, an old keystore file, a proxy in
 * front of it).
 *
 * Code: `identity-server-cert-mismatch` (docs/diagnoses.md).
 */
import { basename } from 'node:path';
import { serverCertificateMatch } from '../identity-verdict.js';
import type { Finding } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';

const serverCertificateMismatch: Rule = {
  id: 'identity-server',
  codes: ['identity-server-cert-mismatch'],
  evaluate(input: RuleInput): readonly Finding[] {
    const setup = input.context.identity;
    if (setup === undefined || setup.side !== 'server' || setup.alias === null) return [];
    const match = serverCertificateMatch(input.facts, setup);
    const c = match.configured;
    if (c === null || c.matches !== false || match.sent === null) return [];
    const frame = input.facts.hs?.serverCertificateFrame ?? null;
    const holder = match.holder === null ? `no entry of ${basename(c.store.path)} holds it` : `it is the certificate of alias '${match.holder.alias}' in ${basename(match.holder.store.path)}`;
    return [
      {
        code: 'identity-server-cert-mismatch',
        severity: 'warning',
        title: `Server certificate is not the one of alias '${c.alias}'`,
        detail: `The server sent '${match.sent.subject}' (SHA-256 ${match.sent.sha256})${frame !== null ? ` at frame ${frame}` : ''}, not the certificate of its configured alias '${c.alias}' in ${basename(c.store.path)}${c.leaf !== null ? ` ('${c.leaf.subject}', SHA-256 ${c.leaf.sha256})` : ''}; ${holder}.`,
        fix: `Check which key store and alias the server really loads (WebLogic: the server's Keystores and SSL tabs, "Private Key Alias"; Java: javax.net.ssl.keyStore), and whether another server or a proxy answers on this address.`,
        frames: frame !== null ? [frame] : [],
      },
    ];
  },
};

/** The identity key store rules. */
export const IDENTITY_RULES: readonly Rule[] = [serverCertificateMismatch];
