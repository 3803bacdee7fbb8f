/**
 * Hygiene: a handshake step slower than `context.slowHandshakeMs`, named so that the slow
 * side is obvious: the server's answer to the ClientHello, the client's answer to the
 * server's flight, or the server's verification of the client's flight (where client
 * certificate checks — CRL/OCSP fetches, directory look-ups — spend their time).
 */
import { diffMs } from '../../util/time.js';
import type { Timestamp } from '../../util/time.js';
import type { Finding } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';
import { durationText, frameTime, frames } from './evidence.js';

interface Step {
  readonly name: string;
  readonly who: string;
  readonly from: { frame: number; time: Timestamp };
  readonly to: { frame: number; time: Timestamp };
}

function at(frame: number | null, time: Timestamp | null): { frame: number; time: Timestamp } | null {
  return frame === null || time === null ? null : { frame, time };
}

function handshakeSteps(input: RuleInput): Step[] {
  const { facts } = input;
  const hs = facts.hs;
  if (hs === null) return [];
  const c = facts.connection;
  const steps: Step[] = [];
  const push = (name: string, who: string, from: { frame: number; time: Timestamp } | null, to: { frame: number; time: Timestamp } | null): void => {
    if (from !== null && to !== null && to.frame >= from.frame) steps.push({ name, who, from, to });
  };
  const ch = at(hs.clientHelloFrame, hs.clientHelloTime);
  const sh = at(hs.serverHelloFrame, hs.serverHelloTime);
  push('ClientHello → ServerHello', 'the server took', ch, sh);
  if (facts.tls13) {
    const inf = facts.tls13Inference;
    if (inf === null) return steps;
    const clientFlight = at(inf.clientFlightFrame, frameTime(c, inf.clientFlightFrame));
    const answer = at(inf.serverAnswerFrame, frameTime(c, inf.serverAnswerFrame));
    push("ServerHello → client's second flight", 'the client took', sh, clientFlight);
    push("client's second flight → server's answer", 'the server took', clientFlight, answer);
    return steps;
  }
  const serverDone = at(hs.serverHelloDoneFrame, frameTime(c, hs.serverHelloDoneFrame));
  const clientFirst = hs.clientCertificateFrame ?? hs.clientKeyExchangeFrame;
  const clientAnswer = at(clientFirst, frameTime(c, clientFirst));
  push("ServerHelloDone → client's answer", 'the client took', serverDone, clientAnswer);
  const clientFinished = at(hs.clientFinishedFrame, frameTime(c, hs.clientFinishedFrame));
  push("client's Finished → server's Finished", 'the server took', clientFinished, at(hs.serverFinishedFrame, hs.serverFinishedTime));
  return steps;
}

const slowHandshake: Rule = {
  id: 'slow-handshake',
  codes: ['slow-handshake'],
  evaluate(input: RuleInput): readonly Finding[] {
    const limit = input.context.slowHandshakeMs;
    const slow = handshakeSteps(input)
      .map((s) => ({ s, ms: diffMs(s.from.time, s.to.time) }))
      .filter((x) => x.ms > limit)
      .sort((a, b) => b.ms - a.ms);
    const worst = slow[0];
    if (worst === undefined) return [];
    const others = slow.slice(1).map((x) => `${x.s.name}: ${durationText(x.ms)}`);
    const certHint = worst.s.name.startsWith("client's") && input.facts.hs?.clientCertificates?.length ? ' With a client certificate, this is usually the server checking it (CRL or OCSP fetches, directory look-ups).' : '';
    return [
      {
        code: 'slow-handshake',
        severity: 'warning',
        title: `Slow handshake step: ${worst.s.name}`,
        detail: `${worst.s.name}: ${worst.s.who} ${durationText(worst.ms)} (frames ${worst.s.from.frame} → ${worst.s.to.frame}; threshold ${durationText(limit)}).${others.length > 0 ? ` Also slow: ${others.join('; ')}.` : ''}${certHint}`,
        fix: worst.s.who.startsWith('the server') ? "Look at what the server does at that step (its load, revocation checks, key-store or HSM access, reverse DNS look-ups)." : "Look at what the client does at that step (certificate selection, key-store or smart-card access, revocation checks of the server's certificate).",
        frames: frames(worst.s.from.frame, worst.s.to.frame),
      },
    ];
  },
};

export const SLOW_HANDSHAKE_RULES: readonly Rule[] = [slowHandshake];
