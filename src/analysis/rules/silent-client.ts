/**
 * A client that opened the TCP connection and closed it (FIN or RST) without sending a byte:
 * its TLS library gave up before the ClientHello. Whatever the server does next on that empty
 * connection — a bare alert, a reset — is its reaction, never the cause; the transport rule
 * names the client's silence and the alert rules leave the alert to it (alert-meanings.ts).
 */
import type { Connection } from '../connection.js';
import type { Timestamp } from '../../util/time.js';
import { firstCloseBy } from './evidence.js';

interface SilentClientClose {
  /** The client's FIN or RST. */
  readonly close: { readonly kind: 'fin' | 'rst'; readonly frame: number; readonly time: Timestamp };
  /** The frame at which the TCP connection was established (the client's ACK, else the SYN/ACK). */
  readonly established: number;
}

/** The client's close when it sent nothing and closed before the server sent or closed anything; null otherwise. */
export function silentClientClose(c: Connection): SilentClientClose | null {
  if (c.tcp.synAckFrame === null || c.counters.client.missingBytes > 0) return null;
  // No payload counted, or (when the server's bytes made the connection TLS) none at all in
  // the timeline: a partial record the TLS layer could not frame still counts as bytes.
  if (c.tls !== null && c.counters.client.bytes > 0) return null;
  if (c.timeline.some((e) => e.from === 'client' && e.kind !== 'tcp' && e.kind !== 'gap')) return null;
  if (c.handshakes.some((h) => h.clientHello !== null) || c.notTls.some((n) => n.from === 'client') || c.alerts.some((a) => a.from === 'client')) return null;
  const close = firstCloseBy(c, 'client', c.tcp.synAckFrame);
  if (close === null) return null;
  const serverClose = firstCloseBy(c, 'server', c.tcp.synAckFrame);
  if (serverClose !== null && serverClose.frame < close.frame) return null;
  // Anything the server sent first (a greeting, an early alert) would be what the client answered.
  const serverSpoke = c.timeline.some((e) => e.from === 'server' && e.kind !== 'tcp' && e.kind !== 'gap' && e.frame < close.frame);
  if (serverSpoke) return null;
  return { close, established: c.tcp.ackFrame ?? c.tcp.synAckFrame };
}
