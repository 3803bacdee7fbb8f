/**
 * Transport failures: TCP never came up, a side closed before TLS began, the server reset or
 * ignored the ClientHello, or one side spoke another protocol. These explain failures that
 * carry no alert at all.
 */
import { diffMs } from '../../util/time.js';
import type { Connection } from '../connection.js';
import type { Finding } from '../verdict-types.js';
import { serverKey } from './types.js';
import type { Rule, RuleInput } from './types.js';
import { encryptedTls13 } from './tls13-inferred.js';
import { alertText, durationText, endpointText, firstBytesText, firstCloseBy, frames, theServer } from './evidence.js';
import { silentClientClose } from './silent-client.js';
import { inParens, stackAdvice, stackSettings } from './stack-advice.js';

function serverAddress(c: Connection): string {
  return endpointText(c.server.ip, c.server.port);
}

const tcpConnectFailed: Rule = {
  id: 'tcp-connect-failed',
  codes: ['tcp-connection-refused', 'tcp-no-answer'],
  evaluate({ facts }: RuleInput): readonly Finding[] {
    const c = facts.connection;
    if (c.tcp.synFrame === null || c.tcp.synAckFrame !== null || c.tls === true) return [];
    const syns = c.tcp.events.filter((e) => e.kind === 'syn' && e.from === 'client');
    const first = syns[0];
    const last = syns[syns.length - 1];
    const reset = firstCloseBy(c, 'server', c.tcp.synFrame);
    if (reset !== null && reset.kind === 'rst') {
      return [
        {
          code: 'tcp-connection-refused',
          severity: 'error',
          title: 'Connection refused',
          detail: `The client's SYN to ${serverAddress(c)} (frame ${c.tcp.synFrame}) was answered with a TCP reset at frame ${reset.frame}: nothing listens on that port (or a firewall rejects the connection).`,
          fix: 'Check that the server is running and listening on this address and port, and that no firewall rejects the connection.',
          frames: frames(c.tcp.synFrame, reset.frame),
        },
      ];
    }
    const waited = first !== undefined && last !== undefined ? diffMs(first.time, c.endTime) : null;
    return [
      {
        code: 'tcp-no-answer',
        severity: 'error',
        title: 'Server did not answer the TCP connection',
        detail: `The client sent ${syns.length > 1 ? `${syns.length} SYNs` : 'a SYN'} to ${serverAddress(c)} (frame ${c.tcp.synFrame}${last !== undefined && syns.length > 1 ? `, last at frame ${last.frame}` : ''}) and no SYN/ACK came back${waited !== null ? ` within ${durationText(waited)}` : ''}: the server is unreachable, down, or a firewall drops the packets.`,
        fix: 'Check routing and firewalls between client and server (and that the capture point sees both directions), and that the server is up.',
        frames: frames(c.tcp.synFrame, last?.frame),
      },
    ];
  },
};

/** Why a client's TLS library gives up before its ClientHello, per stack (stack-advice.ts). */
const SILENT_CLIENT_REASONS = {
  java: 'it found nothing it may send: no protocol version is left once jdk.tls.disabledAlgorithms, jdk.tls.client.protocols and https.protocols are applied ("No appropriate protocol" in its log), no enabled cipher suite fits those versions, or its key store or key password cannot be read ("Cannot recover key", "keystore password was incorrect")',
  openssl: 'its minimum and maximum protocol versions, cipher list or security level leave nothing to offer ("no protocols available", "no ciphers available"), or its certificate and private key do not load',
  nodejs: 'its minVersion, maxVersion or ciphers leave nothing to offer, or its key and certificate do not load',
} as const;

const SILENT_CLIENT_SETTINGS = {
  java: 'enable TLS 1.2 and 1.3 with -Djdk.tls.client.protocols=TLSv1.2,TLSv1.3 or https.protocols, check the jdk.tls.disabledAlgorithms list in java.security, and check that javax.net.ssl.keyStorePassword opens both the key store and its key entry',
  openssl: 'MinProtocol, MaxProtocol, CipherString and SecLevel in openssl.cnf, or the -tls1_2 / --tlsv1.2 options',
  nodejs: 'minVersion, maxVersion and ciphers of tls.connect',
} as const;

