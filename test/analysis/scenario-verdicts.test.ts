/**
 * The diagnosis of every fixture scenario: status, stage, mTLS state and the error findings,
 * with the alert and TCP-close frames located independently in the generator's own frames.
 * Each row is what a person should be told about that real OpenSSL handshake.
 */
import { describe, expect, it } from 'vitest';
import { TcpFlag } from '../../src/decode/types.js';
import type { MtlsState, Stage, Status } from '../../src/analysis/verdict-types.js';
import { SCENARIO_NAMES } from '../fixtures/scenarios.js';
import type { Scenario, ScenarioName } from '../fixtures/scenarios.js';
import { analyzedScenario, framesCarrying } from './scenario-support.js';

interface Want {
  readonly status: Status;
  readonly stage: Stage;
  readonly mtls: MtlsState;
  /** Error findings, exactly. */
  readonly errors: readonly string[];
  /** Other findings that must be present. */
  readonly also?: readonly string[];
}

const OK13: Want = { status: 'ok', stage: 'application-data', mtls: 'unknown-encrypted', errors: [], also: ['tls13-client-cert-inferred'] };

/** One row per connection (by client port). */
const WANT: Readonly<Record<ScenarioName, Readonly<Record<number, Want>>>> = {
  'tls12-mtls-ok': { 50101: { status: 'ok', stage: 'application-data', mtls: 'sent-accepted', errors: [] } },
  'tls13-mtls-ok': { 50102: OK13 },
  // Its key log is embedded in the pcapng, so the exchange is decrypted and exact.
  'tls13-mtls-ok-embedded-keys': { 50102: { status: 'ok', stage: 'application-data', mtls: 'sent-accepted', errors: [] } },
  'tls12-client-cert-missing': { 50103: { status: 'failed', stage: 'client-certificate', mtls: 'requested-not-sent', errors: ['client-cert-missing'] } },
  'tls13-client-cert-missing': { 50104: { status: 'failed', stage: 'client-certificate', mtls: 'unknown-encrypted', errors: ['client-cert-missing'], also: ['tls13-client-cert-inferred'] } },
  // The client certificate's issuer is not one the server asked for: the cause, shown before the silent close.
  'tls12-client-cert-untrusted': { 50105: { status: 'failed', stage: 'client-certificate', mtls: 'sent-rejected', errors: ['client-cert-issuer-not-requested'] } },
  'tls13-client-cert-untrusted': { 50106: { status: 'failed', stage: 'client-certificate', mtls: 'unknown-encrypted', errors: ['client-cert-rejected-silently'], also: ['tls13-client-cert-inferred'] } },
  'tls12-client-cert-expired': { 50107: { status: 'failed', stage: 'client-certificate', mtls: 'sent-rejected', errors: ['client-cert-expired'] } },
  'tls12-client-cert-wrong-eku': { 50108: { status: 'failed', stage: 'client-certificate', mtls: 'sent-rejected', errors: ['client-cert-no-client-auth'] } },
  'tls12-client-cert-no-digital-signature': { 50131: { status: 'failed', stage: 'client-certificate', mtls: 'sent-rejected', errors: ['client-cert-no-digital-signature'] } },
  'tls12-optional-client-cert-not-sent': { 50109: { status: 'ok', stage: 'application-data', mtls: 'optional-not-sent', errors: [] } },
  // The client refused the server's flight before its turn to send a certificate: not reached, not missing.
  'tls12-server-cert-refused-mtls': { 50121: { status: 'failed', stage: 'server-certificate', mtls: 'not-reached', errors: ['server-cert-rejected'] } },
  'tls12-no-client-cert-requested': { 50110: { status: 'ok', stage: 'application-data', mtls: 'not-requested', errors: [] } },
  'tls13-rsa-server-mtls-ok': { 50111: OK13 },
  // OpenSSL at its default security level accepts an RSA-1024 client key.
  'tls13-client-cert-rsa1024': { 50119: OK13 },
  // The HelloRetryRequest is part of a normal handshake: no finding of its own.
  'tls13-hello-retry-mtls-ok': { 50120: OK13 },
  'version-mismatch': { 50112: { status: 'failed', stage: 'server-hello', mtls: 'unknown', errors: ['protocol-version-mismatch'] } },
  'no-common-cipher': { 50113: { status: 'failed', stage: 'server-hello', mtls: 'unknown', errors: ['no-common-cipher-suite'] } },
  'server-rst-after-client-hello': { 50114: { status: 'failed', stage: 'server-hello', mtls: 'unknown', errors: ['server-reset-after-client-hello'] } },
  'server-silent-after-client-hello': { 50115: { status: 'failed', stage: 'server-hello', mtls: 'unknown', errors: ['server-silent-after-client-hello'] } },
  'http-reply-to-client-hello': { 50116: { status: 'failed', stage: 'server-hello', mtls: 'unknown', errors: ['not-tls-reply'] } },
  'plain-http-to-tls-server': { 50117: { status: 'not-tls', stage: 'client-hello', mtls: 'unknown', errors: ['plaintext-to-tls-port'] } },
  'mid-stream-tls13': { 50118: OK13 },
  'interleaved-connections': {
    51001: OK13,
    51002: { status: 'failed', stage: 'client-certificate', mtls: 'requested-not-sent', errors: ['client-cert-missing'] },
    51003: { status: 'failed', stage: 'client-certificate', mtls: 'unknown-encrypted', errors: ['client-cert-rejected-silently'] },
    51004: { status: 'failed', stage: 'server-hello', mtls: 'unknown', errors: ['server-reset-after-client-hello'] },
    51005: { status: 'ok', stage: 'application-data', mtls: 'optional-not-sent', errors: [] },
  },
  'tiny-segments': { 50412: OK13 },
  reordered: { 50412: OK13 },
  retransmitted: { 50412: OK13 },
  'lost-segment': { 50412: OK13 },
  'capture-dropped-segment': { 50412: OK13 },
  // Payloads cut to 96 bytes: the handshake cannot be read, and the report says so instead of guessing.
  'snaplen-96': { 50412: { status: 'incomplete', stage: 'client-hello', mtls: 'unknown', errors: [], also: ['snap-length-truncated'] } },
  vlan: { 50412: OK13 },
  'sll2-ipv6': { 50412: OK13 },
};

