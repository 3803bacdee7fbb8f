import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FragmentReassembler } from '../../src/decode/ip-fragments.js';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import type { DecodeOutcome } from '../../src/decode/types.js';
import { buildIpv4, buildIpv6, buildTcp, buildUdp, fragmentIpv4, fragmentIpv6, IpProto, wrapIp, type LinkKind } from '../fixtures/frame-builder.js';
import { packetOf } from './helpers.js';

const V4 = { src: '192.0.2.10', dst: '198.51.100.20' };
const V6 = { src: '2001:db8::10', dst: '2001:db8:1::20' };

function datagram(version: 4 | 6, transport: 'tcp' | 'udp', payload: Uint8Array, id: number): Uint8Array {
  const a = version === 4 ? V4 : V6;
  const body =
    transport === 'tcp'
      ? buildTcp({ ...a, srcPort: 40000, dstPort: 443, seq: 1000, ack: 1, flags: 0x18, payload })
      : buildUdp({ ...a, srcPort: 40000, dstPort: 4433, payload });
  const proto = transport === 'tcp' ? IpProto.TCP : IpProto.UDP;
  return version === 4
    ? buildIpv4({ ...a, protocol: proto, payload: body, id })
    : buildIpv6({ ...a, nextHeader: proto, payload: body, extensionHeaders: [{ type: 'hop-by-hop' }, { type: 'destination' }] });
}

function delivered(o: DecodeOutcome): Uint8Array | undefined {
  if (o.kind === 'tcp') return o.segment.payload;
  if (o.kind === 'udp') return o.datagram.payload;
  return undefined;
}

