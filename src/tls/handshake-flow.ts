/**
 * The TLS handshake as a transition table `(state, message, sender) → next state`, kept apart
 * from parsing (as rusticata tls-parser's `tls_states.rs` does): decoders say what a message
 * is, this table says whether it may come now and where the handshake then stands. Walking a
 * handshake's messages through it gives the state where the handshake stopped and, from the
 * rows leaving that state, what was expected next.
 *
 * Flows covered:
 * - TLS ≤ 1.2 full handshake (RFC 5246 §7.3): ServerHello, Certificate, CertificateStatus
 *   (RFC 6066 §8), ServerKeyExchange, CertificateRequest, ServerHelloDone; the client's
 *   Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec, Finished; the server's
 *   NewSessionTicket (RFC 5077 §3.3), ChangeCipherSpec, Finished. Servers without a certificate
 *   (anonymous, PSK) go from ServerHello to ServerKeyExchange or ServerHelloDone.
 * - TLS ≤ 1.2 abbreviated handshake (session id or ticket resumption, RFC 5246 §7.3 fig. 2).
 * - TLS 1.3 (RFC 8446 §2): HelloRetryRequest and the second ClientHello, the server's flight
 *   (EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify, Finished; PSK
 *   without certificates), the client's Certificate, CertificateVerify and Finished, then
 *   tickets and key updates; the middlebox-compatibility ChangeCipherSpec (§D.4) anywhere.
 *   Read with keys (or in the clear) message by message; without keys as an `encrypted_flight`
 *   per side, or the client's flight as the record sizes read it (Certificate, Finished).
 * - SSLv2-format ClientHello (RFC 5246 app. E.2): the analysis treats it as a ClientHello.
 *
 * States ending in `-auth` are those after a CertificateRequest: the same step of the
 * handshake, remembering that the client's certificate is due.
 */
/** Who sent a message. */
export type FlowSender = 'client' | 'server';

/**
 * A message as the table distinguishes it. ServerHello has variants chosen from what was
 * negotiated (STYLE practice 3), because what may follow depends on them.
 */
export type FlowMessage =
  | 'client_hello'
  | 'hello_retry_request'
  /** TLS ≤ 1.2, full handshake. */
  | 'server_hello'
  /** TLS ≤ 1.2, abbreviated: the server resumed a session (id or ticket). */
  | 'server_hello_resumed'
  | 'server_hello_tls13'
  | 'encrypted_extensions'
  | 'certificate'
  | 'certificate_status'
  | 'server_key_exchange'
  | 'certificate_request'
  | 'server_hello_done'
  | 'client_key_exchange'
  | 'certificate_verify'
  | 'change_cipher_spec'
  | 'finished'
  | 'new_session_ticket'
  | 'key_update'
  /** TLS 1.3 without keys: encrypted handshake records whose content is not read. */
  | 'encrypted_flight';

/** Every state, in handshake order. */
export const FLOW_STATES = [
  'start',
  'client-hello',
  'hello-retry-request',
  'client-hello-retried',
  // TLS ≤ 1.2, full.
  'server-hello',
  'server-certificate',
  'certificate-status',
  'server-key-exchange',
  'certificate-request',
  'server-hello-done',
  'server-hello-done-auth',
  'client-certificate',
  'client-key-exchange',
  'client-key-exchange-auth',
  'client-certificate-verify',
  'client-change-cipher-spec',
  'client-change-cipher-spec-auth',
  'client-finished',
  'client-finished-auth',
  'server-new-session-ticket',
  'server-new-session-ticket-auth',
  'server-change-cipher-spec',
  'server-change-cipher-spec-auth',
  'established',
  'established-auth',
  // TLS ≤ 1.2, abbreviated.
  'resumed-server-hello',
  'resumed-new-session-ticket',
  'resumed-server-change-cipher-spec',
  'resumed-server-finished',
  'resumed-client-change-cipher-spec',
  'resumed-established',
  // TLS 1.3, read message by message.
  'tls13-server-hello',
  'tls13-encrypted-extensions',
  'tls13-certificate-request',
  'tls13-server-certificate',
  'tls13-server-certificate-auth',
  'tls13-server-certificate-verify',
  'tls13-server-certificate-verify-auth',
  'tls13-server-finished',
  'tls13-server-finished-auth',
  'tls13-client-certificate',
  'tls13-client-certificate-verify',
  'tls13-established',
  'tls13-established-auth',
  // TLS 1.3 without keys: flights seen as record sizes.
  'tls13-server-flight-encrypted',
  'tls13-client-certificate-encrypted',
  'tls13-client-finished-encrypted',
  'tls13-client-flight-encrypted',
] as const;

