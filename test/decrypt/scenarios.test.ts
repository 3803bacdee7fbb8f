/**
 * Real OpenSSL handshakes from the fixture generator, decrypted with the key logs the
 * generator wrote: the encrypted half of TLS 1.3 (CertificateRequest, client Certificate,
 * CertificateVerify, Finished, alerts) and TLS 1.2's encrypted Finished and alerts become
 * facts, and the diagnosis is exact. A key log for other connections, or with wrong
 * secrets, is reported per connection.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { listedCaptureReport } from '../../src/listed-report.js';
import type { Connection } from '../../src/analysis/connection.js';
import { captureContext, judgeConnection } from '../../src/analysis/verdict.js';
import { evidenceGaps } from '../../src/report/view.js';
import { connectionFacts } from '../../src/analysis/judge.js';
import { parseKeyLog } from '../../src/decrypt/keylog.js';
import { connectionReport } from '../../src/report/connection-report.js';
import { SCENARIO_NAMES } from '../fixtures/scenarios.js';
import type { ScenarioName } from '../fixtures/scenarios.js';
import { commonName } from '../conformance/common-name.js';
import { analyzeScenario, single } from './scenario-support.js';

/** Captures whose bytes are cut or missing on purpose (snap length, a lost segment, no SYN). */
const HIDDEN_BYTES: ReadonlySet<ScenarioName> = new Set(['snaplen-96', 'capture-dropped-segment', 'mid-stream-tls13']);

describe('TLS 1.3 with the key log: exact mTLS verdicts', () => {
  it('mTLS success: CertificateRequest, the client chain, CertificateVerify and both Finished are read', async () => {
    const { connection: c, verdict: v, expected } = single(await analyzeScenario('tls13-mtls-ok'));
    expect(c.decryption).toEqual({ status: 'decrypted' });
    const hs = c.handshakes[0];
    expect(hs?.certificateRequest?.certificateAuthorities).toEqual(['CN=Corp Root CA, O=Example Corp, C=US']);
    expect(hs?.clientCertificates?.length).toBe(expected.tls.clientCertificatesSent);
    expect(commonName(hs?.clientCertificates?.[0]?.subject ?? '')).toBe(expected.tls.clientCertificateCn);
    expect(hs?.clientCertificateVerify?.scheme).toBe(0x0403);
    expect(hs?.serverCertificates?.[0]?.subject).toBe('CN=hr.example.com, O=Example Corp, C=US');
    expect(hs?.clientFinishedFrame).not.toBeNull();
    expect(hs?.serverFinishedFrame).not.toBeNull();
    expect(hs?.newSessionTicketFrame).not.toBeNull();
    expect(v.status).toBe('ok');
    expect(v.mtls).toMatchObject({ state: 'sent-accepted', certificateRequested: true, clientCertificates: 2, inferred: false, evidence: null });
    expect(v.findings.filter((f) => f.inferred === true)).toEqual([]);
    // The closing alerts are close_notify from both sides, read from the encrypted records.
    expect(c.alerts.map((a) => [a.from, a.level, a.description, a.encrypted, a.decrypted])).toEqual([
      ['client', 1, 0, false, true],
      ['server', 1, 0, false, true],
    ]);
    // The size inference still gets every record's size.
    expect(hs?.encryptedRecords.length).toBeGreaterThanOrEqual(6);
  });

  it('client certificate missing: the empty Certificate and certificate_required (116) from the server', async () => {
    const { connection: c, verdict: v, expected } = single(await analyzeScenario('tls13-client-cert-missing'));
    expect(expected.tls.alert).toEqual({ from: 'server', code: 116, name: 'certificate_required' });
    expect(c.decryption?.status).toBe('decrypted');
    expect(c.handshakes[0]?.clientCertificates).toEqual([]);
    expect(v).toMatchObject({ status: 'failed', stage: 'client-certificate' });
    expect(v.mtls).toMatchObject({ state: 'requested-not-sent', clientCertificates: 0, inferred: false });
    const alert = c.alerts.find((a) => a.level === 2);
    expect(alert).toMatchObject({ from: 'server', description: 116, encrypted: false, decrypted: true });
    const top = v.findings[0];
    expect(top?.code).toBe('client-cert-missing');
    expect(top?.inferred).toBeUndefined();
    expect(top?.detail).toContain('certificate_required (116)');
  });

  it('untrusted client certificate: sent, then the server closes without an alert (Node.js sends none)', async () => {
    const { connection: c, verdict: v, expected } = single(await analyzeScenario('tls13-client-cert-untrusted'));
    expect(expected.tls.alert).toBeUndefined();
    expect(expected.tls.serverHandshakeCompleted).toBe(false);
    expect(c.decryption?.status).toBe('decrypted');
    const hs = c.handshakes[0];
    expect(commonName(hs?.clientCertificates?.[0]?.subject ?? '')).toBe(expected.tls.clientCertificateCn);
    expect(hs?.clientCertificates?.[0]?.issuer).toBe('CN=Rogue Device CA, O=Unknown Org');
    expect(v).toMatchObject({ status: 'failed', stage: 'client-certificate' });
    expect(v.mtls).toMatchObject({ state: 'sent-rejected', clientCertificates: 1, inferred: false });
    expect(c.alerts.filter((a) => a.from === 'server')).toEqual([]);
    expect(v.findings[0]?.severity).toBe('error');
    expect(v.findings.filter((f) => f.inferred === true)).toEqual([]);
  });

  it('the key log embedded in a pcapng Decryption Secrets Block is used without --keylog', async () => {
    const { connection: c, verdict: v } = single(await analyzeScenario('tls13-mtls-ok-embedded-keys', () => ({})));
    expect(c.decryption).toEqual({ status: 'decrypted' });
    expect(v.mtls).toMatchObject({ state: 'sent-accepted', inferred: false });
  });

  it('without keys the same captures keep the size inference', async () => {
    const { connection: c, verdict: v } = single(await analyzeScenario('tls13-client-cert-missing', () => ({})));
    expect(c.decryption?.status).toBe('not-attempted');
    expect(v.mtls).toMatchObject({ inferred: true, state: 'unknown-encrypted' });
    expect(c.alerts).toEqual([]);
  });
});

