/**
 * Properties of reassembly: a random byte stream cut into random segments, shuffled, duplicated,
 * overlapped (with the same or other bytes) and partly dropped must come out as the first copy
 * of every byte that was captured, with gaps exactly where nothing was, tiling [0, N).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowTable } from '../../src/flow/index.js';
import { seqAdd, seqDiff, seqLessThan, seqToOffset } from '../../src/flow/seq.js';
import type { FlowTableOptions } from '../../src/flow/types.js';
import { makeSegment, Recorder } from './helpers.js';
import type { SegSpec } from './helpers.js';

/** Small deterministic PRNG so one fast-check integer drives the whole scenario. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Piece {
  readonly start: number;
  readonly bytes: Uint8Array;
}

interface Plan {
  readonly data: Uint8Array;
  readonly isn: number;
  /** Client segments in arrival order (after the SYN); `fin` marks where the FIN goes. */
  readonly order: readonly (Piece | 'fin' | { ack: number })[];
  /** first[i]: the byte of the first piece to cover offset i, or -1. */
  readonly first: readonly number[];
  readonly dropped: boolean;
  readonly conflicting: boolean;
}

interface PlanKnobs {
  readonly drop: number;
  readonly dup: number;
  readonly overlap: number;
  readonly conflict: boolean;
  readonly acks: boolean;
}

function plan(data: Uint8Array, isn: number, seed: number, knobs: PlanKnobs): Plan {
  const rnd = mulberry32(seed);
  const n = data.length;
  const pieces: Piece[] = [];
  let dropped = false;
  for (let at = 0; at < n; ) {
    const len = Math.min(n - at, 1 + Math.floor(rnd() * 40));
    if (rnd() < knobs.drop) dropped = true;
    else pieces.push({ start: at, bytes: data.slice(at, at + len) });
    at += len;
  }
  const extra: Piece[] = [];
  for (const p of pieces) {
    if (rnd() < knobs.dup) extra.push({ start: p.start, bytes: knobs.conflict && rnd() < 0.5 ? garbage(rnd, p.bytes.length) : p.bytes });
  }
  if (n > 0) {
    for (let i = 0; i < Math.floor(rnd() * knobs.overlap * 10); i++) {
      const a = Math.floor(rnd() * n);
      const b = Math.min(n, a + 1 + Math.floor(rnd() * 60));
      // Overlaps only re-send bytes that were sent, so they never fill a dropped range unless wanted.
      const covered = pieces.some((p) => p.start <= a && p.start + p.bytes.length >= b);
      if (!covered) continue;
      extra.push({ start: a, bytes: knobs.conflict && rnd() < 0.5 ? garbage(rnd, b - a) : data.slice(a, b) });
    }
  }
  const order: (Piece | 'fin' | { ack: number })[] = [...pieces, ...extra];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
  order.splice(Math.floor(rnd() * (order.length + 1)), 0, 'fin');
  if (knobs.acks) {
    // The peer acknowledges, at random points, what had been sent by then (highest end so far).
    let highest = 0;
    for (let i = 0; i < order.length; i++) {
      const o = order[i]!;
      if (typeof o === 'object' && 'start' in o) highest = Math.max(highest, o.start + o.bytes.length);
      if (rnd() < 0.2) order.splice(++i, 0, { ack: Math.floor(rnd() * (highest + 1)) });
    }
  }
  const first = new Array<number>(n).fill(-1);
  for (const o of order) {
    if (o === 'fin' || !('start' in o)) continue;
    o.bytes.forEach((b, k) => {
      if (first[o.start + k] === -1) first[o.start + k] = b;
    });
  }
  return { data, isn, order, first, dropped, conflicting: knobs.conflict };
}

function garbage(rnd: () => number, len: number): Uint8Array {
  const g = new Uint8Array(len);
  for (let i = 0; i < len; i++) g[i] = Math.floor(rnd() * 256);
  return g;
}

function specs(p: Plan): SegSpec[] {
  const out: SegSpec[] = [{ dir: 0, seq: p.isn, flags: 'S' }];
  for (const o of p.order) {
    if (o === 'fin') out.push({ dir: 0, seq: seqAdd(p.isn, 1 + p.data.length), flags: 'FA' });
    else if ('ack' in o) out.push({ dir: 1, seq: 77, ack: seqAdd(p.isn, 1 + o.ack), flags: 'A' });
    else out.push({ dir: 0, seq: seqAdd(p.isn, 1 + o.start), flags: 'PA', data: o.bytes });
  }
  return out;
}

interface Outcome {
  /** Items in call order for direction 0. */
  items: { kind: 'data' | 'gap' | 'skip'; offset: number; length: number; bytes?: Uint8Array; reason?: string }[];
  rec: Recorder;
  table: FlowTable;
}