describe('IP fragment reassembly through PacketDecoder', () => {
  it('random fragmentation, shuffled, with duplicates → the original datagram exactly once', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<4 | 6>(4, 6),
        fc.constantFrom<'tcp' | 'udp'>('tcp', 'udp'),
        fc.uint8Array({ minLength: 1, maxLength: 4000 }),
        fc.integer({ min: 0, max: 300 }),
        fc.constantFrom<LinkKind>('ethernet', 'sll2', 'raw', 'null'),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.nat(),
        (version, transport, payload, extraMtu, link, dupPicks, seed) => {
          const ip = datagram(version, transport, payload, seed & 0xffff);
          const frags = version === 4 ? fragmentIpv4(ip, 68 + extraMtu * 4) : fragmentIpv6(ip, 96 + extraMtu * 4, seed);
          const list = [...frags, ...dupPicks.map((k) => frags[k % frags.length] as Uint8Array)];
          // Deterministic shuffle from the seed.
          let s = seed;
          for (let i = list.length - 1; i > 0; i--) {
            s = (Math.imul(s, 1103515245) + 12345) >>> 0;
            const j = s % (i + 1);
            [list[i], list[j]] = [list[j] as Uint8Array, list[i] as Uint8Array];
          }
          const decoder = new PacketDecoder();
          const got: Uint8Array[] = [];
          list.forEach((f, i) => {
            const o = decoder.decode(packetOf(wrapIp({ link }, f), i + 1));
            expect(o.anomalies.filter((a) => a.severity === 'violation')).toEqual([]);
            const d = delivered(o);
            if (d !== undefined) got.push(d.slice());
            else expect(o.kind).toBe('fragment');
          });
          if (frags.length === 1) {
            // Too small to fragment: a whole datagram.
            expect(got.length).toBe(1 + dupPicks.length);
          } else {
            expect(got.length).toBeGreaterThanOrEqual(1);
            // Duplicates that arrive after completion start a new, never-completed datagram.
            expect(got.length).toBe(1);
            expect(decoder.stats().fragmentsReassembled).toBe(1);
          }
          expect(got[0]).toEqual(payload);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps the IPv6 destination options that sit in the fragmentable part', () => {
    const body = buildTcp({ ...V6, srcPort: 1, dstPort: 2, payload: new Uint8Array(3000).fill(7) });
    const ip = buildIpv6({ ...V6, nextHeader: IpProto.TCP, payload: body, extensionHeaders: [{ type: 'routing' }, { type: 'destination', options: new Uint8Array(40) }] });
    const decoder = new PacketDecoder();
    const outs = fragmentIpv6(ip, 1280).map((f, i) => decoder.decode(packetOf(wrapIp({ link: 'ethernet' }, f), i + 1)));
    const last = outs[outs.length - 1];
    expect(last?.kind).toBe('tcp');
    if (last?.kind === 'tcp') {
      expect(last.segment.payload.length).toBe(3000);
      expect(last.segment.src).toBe('2001:db8::10');
    }
  });

  it('over maxFragmentBytes: the datagram is dropped with ip.fragment.limit', () => {
    const decoder = new PacketDecoder({ maxFragmentBytes: 2000 });
    const outs = fragmentIpv4(datagram(4, 'udp', new Uint8Array(5000), 9), 1500).map((f, i) => decoder.decode(packetOf(wrapIp({ link: 'raw' }, f), i + 1)));
    expect(outs.every((o) => o.kind === 'fragment')).toBe(true);
    expect(outs.flatMap((o) => o.anomalies.map((a) => a.code))).toContain('ip.fragment.limit');
    expect(decoder.stats().fragmentsReassembled).toBe(0);
    expect(decoder.stats().fragmentsDropped).toBeGreaterThan(0);
  });

  it('over maxFragmentedDatagrams: the oldest incomplete datagram is dropped', () => {
    const decoder = new PacketDecoder({ maxFragmentedDatagrams: 2 });
    const sets = [1, 2, 3].map((id) => fragmentIpv4(datagram(4, 'udp', new Uint8Array(2000).fill(id), id), 1500));
    const first = sets.map((s, i) => decoder.decode(packetOf(wrapIp({ link: 'raw' }, s[0] as Uint8Array), i + 1)));
    expect(first[2]?.anomalies.map((a) => a.code)).toEqual(['ip.fragment.limit']);
    // Datagrams 2 and 3 complete; the second half of datagram 1 only starts a new incomplete one.
    const rest = [sets[1], sets[2], sets[0]].map((s, i) => decoder.decode(packetOf(wrapIp({ link: 'raw' }, s?.[1] as Uint8Array), i + 4)));
    expect(rest.map((o) => o.kind)).toEqual(['udp', 'udp', 'fragment']);
    expect(decoder.stats().fragmentsReassembled).toBe(2);
  });

  it('a datagram incomplete for longer than fragmentTimeoutSeconds is dropped', () => {
    const decoder = new PacketDecoder({ fragmentTimeoutSeconds: 30 });
    const [a, b] = fragmentIpv4(datagram(4, 'udp', new Uint8Array(2000), 1), 1500) as [Uint8Array, Uint8Array];
    expect(decoder.decode(packetOf(wrapIp({ link: 'raw' }, a), 1, { sec: 100 })).kind).toBe('fragment');
    const late = decoder.decode(packetOf(wrapIp({ link: 'raw' }, b), 2, { sec: 131 }));
    expect(late.kind).toBe('fragment');
    expect(late.anomalies.map((x) => x.code)).toContain('ip.fragment.limit');
    expect(decoder.finish().map((x) => x.code)).toEqual(['ip.fragment.incomplete']);
    expect(decoder.finish()).toEqual([]);
  });

  it('a fragment cut by the snap length cannot be reassembled', () => {
    const decoder = new PacketDecoder();
    const [a] = fragmentIpv4(datagram(4, 'udp', new Uint8Array(2000), 1), 1500) as [Uint8Array];
    const o = decoder.decode(packetOf(wrapIp({ link: 'ethernet' }, a), 1, { snap: 200 }));
    expect(o).toMatchObject({ kind: 'fragment', anomalies: [{ code: 'ip.fragment.truncated' }] });
    expect(decoder.stats().fragmentsDropped).toBe(1);
  });
});