describe('TLS 1.2 with the key log: encrypted Finished and alerts', () => {
  it('mTLS success: both Finished and both close_notify alerts are decrypted', async () => {
    const { connection: c, verdict: v } = single(await analyzeScenario('tls12-mtls-ok'));
    expect(c.decryption).toEqual({ status: 'decrypted' });
    expect(c.alerts.map((a) => [a.from, a.level, a.description, a.decrypted])).toEqual([
      ['client', 1, 0, true],
      ['server', 1, 0, true],
    ]);
    expect(c.timeline.filter((t) => t.label === 'Finished (decrypted)').map((t) => t.from)).toEqual(['client', 'server']);
    expect(v).toMatchObject({ status: 'ok' });
  });

  it('client certificate missing: the cleartext handshake_failure stays, the client Finished is decrypted', async () => {
    const { connection: c, verdict: v } = single(await analyzeScenario('tls12-client-cert-missing'));
    const fatal = c.alerts.find((a) => a.level === 2);
    expect(fatal).toMatchObject({ from: 'server', description: 40, encrypted: false });
    expect(fatal?.decrypted).not.toBe(true);
    expect(c.timeline.some((t) => t.from === 'client' && t.label === 'Finished (decrypted)')).toBe(true);
    expect(v.mtls.state).toBe('requested-not-sent');
  });
});

describe('every scenario decrypted matches the peers\' ground truth', () => {
  for (const name of SCENARIO_NAMES) {
    it.skipIf(HIDDEN_BYTES.has(name))(name, async () => {
      const d = await analyzeScenario(name);
      for (const { expected, connection: c, verdict: v } of d.pairs) {
        expect(c, `connection ${expected.client.port}`).toBeDefined();
        if (c === undefined || v === undefined) continue;
        const t = expected.tls;
        const facts = connectionFacts(c);
        const hs = facts.hs;
        const reachedEncryption = t.version !== undefined && (t.version === 'TLSv1.3' ? true : c.timeline.some((e) => e.kind === 'ccs'));
        if (reachedEncryption) expect(c.decryption?.status, 'decryption').toBe('decrypted');
        else expect(c.decryption?.status).not.toBe('failed');
        if (t.version === undefined) continue;
        // With keys TLS 1.3 reads like TLS 1.2: every fact comes from a decoded message.
        expect(hs?.certificateRequest !== null, 'CertificateRequest').toBe(t.serverRequestedClientCert);
        if (t.clientCertificatesSent !== undefined) expect(hs?.clientCertificates?.length, 'client certificates').toBe(t.clientCertificatesSent);
        if (t.clientCertificateCn !== undefined) expect(commonName(hs?.clientCertificates?.[0]?.subject ?? '')).toBe(t.clientCertificateCn);
        if (t.alert !== undefined) {
          const sent = c.alerts.find((a) => a.from === t.alert?.from && a.level === 2);
          expect(sent?.description, 'alert code').toBe(t.alert.code);
          if (facts.tls13) expect(sent?.decrypted).toBe(true);
        }
        expect(c.alerts.filter((a) => a.encrypted), 'no alert left encrypted').toEqual([]);
        const completed = t.clientHandshakeCompleted && t.serverHandshakeCompleted;
        expect(v.status, 'status').toBe(completed ? 'ok' : 'failed');
        expect(v.mtls.inferred).toBe(false);
        if (t.serverRequestedClientCert && t.clientCertificatesSent !== undefined) {
          const state = completed ? (t.clientCertificatesSent > 0 ? 'sent-accepted' : 'optional-not-sent') : t.clientCertificatesSent > 0 ? 'sent-rejected' : 'requested-not-sent';
          expect(v.mtls.state, 'mTLS state').toBe(state);
        }
        expect(connectionReport(c, v).decryption?.status).toBe(c.decryption?.status);
      }
    });
  }
});