function feed(p: Plan, options?: FlowTableOptions, skips?: readonly number[]): Outcome {
  const items: Outcome['items'] = [];
  let skipEnd = 0;
  let k = 0;
  const rec = new Recorder({
    onData: (control, d, chunk) => {
      if (d !== 0) return;
      items.push({ kind: 'data', offset: chunk.offset, length: chunk.bytes.length, bytes: chunk.bytes.slice() });
      const n = skips?.[k++ % skips.length] ?? 0;
      if (n > 0) {
        const from = Math.max(skipEnd, chunk.offset + chunk.bytes.length);
        skipEnd = from + n;
        items.push({ kind: 'skip', offset: from, length: n });
        control.skip(0, n);
      }
    },
  });
  const table = new FlowTable(rec.factory, options);
  const maxTotal = options?.maxTotalOutOfOrderBytes ?? Infinity;
  specs(p).forEach((spec, i) => {
    table.addSegment(makeSegment(spec, i + 1));
    expect(table.stats().outOfOrderBytesHeld).toBeLessThanOrEqual(maxTotal);
  });
  table.finish();
  for (const g of rec.gaps) if (g.direction === 0) items.push({ kind: 'gap', offset: g.gap.offset, length: g.gap.length, reason: g.gap.reason });
  return { items, rec, table };
}

/** Data and gaps of the client direction, in delivery order. */
function ordered(o: Outcome): { kind: 'data' | 'gap'; offset: number; length: number }[] {
  return o.rec.stream.filter((x) => x.id === 1 && x.direction === 0);
}

const isnArb = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0xffffffff - 600, max: 0xffffffff }));
const dataArb = fc.uint8Array({ minLength: 0, maxLength: 600 });

function checkTiling(o: Outcome, n: number): void {
  let at = 0;
  for (const it of ordered(o)) {
    expect(it.offset).toBe(at);
    expect(it.length).toBeGreaterThan(0);
    at += it.length;
  }
  expect(at).toBe(n);
}

function checkFirstCopy(o: Outcome, p: Plan): void {
  for (const it of o.items) {
    if (it.kind !== 'data' || it.bytes === undefined) continue;
    for (let k = 0; k < it.bytes.length; k++) expect(it.bytes[k]).toBe(p.first[it.offset + k]);
  }
}

function gapSet(o: Outcome): Set<number> {
  const s = new Set<number>();
  for (const it of o.items) if (it.kind === 'gap') for (let k = 0; k < it.length; k++) s.add(it.offset + k);
  return s;
}

describe('seq arithmetic', () => {
  it('diff, add and lessThan agree across the wrap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: -(2 ** 31) + 1, max: 2 ** 31 - 1 }), (a, d) => {
        const b = seqAdd(a, d);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThanOrEqual(0xffffffff);
        expect(seqDiff(b, a)).toBe(d);
        expect(seqLessThan(a, b)).toBe(d > 0);
        expect(seqToOffset(b, a, 5_000_000_000)).toBe(5_000_000_000 + seqDiff(b, seqAdd(a, 5_000_000_000)));
      }),
    );
    expect(seqAdd(0xffffffff, 1)).toBe(0);
    expect(seqDiff(0, 0xffffffff)).toBe(1);
    expect(seqToOffset(3, 0xfffffffe, 0)).toBe(5);
  });
});