/** Where a handshake stands. */
export type FlowState = (typeof FLOW_STATES)[number];

/** One row of the table. */
export interface FlowTransition {
  readonly from: FlowState;
  readonly message: FlowMessage;
  readonly sender: FlowSender;
  readonly to: FlowState;
}

type Row = readonly [FlowState, FlowMessage, FlowSender, FlowState];

const C = 'client';
const S = 'server';

/** The TLS ≤ 1.2 rows before the client's second flight (RFC 5246 §7.3, §7.4). */
const TLS12_SERVER_FLIGHT: readonly Row[] = [
  ['start', 'client_hello', C, 'client-hello'],
  ['client-hello', 'server_hello', S, 'server-hello'],
  ['client-hello', 'server_hello_resumed', S, 'resumed-server-hello'],
  ['server-hello', 'certificate', S, 'server-certificate'],
  // Anonymous and PSK suites: no server certificate.
  ['server-hello', 'server_key_exchange', S, 'server-key-exchange'],
  ['server-hello', 'server_hello_done', S, 'server-hello-done'],
  ['server-certificate', 'certificate_status', S, 'certificate-status'],
  ['server-certificate', 'server_key_exchange', S, 'server-key-exchange'],
  ['server-certificate', 'certificate_request', S, 'certificate-request'],
  ['server-certificate', 'server_hello_done', S, 'server-hello-done'],
  ['certificate-status', 'server_key_exchange', S, 'server-key-exchange'],
  ['certificate-status', 'certificate_request', S, 'certificate-request'],
  ['certificate-status', 'server_hello_done', S, 'server-hello-done'],
  ['server-key-exchange', 'certificate_request', S, 'certificate-request'],
  ['server-key-exchange', 'server_hello_done', S, 'server-hello-done'],
  ['certificate-request', 'server_hello_done', S, 'server-hello-done-auth'],
];

/** The TLS ≤ 1.2 rows from the client's second flight on. */
const TLS12_FINISH: readonly Row[] = [
  ['server-hello-done', 'client_key_exchange', C, 'client-key-exchange'],
  ['server-hello-done-auth', 'certificate', C, 'client-certificate'],
  // SSL 3.0: a client without a certificate sends a no_certificate alert instead (RFC 6101 §5.4.6).
  ['server-hello-done-auth', 'client_key_exchange', C, 'client-key-exchange-auth'],
  ['client-certificate', 'client_key_exchange', C, 'client-key-exchange-auth'],
  ['client-key-exchange', 'change_cipher_spec', C, 'client-change-cipher-spec'],
  // CertificateVerify follows only a certificate that can sign; an empty one has none.
  ['client-key-exchange-auth', 'certificate_verify', C, 'client-certificate-verify'],
  ['client-key-exchange-auth', 'change_cipher_spec', C, 'client-change-cipher-spec-auth'],
  ['client-certificate-verify', 'change_cipher_spec', C, 'client-change-cipher-spec-auth'],
  ['client-change-cipher-spec', 'finished', C, 'client-finished'],
  ['client-change-cipher-spec-auth', 'finished', C, 'client-finished-auth'],
  ['client-finished', 'new_session_ticket', S, 'server-new-session-ticket'],
  ['client-finished', 'change_cipher_spec', S, 'server-change-cipher-spec'],
  ['client-finished-auth', 'new_session_ticket', S, 'server-new-session-ticket-auth'],
  ['client-finished-auth', 'change_cipher_spec', S, 'server-change-cipher-spec-auth'],
  ['server-new-session-ticket', 'change_cipher_spec', S, 'server-change-cipher-spec'],
  ['server-new-session-ticket-auth', 'change_cipher_spec', S, 'server-change-cipher-spec-auth'],
  ['server-change-cipher-spec', 'finished', S, 'established'],
  ['server-change-cipher-spec-auth', 'finished', S, 'established-auth'],
];

