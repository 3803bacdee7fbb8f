/**
 * Evidence the capture does not hold: bytes not captured, payloads cut by the snap length,
 * a capture that started after the handshake or ended before it finished, and a TLS 1.3
 * handshake whose certificate exchange is encrypted. Each finding says what would reveal
 * the missing part (a key log, a capture on the other side, a larger snap length).
 */
import { keyLogAdvice } from './stack-advice.js';
import type { Finding } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';
import { frames } from './evidence.js';
import { encryptedTls13 } from './tls13-inferred.js';
import type { CaptureCut } from '../connection.js';
import { expectedNext } from '../../tls/handshake-flow.js';
import type { FlowMessage, FlowSender, FlowState } from '../../tls/handshake-flow.js';
import { groupedInteger } from '../../util/grouped-integer.js';

const captureGaps: Rule = {
  id: 'capture-gaps',
  codes: ['snap-length-truncated', 'capture-gap'],
  evaluate({ facts, status }: RuleInput): readonly Finding[] {
    const c = facts.connection;
    const out: Finding[] = [];
    const snapped = c.gaps.filter((g) => g.reason === 'snap-length');
    if (snapped.length > 0) {
      const bytes = snapped.reduce((n, g) => n + g.length, 0);
      out.push({
        code: 'snap-length-truncated',
        severity: status === 'ok' ? 'info' : 'warning',
        title: 'Packets cut by the capture snap length',
        detail: `${bytes} bytes of this connection were cut off by the capture's snap length (first at frame ${snapped[0]?.frame}), so handshake messages such as certificates may be missing.`,
        fix: 'Capture again with the full packet length: tcpdump -s 0 (or -s 65535), Wireshark/dumpcap without a snap length limit.',
        frames: frames(...snapped.slice(0, 5).map((g) => g.frame)),
      });
    }
    const lost = c.gaps.filter((g) => g.reason !== 'snap-length' && (facts.completedFrame === null || g.frame <= facts.completedFrame));
    if (lost.length > 0) {
      const by = (role: 'client' | 'server'): number => lost.filter((g) => g.from === role).reduce((n, g) => n + g.length, 0);
      const parts = [by('client') > 0 ? `${by('client')} bytes from the client` : '', by('server') > 0 ? `${by('server')} bytes from the server` : ''].filter((s) => s !== '');
      const first = lost[0];
      out.push({
        code: 'capture-gap',
        severity: status === 'ok' ? 'info' : 'warning',
        title: 'Handshake bytes missing from the capture',
        detail: `${parts.join(' and ')} ${lost.length === 1 ? 'were' : 'were'} not captured during the handshake (first gap at frame ${first?.frame}, ${first?.reason ?? 'not-captured'}); the diagnosis may miss messages that crossed the wire.`,
        fix: 'Capture again closer to one end (on the client or server host itself), with a larger capture buffer (tcpdump -B 16384) so the kernel drops nothing; a capture on the other side shows what this one missed.',
        frames: frames(...lost.slice(0, 5).map((g) => g.frame)),
      });
    }
    return out;
  },
};

const captureBounds: Rule = {
  id: 'capture-bounds',
  codes: ['handshake-not-captured', 'capture-ended-mid-handshake', 'capture-file-cut'],
  evaluate({ facts, status }: RuleInput): readonly Finding[] {
    const c = facts.connection;
    const hs = facts.hs;
    if (c.tls === true && (hs === null || hs.clientHello === null) && c.tcp.synFrame === null) {
      return [
        {
          code: 'handshake-not-captured',
          severity: 'info',
          title: 'Handshake not in the capture',
          detail: `The capture holds only the middle of this connection (from frame ${c.firstFrame}): it started after the TLS handshake, so there is nothing to diagnose.`,
          fix: 'Start the capture before the client connects (or make the client open a new connection while capturing).',
          frames: frames(c.firstFrame),
        },
      ];
    }
    if (status === 'incomplete' && c.tcp.end.how === 'open' && hs !== null && hs.clientHello !== null && c.notTls.length === 0) {
      if (c.captureCut !== undefined) return [fileCut(c.captureCut, c.lastFrame, waitingFor(facts.flow.state))];
      return [
        {
          code: 'capture-ended-mid-handshake',
          severity: 'info',
          title: 'Capture ended before the handshake finished',
          detail: `The connection was still open and the handshake unfinished when the capture ended (last frame of the connection: ${c.lastFrame}).`,
          fix: 'Capture for longer, until the client reports its error or the connection closes.',
          frames: frames(c.lastFrame),
        },
      ];
    }
    return [];
  },
};