describe('a key log that does not fit says so per connection', () => {
  it('a key log of other connections: "no secrets for this connection"', async () => {
    const other = (await analyzeScenario('tls12-mtls-ok')).scenario.keylog;
    const d = await analyzeScenario('tls13-client-cert-missing', () => ({ keyLog: parseKeyLog(other) }));
    const { connection: c, verdict: v } = single(d);
    expect(c.decryption?.status).toBe('no-secrets');
    expect(c.decryption?.reason).toMatch(/^the key log has no secrets for this connection \(client random [0-9a-f]{16}…\)$/);
    expect(connectionReport(c, v).decryption?.status).toBe('no-secrets');
    // The diagnosis falls back to the size inference.
    expect(v.mtls.inferred).toBe(true);
  });

  it('a key log given but not used (a reason of its own): no advice asks for a key log, every one says why', async () => {
    // The tracker's reason when a capture shows the ServerHello before the ClientHello (test/tls/tracker.test.ts).
    const reason = 'the ServerHello was captured before the ClientHello was complete (the capture shows the two directions out of order), so the keys were not known when the encrypted records passed';
    const d = await analyzeScenario('tls13-mtls-ok', () => ({}));
    const plain = single(d).connection;
    const c: Connection = { ...plain, decryption: { status: 'not-attempted', reason } };
    const context = captureContext([c]);
    const v = judgeConnection(c, context);
    expect(v.mtls.state).toBe('unknown-encrypted');
    expect(v.summary).not.toContain('--keylog');
    const fixes = v.findings.map((f) => f.fix ?? '');
    expect(fixes.join(' ')).toContain(`The key log given was not used for this connection: ${reason}.`);
    for (const fix of fixes) expect(fix).not.toContain('--keylog FILE');
    const cap = await listedCaptureReport(Readable.from([d.scenario.captureBytes]), 'tls13-mtls-ok.pcapng');
    const gaps = evidenceGaps({ ...cap, connections: [connectionReport(c, v)] }).join(' ');
    expect(gaps).toContain(`the key log given was not used on #${c.id}: ${reason}`);
    expect(gaps).not.toContain('--keylog');
    // Without a key log, the advice is to give one.
    const without = judgeConnection(plain, captureContext([plain]));
    expect(without.summary).toContain('use --keylog to confirm');
    expect(evidenceGaps({ ...cap, connections: [connectionReport(plain, without)] }).join(' ')).toContain('run again with --keylog FILE');
  });

  it('the right client randoms with wrong secrets: "decryption failed at frame N"', async () => {
    const s = (await analyzeScenario('tls13-mtls-ok')).scenario;
    const wrong = s.keylog.replace(/^(\S+ \S+ )([0-9a-f]+)$/gm, (_m, head: string, secret: string) => head + secret.replace(/^./, (ch) => (ch === '0' ? '1' : '0')));
    const { connection: c, verdict: v } = single(await analyzeScenario('tls13-mtls-ok', () => ({ keyLog: parseKeyLog(wrong) })));
    expect(c.decryption?.status).toBe('failed');
    const serverHelloFrame = c.handshakes[0]?.serverHelloFrame;
    expect(c.decryption?.frame).toBe(serverHelloFrame);
    expect(c.decryption?.reason).toContain(`secrets present but decryption failed at frame ${serverHelloFrame}`);
    expect(c.decryption?.reason).toContain('the authentication tag does not verify');
    expect(v.mtls.inferred).toBe(true);
    expect(v.status).toBe('ok');
  });

  it('a TLS 1.2 key log with a wrong master secret fails at the first encrypted record', async () => {
    const s = (await analyzeScenario('tls12-mtls-ok')).scenario;
    const wrong = s.keylog.replace(/^(CLIENT_RANDOM \S+ )([0-9a-f]{96})$/gm, (_m, head: string) => head + 'ab'.repeat(48));
    const { connection: c } = single(await analyzeScenario('tls12-mtls-ok', () => ({ keyLog: parseKeyLog(wrong) })));
    expect(c.decryption).toMatchObject({ status: 'failed' });
    expect(c.decryption?.frame).toBe(c.handshakes[0]?.clientCcsFrame);
    expect(c.alerts.every((a) => a.encrypted && a.description === null)).toBe(true);
  });
});

describe('impaired captures decrypt like the clean one', () => {
  for (const name of ['tiny-segments', 'reordered', 'retransmitted', 'lost-segment', 'vlan', 'sll2-ipv6'] as const) {
    it(name, async () => {
      const { connection: c, verdict: v } = single(await analyzeScenario(name));
      expect(c.decryption).toEqual({ status: 'decrypted' });
      expect(v.mtls).toMatchObject({ state: 'sent-accepted', clientCertificates: 2, inferred: false });
      expect(v.status).toBe('ok');
    });
  }
});