/** The abbreviated handshake: the server finishes first (RFC 5246 §7.3, RFC 5077 §3.1). */
const TLS12_RESUMED: readonly Row[] = [
  ['resumed-server-hello', 'new_session_ticket', S, 'resumed-new-session-ticket'],
  ['resumed-server-hello', 'change_cipher_spec', S, 'resumed-server-change-cipher-spec'],
  ['resumed-new-session-ticket', 'change_cipher_spec', S, 'resumed-server-change-cipher-spec'],
  ['resumed-server-change-cipher-spec', 'finished', S, 'resumed-server-finished'],
  ['resumed-server-finished', 'change_cipher_spec', C, 'resumed-client-change-cipher-spec'],
  ['resumed-client-change-cipher-spec', 'finished', C, 'resumed-established'],
];

/** TLS 1.3 read message by message (RFC 8446 §2, §4.1.4, §4.3–4.4, §4.6). */
const TLS13: readonly Row[] = [
  ['client-hello', 'hello_retry_request', S, 'hello-retry-request'],
  ['hello-retry-request', 'client_hello', C, 'client-hello-retried'],
  ['client-hello', 'server_hello_tls13', S, 'tls13-server-hello'],
  ['client-hello-retried', 'server_hello_tls13', S, 'tls13-server-hello'],
  ['tls13-server-hello', 'encrypted_extensions', S, 'tls13-encrypted-extensions'],
  ['tls13-encrypted-extensions', 'certificate_request', S, 'tls13-certificate-request'],
  ['tls13-encrypted-extensions', 'certificate', S, 'tls13-server-certificate'],
  // PSK: no certificates (§2.2).
  ['tls13-encrypted-extensions', 'finished', S, 'tls13-server-finished'],
  ['tls13-certificate-request', 'certificate', S, 'tls13-server-certificate-auth'],
  ['tls13-server-certificate', 'certificate_verify', S, 'tls13-server-certificate-verify'],
  ['tls13-server-certificate-auth', 'certificate_verify', S, 'tls13-server-certificate-verify-auth'],
  ['tls13-server-certificate-verify', 'finished', S, 'tls13-server-finished'],
  ['tls13-server-certificate-verify-auth', 'finished', S, 'tls13-server-finished-auth'],
  ['tls13-server-finished', 'finished', C, 'tls13-established'],
  ['tls13-server-finished-auth', 'certificate', C, 'tls13-client-certificate'],
  ['tls13-client-certificate', 'certificate_verify', C, 'tls13-client-certificate-verify'],
  // An empty Certificate has no CertificateVerify (§4.4.3).
  ['tls13-client-certificate', 'finished', C, 'tls13-established-auth'],
  ['tls13-client-certificate-verify', 'finished', C, 'tls13-established-auth'],
  ['tls13-established', 'new_session_ticket', S, 'tls13-established'],
  ['tls13-established-auth', 'new_session_ticket', S, 'tls13-established-auth'],
  ['tls13-established', 'key_update', C, 'tls13-established'],
  ['tls13-established', 'key_update', S, 'tls13-established'],
  ['tls13-established-auth', 'key_update', C, 'tls13-established-auth'],
  ['tls13-established-auth', 'key_update', S, 'tls13-established-auth'],
  // Without keys: each side's encrypted flight, the client's as far as its record sizes tell.
  ['tls13-server-hello', 'encrypted_flight', S, 'tls13-server-flight-encrypted'],
  ['tls13-server-flight-encrypted', 'encrypted_flight', S, 'tls13-server-flight-encrypted'],
  ['tls13-server-flight-encrypted', 'certificate', C, 'tls13-client-certificate-encrypted'],
  ['tls13-server-flight-encrypted', 'finished', C, 'tls13-client-finished-encrypted'],
  ['tls13-server-flight-encrypted', 'encrypted_flight', C, 'tls13-client-flight-encrypted'],
];

