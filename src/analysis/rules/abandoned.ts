/**
 * The last resort for a failed handshake that no cause rule explains: it says who ended the
 * connection, where, and after which message, so that every failure carries at least one
 * finding with its evidence. It is listed right after the cause rules and stays silent when
 * any of them produced an error.
 */
import type { Connection, TimelineEntry } from '../connection.js';
import type { Finding } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';
import { delayText, frames, theServer } from './evidence.js';

/** The last timeline entry that is a TLS event (not a TCP segment or a capture gap). */
function lastTlsEvent(c: Connection): TimelineEntry | undefined {
  const timeline = c.timeline;
  for (let i = timeline.length - 1; i >= 0; i--) {
    const e = timeline[i];
    if (e !== undefined && e.kind !== 'tcp' && e.kind !== 'gap') return e;
  }
  return undefined;
}

/** `earlier`: the findings of the cause rules, which `RULES` lists right before it. */
export const abandonedHandshake: Rule = {
  id: 'handshake-abandoned',
  codes: ['handshake-abandoned'],
  evaluate(input: RuleInput, earlier: readonly Finding[]): readonly Finding[] {
    if (input.status !== 'failed') return [];
    const hs = input.facts.hs;
    // A capture that began after the handshake has nothing to abandon (evidence-missing.ts says so).
    if (input.facts.connection.tls === true && (hs === null || (hs.clientHello === null && hs.serverHello === null))) return [];
    for (const f of earlier) if (f.severity === 'error') return [];
    const c = input.facts.connection;
    const end = c.tcp.end;
    const last = lastTlsEvent(c);
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