/** What the server did on the empty connection after the client's close: its reaction, named as such. */
function serverReaction(c: Connection, afterFrame: number): { text: string; frame: number } | null {
  const alert = c.alerts.find((a) => a.from === 'server' && a.frame >= afterFrame);
  if (alert !== undefined) return { text: `the server then sent ${alertText(alert)} at frame ${alert.frame}, its reaction to an empty connection`, frame: alert.frame };
  const close = firstCloseBy(c, 'server', afterFrame);
  if (close !== null && close.kind === 'rst') return { text: `the server then reset the connection at frame ${close.frame}, its reaction to an empty connection`, frame: close.frame };
  return null;
}

const closedBeforeHello: Rule = {
  id: 'closed-before-client-hello',
  codes: ['client-closed-before-hello', 'server-closed-before-hello'],
  evaluate({ facts, stacks }: RuleInput): readonly Finding[] {
    const c = facts.connection;
    const silent = silentClientClose(c);
    if (silent !== null) {
      const { close, established } = silent;
      const reaction = serverReaction(c, close.frame);
      const reasons = stackAdvice(stacks.client, 'client', SILENT_CLIENT_REASONS);
      const settings = inParens(stackSettings(stacks.client, SILENT_CLIENT_SETTINGS));
      return [
        {
          code: 'client-closed-before-hello',
          severity: 'error',
          title: 'Client closed without sending a ClientHello',
          detail: `The TCP connection to ${serverAddress(c)} was established (frame ${established}), and the client ${close.kind === 'rst' ? 'reset' : 'closed'} it at frame ${close.frame} without sending anything${reaction === null ? '' : `; ${reaction.text}`}. The client's TLS library gave up before its ClientHello, so the cause is on the client. ${reasons}${reasons === '' ? '' : ' '}A TCP health check or port scan opens and closes connections the same way on purpose.`,
          fix: `Read the client's log for this connection: a TLS client that stops before its ClientHello says why there. Then fix its TLS settings${settings}.`,
          frames: frames(established, close.frame, reaction?.frame),
        },
      ];
    }
    if (c.tls !== null || c.tcp.synAckFrame === null || c.notTls.length > 0) return [];
    const byServer = firstCloseBy(c, 'server', c.tcp.synAckFrame);
    const byClient = firstCloseBy(c, 'client', c.tcp.synAckFrame);
    if (byServer === null || (byClient !== null && byClient.frame <= byServer.frame)) return [];
    const start = c.tcp.ackFrame ?? c.tcp.synAckFrame;
    return [
      {
        code: 'server-closed-before-hello',
        severity: 'error',
        title: 'Server closed before the ClientHello',
        detail: `The TCP connection to ${serverAddress(c)} was established (frame ${start}), and the server ${byServer.kind === 'rst' ? 'reset' : 'closed'} it at frame ${byServer.frame} before the client sent anything: the service accepted and dropped the connection (overloaded, restarting, or an access list).`,
        fix: "Check the server's log and connection limits, and any access list in front of it.",
        frames: frames(start, byServer.frame),
      },
    ];
  },
};