/** States where a TLS 1.3 peer may send a middlebox-compatibility ChangeCipherSpec, which changes nothing (RFC 8446 §D.4). */
const TLS13_COMPAT_CCS_STATES: readonly FlowState[] = [
  'hello-retry-request',
  ...FLOW_STATES.filter((s) => s.startsWith('tls13-')),
];

const ROWS: readonly Row[] = [
  ...TLS12_SERVER_FLIGHT,
  ...TLS12_FINISH,
  ...TLS12_RESUMED,
  ...TLS13,
  ...TLS13_COMPAT_CCS_STATES.flatMap((s): Row[] => [
    [s, 'change_cipher_spec', C, s],
    [s, 'change_cipher_spec', S, s],
  ]),
];

/** Every transition of the table, in the order written above. */
export const FLOW_TRANSITIONS: readonly FlowTransition[] = ROWS.map(([from, message, sender, to]) => ({ from, message, sender, to }));

/**
 * The table by state, then message, then sender: every handshake of a capture walks it, and a
 * lookup through nested maps builds no key string per step.
 */
const NEXT = new Map<FlowState, Map<FlowMessage, Partial<Record<FlowSender, FlowState>>>>();
for (const t of FLOW_TRANSITIONS) {
  let byMessage = NEXT.get(t.from);
  if (byMessage === undefined) NEXT.set(t.from, (byMessage = new Map()));
  const bySender = byMessage.get(t.message) ?? {};
  bySender[t.sender] = t.to;
  byMessage.set(t.message, bySender);
}

const LEAVING = new Map<FlowState, FlowTransition[]>();
for (const t of FLOW_TRANSITIONS) {
  const list = LEAVING.get(t.from) ?? [];
  list.push(t);
  LEAVING.set(t.from, list);
}

/** The state after `message` from `sender` in `state`, or undefined when the table has no such transition. */
export function nextFlowState(state: FlowState, message: FlowMessage, sender: FlowSender): FlowState | undefined {
  return NEXT.get(state)?.get(message)?.[sender];
}

/** What may come next in `state`: the transitions leaving it (empty in no state but a dead end). */
export function expectedNext(state: FlowState): readonly FlowTransition[] {
  return LEAVING.get(state) ?? [];
}

/** True when `state` waits for `message` from `sender`. */
export function isExpected(state: FlowState, message: FlowMessage, sender: FlowSender): boolean {
  return nextFlowState(state, message, sender) !== undefined;
}

/** One message of a handshake, as the walk reads it. */
export interface FlowStep {
  readonly message: FlowMessage;
  readonly sender: FlowSender;
  /** Where it was seen (frame number), for the report of an unexpected step. */
  readonly frame: number | null;
}

/** Where a walk through the table ended. */
export interface FlowWalk {
  /** The state after the last step the table accepted. */
  readonly state: FlowState;
  /** Every state passed through, `start` first and `state` last. */
  readonly path: readonly FlowState[];
  /** Steps with no transition from the state they met, each with that state; they were skipped. */
  readonly unexpected: readonly { readonly step: FlowStep; readonly state: FlowState }[];
}

/**
 * Walks `steps` through the table from `start`. A step the table does not allow is recorded in
 * `unexpected` and skipped (the state stays), never thrown: a capture with a gap or a peer that
 * breaks the protocol still yields the furthest state its messages support.
 */
export function walkFlow(steps: Iterable<FlowStep>, start: FlowState = 'start'): FlowWalk {
  let state = start;
  const path: FlowState[] = [start];
  const unexpected: { step: FlowStep; state: FlowState }[] = [];
  for (const step of steps) {
    const next = nextFlowState(state, step.message, step.sender);
    if (next === undefined) {
      unexpected.push({ step, state });
      continue;
    }
    if (next !== state) path.push(next);
    state = next;
  }
  return { state, path, unexpected };
}

/** True when, somewhere along `walk`, the table waited for `message` from `sender`. */
export function wasExpected(walk: FlowWalk, message: FlowMessage, sender: FlowSender): boolean {
  return walk.path.some((s) => isExpected(s, message, sender));
}