/** 1-based frame of the first FIN or RST sent by `dir` in the scenario's own frames. */
function firstCloseFrame(scenario: Scenario, dir: 'c2s' | 's2c', clientPort: number): number | null {
  const i = scenario.frames.findIndex(
    (f) => f.meta.dir === dir && (f.meta.flags & (TcpFlag.FIN | TcpFlag.RST)) !== 0 && scenario.expected.connections[f.meta.connection]?.client.port === clientPort,
  );
  return i < 0 ? null : i + 1;
}

describe('fixture scenarios: verdicts', () => {
  for (const name of SCENARIO_NAMES) {
    it(name, async () => {
      const { scenario, pairs } = await analyzedScenario(name);
      const rows = WANT[name];
      expect(Object.keys(rows).map(Number).sort()).toEqual(pairs.map((p) => p.expected.client.port).sort());
      for (const { expected, connection, verdict } of pairs) {
        const want = rows[expected.client.port];
        expect(want, `row for ${expected.client.port}`).toBeDefined();
        if (want === undefined || verdict === undefined || connection === undefined) continue;
        const label = `${name} ${expected.client.port}`;
        expect(verdict.status, label).toBe(want.status);
        expect(verdict.stage, label).toBe(want.stage);
        expect(verdict.mtls.state, label).toBe(want.mtls);
        expect(verdict.findings.filter((f) => f.severity === 'error').map((f) => f.code), label).toEqual(want.errors);
        for (const code of want.also ?? []) expect(verdict.findings.map((f) => f.code), label).toContain(code);
        expect(verdict.summary.length, label).toBeGreaterThan(20);

        // Evidence: a cleartext alert's frame is the frame that carries it, and the error finding cites it.
        const t = expected.tls;
        const top = verdict.findings.find((f) => f.severity === 'error');
        const alert = connection.alerts.find((a) => !a.encrypted && a.level === 2);
        if (t.alert !== undefined && alert !== undefined) {
          const dir = t.alert.from === 'client' ? 'c2s' : 's2c';
          expect(framesCarrying(scenario, dir, [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, t.alert.code]), label).toContain(alert.frame);
          expect(top?.frames, label).toContain(alert.frame);
        }
        // The TCP close the verdict rests on is the generator's first FIN/RST of the closing side.
        if (expected.tcp.closedBy !== undefined) {
          const frame = firstCloseFrame(scenario, expected.tcp.closedBy === 'client' ? 'c2s' : 's2c', expected.client.port);
          expect(connection.tcp.end.frame, label).toBe(frame);
          // A silent close is the only evidence of a refusal: the finding must cite it.
          if (want.status === 'failed' && alert === undefined && t.alert === undefined && expected.tcp.closedBy === 'server' && connection.notTls.length === 0) {
            expect(top?.frames, label).toContain(frame);
          }
        }
      }
    });
  }
});
