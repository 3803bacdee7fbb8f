/**
 * The flow table asks a cache slot chosen by a segment's two ports before it hashes the 4-tuple.
 * Connections that share a slot (client ports 1,024 apart, or one port from two addresses) and
 * flights of many connections interleaving must not change what any connection is handed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FlowTable } from '../../src/flow/flow-table.js';
import { seqAdd } from '../../src/flow/seq.js';
import { SERVER, makeSegment, Recorder } from './helpers.js';
import type { SegSpec } from './helpers.js';

/** Client endpoints: the first three ports share a slot with SERVER's port, and so do both addresses of one port. */
const CLIENTS = ['10.0.0.1', '10.0.0.9'].flatMap((ip) => [40000, 41024, 42048, 40001, 50000].map((port) => ({ ip, port })));

/** One connection's segments in its own order: handshake, data both ways, then a FIN exchange or a reset. */
function script(client: { ip: string; port: number }, isn: number, reset: boolean): SegSpec[] {
  const c = (n: number): number => seqAdd(isn, 1 + n);
  const s = (n: number): number => seqAdd(9000, 1 + n);
  const hello = `hello from ${client.ip}:${client.port}`;
  const reply = `reply to ${client.port}`;
  const out: SegSpec[] = [
    { client, dir: 0, seq: isn, flags: 'S' },
    { client, dir: 1, seq: 9000, ack: c(0), flags: 'SA' },
    { client, dir: 0, seq: c(0), ack: s(0), flags: 'PA', data: hello },
    { client, dir: 1, seq: s(0), ack: c(hello.length), flags: 'PA', data: reply },
  ];
  if (reset) out.push({ client, dir: 0, seq: c(hello.length), ack: s(reply.length), flags: 'RA' });
  else {
    out.push(
      { client, dir: 0, seq: c(hello.length), ack: s(reply.length), flags: 'FA' },
      { client, dir: 1, seq: s(reply.length), ack: c(hello.length + 1), flags: 'FA' },
      { client, dir: 0, seq: c(hello.length + 1), ack: s(reply.length + 1), flags: 'A' },
    );
  }
  return out;
}

/** Each connection's lines, without its id, keyed by its client endpoint. */
function linesByClient(specs: readonly SegSpec[]): Map<string, string[]> {
  const rec = new Recorder();
  const table = new FlowTable(rec.factory);
  specs.forEach((spec, i) => table.addSegment(makeSegment(spec, i + 1)));
  table.finish();
  const clientOf = new Map(rec.infos.map((info) => [info.id, `${info.initiator.ip}:${info.initiator.port}`]));
  const out = new Map<string, string[]>();
  for (const line of rec.lines) {
    const space = line.indexOf(' ');
    const client = clientOf.get(Number(line.slice(0, space))) ?? '?';
    out.set(client, [...(out.get(client) ?? []), line.slice(space + 1)]);
  }
  return out;
}

describe('port-pair cache', () => {
  it('connections sharing a slot, interleaved in any order, are each handed what they get alone', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: CLIENTS.length - 1 }), { minLength: 2, maxLength: CLIENTS.length }),
        fc.array(fc.nat(), { maxLength: 120 }),
        fc.array(fc.boolean(), { minLength: CLIENTS.length, maxLength: CLIENTS.length }),
        (chosen, picks, resets) => {
          const scripts = chosen.map((k, i) => script(CLIENTS[k] as { ip: string; port: number }, 1000 * (i + 1), resets[k] === true));
          // Each connection keeps its own order; `picks` says whose segment comes next, then the rest in turn.
          const queues = scripts.map((s) => [...s]);
          const merged: SegSpec[] = [];
          for (const p of picks) {
            const q = queues[p % queues.length] as SegSpec[];
            const next = q.shift();
            if (next !== undefined) merged.push(next);
          }
          for (let left = true; left; ) {
            left = false;
            for (const q of queues) {
              const next = q.shift();
              if (next !== undefined) {
                merged.push(next);
                left = true;
              }
            }
          }
          const together = linesByClient(merged);
          expect(together.size).toBe(scripts.length);
          for (const s of scripts) {
            const alone = linesByClient(s);
            expect(alone.size).toBe(1);
            const [client, lines] = [...alone][0] as [string, string[]];
            expect(together.get(client)).toEqual(lines);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a connection that shares its slot with a closed one is still found after the other reopens', () => {
    const a = CLIENTS[0] as { ip: string; port: number };
    const b = CLIENTS[1] as { ip: string; port: number };
    const first = script(a, 100, true);
    const second = script(b, 200, false);
    // b's handshake, then a opens and resets, then a reopens with a new SYN, then b finishes.
    const merged = [...second.slice(0, 2), ...first, ...script(a, 500, false).slice(0, 3), ...second.slice(2)];
    const lines = linesByClient(merged);
    expect(lines.get(`${b.ip}:${b.port}`)).toEqual(linesByClient(second).get(`${b.ip}:${b.port}`));
    expect(lines.get(`${a.ip}:${a.port}`)?.filter((l) => l.startsWith('syn d0'))).toHaveLength(2);
  });
});
