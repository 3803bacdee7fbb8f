/**
 * The core of the diagnosis: did the handshake complete, where did it stop, and what
 * happened to the client certificate. Findings (the "why") come from the rules; this
 * module establishes the facts they build on.
 */
import type { Connection, Handshake } from './connection.js';
import type { MtlsVerdict, Stage, Status } from './verdict-types.js';
import { inferTls13 } from './tls13-inference.js';
import { identifyClientStack } from './stack-identification.js';
import type { StackIdentity } from './stack-identification.js';
import type { Tls13Inference } from './tls13-inference.js';
import { SERVER_FLIGHT_DONE, STAGE_OF_STATE, handshakeWalk } from './verdict-flow.js';
import { isExpected, wasExpected } from '../tls/handshake-flow.js';
import type { FlowWalk } from '../tls/handshake-flow.js';
import { ALERT } from '../tls/registry/named-codes.js';

/** Protocol versions that behave as TLS 1.3 on the wire (final, drafts, experiments). */
export function isTls13Version(v: number | null | undefined): boolean {
  if (v === null || v === undefined) return false;
  return v === 0x0304 || (v >= 0x7f00 && v <= 0x7fff) || (v >= 0x7e00 && v <= 0x7eff) || v === 0xfb1a;
}

/** Facts every rule needs, computed once per connection. */
export interface ConnectionFacts {
  readonly connection: Connection;
  /** The handshake the verdict is about: the first with a ClientHello, else the first. */
  readonly hs: Handshake | null;
  readonly version: number | null;
  readonly tls13: boolean;
  readonly resumed: boolean;
  readonly completed: boolean;
  /** Frame at which the handshake is known complete. */
  readonly completedFrame: number | null;
  /** The first fatal cleartext alert, or the first encrypted alert before completion. */
  readonly failureAlert: Connection['alerts'][number] | null;
  readonly tls13Inference: Tls13Inference | null;
  /** The client's TLS stack, from its ClientHello (identified once: the inference and the verdict both read it). */
  readonly clientStack: StackIdentity | null;
  /** The TCP connection ended (FIN/RST) before the handshake completed. */
  readonly closedEarly: boolean;
  /** A gap in either direction before completion. */
  readonly gapBeforeCompletion: boolean;
  /**
   * TLS 1.3 read with a key log: the encrypted messages (CertificateRequest, client Certificate,
   * Finished, alerts) are facts, and `tls13Inference` is null.
   */
  readonly decrypted: boolean;
  /** The handshake's messages walked through the transition table: where it stands and what was due next. */
  readonly flow: FlowWalk;
}

/** The TCP connection ended with a FIN or a reset (rather than staying open or being evicted). */
function tcpClosed(c: Connection): boolean {
  return c.tcp.end.how === 'fin' || c.tcp.end.how === 'rst';
}

/** The client closed the connection and the server had refused nothing (no alert from it). */
function clientClosedUnrefused(c: Connection): boolean {
  return tcpClosed(c) && c.tcp.end.by === 'client' && !c.alerts.some((a) => a.from === 'server');
}

