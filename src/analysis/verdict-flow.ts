/**
 * A handshake record read through the transition table (tls/handshake-flow.ts): the messages
 * the capture shows become steps; the state the walk ends in gives the stage where the handshake
 * stopped and what was due next.
 */
import type { Handshake } from './connection.js';
import type { Tls13Inference } from './tls13-inference.js';
import type { Stage } from './verdict-types.js';
import { FLOW_TRANSITIONS, walkFlow } from '../tls/handshake-flow.js';
import type { FlowMessage, FlowSender, FlowState, FlowStep, FlowWalk } from '../tls/handshake-flow.js';

/** How the handshake's messages can be read: decides which variant of the table's flows applies. */
export interface FlowReading {
  readonly tls13: boolean;
  /** TLS ≤ 1.2 abbreviated handshake. */
  readonly resumed: boolean;
  /** TLS 1.3 read with a key log (message by message). */
  readonly decrypted: boolean;
  /** TLS 1.3 without keys: the flights as record sizes read them. */
  readonly inference: Tls13Inference | null;
}

/**
 * The handshake's messages as table steps, in protocol order. The record keeps no stream
 * position, only the frame each message completed in, and that frame can run backwards (a
 * reordered or retransmitted segment credits a message to a packet after its answer), so frames
 * would make the verdict depend on segmentation. In protocol order the walk checks which messages
 * are there and stops advancing at the first one the table does not expect.
 */
export function handshakeSteps(hs: Handshake, reading: FlowReading): FlowStep[] {
  const steps: FlowStep[] = [];
  const add = (message: FlowMessage, sender: FlowSender, frame: number | null): void => {
    steps.push({ message, sender, frame });
  };
  const has = (frame: number | null): frame is number => frame !== null;
  if (hs.clientHello !== null) add('client_hello', 'client', hs.clientHelloFrame);
  if (hs.helloRetryRequest !== null) {
    add('hello_retry_request', 'server', null);
    if (hs.secondClientHello !== null) add('client_hello', 'client', null);
  }
  if (hs.serverHello !== null) add(reading.tls13 ? 'server_hello_tls13' : reading.resumed ? 'server_hello_resumed' : 'server_hello', 'server', hs.serverHelloFrame);

  if (reading.tls13 && !reading.decrypted) {
    const inf = reading.inference;
    if (inf !== null) {
      const serverRecord = hs.encryptedRecords.find((r) => r.from === 'server');
      // A client's second flight answers a server flight, so one was sent even if not captured.
      if (serverRecord !== undefined || inf.clientFlight !== 'none') add('encrypted_flight', 'server', serverRecord?.frame ?? hs.serverHelloFrame);
      const client = clientFlightMessage(inf);
      if (client !== null) add(client, 'client', inf.clientFlightFrame);
    }
  } else if (reading.tls13) {
    if (has(hs.encryptedExtensionsFrame)) add('encrypted_extensions', 'server', hs.encryptedExtensionsFrame);
    if (has(hs.certificateRequestFrame)) add('certificate_request', 'server', hs.certificateRequestFrame);
    if (hs.serverCertificates !== null) add('certificate', 'server', hs.serverCertificateFrame);
    if (has(hs.serverCertificateVerifyFrame)) add('certificate_verify', 'server', hs.serverCertificateVerifyFrame);
    if (has(hs.serverFinishedFrame)) add('finished', 'server', hs.serverFinishedFrame);
    if (hs.clientCertificates !== null) add('certificate', 'client', hs.clientCertificateFrame);
    if (hs.clientCertificateVerify !== null) add('certificate_verify', 'client', hs.clientCertificateVerify.frame);
    if (has(hs.clientFinishedFrame)) add('finished', 'client', hs.clientFinishedFrame);
    if (has(hs.newSessionTicketFrame)) add('new_session_ticket', 'server', hs.newSessionTicketFrame);
  } else if (reading.resumed) {
    if (has(hs.newSessionTicketFrame)) add('new_session_ticket', 'server', hs.newSessionTicketFrame);
    if (has(hs.serverCcsFrame)) add('change_cipher_spec', 'server', hs.serverCcsFrame);
    if (has(hs.serverFinishedFrame)) add('finished', 'server', hs.serverFinishedFrame);
    if (has(hs.clientCcsFrame)) add('change_cipher_spec', 'client', hs.clientCcsFrame);
    if (has(hs.clientFinishedFrame)) add('finished', 'client', hs.clientFinishedFrame);
  } else {
    if (hs.serverCertificates !== null) add('certificate', 'server', hs.serverCertificateFrame);
    if (has(hs.serverKeyExchangeFrame)) add('server_key_exchange', 'server', hs.serverKeyExchangeFrame);
    if (has(hs.certificateRequestFrame)) add('certificate_request', 'server', hs.certificateRequestFrame);
    if (has(hs.serverHelloDoneFrame)) add('server_hello_done', 'server', hs.serverHelloDoneFrame);
    if (hs.clientCertificates !== null) add('certificate', 'client', hs.clientCertificateFrame);
    if (has(hs.clientKeyExchangeFrame)) add('client_key_exchange', 'client', hs.clientKeyExchangeFrame);
    if (hs.clientCertificateVerify !== null) add('certificate_verify', 'client', hs.clientCertificateVerify.frame);
    if (has(hs.clientCcsFrame)) add('change_cipher_spec', 'client', hs.clientCcsFrame);
    if (has(hs.clientFinishedFrame)) add('finished', 'client', hs.clientFinishedFrame);
    if (has(hs.newSessionTicketFrame)) add('new_session_ticket', 'server', hs.newSessionTicketFrame);
    if (has(hs.serverCcsFrame)) add('change_cipher_spec', 'server', hs.serverCcsFrame);
    if (has(hs.serverFinishedFrame)) add('finished', 'server', hs.serverFinishedFrame);
  }
  return steps;
}

