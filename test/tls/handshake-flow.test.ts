/** The handshake transition table: sequences → state and what is expected next; unknown steps reported, never thrown. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FLOW_STATES, FLOW_TRANSITIONS, expectedNext, nextFlowState, walkFlow, wasExpected } from '../../src/tls/handshake-flow.js';
import type { FlowMessage, FlowSender, FlowState, FlowStep } from '../../src/tls/handshake-flow.js';

/** `c:client_hello s:server_hello …` → steps (c = client, s = server). */
function steps(text: string): FlowStep[] {
  return text
    .trim()
    .split(/\s+/)
    .map((token, i) => {
      const [who, message] = token.split(':') as [string, FlowMessage];
      return { message, sender: who === 'c' ? 'client' : 'server', frame: i + 1 };
    });
}

function expected(state: FlowState): string[] {
  return expectedNext(state)
    .map((t) => `${t.sender === 'client' ? 'c' : 's'}:${t.message}`)
    .sort();
}

const TLS12_MTLS = 'c:client_hello s:server_hello s:certificate s:server_key_exchange s:certificate_request s:server_hello_done c:certificate c:client_key_exchange c:certificate_verify c:change_cipher_spec c:finished s:change_cipher_spec s:finished';
const TLS13_MTLS = 'c:client_hello s:server_hello_tls13 s:encrypted_extensions s:certificate_request s:certificate s:certificate_verify s:finished c:certificate c:certificate_verify c:finished s:new_session_ticket';

describe('handshake flow table: sequences', () => {
  const cases: readonly (readonly [string, string, FlowState])[] = [
    ['TLS 1.2 mutual TLS, ECDHE', TLS12_MTLS, 'established-auth'],
    ['TLS 1.2 RSA key exchange (no ServerKeyExchange), no client auth', 'c:client_hello s:server_hello s:certificate s:server_hello_done c:client_key_exchange c:change_cipher_spec c:finished s:change_cipher_spec s:finished', 'established'],
    ['TLS 1.2 with OCSP stapling and a session ticket', 'c:client_hello s:server_hello s:certificate s:certificate_status s:server_key_exchange s:server_hello_done c:client_key_exchange c:change_cipher_spec c:finished s:new_session_ticket s:change_cipher_spec s:finished', 'established'],
    ['TLS 1.2 PSK without a certificate', 'c:client_hello s:server_hello s:server_hello_done c:client_key_exchange c:change_cipher_spec c:finished s:change_cipher_spec s:finished', 'established'],
    ['TLS 1.2 empty client Certificate (no CertificateVerify)', 'c:client_hello s:server_hello s:certificate s:certificate_request s:server_hello_done c:certificate c:client_key_exchange c:change_cipher_spec c:finished', 'client-finished-auth'],
    ['TLS 1.2 stopped after the server flight with a CertificateRequest', 'c:client_hello s:server_hello s:certificate s:server_key_exchange s:certificate_request s:server_hello_done', 'server-hello-done-auth'],
    ['TLS 1.2 abbreviated (session id)', 'c:client_hello s:server_hello_resumed s:change_cipher_spec s:finished c:change_cipher_spec c:finished', 'resumed-established'],
    ['TLS 1.2 abbreviated with a new ticket', 'c:client_hello s:server_hello_resumed s:new_session_ticket s:change_cipher_spec s:finished c:change_cipher_spec c:finished', 'resumed-established'],
    ['TLS 1.3 mutual TLS with a ticket', TLS13_MTLS, 'tls13-established-auth'],
    ['TLS 1.3 with HelloRetryRequest and compatibility CCS', 'c:client_hello s:hello_retry_request c:change_cipher_spec c:client_hello s:server_hello_tls13 s:change_cipher_spec s:encrypted_extensions s:certificate s:certificate_verify s:finished c:finished', 'tls13-established'],
    ['TLS 1.3 PSK (no certificates)', 'c:client_hello s:server_hello_tls13 s:encrypted_extensions s:finished c:finished s:new_session_ticket', 'tls13-established'],
    ['TLS 1.3 empty client Certificate', 'c:client_hello s:server_hello_tls13 s:encrypted_extensions s:certificate_request s:certificate s:certificate_verify s:finished c:certificate c:finished', 'tls13-established-auth'],
    ['TLS 1.3 key updates after the handshake', `${TLS13_MTLS} c:key_update s:key_update`, 'tls13-established-auth'],
    ['TLS 1.3 sizes only: the client flight reads as a certificate', 'c:client_hello s:server_hello_tls13 s:encrypted_flight s:encrypted_flight c:certificate', 'tls13-client-certificate-encrypted'],
    ['TLS 1.3 sizes only: Finished alone', 'c:client_hello s:server_hello_tls13 s:encrypted_flight c:finished', 'tls13-client-finished-encrypted'],
    ['TLS 1.3 sizes only: unclear client flight', 'c:client_hello s:server_hello_tls13 s:encrypted_flight c:encrypted_flight', 'tls13-client-flight-encrypted'],
    // An SSLv2-format ClientHello is read as a ClientHello; the SSL 3.0/TLS answer follows the usual table.
    ['SSLv2-format ClientHello answered with TLS 1.0', 'c:client_hello s:server_hello s:certificate s:server_hello_done', 'server-hello-done'],
  ];
  for (const [name, sequence, state] of cases) {
    it(name, () => {
      const walk = walkFlow(steps(sequence));
      expect(walk.unexpected).toEqual([]);
      expect(walk.state).toBe(state);
      expect(walk.path[0]).toBe('start');
      expect(walk.path[walk.path.length - 1]).toBe(state);
    });
  }
});

