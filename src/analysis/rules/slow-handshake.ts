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
  readonly ms: number;
}

/** A step slower than `limit`, or null (the common case, which allocates nothing). */
function slowStep(name: string, who: string, fromFrame: number | null, fromTime: Timestamp | null, toFrame: number | null, toTime: Timestamp | null, limit: number): Step | null {
  if (fromFrame === null || fromTime === null || toFrame === null || toTime === null || toFrame < fromFrame) return null;
  const ms = diffMs(fromTime, toTime);
  return ms > limit ? { name, who, from: { frame: fromFrame, time: fromTime }, to: { frame: toFrame, time: toTime }, ms } : null;
}

/** The handshake's steps slower than `limit`, in handshake order (this runs for every connection; most have none). */
function slowSteps(input: RuleInput, limit: number): Step[] {
  const { facts } = input;
  const hs = facts.hs;
  const slow: Step[] = [];
  if (hs === null) return slow;
  const c = facts.connection;
  const keep = (step: Step | null): void => {
    if (step !== null) slow.push(step);
  };
  keep(slowStep('ClientHello → ServerHello', 'the server took', hs.clientHelloFrame, hs.clientHelloTime, hs.serverHelloFrame, hs.serverHelloTime, limit));
  if (facts.tls13) {
    const inf = facts.tls13Inference;
    if (inf === null) return slow;
    const clientFlightTime = frameTime(c, inf.clientFlightFrame);
    keep(slowStep("ServerHello → client's second flight", 'the client took', hs.serverHelloFrame, hs.serverHelloTime, inf.clientFlightFrame, clientFlightTime, limit));
    keep(slowStep("client's second flight → server's answer", 'the server took', inf.clientFlightFrame, clientFlightTime, inf.serverAnswerFrame, frameTime(c, inf.serverAnswerFrame), limit));
    return slow;
  }
  const clientFirst = hs.clientCertificateFrame ?? hs.clientKeyExchangeFrame;
  keep(slowStep("ServerHelloDone → client's answer", 'the client took', hs.serverHelloDoneFrame, frameTime(c, hs.serverHelloDoneFrame), clientFirst, frameTime(c, clientFirst), limit));
  keep(slowStep("client's Finished → server's Finished", 'the server took', hs.clientFinishedFrame, frameTime(c, hs.clientFinishedFrame), hs.serverFinishedFrame, hs.serverFinishedTime, limit));
  return slow;
}

const slowHandshake: Rule = {
  id: 'slow-handshake',
  codes: ['slow-handshake'],
  evaluate(input: RuleInput): readonly Finding[] {
    const limit = input.context.slowHandshakeMs;
    const slow = slowSteps(input, limit).sort((a, b) => b.ms - a.ms);
    const worst = slow[0];
    if (worst === undefined) return [];
    const others = slow.slice(1).map((x) => `${x.name}: ${durationText(x.ms)}`);
    const certHint = worst.name.startsWith("client's") && input.facts.hs?.clientCertificates?.length ? ' With a client certificate, this is usually the server checking it (CRL or OCSP fetches, directory look-ups).' : '';
    return [
      {
        code: 'slow-handshake',
        severity: 'warning',
        title: `Slow handshake step: ${worst.name}`,
        detail: `${worst.name}: ${worst.who} ${durationText(worst.ms)} (frames ${worst.from.frame} → ${worst.to.frame}; threshold ${durationText(limit)}).${others.length > 0 ? ` Also slow: ${others.join('; ')}.` : ''}${certHint}`,
        fix: worst.who.startsWith('the server') ? "Look at what the server does at that step (its load, revocation checks, key-store or HSM access, reverse DNS look-ups)." : "Look at what the client does at that step (certificate selection, key-store or smart-card access, revocation checks of the server's certificate).",
        frames: frames(worst.from.frame, worst.to.frame),
      },
    ];
  },
};

export const SLOW_HANDSHAKE_RULES: readonly Rule[] = [slowHandshake];