export function connectionFacts(c: Connection): ConnectionFacts {
  const hs = c.handshakes.find((h) => h.clientHello !== null) ?? c.handshakes[0] ?? null;
  const sh = hs?.serverHello ?? null;
  const version = sh?.version ?? null;
  const tls13 = isTls13Version(version);
  const clientStack = identifyClientStack(hs?.clientHello ?? null);

  let resumed = false;
  if (sh !== null && hs !== null) {
    if (tls13) resumed = sh.pskSelected;
    else {
      const ch = hs.clientHello;
      resumed = ch !== null && ch.sessionId !== '' && ch.sessionId === sh.sessionId && hs.serverCertificates === null && hs.serverHelloDoneFrame === null;
      // Ticket resumption with an empty session id: the server goes straight to CCS.
      if (!resumed && hs.serverCcsFrame !== null && hs.serverCertificates === null && hs.serverHelloDoneFrame === null && (hs.clientCcsFrame === null || hs.serverCcsFrame < hs.clientCcsFrame)) resumed = true;
    }
  }

  let completed = false;
  let completedFrame: number | null = null;
  let inference: Tls13Inference | null = null;
  const decrypted = tls13 && hs !== null && sh !== null && c.decryption?.status === 'decrypted';
  if (decrypted && hs !== null) {
    // With keys: both Finished messages and no fatal alert (RFC 8446 §4.4.4, §6.2) — and, as
    // without keys, the server answered the client's flight (a ticket or data), or the client
    // closed on its own: a server that drops the connection silently after the client's
    // Finished (Node.js rejecting a client certificate) did not accept it.
    const fatalAlert = c.alerts.some((a) => a.level === 2);
    const clientFinished = hs.clientFinishedFrame;
    if (clientFinished !== null && hs.serverFinishedFrame !== null && !fatalAlert) {
      const serverAlertFrames = new Set(c.alerts.filter((a) => a.from === 'server').map((a) => a.frame));
      const serverAnswered =
        (hs.newSessionTicketFrame !== null && hs.newSessionTicketFrame > clientFinished) ||
        hs.encryptedRecords.some((r) => r.from === 'server' && r.frame > clientFinished && !serverAlertFrames.has(r.frame));
      if (serverAnswered || clientClosedUnrefused(c)) {
        completed = true;
        completedFrame = Math.max(clientFinished, hs.serverFinishedFrame);
      }
    }
  } else if (hs !== null && sh !== null) {
    if (tls13) {
      inference = inferTls13(hs, sh.cipherSuite, clientStack);
      if (inference.serverAnswer === 'accepted') {
        completed = true;
        completedFrame = inference.serverAnswerFrame;
      } else if (
        inference.serverAnswer === 'nothing' &&
        inference.clientFlight !== 'client-alert' &&
        inference.clientFlight !== 'none' &&
        clientClosedUnrefused(c)
      ) {
        // The client finished its flight and then closed on its own, with nothing refused:
        // the handshake completed (a client only closes this way once it is done).
        completed = true;
        completedFrame = inference.clientFlightFrame;
      }
    } else if (hs.clientFinishedFrame !== null && hs.serverFinishedFrame !== null) {
      completed = true;
      completedFrame = Math.max(hs.clientFinishedFrame, hs.serverFinishedFrame);
    }
  }

  const fatal = c.alerts.find((a) => (a.level === 2 || (a.encrypted && !completed)) && (completedFrame === null || a.frame <= completedFrame));
  const failureAlert = completed ? null : (fatal ?? c.alerts.find((a) => !a.encrypted && a.level === 2) ?? null);
  const closedEarly = !completed && tcpClosed(c);
  const gapBeforeCompletion = c.gaps.some((g) => completedFrame === null || g.frame <= completedFrame);
  const flow = handshakeWalk(hs, { tls13, resumed, decrypted, inference });

  return { connection: c, hs, version, tls13, resumed, completed, completedFrame, failureAlert, tls13Inference: inference, clientStack, closedEarly, gapBeforeCompletion, decrypted, flow };
}

export function judgeStatus(f: ConnectionFacts): Status {
  const c = f.connection;
  if (c.tls === false) return 'not-tls';
  if (c.tls === null) {
    // No payload at all: a failed connection attempt when TCP itself failed or was cut.
    if (c.tcp.synFrame !== null && (c.tcp.synAckFrame === null || c.tcp.end.how === 'rst' || c.tcp.end.how === 'fin')) return 'failed';
    return c.tcp.end.how === 'open' ? 'incomplete' : 'not-tls';
  }
  if (f.completed) return 'ok';
  const sawHandshake = f.hs !== null && (f.hs.clientHello !== null || f.hs.serverHello !== null);
  if (!sawHandshake) {
    // The capture began after the hellos: only a cleartext fatal alert says anything about the
    // handshake; encrypted records and closes are what any finished session ends with.
    return c.alerts.some((a) => !a.encrypted && a.level === 2) ? 'failed' : 'incomplete';
  }
  if (f.failureAlert !== null) return 'failed';
  if (f.tls13Inference !== null && (f.tls13Inference.serverAnswer === 'alert' || f.tls13Inference.clientFlight === 'client-alert')) return 'failed';
  if (c.notTls.length > 0) return 'failed';
  if (f.closedEarly && !f.gapBeforeCompletion) return 'failed';
  return 'incomplete';
}

/**
 * True when the client ended the handshake with decode_error or illegal_parameter after a
 * CertificateRequest whose CA list could not be read: it refused the request, not a certificate.
 */
export function clientRefusedCertificateRequest(f: Pick<ConnectionFacts, 'failureAlert' | 'hs'>): boolean {
  const a = f.failureAlert;
  const request = f.hs?.certificateRequest ?? null;
  if (a === null || a.from !== 'client' || request === null || request.badCertificateAuthorities === null) return false;
  return (a.description === ALERT.decode_error || a.description === ALERT.illegal_parameter) && a.frame >= (f.hs?.certificateRequestFrame ?? Infinity);
}

/** Where the handshake stopped (or, when it completed, how far the connection got). */
export function judgeStage(f: ConnectionFacts, status: Status): Stage {
  const c = f.connection;
  if (status === 'ok') return completedStage(f);
  if (c.tcp.synFrame !== null && c.tcp.synAckFrame === null && c.tls !== true) return 'tcp-connect';
  const alert = f.failureAlert;
  // A client that answers the server's whole flight with handshake_failure refused the negotiated
  // parameters (a suite or group it cannot use), not the certificate.
  if (alert?.from === 'client' && alert.description === ALERT.handshake_failure && SERVER_FLIGHT_DONE.has(f.flow.state)) return 'server-hello';
  if (clientRefusedCertificateRequest(f)) return 'certificate-request';
  return STAGE_OF_STATE[f.flow.state];
}