/** The client's second TLS 1.3 flight as its record sizes read it (no message for "nothing" or an alert). */
function clientFlightMessage(inf: Tls13Inference): FlowMessage | null {
  switch (inf.clientFlight) {
    case 'empty-certificate':
    case 'certificate-sent':
      return 'certificate';
    case 'finished-only':
      return 'finished';
    case 'unclear':
      return 'encrypted_flight';
    default:
      return null;
  }
}

/** Walks the handshake's messages through the table. */
export function handshakeWalk(hs: Handshake | null, reading: FlowReading): FlowWalk {
  return walkFlow(hs === null ? [] : handshakeSteps(hs, reading));
}

/** TLS ≤ 1.2 states right after the server's ServerHelloDone: the client's second flight is due. */
export const SERVER_FLIGHT_DONE: ReadonlySet<FlowState> = new Set(FLOW_TRANSITIONS.filter((t) => t.message === 'server_hello_done').map((t) => t.to));

/**
 * The stage a handshake that stopped in each state failed at (docs/diagnoses.md, "Stages").
 * A stop in the server's flight is named after the part of it last seen; a stop after the
 * server's flight with no answer from the client is the client refusing what the server sent
 * (`server-certificate`); after a CertificateRequest every later stop is about the client's
 * certificate, which is what the server then judged.
 */
export const STAGE_OF_STATE: Readonly<Record<FlowState, Stage>> = {
  start: 'client-hello',
  'client-hello': 'server-hello',
  'hello-retry-request': 'server-hello',
  'client-hello-retried': 'server-hello',
  'server-hello': 'server-certificate',
  'server-certificate': 'server-certificate',
  'certificate-status': 'server-certificate',
  'server-key-exchange': 'server-certificate',
  'certificate-request': 'certificate-request',
  'server-hello-done': 'server-certificate',
  'server-hello-done-auth': 'server-certificate',
  'client-certificate': 'client-certificate',
  'client-key-exchange': 'key-exchange',
  'client-key-exchange-auth': 'client-certificate',
  'client-certificate-verify': 'client-certificate',
  'client-change-cipher-spec': 'key-exchange',
  'client-change-cipher-spec-auth': 'client-certificate',
  'client-finished': 'finished',
  'client-finished-auth': 'client-certificate',
  'server-new-session-ticket': 'finished',
  'server-new-session-ticket-auth': 'client-certificate',
  'server-change-cipher-spec': 'finished',
  'server-change-cipher-spec-auth': 'client-certificate',
  established: 'finished',
  'established-auth': 'client-certificate',
  'resumed-server-hello': 'finished',
  'resumed-new-session-ticket': 'finished',
  'resumed-server-change-cipher-spec': 'finished',
  'resumed-server-finished': 'finished',
  'resumed-client-change-cipher-spec': 'finished',
  'resumed-established': 'finished',
  'tls13-server-hello': 'server-certificate',
  'tls13-encrypted-extensions': 'server-certificate',
  'tls13-certificate-request': 'server-certificate',
  'tls13-server-certificate': 'server-certificate',
  'tls13-server-certificate-auth': 'certificate-request',
  'tls13-server-certificate-verify': 'server-certificate',
  'tls13-server-certificate-verify-auth': 'certificate-request',
  'tls13-server-finished': 'server-certificate',
  'tls13-server-finished-auth': 'server-certificate',
  'tls13-client-certificate': 'client-certificate',
  'tls13-client-certificate-verify': 'client-certificate',
  'tls13-established': 'finished',
  'tls13-established-auth': 'client-certificate',
  'tls13-server-flight-encrypted': 'server-certificate',
  'tls13-client-certificate-encrypted': 'client-certificate',
  'tls13-client-finished-encrypted': 'finished',
  'tls13-client-flight-encrypted': 'finished',
};