describe('FragmentReassembler', () => {
  const base = { key: 'k', protocol: 17, time: 0, frame: 1 };

  it('overlapping fragments: the first copy of each byte wins, and a conflict is noted', () => {
    const r = new FragmentReassembler();
    expect(r.add({ ...base, offset: 0, moreFragments: true, data: new Uint8Array(16).fill(0xa) }).kind).toBe('held');
    const done = r.add({ ...base, offset: 8, moreFragments: false, data: new Uint8Array(16).fill(0xb) });
    expect(done.kind).toBe('complete');
    if (done.kind !== 'complete') return;
    expect([...done.data]).toEqual([...new Array<number>(16).fill(0xa), ...new Array<number>(8).fill(0xb)]);
    expect(done.anomalies.map((a) => a.code)).toEqual(['ip.fragment.overlap']);
    expect(r.bytesHeld).toBe(0);
  });

  it('identical duplicates are not an anomaly', () => {
    const r = new FragmentReassembler();
    const data = new Uint8Array(8).fill(1);
    r.add({ ...base, offset: 0, moreFragments: true, data });
    expect(r.add({ ...base, offset: 0, moreFragments: true, data }).anomalies).toEqual([]);
  });

  it('refuses a fragment past 65535 bytes', () => {
    const r = new FragmentReassembler();
    expect(r.add({ ...base, offset: 65528, moreFragments: false, data: new Uint8Array(16) })).toMatchObject({ kind: 'dropped', anomalies: [{ code: 'ip.fragment.too_long' }] });
  });

  it('holds no more than maxFragmentBytes whatever arrives', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), offset8: fc.nat({ max: 200 }), len: fc.integer({ min: 0, max: 300 }), more: fc.boolean() }), { maxLength: 60 }),
        (frags) => {
          const r = new FragmentReassembler({ maxFragmentBytes: 1000, maxFragmentedDatagrams: 3 });
          for (const [i, f] of frags.entries()) {
            r.add({ key: f.key, offset: f.offset8 * 8, moreFragments: f.more, data: new Uint8Array(f.len), protocol: 6, time: i, frame: i + 1 });
            expect(r.bytesHeld).toBeLessThanOrEqual(1000);
            expect(r.bytesHeld).toBeGreaterThanOrEqual(0);
            expect(r.datagramsHeld).toBeLessThanOrEqual(3);
          }
        },
      ),
    );
  });
});

describe('FragmentReassembler against a first-writer-wins model', () => {
  it('delivers exactly the bytes first written, once every byte is covered', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }).chain((total8) =>
          fc.record({
            total: fc.constant(total8 * 8),
            frags: fc.array(
              fc.record({ start8: fc.nat({ max: total8 - 1 }), len8: fc.integer({ min: 1, max: 16 }), fill: fc.nat({ max: 255 }) }),
              { minLength: 1, maxLength: 40 },
            ),
          }),
        ),
        ({ total, frags }) => {
          const r = new FragmentReassembler();
          const model = new Int16Array(total).fill(-1);
          // Make sure the datagram can complete: a final pass covering everything in 8-byte steps.
          const all = [...frags.map((f) => ({ start: f.start8 * 8, end: Math.min(total, (f.start8 + f.len8) * 8), fill: f.fill }))];
          for (let o = 0; o < total; o += 8) all.push({ start: o, end: o + 8, fill: 0xee });
          let done = false;
          for (const [i, f] of all.entries()) {
            const data = new Uint8Array(f.end - f.start).fill(f.fill);
            for (let k = f.start; k < f.end; k++) if (model[k] === -1) model[k] = f.fill;
            const res = r.add({ key: 'k', offset: f.start, moreFragments: f.end < total, data, protocol: 6, time: 0, frame: i + 1 });
            if (res.kind === 'complete') {
              expect([...res.data]).toEqual([...model]);
              done = true;
              break;
            }
            expect(res.kind).toBe('held');
          }
          expect(done).toBe(true);
          expect(r.bytesHeld).toBe(0);
          expect(r.datagramsHeld).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('holds each byte once with thousands of tiny fragments in reverse order, and gives them back whole', () => {
    // Work, not time, is bounded: the held bytes grow by exactly one fragment per fragment.
    const r = new FragmentReassembler();
    const n = 8000;
    let last: ReturnType<FragmentReassembler['add']> | undefined;
    for (let i = n - 1; i >= 0; i--) {
      last = r.add({ key: 'k', offset: i * 8, moreFragments: i < n - 1, data: new Uint8Array(8).fill(i & 0xff), protocol: 17, time: 0, frame: 1 });
      if (i > 0) {
        expect(last.kind).toBe('held');
        expect(r.bytesHeld).toBe((n - i) * 8);
        expect(r.datagramsHeld).toBe(1);
      }
    }
    expect(last?.kind).toBe('complete');
    if (last?.kind !== 'complete') return;
    expect(last.fragments).toBe(n);
    expect(last.data.length).toBe(n * 8);
    for (let i = 0; i < n; i++) expect(last.data[i * 8 + 7]).toBe(i & 0xff);
    expect(r.bytesHeld).toBe(0);
    expect(r.datagramsHeld).toBe(0);
  });
});