/** The capture file ended while this handshake waited: the cut, not a peer, is why it looks unfinished. */
function fileCut(cut: CaptureCut, lastFrame: number, waiting: string | null): Finding {
  const where = `byte ${groupedInteger(cut.byte)}${cut.gzip ? ' of the decompressed capture' : ''}`;
  return {
    code: 'capture-file-cut',
    severity: 'warning',
    title: 'Capture file cut during the handshake',
    detail: `The capture file ends inside packet ${cut.frame}, at ${where}, while this handshake was open${waiting === null ? '' : ` and waiting for ${waiting}`} (last packet of the connection: frame ${lastFrame}). What came after is not in the file, so it cannot show whether the answer was sent.`,
    fix: `Capture again and keep the whole file: this one was cut at ${where} (copied before the capture finished, or cut with head -c); stop tcpdump with Ctrl-C so it writes its last packets.`,
    frames: frames(lastFrame),
  };
}

/** Readable names of the messages the table awaits. */
const MESSAGE_WORDS: Partial<Record<FlowMessage, string>> = {
  client_hello: 'ClientHello',
  server_hello: 'ServerHello',
  server_hello_resumed: 'ServerHello',
  server_hello_tls13: 'ServerHello',
  hello_retry_request: 'HelloRetryRequest',
  encrypted_extensions: 'EncryptedExtensions',
  certificate: 'Certificate',
  certificate_status: 'CertificateStatus',
  server_key_exchange: 'ServerKeyExchange',
  certificate_request: 'CertificateRequest',
  server_hello_done: 'ServerHelloDone',
  client_key_exchange: 'ClientKeyExchange',
  certificate_verify: 'CertificateVerify',
  change_cipher_spec: 'ChangeCipherSpec',
  finished: 'Finished',
  new_session_ticket: 'NewSessionTicket',
  encrypted_flight: 'encrypted flight',
};

/**
 * What the handshake waited for in `state`, from the transition table: "the server's ServerHello
 * or HelloRetryRequest". Steps that leave the state as it is (a compatibility ChangeCipherSpec,
 * tickets after the handshake) are not waited for. Null when nothing is due.
 */
function waitingFor(state: FlowState): string | null {
  const due = expectedNext(state).filter((t) => t.to !== state);
  if (due.length === 0) return null;
  const bySender = (sender: FlowSender): string | null => {
    const words = [...new Set(due.filter((t) => t.sender === sender).map((t) => MESSAGE_WORDS[t.message] ?? t.message))];
    return words.length === 0 ? null : `the ${sender}'s ${words.join(' or ')}`;
  };
  return [bySender('server'), bySender('client')].filter((w) => w !== null).join(' or ');
}

const encryptedHandshake: Rule = {
  id: 'encrypted-handshake',
  codes: ['encrypted-handshake'],
  evaluate(input: RuleInput): readonly Finding[] {
    const inf = encryptedTls13(input);
    if (inf === null || inf.clientFlight === 'empty-certificate' || inf.clientFlight === 'certificate-sent' || inf.clientFlight === 'client-alert') return [];
    // A handshake that failed before the client's flight is explained elsewhere; the sizes add nothing.
    if (inf.clientFlight === 'none' && input.status === 'failed') return [];
    const reading =
      inf.clientFlight === 'finished-only'
        ? `From record sizes no client certificate was requested: the client's second flight was ${inf.clientRecordSizes.join(' + ')} bytes, Finished alone (${inf.sizes.finished}).`
        : inf.clientFlight === 'none'
          ? 'The client sent nothing after the ServerHello, so the record sizes say nothing about a client certificate.'
          : `The client's second flight (${inf.clientRecordSizes.join(' + ')} bytes) matches no known pattern (padding or an unusual TLS stack), so it says nothing sure about a client certificate.`;
    return [
      {
        code: 'encrypted-handshake',
        severity: 'info',
        title: 'TLS 1.3: certificates are encrypted',
        detail: `Everything after the ServerHello${input.facts.hs?.serverHelloFrame != null ? ` (frame ${input.facts.hs.serverHelloFrame})` : ''} is encrypted in TLS 1.3, including both certificates. ${reading}`,
        fix: keyLogAdvice(input, 'to see the certificates'),
        frames: frames(input.facts.hs?.serverHelloFrame, inf.clientFlightFrame),
        ...(inf.clientFlight === 'finished-only' ? { inferred: true } : {}),
      },
    ];
  },
};

export const EVIDENCE_RULES: readonly Rule[] = [captureGaps, captureBounds, encryptedHandshake];
