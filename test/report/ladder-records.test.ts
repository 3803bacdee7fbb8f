/**
 * What a ladder draws of a long encrypted exchange: the first records of each side one by one
 * (those a TLS 1.3 inference reads), then one line for the rest with its exact totals, including
 * the records the TLS layer only counted.
 */
import { describe, expect, it } from 'vitest';
import { ConnectionBuilder, ENCRYPTED_RECORDS_DRAWN } from '../../src/analysis/connection-builder.js';
import type { ConnectionSummary } from '../../src/flow/types.js';
import type { TlsDirectionStats } from '../../src/tls/session/events.js';

const info = { id: 1, initiator: { ip: '10.0.0.5', port: 50000 }, responder: { ip: '10.0.0.20', port: 443 }, synSeen: true, firstFrame: 1, firstTime: { sec: 0, nsec: 0 } };
const at = (frame: number) => ({ sec: 0, nsec: frame * 1000 });

function stats(records: number, bytes: number): TlsDirectionStats {
  return { records, applicationDataRecords: records, applicationDataBytes: bytes, firstApplicationDataFrame: 10, lastApplicationDataFrame: 10 + records, encrypted: true, bytesSkipped: 0 };
}

describe('ladder of a long encrypted exchange', () => {
  // Drawn one by one: the first ENCRYPTED_RECORDS_DRAWN, and every record the TLS 1.3 inference
  // keeps (maxEncryptedRecordsPerHandshake), which its findings may cite.
  it.each([
    [8, ENCRYPTED_RECORDS_DRAWN],
    [24, 24],
    [undefined, 32],
  ])('draws the first records of the server (the inference keeping %s), then one line with the totals of the rest', (kept, drawn) => {
    const b = new ConnectionBuilder(info, kept === undefined ? {} : { maxEncryptedRecordsPerHandshake: kept });
    const reported = 32;
    // The server sends 100 records of 1,000 bytes; the TLS layer reports the first 32, then the
    // first record past them (beyondLimit), and counts the rest.
    for (let i = 0; i < reported; i++) b.event({ kind: 'encrypted-record', direction: 1, length: 1000, frame: 10 + i, time: at(10 + i), index: i });
    b.event({ kind: 'encrypted-record', direction: 1, length: 1000, frame: 10 + reported, time: at(10 + reported), index: reported, beyondLimit: true });
    const summary: ConnectionSummary = {
      info,
      lastFrame: 200,
      lastTime: at(200),
      packets: [10, 100],
      bytes: [500, 100_000],
      missingBytes: [0, 0],
      retransmissions: [0, 0],
      handshake: { syn: 1, synAck: 2, ack: 3 },
      end: { how: 'fin', by: 1, frame: 200, time: at(200) },
      events: [{ kind: 'fin', direction: 1, frame: 200, time: at(200) }],
      anomalies: [],
    };
    const c = b.finish(summary, [stats(0, 0), stats(100, 100_000)]);
    const encrypted = c.timeline.filter((e) => e.kind === 'encrypted');
    expect(encrypted.filter((e) => e.from === 'server')).toHaveLength(drawn);
    const run = encrypted.filter((e) => e.from === null);
    expect(run.map((e) => e.label)).toEqual([`… ${100 - drawn} more encrypted records, ${((100 - drawn) * 1000).toLocaleString('en-US')} bytes`]);
    // The FIN after them is still drawn.
    expect(c.timeline[c.timeline.length - 1]?.label).toBe('FIN');
  });
});