const afterClientHello: Rule = {
  id: 'server-after-client-hello',
  codes: ['server-reset-after-client-hello', 'server-closed-after-client-hello', 'server-silent-after-client-hello'],
  evaluate({ facts }: RuleInput): readonly Finding[] {
    const c = facts.connection;
    const hs = facts.hs;
    if (hs === null || hs.clientHello === null || hs.clientHelloFrame === null || hs.serverHello !== null || hs.helloRetryRequest !== null) return [];
    if (c.alerts.some((a) => a.from === 'server') || c.notTls.some((n) => n.from === 'server')) return [];
    if (c.gaps.some((g) => g.from === 'server')) return [];
    // A file cut while the answer was due cannot show a silent server (evidence-missing.ts names the cut).
    if (c.captureCut !== undefined && c.tcp.end.how === 'open') return [];
    const chFrame = hs.clientHelloFrame;
    const chTime = hs.clientHelloTime;
    const server = theServer(c, hs.clientHello.sni);
    const serverClose = firstCloseBy(c, 'server', chFrame);
    const clientClose = firstCloseBy(c, 'client', chFrame);
    if (serverClose !== null && (clientClose === null || serverClose.frame <= clientClose.frame)) {
      const after = chTime !== null ? `, ${durationText(diffMs(chTime, serverClose.time))} after it` : '';
      const rst = serverClose.kind === 'rst';
      return [
        {
          code: rst ? 'server-reset-after-client-hello' : 'server-closed-after-client-hello',
          severity: 'error',
          title: rst ? 'Server reset the connection after the ClientHello' : 'Server closed the connection after the ClientHello',
          detail: `${server} ${rst ? 'reset' : 'closed'} the connection at frame ${serverClose.frame}${after}, without a ServerHello or an alert in answer to the ClientHello (frame ${chFrame}). Servers and firewalls do this when they refuse the offered versions or cipher suites without saying so, when the SNI name is not allowed, or when the port does not speak TLS.`,
          fix: "Read the server's (or firewall's) log for this connection; compare the client's offered versions and cipher suites with the server's settings, and check that the port expects TLS from the first byte (not STARTTLS).",
          frames: frames(chFrame, serverClose.frame),
        },
      ];
    }
    // Nothing at all from the server after the ClientHello.
    const until = clientClose !== null ? clientClose.time : c.endTime;
    const waited = chTime !== null ? durationText(diffMs(chTime, until)) : null;
    const ending =
      clientClose !== null
        ? `the client gave up and ${clientClose.kind === 'rst' ? 'reset' : 'closed'} the connection at frame ${clientClose.frame}${waited !== null ? `, ${waited} after the ClientHello` : ''}`
        : `the capture ended${waited !== null ? ` ${waited} after the ClientHello` : ''} with the connection still open`;
    return [
      {
        code: 'server-silent-after-client-hello',
        severity: clientClose !== null ? 'error' : 'warning',
        title: 'Server did not answer the ClientHello',
        detail: `${server} sent nothing after the ClientHello (frame ${chFrame}); ${ending}. The server expects another protocol first (a plaintext greeting, STARTTLS, a proxy header), is stuck, or a middlebox swallows the ClientHello.`,
        fix: 'Check that the port expects TLS from the first byte, that no proxy or firewall holds back the ClientHello (try a smaller ClientHello or another network path), and the server\'s state.',
        frames: frames(chFrame, clientClose?.frame),
      },
    ];
  },
};

/** What a non-TLS reply probably is, from its first bytes. */
function protocolHint(bytes: Uint8Array): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 16));
  if (head.startsWith('HTTP/')) return 'an HTTP response: the port serves plain HTTP, not HTTPS';
  if (head.startsWith('SSH-')) return 'an SSH banner: the port is an SSH server';
  if (/^220[ -]/.test(head)) return 'a 220 greeting (SMTP or FTP): the port expects STARTTLS or AUTH TLS after a plaintext exchange, not TLS from the first byte';
  if (head.startsWith('+OK')) return 'a POP3 greeting: the port expects STLS after a plaintext exchange';
  if (head.startsWith('* OK')) return 'an IMAP greeting: the port expects STARTTLS after a plaintext exchange';
  return 'something that is not TLS';
}

const notTlsReply: Rule = {
  id: 'not-tls-reply',
  codes: ['not-tls-reply'],
  evaluate({ facts }: RuleInput): readonly Finding[] {
    const c = facts.connection;
    const hs = facts.hs;
    // Only a client that spoke TLS was answered in the wrong protocol: plain HTTP both ways
    // (`curl http://…`) is simply not TLS (plaintext-to-tls-port covers plaintext to a TLS port).
    if (hs?.clientHelloFrame == null || c.notTls.some((n) => n.from === 'client')) return [];
    const reply = c.notTls.find((n) => n.from === 'server' && n.atStart);
    if (reply === undefined) return [];
    const sentHello = ` to the ClientHello (frame ${hs.clientHelloFrame})`;
    return [
      {
        code: 'not-tls-reply',
        severity: 'error',
        title: 'Server answered with another protocol',
        detail: `${theServer(c, hs?.clientHello?.sni ?? null)} replied${sentHello} with ${firstBytesText(reply.firstBytes)} at frame ${reply.frame}, which is ${protocolHint(reply.firstBytes)}.`,
        fix: 'Point the client at the TLS port of the service (e.g. 443 rather than 80), or enable TLS on this port; for mail and FTP ports, configure the client for STARTTLS.',
        frames: frames(hs.clientHelloFrame, reply.frame),
      },
    ];
  },
};

/** Ports whose protocol is TLS from the first byte (IANA): plaintext there is a client mistake. */
const TLS_PORTS: ReadonlyMap<number, string> = new Map([
  [443, 'HTTPS'],
  [8443, 'HTTPS (alternate)'],
  [465, 'SMTPS'],
  [636, 'LDAPS'],
  [853, 'DNS over TLS'],
  [990, 'FTPS'],
  [993, 'IMAPS'],
  [995, 'POP3S'],
  [5061, 'SIP over TLS'],
  [5671, 'AMQPS'],
  [6514, 'syslog over TLS'],
  [8883, 'MQTT over TLS'],
]);

