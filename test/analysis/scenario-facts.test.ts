/**
 * Every fixture scenario — real OpenSSL handshakes captured by the generator — yields the
 * facts its peers reported: version, cipher, SNI, CertificateRequest, client certificates,
 * the alert (sender, code, frame) and how TCP ended. Impaired captures (tiny segments,
 * reordering, retransmission, loss) must give the same facts as the clean one.
 */
import { describe, expect, it } from 'vitest';
import { versionName } from '../../src/tls/registry/names.js';
import { connectionFacts } from '../../src/analysis/judge.js';
import { SCENARIO_NAMES } from '../fixtures/scenarios.js';
import type { ScenarioName } from '../fixtures/scenarios.js';
import { analyzedScenario, framesCarrying } from './scenario-support.js';

/** Captures whose bytes are cut or missing on purpose: their facts are checked elsewhere. */
const HIDDEN_BYTES: ReadonlySet<ScenarioName> = new Set(['snaplen-96', 'capture-dropped-segment', 'mid-stream-tls13']);

describe('fixture scenarios: facts', () => {
  for (const name of SCENARIO_NAMES) {
    it.skipIf(HIDDEN_BYTES.has(name))(name, async () => {
      const { scenario, pairs, analysis } = await analyzedScenario(name);
      expect(analysis.packets).toBe(scenario.expected.frames);
      expect(analysis.connections.length).toBe(scenario.expected.connections.length);
      for (const { expected, connection } of pairs) {
        expect(connection, `connection ${expected.client.port} found`).toBeDefined();
        if (connection === undefined) continue;
        const t = expected.tls;
        expect(connection.tls).toBe(expected.clientSpeaksTls ? true : false);
        const facts = connectionFacts(connection);
        const hs = facts.hs;
        const ch = hs?.clientHello ?? null;
        const sh = hs?.serverHello ?? null;
        if (expected.clientSpeaksTls) expect(ch?.sni ?? undefined).toBe(t.sni);
        expect(sh === null ? undefined : versionName(sh.version)).toBe(t.version?.replace('TLSv', 'TLS '));
        if (t.cipherSuite !== undefined) expect(sh === null ? undefined : facts.hs?.serverHello?.cipherSuite).toBeDefined();
        if (t.cipherSuite !== undefined && sh !== null) {
          const { cipherSuiteName } = await import('../../src/tls/registry/names.js');
          expect(cipherSuiteName(sh.cipherSuite)).toBe(t.cipherSuite);
        }

        // The CertificateRequest and the client's Certificate: in the clear up to TLS 1.2,
        // inferred from record sizes in TLS 1.3.
        if (sh !== null && !facts.tls13) {
          expect(hs?.certificateRequest !== null).toBe(t.serverRequestedClientCert);
          if (t.clientCertificatesSent !== undefined) expect(hs?.clientCertificates?.length).toBe(t.clientCertificatesSent);
        } else if (sh !== null && facts.tls13 && facts.tls13Inference !== null && !facts.resumed) {
          const flight = facts.tls13Inference.clientFlight;
          if (t.clientCertificatesSent === 0) expect(flight).toBe('empty-certificate');
          else if ((t.clientCertificatesSent ?? 0) > 0) expect(flight).toBe('certificate-sent');
          else if (!t.serverRequestedClientCert && t.serverHandshakeCompleted) expect(flight).toBe('finished-only');
        }

        // The alert: who sent it, its code when in the clear, and the frame that carries it.
        // TLS 1.3 alerts after ServerHello travel as application_data records: the size inference sees them.
        if (t.alert !== undefined && facts.tls13) {
          const inf = facts.tls13Inference;
          expect(inf, 'TLS 1.3 inference').not.toBeNull();
          if (t.alert.from === 'server') expect(inf?.serverAnswer).toBe('alert');
          else expect(inf?.clientFlight).toBe('client-alert');
        } else if (t.alert !== undefined) {
          const sent = connection.alerts.find((a) => a.from === t.alert?.from && (a.level === 2 || a.encrypted));
          expect(sent, `alert from ${t.alert.from}`).toBeDefined();
          if (sent !== undefined && !sent.encrypted) {
            expect(sent.description).toBe(t.alert.code);
            const dir = t.alert.from === 'client' ? 'c2s' : 's2c';
            expect(framesCarrying(scenario, dir, [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, t.alert.code])).toContain(sent.frame);
          }
        } else if (t.clientHandshakeCompleted && t.serverHandshakeCompleted) {
          expect(connection.alerts.filter((a) => a.level === 2)).toEqual([]);
        }

        // How TCP ended.
        const tcpEnd = connection.tcp.end;
        if (expected.tcp.closeKind === 'none') expect(tcpEnd.how).toBe('open');
        else {
          expect(tcpEnd.how).toBe(expected.tcp.closeKind);
          expect(tcpEnd.by).toBe(expected.tcp.closedBy);
        }
      }
    });
  }

  it('impaired captures give the same history, records and verdict as the unimpaired one', async () => {
    // All impairment variants replay one recorded TLS 1.3 mTLS session; VLAN tagging leaves TCP untouched.
    const reference = (await analyzedScenario('vlan')).pairs[0];
    expect(reference?.connection).toBeDefined();
    const sizes = (c: NonNullable<typeof reference>['connection']) => c?.handshakes[0]?.encryptedRecords.map((r) => `${r.from}:${r.length}`);
    for (const name of ['tiny-segments', 'reordered', 'retransmitted', 'lost-segment', 'capture-dropped-segment', 'sll2-ipv6'] as const) {
      const pair = (await analyzedScenario(name)).pairs[0];
      const c = pair?.connection;
      expect(c, name).toBeDefined();
      if (c === undefined || reference?.connection === undefined) continue;
      expect(c.history, name).toBe(reference.connection.history);
      expect(sizes(c), name).toEqual(sizes(reference.connection));
      expect(pair?.verdict?.status, name).toBe(reference.verdict?.status);
      expect(pair?.verdict?.mtls, name).toEqual(reference.verdict?.mtls);
      expect(c.handshakes.length, name).toBe(1);
    }
  });

  it('a segment lost in the network and retransmitted leaves no gap', async () => {
    const { pairs } = await analyzedScenario('lost-segment');
    expect(pairs[0]?.connection?.gaps).toEqual([]);
    // The lost copy never reached the capture point: the retransmission is the first copy seen.
    expect(pairs[0]?.connection?.counters.server.missingBytes).toBe(0);
  });

  it('a capture cut by a 96-byte snap length reports the missing bytes instead of guessing', async () => {
    const { pairs } = await analyzedScenario('snaplen-96');
    const c = pairs[0]?.connection;
    expect(c).toBeDefined();
    expect(c?.gaps.some((g) => g.reason === 'snap-length')).toBe(true);
  });

  it('a HelloRetryRequest between OpenSSL peers: both ClientHellos, the group asked for, and the handshake after it', async () => {
    const { pairs } = await analyzedScenario('tls13-hello-retry-mtls-ok');
    const hs = pairs[0]?.connection?.handshakes[0];
    expect(hs?.helloRetryRequest?.isHelloRetryRequest).toBe(true);
    // The client offered a key share for X25519 (29) only; the server accepts P-256 (23) alone.
    expect(hs?.helloRetryRequest?.hrrGroup).toBe(23);
    expect(hs?.secondClientHello).not.toBeNull();
    expect(hs?.serverHello?.isHelloRetryRequest).toBe(false);
    expect(hs?.serverHello?.keyShareGroup).toBe(23);
    expect(pairs[0]?.verdict?.status).toBe('ok');
  });
});
