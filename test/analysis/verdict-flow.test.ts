/** The handshake record read through the transition table: steps, stage, and the client certificate that was never due. */
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/analysis/connection.js';
import { connectionFacts, judgeMtls, judgeStage, judgeStatus } from '../../src/analysis/judge.js';
import { handshakeSteps } from '../../src/analysis/verdict-flow.js';
import { ALERT } from '../../src/tls/registry/named-codes.js';
import { clientLeaf, tls12 } from './connection-factory.js';

function verdictOf(c: Connection): { status: string; stage: string; mtls: string } {
  const f = connectionFacts(c);
  const status = judgeStatus(f);
  return { status, stage: judgeStage(f, status), mtls: judgeMtls(f, status).state };
}

/** The first handshake of `c`, changed by `edit` (the record is mutable while it is built). */
function editHandshake(c: Connection, edit: (hs: Connection['handshakes'][number]) => void): Connection {
  const hs = c.handshakes[0];
  if (hs === undefined) throw new Error('no handshake');
  edit(hs);
  return c;
}

describe('handshake steps from the record', () => {
  it('a TLS 1.2 mutual-TLS handshake reads as the full flow, in protocol order', () => {
    const f = connectionFacts(tls12());
    const hs = f.hs;
    expect(hs).not.toBeNull();
    if (hs === null) return;
    const steps = handshakeSteps(hs, { tls13: false, resumed: false, decrypted: false, inference: null }).map((s) => `${s.sender[0]}:${s.message}`);
    expect(steps).toEqual(['c:client_hello', 's:server_hello', 's:certificate', 's:certificate_request', 's:server_hello_done', 'c:certificate', 'c:client_key_exchange', 'c:certificate_verify', 'c:change_cipher_spec', 'c:finished', 's:change_cipher_spec', 's:finished']);
    expect(f.flow.state).toBe('established-auth');
    expect(f.flow.unexpected).toEqual([]);
  });

  it('a client Certificate (and CertificateVerify) nobody asked for is reported as unexpected, and the walk goes on', () => {
    const f = connectionFacts(tls12({ certificateRequest: null, clientCertificates: [clientLeaf()] }));
    expect(f.flow.unexpected.map((u) => `${u.state} ${u.step.sender} ${u.step.message}`)).toEqual(['server-hello-done client certificate', 'client-key-exchange client certificate_verify']);
    expect(f.flow.state).toBe('established');
  });
});

describe('client certificate not reached', () => {
  it('the client answers the requesting server flight with its own alert: not reached, stage server-certificate', () => {
    const c = tls12({ stopAfter: 'server-flight', alert: { from: 'client', description: ALERT.unknown_ca }, close: { how: 'fin', by: 'client' } });
    expect(verdictOf(c)).toEqual({ status: 'failed', stage: 'server-certificate', mtls: 'not-reached' });
  });

  it("the server's flight stops before its ServerHelloDone: the client's turn never came", () => {
    const c = editHandshake(tls12({ stopAfter: 'server-flight', alert: { from: 'server', description: ALERT.handshake_failure }, close: { how: 'fin', by: 'server' } }), (hs) => {
      hs.serverHelloDoneFrame = null;
    });
    expect(verdictOf(c)).toEqual({ status: 'failed', stage: 'certificate-request', mtls: 'not-reached' });
  });

  it('the client was due to answer and stayed silent until the server gave up: still requested, none sent', () => {
    const c = tls12({ stopAfter: 'server-flight', close: { how: 'fin', by: 'server' } });
    expect(verdictOf(c)).toEqual({ status: 'failed', stage: 'server-certificate', mtls: 'requested-not-sent' });
  });

  it('an empty client Certificate is sent, not "not reached"', () => {
    const c = tls12({ stopAfter: 'client-flight', clientCertificates: [], alert: { from: 'server', description: ALERT.handshake_failure } });
    expect(verdictOf(c)).toEqual({ status: 'failed', stage: 'client-certificate', mtls: 'requested-not-sent' });
  });

  it("the client's handshake_failure after the whole server flight is a refusal of the negotiation (stage server-hello)", () => {
    const c = tls12({ stopAfter: 'server-flight', alert: { from: 'client', description: ALERT.handshake_failure }, close: { how: 'fin', by: 'client' } });
    expect(verdictOf(c)).toEqual({ status: 'failed', stage: 'server-hello', mtls: 'not-reached' });
  });
});
