/**
 * TLS 1.0 CBC with a key log, on real OpenSSL sessions (Node's tls at security level 0): a
 * TLS 1.0 record's IV is the last ciphertext block of the record before it, so the records the
 * analysis skips (application data) hand over only their last block, and the encrypted
 * Finished and close_notify alerts after them are read. Application data stays unread.
 */
import { constants } from 'node:crypto';
import type * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analyze.js';
import type { Connection } from '../../src/analysis/connection.js';
import { parseKeyLog } from '../../src/decrypt/keylog.js';
import { getPki, tlsCredentials } from '../fixtures/certs.js';
import { runSession } from '../fixtures/tls-session.js';
import type { SessionRecord } from '../fixtures/tls-session.js';
import { synthesizeTcp, SAMPLE_EPOCH } from '../fixtures/tcp-synth.js';
import type { Impairment, SegmentSize } from '../fixtures/tcp-synth.js';
import { writeCapture } from '../fixtures/write-capture.js';

const TLS10 = { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' } as const satisfies tls.SecureContextOptions;

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** A TLS 1.0 session with a few KB of application data each way; `noEtm` turns RFC 7366 off on the server. */
async function tls10Session(noEtm: boolean): Promise<SessionRecord> {
  const pki = await getPki();
  return runSession({
    server: { kind: 'tls', options: { ...tlsCredentials(pki.serverRsa), ...TLS10, ...(noEtm ? { secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC } : {}) } },
    client: { kind: 'tls', options: { ca: pki.rootCa.certPem, servername: 'payroll.example.com', ...TLS10 } },
    app: { requestBodyBytes: 3000, responseBodyBytes: 20000 },
  });
}

function keylogOf(record: SessionRecord): string {
  return [...new Set([...record.client.keylog, ...record.server.keylog])].join('\n');
}

async function analyze(record: SessionRecord, keylog: string | null, segmentSize?: SegmentSize, impairments?: Impairment[]): Promise<Connection> {
  const frames = synthesizeTcp(record, {
    client: { ip: '10.0.0.5', port: 50201 },
    server: { ip: '10.0.0.20', port: 443 },
    clock: { kind: 'synthetic', start: SAMPLE_EPOCH },
    ...(segmentSize !== undefined ? { segmentSize } : {}),
    ...(impairments !== undefined ? { impairments } : {}),
  });
  const analysis = await analyzeCapture(once(writeCapture(frames, { format: 'pcap' })), keylog === null ? {} : { keyLog: parseKeyLog(keylog, 'tls10.keys') });
  const c = analysis.connections[0];
  if (analysis.connections.length !== 1 || c === undefined) throw new Error('expected one connection');
  return c;
}

describe('TLS 1.0 CBC with the key log', () => {
  for (const noEtm of [false, true]) {
    const label = noEtm ? 'MAC-then-encrypt' : 'encrypt-then-MAC';
    it(`${label}: both Finished and the close_notify alerts after the application data are read`, async () => {
      const record = await tls10Session(noEtm);
      expect(record.client.protocol).toBe('TLSv1');
      expect(record.client.cipher?.standardName).toBe('TLS_RSA_WITH_AES_128_CBC_SHA');
      const c = await analyze(record, keylogOf(record));
      const hs = c.handshakes[0];
      expect(hs?.serverHello?.version).toBe(0x0301);
      // encrypt_then_mac (22, RFC 7366): OpenSSL's default, off with SSL_OP_NO_ENCRYPT_THEN_MAC.
      expect(hs?.serverHello?.extensions.includes(22)).toBe(!noEtm);
      expect(c.decryption).toEqual({ status: 'decrypted' });
      expect(c.timeline.filter((t) => t.label === 'Finished (decrypted)').map((t) => t.from)).toEqual(['client', 'server']);
      // The close_notify alerts come after 23 KB of application data: their IVs chain through it.
      expect(c.alerts.map((a) => [a.from, a.level, a.description, a.decrypted])).toEqual([
        ['client', 1, 0, true],
        ['server', 1, 0, true],
      ]);
      // Application data is counted by its headers, never opened ("Application data" would name a decrypted one).
      const appRecords = c.timeline.filter((t) => t.kind === 'encrypted');
      expect(appRecords.length).toBeGreaterThan(0);
      expect(appRecords.map((t) => t.label).filter((l) => !l.startsWith('Encrypted record'))).toEqual([]);
    });
  }

  it('segments of 1–50 bytes split the records (and their last blocks) across chunks: the same facts', async () => {
    const record = await tls10Session(false);
    const whole = await analyze(record, keylogOf(record));
    const tiny = await analyze(record, keylogOf(record), { min: 1, max: 50, seed: 11 });
    expect(tiny.decryption).toEqual({ status: 'decrypted' });
    expect(tiny.alerts.map((a) => [a.from, a.description, a.decrypted])).toEqual(whole.alerts.map((a) => [a.from, a.description, a.decrypted]));
  });

  it('a server segment missing from the capture never reads as a wrong key log', async () => {
    const record = await tls10Session(false);
    const segments = record.events.filter((e) => e.kind === 'data' && e.dir === 's2c').length;
    const reasons: string[] = [];
    // Segments of 1000 bytes: some losses take only the middle of a record, some its last block.
    for (let index = 2; index < segments + 20; index++) {
      const c = await analyze(record, keylogOf(record), 1000, [{ kind: 'loss', dir: 's2c', index, retransmit: false }]);
      expect(c.decryption?.status, `segment ${index} lost`).toBe('decrypted');
      if (c.decryption?.reason !== undefined) reasons.push(c.decryption.reason);
      // The client's side is untouched: its close_notify is still read.
      expect(c.alerts.find((a) => a.from === 'client')).toMatchObject({ description: 0, decrypted: true });
    }
    // When the lost bytes held a record's last block, the next record's IV is unknown, and that is what is said.
    expect(reasons.some((r) => /TLS 1\.0 record's IV is the end of the record before it, which was not captured/.test(r))).toBe(true);
  });

  it('without the key log the alerts stay encrypted', async () => {
    const record = await tls10Session(false);
    const c = await analyze(record, null);
    expect(c.decryption?.status).toBe('not-attempted');
    expect(c.alerts.every((a) => a.decrypted !== true)).toBe(true);
  });
});