const plaintextToTlsPort: Rule = {
  id: 'plaintext-to-tls-port',
  codes: ['plaintext-to-tls-port'],
  evaluate({ facts, context }: RuleInput): readonly Finding[] {
    const c = facts.connection;
    const sent = c.notTls.find((n) => n.from === 'client' && n.atStart);
    if (c.tls !== false) return [];
    // Without the first bytes recorded, the client's byte count still shows it spoke first.
    if (sent === undefined && (c.counters.client.bytes === 0 || c.notTls.some((n) => n.from === 'server'))) return [];
    const seenTls = context.tlsServers.has(serverKey(c));
    const wellKnown = TLS_PORTS.get(c.server.port);
    if (!seenTls && wellKnown === undefined) return [];
    const where = seenTls ? 'where other connections in this capture speak TLS' : `port ${c.server.port}, the standard port of ${wellKnown}, where TLS starts with the first byte`;
    const reply = c.notTls.some((n) => n.from === 'server') ? '' : ' The server gave no plaintext answer.';
    return [
      {
        code: 'plaintext-to-tls-port',
        severity: 'error',
        title: 'Client spoke plaintext to a TLS port',
        detail: `The client sent ${sent !== undefined ? `${firstBytesText(sent.firstBytes)} at frame ${sent.frame}` : `${c.counters.client.bytes} bytes that are not TLS`} to ${serverAddress(c)}, ${where}: the client is configured for a plaintext protocol (http:// instead of https://, or STARTTLS expected) on a TLS port.${reply}`,
        fix: 'Configure the client to use TLS for this address (https://, ldaps://, "SSL enabled"), or point it at the plaintext port.',
        frames: frames(sent?.frame ?? c.firstFrame),
      },
    ];
  },
};

/**
 * The server closed right after the client's Finished with no answer at all — no Finished
 * (TLS ≤ 1.2), no session ticket or data (TLS 1.3), no alert — when no client certificate
 * was involved (those cases belong to the client-certificate rules).
 */
const closedAfterClientFinished: Rule = {
  id: 'server-closed-after-client-finished',
  codes: ['server-closed-after-client-finished'],
  evaluate(input: RuleInput): readonly Finding[] {
    const { facts, status, mtls } = input;
    const c = facts.connection;
    const hs = facts.hs;
    if (hs === null || status !== 'failed' || facts.failureAlert !== null || c.alerts.some((a) => a.from === 'server')) return [];
    let flightFrame: number | null = null;
    let inferred = false;
    if (facts.tls13) {
      const inf = encryptedTls13(input);
      if (inf === null || inf.serverAnswer !== 'nothing' || (inf.clientFlight !== 'finished-only' && inf.clientFlight !== 'unclear')) return [];
      flightFrame = inf.clientFlightFrame;
      inferred = true;
    } else {
      if (hs.clientFinishedFrame === null || hs.serverFinishedFrame !== null || mtls.state === 'sent-rejected' || mtls.state === 'requested-not-sent') return [];
      flightFrame = hs.clientFinishedFrame;
    }
    if (flightFrame === null) return [];
    const close = firstCloseBy(c, 'server', flightFrame);
    const clientClose = firstCloseBy(c, 'client', flightFrame);
    if (close === null || (clientClose !== null && clientClose.frame < close.frame)) return [];
    const verb = close.kind === 'rst' ? 'reset' : 'closed';
    return [
      {
        code: 'server-closed-after-client-finished',
        severity: 'error',
        title: "Server closed after the client's Finished",
        detail: `${theServer(c, hs.clientHello?.sni ?? null)} ${verb} the connection at frame ${close.frame}, right after the client's ${inferred ? `encrypted flight (frame ${flightFrame}, read from record sizes as its Finished)` : `Finished (frame ${flightFrame})`}, without ${facts.tls13 ? 'a session ticket, data' : 'its own Finished'} or an alert. The server refused the client's key exchange or Finished without saying so, or its application closed at once.`,
        fix: `Read the server's log for this connection${facts.tls13 ? '; run again with --keylog FILE to see the decrypted messages' : ''}.`,
        frames: frames(flightFrame, close.frame),
        ...(inferred ? { inferred: true } : {}),
      },
    ];
  },
};

export const TRANSPORT_RULES: readonly Rule[] = [tcpConnectFailed, closedBeforeHello, afterClientHello, notTlsReply, plaintextToTlsPort, closedAfterClientFinished];
