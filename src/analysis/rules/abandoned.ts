/**
 * The last resort for a failed handshake that no cause rule explains: it says who ended the
 * connection, where, and after which message, so that every failure carries at least one
 * finding with its evidence. It runs the cause rules given to it and stays silent when any
 * of them produced an error.
 */
import type { Finding } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';
import { delayText, frames, theServer } from './evidence.js';

export function abandonedHandshake(causes: readonly Rule[]): Rule {
  return {
    id: 'handshake-abandoned',
    codes: ['handshake-abandoned'],
    evaluate(input: RuleInput): readonly Finding[] {
      if (input.status !== 'failed') return [];
      const hs = input.facts.hs;
      // A capture that began after the handshake has nothing to abandon (evidence-missing.ts says so).
      if (input.facts.connection.tls === true && (hs === null || (hs.clientHello === null && hs.serverHello === null))) return [];
      for (const rule of causes) if (rule.evaluate(input).some((f) => f.severity === 'error')) return [];
      const c = input.facts.connection;
      const end = c.tcp.end;
      const last = [...c.timeline].reverse().find((e) => e.kind !== 'tcp' && e.kind !== 'gap');
      const after = last !== undefined ? ` after the ${last.from ?? 'capture'}'s ${last.label} (frame ${last.frame})` : '';
      const stage = input.stage.replace(/-/g, ' ');
      const server = theServer(c, input.facts.hs?.clientHello?.sni ?? null);
      const how =
        (end.how === 'fin' || end.how === 'rst') && end.by !== null
          ? `the ${end.by} ${end.how === 'rst' ? 'reset' : 'closed'} the connection at frame ${end.frame}${after}${delayText(last?.time ?? null, end.time)}, without an alert`
          : `the handshake stopped${after}`;
      return [
        {
          code: 'handshake-abandoned',
          severity: 'error',
          title: `Handshake abandoned at ${stage}`,
          detail: `The handshake with ${server.replace(/^The/, 'the')} failed at ${stage}: ${how}. The side that ${end.by === 'client' ? 'closed (the client)' : end.by === 'server' ? 'closed (the server)' : 'stopped'} gave no reason on the wire.`,
          fix: `Read the ${end.by ?? 'client and server'} log${end.by === null ? 's' : ''} for this connection; a capture on the other side, or a key log (--keylog FILE), may show more.`,
          frames: frames(last?.frame, end.frame),
        },
      ];
    },
  };
}
