/**
 * The table finds connections by a 31-bit hash of the 4-tuple; connections whose 4-tuples share
 * a hash must stay apart, open and closed (tombstones), in both directions.
 */
import { describe, expect, it } from 'vitest';
import { FlowTable, flowHash } from '../../src/flow/flow-table.js';
import { seqAdd } from '../../src/flow/seq.js';
import { SERVER, makeSegment, Recorder } from './helpers.js';
import type { SegSpec } from './helpers.js';

/** Two client endpoints whose connections to SERVER hash alike (found by trying ports of a few addresses). */
function collidingClients(): [{ ip: string; port: number }, { ip: string; port: number }] {
  const seen = new Map<number, { ip: string; port: number }>();
  for (let a = 0; a < 256; a++) {
    for (let port = 1024; port < 65536; port++) {
      const client = { ip: `10.1.${a}.7`, port };
      const h = flowHash({ src: client.ip, srcPort: client.port, dst: SERVER.ip, dstPort: SERVER.port });
      const earlier = seen.get(h);
      if (earlier !== undefined) return [earlier, client];
      seen.set(h, client);
    }
  }
  throw new Error('no collision found');
}

describe('flow hash collisions', () => {
  it('the hash is the same both ways', () => {
    const t = { src: '192.0.2.1', srcPort: 5555, dst: '2001:db8::1', dstPort: 443 };
    expect(flowHash(t)).toBe(flowHash({ src: t.dst, srcPort: t.dstPort, dst: t.src, dstPort: t.srcPort }));
  });

  it('two connections sharing a hash are kept apart, open, closed and reopened', () => {
    const [a, b] = collidingClients();
    const key = (c: { ip: string; port: number }): number => flowHash({ src: c.ip, srcPort: c.port, dst: SERVER.ip, dstPort: SERVER.port });
    expect(key(a)).toBe(key(b));
    const conn = (client: { ip: string; port: number }, isn: number): SegSpec[] => {
      const c = (n: number): number => seqAdd(isn, 1 + n);
      const s = (n: number): number => seqAdd(9000, 1 + n);
      return [
        { client, dir: 0, seq: isn, flags: 'S' },
        { client, dir: 1, seq: 9000, ack: c(0), flags: 'SA' },
        { client, dir: 0, seq: c(0), ack: s(0), flags: 'PA', data: `from ${client.port}` },
        { client, dir: 1, seq: s(0), ack: c(5), flags: 'PA', data: 'ok' },
        { client, dir: 0, seq: c(10), ack: s(2), flags: 'RA' },
      ];
    };
    const first = conn(a, 100);
    const second = conn(b, 200);
    const interleaved: SegSpec[] = [];
    for (let i = 0; i < first.length; i++) interleaved.push(first[i] as SegSpec, second[i] as SegSpec);
    // A late ACK on each closed 4-tuple is absorbed by its own tombstone; a new SYN on the first reopens it.
    interleaved.push({ client: a, dir: 1, seq: 9003, ack: 111, flags: 'A' }, { client: b, dir: 1, seq: 9003, ack: 211, flags: 'A' }, ...conn(a, 300).slice(0, 1));
    const rec = new Recorder();
    const table = new FlowTable(rec.factory);
    interleaved.forEach((spec, i) => table.addSegment(makeSegment(spec, i + 1)));
    table.finish();
    expect(rec.lines).toEqual([
      '1 syn d0',
      '2 syn d0',
      '1 syn-ack d1',
      '2 syn-ack d1',
      `1 d0 @0 from ${a.port}`,
      `2 d0 @0 from ${b.port}`,
      '1 d1 @0 ok',
      '2 d1 @0 ok',
      '1 rst d0',
      '1 end rst by d0',
      '2 rst d0',
      '2 end rst by d0',
      '3 syn d0',
      '3 end open',
    ]);
    expect(table.stats()).toMatchObject({ connections: 3, open: 0, lateSegments: 2 });
  });
});