/** How far a completed connection got: application data after the handshake, or only the Finished messages. */
function completedStage(f: ConnectionFacts): Stage {
  const c = f.connection;
  const hs = f.hs;
  if (f.decrypted && hs !== null) {
    const after = f.completedFrame ?? Number.MAX_SAFE_INTEGER;
    return hs.encryptedRecords.some((r) => r.from === 'server' && r.frame > after) ? 'application-data' : 'finished';
  }
  // TLS 1.3 application data is encrypted like the handshake: the inference counts the server's records after it.
  const data = f.tls13 ? (f.tls13Inference?.serverRecordSizesAfter.length ?? 0) : c.counters.client.applicationDataRecords + c.counters.server.applicationDataRecords;
  return data > 0 ? 'application-data' : 'finished';
}

/**
 * True when the handshake stopped before the client's turn to send its certificate came, or
 * when it came and the client answered with its own fatal alert instead: a client that refused
 * the server's flight never got to send a certificate.
 */
function clientCertificateNotReached(f: ConnectionFacts): boolean {
  if (!wasExpected(f.flow, 'certificate', 'client')) return true;
  return isExpected(f.flow.state, 'certificate', 'client') && f.failureAlert?.from === 'client';
}

/** No CertificateRequest in a server flight that was read whole. */
function notRequestedMtls(sent: readonly unknown[] | null): MtlsVerdict {
  return { state: 'not-requested', certificateRequested: false, clientCertificates: sent === null ? null : sent.length, acceptableCAs: [], inferred: false, evidence: null };
}

/** Nothing known about the client certificate (state first, as the report lists it). */
function unknownMtls(state: 'unknown' | 'unknown-encrypted'): MtlsVerdict {
  return { state, certificateRequested: null, clientCertificates: null, acceptableCAs: [], inferred: false, evidence: null };
}

/**
 * A CertificateRequest was seen. Fields listed in the order the report has always shown them
 * (state last), without spreading a shared base object per connection.
 */
function requestedMtls(count: number | null, cas: readonly string[], state: MtlsVerdict['state']): MtlsVerdict {
  return { certificateRequested: true, clientCertificates: count, acceptableCAs: cas, inferred: false, evidence: null, state };
}

export function judgeMtls(f: ConnectionFacts, status: Status): MtlsVerdict {
  const hs = f.hs;
  if (hs === null || hs.serverHello === null) return unknownMtls('unknown');
  const cr = hs.certificateRequest;
  const sent = hs.clientCertificates;

  if (cr !== null) {
    const cas = cr.certificateAuthorities;
    const count = sent === null ? null : sent.length;
    if (count === null || count === 0) {
      if (status === 'ok') return requestedMtls(count, cas, 'optional-not-sent');
      if (status === 'failed' && count === null && clientCertificateNotReached(f)) return requestedMtls(count, cas, 'not-reached');
      if (status === 'failed' || count === 0) return requestedMtls(count, cas, 'requested-not-sent');
      return requestedMtls(count, cas, 'unknown');
    }
    if (status === 'ok') return requestedMtls(count, cas, 'sent-accepted');
    if (status === 'failed') return requestedMtls(count, cas, 'sent-rejected');
    return requestedMtls(count, cas, 'unknown');
  }

  if (f.decrypted) {
    // The server's whole flight was read: without a CertificateRequest in it, none was sent.
    if (f.resumed || hs.serverFinishedFrame !== null) {
      return notRequestedMtls(sent);
    }
    return unknownMtls('unknown');
  }

  if (f.tls13) {
    const inf = f.tls13Inference;
    if (f.resumed) return { state: 'not-requested', certificateRequested: false, clientCertificates: null, acceptableCAs: [], inferred: false, evidence: 'TLS 1.3 resumption (PSK): no certificates are exchanged' };
    if (inf === null) return unknownMtls('unknown-encrypted');
    const evidence = inf.evidence;
    switch (inf.clientFlight) {
      case 'finished-only':
        return { state: 'unknown-encrypted', certificateRequested: false, clientCertificates: null, acceptableCAs: [], inferred: true, evidence };
      case 'empty-certificate':
        return { state: 'unknown-encrypted', certificateRequested: true, clientCertificates: 0, acceptableCAs: [], inferred: true, evidence };
      case 'certificate-sent':
        return { state: 'unknown-encrypted', certificateRequested: true, clientCertificates: null, acceptableCAs: [], inferred: true, evidence };
      default:
        return { state: 'unknown-encrypted', certificateRequested: null, clientCertificates: null, acceptableCAs: [], inferred: inf.clientFlight !== 'none', evidence };
    }
  }

  // TLS ≤ 1.2 in cleartext: once the server's flight is complete, a missing CertificateRequest is a fact.
  if (hs.serverHelloDoneFrame !== null || f.resumed) {
    return notRequestedMtls(sent);
  }
  return unknownMtls('unknown');
}