describe('handshake flow table: what is expected next', () => {
  it('after the ClientHello: a ServerHello of any kind, or a HelloRetryRequest', () => {
    expect(expected('client-hello')).toEqual(['s:hello_retry_request', 's:server_hello', 's:server_hello_resumed', 's:server_hello_tls13']);
  });

  it('after a TLS 1.2 server flight with a CertificateRequest: the client certificate (or, SSL 3.0, its key exchange)', () => {
    expect(expected('server-hello-done-auth')).toEqual(['c:certificate', 'c:client_key_exchange']);
  });

  it('after a TLS 1.2 server flight without one: only the client key exchange', () => {
    expect(expected('server-hello-done')).toEqual(['c:client_key_exchange']);
  });

  it("after a TLS 1.3 server Finished that followed a CertificateRequest: the client's Certificate (a compatibility CCS changes nothing)", () => {
    expect(expected('tls13-server-finished-auth')).toEqual(['c:certificate', 'c:change_cipher_spec', 's:change_cipher_spec']);
  });

  it("the client's certificate was due on a walk that reached the end of a requesting server's flight, not on one that stopped inside it", () => {
    expect(wasExpected(walkFlow(steps('c:client_hello s:server_hello s:certificate s:certificate_request s:server_hello_done')), 'certificate', 'client')).toBe(true);
    expect(wasExpected(walkFlow(steps('c:client_hello s:server_hello s:certificate s:certificate_request')), 'certificate', 'client')).toBe(false);
    expect(wasExpected(walkFlow(steps('c:client_hello s:server_hello s:certificate s:server_hello_done')), 'certificate', 'client')).toBe(false);
  });
});

describe('handshake flow table: unknown transitions', () => {
  it('a step the table does not allow is reported with the state it met, skipped, and the walk goes on', () => {
    const walk = walkFlow(steps('c:client_hello s:finished s:server_hello s:certificate c:finished s:server_hello_done'));
    expect(walk.unexpected).toEqual([
      { step: { message: 'finished', sender: 'server', frame: 2 }, state: 'client-hello' },
      { step: { message: 'finished', sender: 'client', frame: 5 }, state: 'server-certificate' },
    ]);
    expect(walk.state).toBe('server-hello-done');
  });

  it('the right message from the wrong side is unknown too', () => {
    expect(nextFlowState('start', 'client_hello', 'server')).toBeUndefined();
    expect(walkFlow(steps('s:client_hello')).unexpected).toHaveLength(1);
  });

  it('a ServerHello variant decides the branch: a resumed ServerHello does not take a Certificate', () => {
    const walk = walkFlow(steps('c:client_hello s:server_hello_resumed s:certificate'));
    expect(walk.state).toBe('resumed-server-hello');
    expect(walk.unexpected.map((u) => u.step.message)).toEqual(['certificate']);
  });
});

describe('handshake flow table: shape', () => {
  it('one next state per (state, message, sender)', () => {
    const seen = new Map<string, FlowState>();
    for (const t of FLOW_TRANSITIONS) {
      const k = `${t.from}|${t.message}|${t.sender}`;
      expect(seen.get(k) ?? t.to, k).toBe(t.to);
      seen.set(k, t.to);
    }
  });

  it('every state is reachable from start', () => {
    const reached = new Set<FlowState>(['start']);
    for (let grew = true; grew; ) {
      grew = false;
      for (const t of FLOW_TRANSITIONS) {
        if (reached.has(t.from) && !reached.has(t.to)) {
          reached.add(t.to);
          grew = true;
        }
      }
    }
    expect([...FLOW_STATES].filter((s) => !reached.has(s))).toEqual([]);
  });

  it('only completed handshakes and flights the capture cannot read further are without a way on', () => {
    const deadEnds = FLOW_STATES.filter((s) => expectedNext(s).every((t) => t.to === s));
    expect(deadEnds.sort()).toEqual(
      ['established', 'established-auth', 'resumed-established', 'tls13-established', 'tls13-established-auth', 'tls13-client-certificate-encrypted', 'tls13-client-finished-encrypted', 'tls13-client-flight-encrypted'].sort(),
    );
  });
});

const MESSAGES: readonly FlowMessage[] = [...new Set(FLOW_TRANSITIONS.map((t) => t.message))];
const SENDERS: readonly FlowSender[] = ['client', 'server'];

describe('handshake flow table: properties', () => {
  it('any sequence of steps walks without throwing; each accepted step is a row of the table, each other step is reported', () => {
    const step = fc.record({ message: fc.constantFrom(...MESSAGES), sender: fc.constantFrom(...SENDERS), frame: fc.option(fc.nat(), { nil: null }) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (list) => {
        const walk = walkFlow(list);
        expect(FLOW_STATES).toContain(walk.state);
        let state: FlowState = 'start';
        let unexpected = 0;
        for (const s of list) {
          const next = nextFlowState(state, s.message, s.sender);
          if (next === undefined) {
            expect(walk.unexpected[unexpected]).toEqual({ step: s, state });
            unexpected++;
          } else state = next;
        }
        expect(walk.unexpected).toHaveLength(unexpected);
        expect(walk.state).toBe(state);
      }),
    );
  });
});