describe('reassembly properties', () => {
  it('no drops, no conflicting bytes: the output equals the input exactly', () => {
    fc.assert(
      fc.property(dataArb, isnArb, fc.integer(), (data, isn, seed) => {
        const p = plan(data, isn, seed, { drop: 0, dup: 0.3, overlap: 0.5, conflict: false, acks: false });
        const o = feed(p);
        const out = o.items.filter((x) => x.kind === 'data').map((x) => x.bytes!);
        expect(Buffer.concat(out).equals(Buffer.from(data))).toBe(true);
        expect(o.items.filter((x) => x.kind === 'gap')).toEqual([]);
        checkTiling(o, data.length);
        const sum = o.rec.summary(1);
        expect(sum.bytes[0]).toBe(data.length);
        expect(sum.missingBytes[0]).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('drops, duplicates, conflicting overlaps: first copy of each byte, gaps exactly where nothing came', () => {
    fc.assert(
      fc.property(dataArb, isnArb, fc.integer(), fc.boolean(), (data, isn, seed, conflict) => {
        const p = plan(data, isn, seed, { drop: 0.2, dup: 0.3, overlap: 0.5, conflict, acks: false });
        const o = feed(p);
        checkTiling(o, data.length);
        checkFirstCopy(o, p);
        const gaps = gapSet(o);
        for (let i = 0; i < data.length; i++) expect(gaps.has(i)).toBe(p.first[i] === -1);
        for (const it of o.items) if (it.kind === 'gap') expect(it.reason).toBe('capture-ended');
        const sum = o.rec.summary(1);
        expect(sum.bytes[0] + sum.missingBytes[0]).toBe(data.length);
        expect(o.table.stats().outOfOrderBytesHeld).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('with peer ACKs and tight out-of-order limits: still tiled, still first copies, every hole reported', () => {
    fc.assert(
      fc.property(
        dataArb,
        isnArb,
        fc.integer(),
        fc.boolean(),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 300 }),
        (data, isn, seed, acks, perDir, total) => {
          const p = plan(data, isn, seed, { drop: 0.2, dup: 0.3, overlap: 0.5, conflict: true, acks });
          const o = feed(p, { maxOutOfOrderBytes: perDir, maxTotalOutOfOrderBytes: total });
          checkTiling(o, data.length);
          checkFirstCopy(o, p);
          const gaps = gapSet(o);
          for (let i = 0; i < data.length; i++) if (p.first[i] === -1) expect(gaps.has(i)).toBe(true);
          const sum = o.rec.summary(1);
          expect(sum.bytes[0] + sum.missingBytes[0]).toBe(data.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('with the consumer skipping: data, gaps and skipped ranges tile the stream; no gap inside a skip', () => {
    fc.assert(
      fc.property(dataArb, isnArb, fc.integer(), fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 1, maxLength: 8 }), (data, isn, seed, skips) => {
        const p = plan(data, isn, seed, { drop: 0.2, dup: 0.3, overlap: 0.5, conflict: true, acks: false });
        const o = feed(p, undefined, skips);
        checkFirstCopy(o, p);
        const n = data.length;
        const cover = new Array<number>(n).fill(0);
        const skipped = new Set<number>();
        for (const it of o.items) {
          for (let k = 0; k < it.length; k++) {
            const i = it.offset + k;
            if (it.kind === 'skip') skipped.add(i);
            if (i >= n) {
              expect(it.kind).toBe('skip');
              continue;
            }
            if (it.kind !== 'skip') cover[i]! += 1;
          }
        }
        for (let i = 0; i < n; i++) {
          if (skipped.has(i)) expect(cover[i]).toBe(0);
          else {
            expect(cover[i]).toBe(1);
            expect(gapSet(o).has(i)).toBe(p.first[i] === -1);
          }
        }
        expect(o.table.stats().outOfOrderBytesHeld).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('random segments on a few 4-tuples never throw; each direction stays contiguous; onEnd once', () => {
    const hostArb = fc.constantFrom({ ip: '10.0.0.1', port: 1 }, { ip: '10.0.0.1', port: 2 }, { ip: '::1', port: 1 });
    const segArb = fc.record({
      dir: fc.constantFrom<0 | 1>(0, 1),
      client: hostArb,
      seq: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 400 })),
      ack: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 400 })),
      flags: fc.constantFrom('S', 'SA', 'A', 'PA', 'FA', 'R', 'RA', 'SF', 'SFR'),
      data: fc.uint8Array({ maxLength: 40 }),
      missing: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 30 })),
      window: fc.constantFrom(0, 1000),
      t: fc.integer({ min: 0, max: 2000 }),
    });
    fc.assert(
      fc.property(fc.array(segArb, { maxLength: 60 }), fc.boolean(), fc.integer({ min: 1, max: 3 }), (segs, ignore, maxConnections) => {
        const next = new Map<string, number>();
        const rec = new Recorder({
          onData: (control, d, chunk, info) => {
            if (ignore && chunk.offset > 10) control.ignoreData();
            void d;
            void info;
          },
        });
        const table = new FlowTable(rec.factory, { maxConnections, maxOutOfOrderBytes: 64, idleTimeoutSeconds: 500, closedLingerSeconds: 30 });
        let t = 0;
        segs.forEach((s, i) => {
          t += s.t / 1000;
          table.addSegment(makeSegment({ ...s, t }, i + 1));
        });
        table.finish();
        for (const item of rec.stream) {
          const key = `${item.id}/${item.direction}`;
          expect(item.offset).toBe(next.get(key) ?? 0);
          expect(item.length).toBeGreaterThan(0);
          next.set(key, item.offset + item.length);
        }
        expect(rec.summaries.length).toBe(table.stats().connections);
        for (const count of rec.ends.values()) expect(count).toBe(1);
        expect(table.stats().outOfOrderBytesHeld).toBe(0);
        expect(table.stats().open).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
