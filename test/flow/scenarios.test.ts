/**
 * Reassembly scenario tables: segments in, consumer calls out (one line per call).
 * Lines: `<conn> d<dir> @<offset> <bytes>` for data, `<conn> d<dir> gap @<offset>+<length> <reason>`,
 * `<conn> <event> d<dir>`, `<conn> end <how> [by d<dir>]`.
 */
import { describe, expect, it } from 'vitest';
import { FlowTable } from '../../src/flow/index.js';
import { seqAdd } from '../../src/flow/seq.js';
import type { FlowTableOptions } from '../../src/flow/types.js';
import { CLIENT, makeSegment, Recorder, SERVER } from './helpers.js';
import type { RecorderHooks, SegSpec } from './helpers.js';

const C = 1000; // client ISN
const S = 5000; // server ISN
/** Sequence number of the client's / server's stream offset n. */
const c = (n: number): number => seqAdd(C, 1 + n);
const s = (n: number): number => seqAdd(S, 1 + n);

const HANDSHAKE: SegSpec[] = [
  { dir: 0, seq: C, flags: 'S' },
  { dir: 1, seq: S, ack: c(0), flags: 'SA' },
  { dir: 0, seq: c(0), ack: s(0) },
];
const HS_LINES = ['1 syn d0', '1 syn-ack d1'];

interface Scenario {
  readonly name: string;
  readonly segments: readonly SegSpec[];
  readonly want: readonly string[];
  readonly options?: FlowTableOptions;
  readonly hooks?: RecorderHooks;
  /** Call finish() after the segments (default true). */
  readonly finish?: boolean;
}

function run(segments: readonly SegSpec[], options?: FlowTableOptions, hooks?: RecorderHooks, finish = true): { rec: Recorder; table: FlowTable } {
  const rec = new Recorder(hooks);
  const table = new FlowTable(rec.factory, options);
  segments.forEach((spec, i) => table.addSegment(makeSegment(spec, i + 1)));
  if (finish) table.finish();
  return { rec, table };
}

const scenarios: Scenario[] = [
  {
    name: 'handshake, data both ways, FIN both ways',
    segments: [
      ...HANDSHAKE,
      { dir: 0, seq: c(0), ack: s(0), flags: 'PA', data: 'hello' },
      { dir: 1, seq: s(0), ack: c(5), flags: 'PA', data: 'world!' },
      { dir: 0, seq: c(5), ack: s(6), flags: 'FA' },
      { dir: 1, seq: s(6), ack: c(6), flags: 'FA' },
      { dir: 0, seq: c(6), ack: s(7) },
    ],
    want: [...HS_LINES, '1 d0 @0 hello', '1 d1 @0 world!', '1 fin d0', '1 fin d1', '1 end fin by d0'],
    finish: false,
  },
  {
    name: 'capture started mid-stream: the first sender is taken as initiator',
    segments: [
      { dir: 1, seq: 7000, ack: 9000, flags: 'PA', data: 'abc' },
      { dir: 0, seq: 9000, ack: 7003, flags: 'PA', data: 'xy' },
      { dir: 1, seq: 7003, ack: 9002, flags: 'PA', data: 'de' },
    ],
    want: ['1 d0 @0 abc', '1 d1 @0 xy', '1 d0 @3 de', '1 end open'],
  },
  {
    name: 'SYN with data (TCP Fast Open): the data starts at offset 0',
    segments: [{ dir: 0, seq: C, flags: 'S', data: 'hi' }, { dir: 1, seq: S, ack: c(2), flags: 'SA' }],
    want: ['1 syn d0', '1 d0 @0 hi', '1 syn-ack d1', '1 end open'],
  },
  {
    name: 'out of order: held, then delivered once the hole fills',
    segments: [
      ...HANDSHAKE,
      { dir: 0, seq: c(6), data: 'ghi' },
      { dir: 0, seq: c(3), data: 'def' },
      { dir: 0, seq: c(0), data: 'abc' },
    ],
    want: [...HS_LINES, '1 d0 @0 abc', '1 d0 @3 def', '1 d0 @6 ghi', '1 end open'],
  },
  {
    name: 'duplicates are delivered once',
    segments: [...HANDSHAKE, { dir: 0, seq: c(0), data: 'abc' }, { dir: 0, seq: c(0), data: 'abc' }, { dir: 0, seq: c(3), data: 'd' }],
    want: [...HS_LINES, '1 d0 @0 abc', '1 d0 @3 d', '1 end open'],
  },
  {
    name: 'overlapping retransmission with other bytes: the first copy (held) wins',
    segments: [
      ...HANDSHAKE,
      { dir: 0, seq: c(2), data: 'CD' },
      { dir: 0, seq: c(0), data: 'wxyz' },
      { dir: 0, seq: c(0), data: 'abcdEF' },
    ],
    want: [...HS_LINES, '1 d0 @0 wx', '1 d0 @2 CD', '1 d0 @4 EF', '1 end open'],
  },
  {
    name: 'overlapping retransmission with other bytes: the first copy (delivered) wins',
    segments: [...HANDSHAKE, { dir: 0, seq: c(0), data: 'AB' }, { dir: 0, seq: c(1), data: 'ZZZZ' }],
    want: [...HS_LINES, '1 d0 @0 AB', '1 d0 @2 ZZZ', '1 end open'],
  },
  {
    name: 'held piece inside a later, longer segment: only the uncovered parts are taken',
    segments: [...HANDSHAKE, { dir: 0, seq: c(4), data: 'XX' }, { dir: 0, seq: c(2), data: '234567' }, { dir: 0, seq: c(0), data: '01' }],
    want: [...HS_LINES, '1 d0 @0 01', '1 d0 @2 23', '1 d0 @4 XX', '1 d0 @6 67', '1 end open'],
  },
  {
    name: 'sequence numbers wrap around 2^32',
    segments: [
      { dir: 0, seq: 0xfffffffd, flags: 'S' },
      { dir: 1, seq: S, ack: 0xfffffffe, flags: 'SA' },
      { dir: 0, seq: 2, data: 'efgh' },
      { dir: 0, seq: 0xfffffffe, data: 'abcd' },
      { dir: 0, seq: 6, ack: s(0), flags: 'FA' },
      { dir: 1, seq: s(0), ack: 7, flags: 'FA' },
    ],
    want: ['1 syn d0', '1 syn-ack d1', '1 d0 @0 abcd', '1 d0 @4 efgh', '1 fin d0', '1 fin d1', '1 end fin by d0'],
    finish: false,
  },
  {
    name: 'RST ends the connection at once; later strays are not reported',
    segments: [...HANDSHAKE, { dir: 0, seq: c(0), data: 'abc' }, { dir: 1, seq: s(0), flags: 'R' }, { dir: 1, seq: s(0), flags: 'R' }, { dir: 0, seq: c(3), data: 'late' }],
    want: [...HS_LINES, '1 d0 @0 abc', '1 rst d1', '1 end rst by d1'],
  },
  {
    name: 'RST with data held behind a hole: the hole is reported not-captured, then the data',
    segments: [...HANDSHAKE, { dir: 0, seq: c(3), data: 'def' }, { dir: 1, seq: s(0), flags: 'R' }],
    want: [...HS_LINES, '1 rst d1', '1 d0 gap @0+3 not-captured', '1 d0 @3 def', '1 end rst by d1'],
  },
  {
    name: 'new SYN on the same 4-tuple after close: a new connection; the old ISN is a stray',
    segments: [
      ...HANDSHAKE,
      { dir: 0, seq: c(0), flags: 'FA' },
      { dir: 1, seq: s(0), ack: c(1), flags: 'FA' },
      { dir: 0, seq: C, flags: 'S' },
      { dir: 0, seq: 20000, flags: 'S' },
      { dir: 1, seq: 30000, ack: 20001, flags: 'SA' },
      { dir: 0, seq: 20001, ack: 30001, flags: 'PA', data: 'again' },
    ],
    want: [...HS_LINES, '1 fin d0', '1 fin d1', '1 end fin by d0', '2 syn d0', '2 syn-ack d1', '2 d0 @0 again', '2 end open'],
  },
  {
    name: 'a SYN with a new ISN replaces a closing connection that still waits for a hole',
    segments: [
      ...HANDSHAKE,
      { dir: 0, seq: c(3), data: 'def' },
      { dir: 0, seq: c(6), flags: 'FA' },
      { dir: 1, seq: s(0), flags: 'FA' },
      { dir: 0, seq: 20000, flags: 'S' },
    ],
    want: [...HS_LINES, '1 fin d0', '1 fin d1', '1 d0 gap @0+3 not-captured', '1 d0 @3 def', '1 end fin by d0', '2 syn d0', '2 end open'],
  },
  {
    name: 'idle timeout: a packet after the timeout starts a new connection',
    segments: [
      { dir: 0, seq: 100, flags: 'PA', data: 'one', t: 1 },
      { dir: 0, seq: 103, flags: 'PA', data: 'two', t: 700 },
    ],
    want: ['1 d0 @0 one', '1 end idle', '2 d0 @0 two', '2 end open'],
  },
  {
    name: 'idle timeout is an option; other connections are swept too',
    segments: [
      { dir: 0, seq: 100, flags: 'PA', data: 'one', t: 1 },
      { dir: 0, seq: 500, flags: 'PA', data: 'other', t: 20, client: { ip: '10.0.0.9', port: 1 } },
    ],
    options: { idleTimeoutSeconds: 10 },
    want: ['1 d0 @0 one', '1 end idle', '2 d0 @0 other', '2 end open'],
  },
  {
    name: 'eviction at maxConnections: the least recently active goes',
    segments: [
      { dir: 0, seq: 100, data: 'a', client: { ip: '10.0.0.1', port: 1 } },
      { dir: 0, seq: 100, data: 'b', client: { ip: '10.0.0.1', port: 2 } },
      { dir: 0, seq: 101, data: 'A', client: { ip: '10.0.0.1', port: 1 } },
      { dir: 0, seq: 100, data: 'c', client: { ip: '10.0.0.1', port: 3 } },
    ],
    options: { maxConnections: 2 },
    want: ['1 d0 @0 a', '2 d0 @0 b', '1 d0 @1 A', '2 end evicted', '3 d0 @0 c', '1 end open', '3 end open'],
  },
  {
    name: 'skip() across segments; out-of-order data inside the skipped range is not held',
    segments: [
      ...HANDSHAKE,
      { dir: 0, seq: c(0), data: 'hdr' },
      { dir: 0, seq: c(5), data: 'cd' },
      { dir: 0, seq: c(3), data: 'ab' },
      { dir: 0, seq: c(7), data: 'efgh' },
      { dir: 0, seq: c(11), data: 'ij' },
    ],
    hooks: {
      onData: (control, d, chunk) => {
        if (d === 0 && chunk.offset === 0) control.skip(0, 6);
      },
    },
    want: [...HS_LINES, '1 d0 @0 hdr', '1 d0 @9 gh', '1 d0 @11 ij', '1 end open'],
  },
  {
    name: 'a gap inside the skipped range is not reported, even at the ACK or the end',
    segments: [...HANDSHAKE, { dir: 0, seq: c(0), data: 'hdr' }, { dir: 0, seq: c(8), data: 'zzXY' }, { dir: 1, seq: s(0), ack: c(12) }],
    hooks: {
      onData: (control, d, chunk) => {
        if (d === 0 && chunk.offset === 0) control.skip(0, 6);
      },
    },
    want: [...HS_LINES, '1 d0 @0 hdr', '1 d0 @9 zXY', '1 end open'],
  },
  {
    name: 'skip() past held data drops it and delivers what follows the skipped range',
    segments: [...HANDSHAKE, { dir: 0, seq: c(4), data: 'held' }, { dir: 0, seq: c(10), data: 'tail' }, { dir: 0, seq: c(0), data: 'head' }],
    hooks: {
      onData: (control, d, chunk) => {
        if (d === 0 && chunk.offset === 0) control.skip(0, 8);
      },
    },
    want: [...HS_LINES, '1 d0 @0 head', '1 d0 @12 il', '1 end open'],
  },
  {
    name: 'ignoreData(): nothing more is delivered, events go on',
    segments: [
      ...HANDSHAKE,
      { dir: 0, seq: c(0), data: 'GET / HTTP/1.1' },
      { dir: 1, seq: s(0), data: 'HTTP/1.1 200' },
      { dir: 0, seq: c(20), data: 'later' },
      { dir: 0, seq: c(14), data: 'hole..' },
      { dir: 0, seq: c(25), flags: 'FA' },
    ],
    hooks: { onData: (control) => control.ignoreData() },
    want: [...HS_LINES, '1 d0 @0 GET / HTTP/1.1', '1 fin d0', '1 end fin by d0'],
  },
  {
    name: 'missingPayloadBytes: snap-length gaps, in order and out of order',
    segments: [
      ...HANDSHAKE,
      { dir: 0, seq: c(0), data: 'abc', missing: 2 },
      { dir: 0, seq: c(10), data: 'xy', missing: 3 },
      { dir: 0, seq: c(5), data: 'fg' },
      { dir: 0, seq: c(7), data: 'hij' },
    ],
    want: [...HS_LINES, '1 d0 @0 abc', '1 d0 gap @3+2 snap-length', '1 d0 @5 fg', '1 d0 @7 hij', '1 d0 @10 xy', '1 d0 gap @12+3 snap-length', '1 end open'],
  },
  {
    name: "the peer's ACK beyond the data seen: not-captured gap, then the held data",
    segments: [
      ...HANDSHAKE,
      { dir: 0, seq: c(0), data: 'abc' },
      { dir: 0, seq: c(6), data: 'ghi' },
      { dir: 1, seq: s(0), ack: c(9) },
      { dir: 1, seq: s(0), ack: c(12) },
      { dir: 0, seq: c(3), data: 'def' },
      { dir: 0, seq: c(12), data: 'm' },
    ],
    want: [...HS_LINES, '1 d0 @0 abc', '1 d0 gap @3+3 not-captured', '1 d0 @6 ghi', '1 d0 gap @9+3 not-captured', '1 d0 @12 m', '1 end open'],
  },
  {
    name: 'out-of-order limit: the earliest hole is given up',
    segments: [...HANDSHAKE, { dir: 0, seq: c(0), data: 'abc' }, { dir: 0, seq: c(5), data: 'fgh' }, { dir: 0, seq: c(8), data: 'ijklmn' }, { dir: 0, seq: c(3), data: 'de' }],
    options: { maxOutOfOrderBytes: 8 },
    want: [...HS_LINES, '1 d0 @0 abc', '1 d0 gap @3+2 out-of-order-limit', '1 d0 @5 fgh', '1 d0 @8 ijklmn', '1 end open'],
  },
  {
    name: 'capture ended with data held behind holes, and a hole before a FIN',
    segments: [...HANDSHAKE, { dir: 0, seq: c(0), data: 'abc' }, { dir: 0, seq: c(5), data: 'fg' }, { dir: 1, seq: s(0), data: 'xyz' }, { dir: 1, seq: s(6), flags: 'FA' }],
    want: [...HS_LINES, '1 d0 @0 abc', '1 d1 @0 xyz', '1 fin d1', '1 d0 gap @3+2 capture-ended', '1 d0 @5 fg', '1 d1 gap @3+3 capture-ended', '1 end fin by d1'],
  },
  {
    name: 'keep-alives are events, not data; zero window is reported when it starts',
    segments: [
      ...HANDSHAKE,
      { dir: 0, seq: c(0), data: 'abc' },
      { dir: 0, seq: c(2), data: 'x' },
      { dir: 0, seq: c(2) },
      { dir: 1, seq: s(0), ack: c(3), window: 0 },
      { dir: 1, seq: s(0), ack: c(3), window: 0 },
      { dir: 1, seq: s(0), ack: c(3), window: 100 },
      { dir: 1, seq: s(0), ack: c(3), window: 0 },
      { dir: 0, seq: c(3), data: 'd' },
    ],
    want: [...HS_LINES, '1 d0 @0 abc', '1 keep-alive d0', '1 keep-alive d0', '1 zero-window d1', '1 zero-window d1', '1 d0 @3 d', '1 end open'],
  },
  {
    name: 'a SYN/ACK alone: its receiver is the initiator',
    segments: [{ dir: 1, seq: S, ack: c(0), flags: 'SA' }, { dir: 0, seq: c(0), ack: s(0), data: 'hi' }],
    want: ['1 syn-ack d1', '1 d0 @0 hi', '1 end open'],
  },
];

describe('flow table scenarios', () => {
  it.each(scenarios)('$name', ({ segments, want, options, hooks, finish }) => {
    const { rec } = run(segments, options, hooks, finish ?? true);
    expect(rec.lines).toEqual(want);
    for (const count of rec.ends.values()) expect(count).toBe(1);
  });
});

describe('flow table details', () => {
  it('summarizes a closed connection: handshake frames, counters, end, late segments', () => {
    const { rec, table } = run(scenarios[0]!.segments, undefined, undefined, false);
    const sum = rec.summary(1);
    expect(sum.info.initiator).toEqual(CLIENT);
    expect(sum.info.responder).toEqual(SERVER);
    expect(sum.info.synSeen).toBe(true);
    expect(sum.handshake).toEqual({ syn: 1, synAck: 2, ack: 3 });
    expect(sum.packets).toEqual([4, 3]);
    expect(sum.bytes).toEqual([5, 6]);
    expect(sum.missingBytes).toEqual([0, 0]);
    expect(sum.retransmissions).toEqual([0, 0]);
    expect(sum.end).toEqual({ how: 'fin', by: 0, frame: 6, time: { sec: 0, nsec: 6_000_000 } });
    expect(sum.lastFrame).toBe(7);
    expect(sum.events.map((e) => `${e.kind}@${e.frame}`)).toEqual(['syn@1', 'syn-ack@2', 'fin@6', 'fin@7']);
    expect(table.stats()).toEqual({ connections: 1, open: 0, segments: 8, evicted: 0, outOfOrderBytesHeld: 0, lateSegments: 1 });
  });

  it('mid-stream capture: synSeen false, the first sender is the initiator', () => {
    const { rec } = run(scenarios[1]!.segments);
    const info = rec.infos[0]!;
    expect(info.synSeen).toBe(false);
    expect(info.initiator).toEqual(SERVER);
    expect(rec.summary(1).end).toEqual({ how: 'open', by: null, frame: null, time: null });
  });

  it('counts retransmissions per direction, and keep-alives are not retransmissions', () => {
    const dup = run(scenarios[4]!.segments);
    expect(dup.rec.summary(1).retransmissions).toEqual([1, 0]);
    expect(dup.rec.summary(1).bytes).toEqual([4, 0]);
    const overlap = run(scenarios[5]!.segments);
    expect(overlap.rec.summary(1).retransmissions).toEqual([2, 0]);
    const ka = run(scenarios.find((x) => x.name.startsWith('keep-alives'))!.segments);
    expect(ka.rec.summary(1).retransmissions).toEqual([0, 0]);
    expect(ka.rec.summary(1).bytes).toEqual([4, 0]);
  });

  it('out-of-order data is copied; in-order data is a view of the segment payload', () => {
    const payloads: Uint8Array[] = [];
    const seen: Uint8Array[] = [];
    const rec = new Recorder({ onData: (_c, _d, chunk) => void seen.push(chunk.bytes) });
    const table = new FlowTable(rec.factory);
    const segs = [...HANDSHAKE, { dir: 0, seq: c(3), data: 'def' } as SegSpec, { dir: 0, seq: c(0), data: 'abc' } as SegSpec];
    segs.forEach((spec, i) => {
      const seg = makeSegment(spec, i + 1);
      payloads.push(seg.payload);
      table.addSegment(seg);
    });
    expect(seen[0]!.buffer).toBe(payloads[4]!.buffer);
    expect(seen[1]!.buffer).not.toBe(payloads[3]!.buffer);
    expect(rec.chunks.map((x) => x.offset)).toEqual([0, 3]);
    // The held chunk keeps the frame and time it arrived with.
    expect(rec.lines).toContain('1 d0 @3 def');
  });

  it('stream offsets go past 2^32', () => {
    const rec = new Recorder({
      onData: (control, d, chunk) => {
        if (d === 0 && chunk.offset === 0) control.skip(0, 2 ** 32 - 2);
      },
    });
    const table = new FlowTable(rec.factory);
    [...HANDSHAKE, { dir: 0, seq: c(0), data: 'ab' } as SegSpec, { dir: 0, seq: c(0), data: 'cd' } as SegSpec].forEach((spec, i) =>
      table.addSegment(makeSegment(spec, i + 1)),
    );
    table.finish();
    expect(rec.lines.slice(2)).toEqual(['1 d0 @0 ab', '1 d0 @4294967296 cd', '1 end open']);
  });

  it('snap-length and not-captured gaps count as missing bytes', () => {
    const snap = run(scenarios.find((x) => x.name.startsWith('missingPayloadBytes'))!.segments);
    expect(snap.rec.summary(1).missingBytes).toEqual([5, 0]);
    expect(snap.rec.summary(1).bytes).toEqual([10, 0]);
    const acked = run(scenarios.find((x) => x.name.startsWith("the peer's ACK"))!.segments);
    expect(acked.rec.summary(1).missingBytes).toEqual([6, 0]);
    expect(acked.rec.gaps.map((g) => g.gap.frame)).toEqual([6, 7]);
  });

  it('the out-of-order limit across all connections gives up holes too', () => {
    const other = { ip: '10.0.0.7', port: 7 };
    const { rec } = run(
      [
        { dir: 0, seq: 100, data: 'a' },
        { dir: 0, seq: 105, data: 'fghij' },
        { dir: 0, seq: 300, data: 'b', client: other },
        { dir: 0, seq: 305, data: 'FGHIJ', client: other },
      ],
      { maxTotalOutOfOrderBytes: 8 },
    );
    expect(rec.lines).toEqual([
      '1 d0 @0 a',
      '2 d0 @0 b',
      '2 d0 gap @1+4 out-of-order-limit',
      '2 d0 @5 FGHIJ',
      '1 d0 gap @1+4 capture-ended',
      '1 d0 @5 fghij',
      '1 end open',
      '2 end open',
    ]);
  });

  it('stats: held bytes while out of order, evictions, open connections', () => {
    const rec = new Recorder();
    const table = new FlowTable(rec.factory, { maxConnections: 1 });
    table.addSegment(makeSegment({ dir: 0, seq: 100, data: 'a' }, 1));
    table.addSegment(makeSegment({ dir: 0, seq: 105, data: 'xyz' }, 2));
    expect(table.stats().outOfOrderBytesHeld).toBe(3);
    table.addSegment(makeSegment({ dir: 0, seq: 1, data: 'b', client: { ip: '10.0.0.3', port: 3 } }, 3));
    expect(table.stats()).toMatchObject({ connections: 2, open: 1, evicted: 1, outOfOrderBytesHeld: 0, segments: 3 });
    const evicted = rec.summary(1);
    expect(evicted.end.how).toBe('evicted');
    expect(evicted.anomalies.map((a) => a.code)).toEqual(['flow.evicted']);
    expect(rec.lines).toContain('1 d0 gap @1+4 capture-ended');
  });

  it('a trailing ACK or retransmitted FIN after close does not open a connection; the tombstone expires', () => {
    const base = scenarios[0]!.segments;
    const { rec, table } = run(
      [...base, { dir: 1, seq: s(6), ack: c(6), flags: 'FA', t: 10 }, { dir: 0, seq: c(6), ack: s(7), t: 100 }],
      { closedLingerSeconds: 60 },
      undefined,
      false,
    );
    expect(table.stats().connections).toBe(2);
    expect(table.stats().lateSegments).toBe(2);
    expect(rec.infos[1]!.synSeen).toBe(false);
  });

  it('maxClosedConnections: only the most recent closed 4-tuples absorb stray packets', () => {
    const rec = new Recorder();
    const table = new FlowTable(rec.factory, { maxClosedConnections: 2 });
    // Three connections closed by RST, one after another; then a stray ACK on each.
    for (let i = 0; i < 3; i++) table.addSegment(makeSegment({ dir: 0, seq: 1, flags: 'R', client: { ip: '10.0.0.7', port: 1000 + i } }, i + 1));
    for (let i = 0; i < 3; i++) table.addSegment(makeSegment({ dir: 0, seq: 1, client: { ip: '10.0.0.7', port: 1000 + i } }, 10 + i));
    // The oldest was forgotten: its stray ACK opened a connection; the two others were only counted.
    expect(table.stats()).toMatchObject({ connections: 4, lateSegments: 2 });
    expect(rec.infos[3]!.initiator.port).toBe(1000);
  });

  it('maxClosedConnections: a 4-tuple reopened and closed again counts as the newest closed one', () => {
    const rec = new Recorder();
    const table = new FlowTable(rec.factory, { maxClosedConnections: 3 });
    const at = (port: number) => ({ ip: '10.0.0.7', port });
    // A, B, C closed by RST; A reopens with a SYN and is reset again, so it is now the newest.
    for (const [i, port] of [1000, 1001, 1002].entries()) table.addSegment(makeSegment({ dir: 0, seq: 1, flags: 'R', client: at(port) }, i + 1));
    table.addSegment(makeSegment({ dir: 0, seq: 100, flags: 'S', client: at(1000) }, 4));
    table.addSegment(makeSegment({ dir: 0, seq: 101, flags: 'R', client: at(1000) }, 5));
    // D closes: the oldest, B, is forgotten; C and A (reburied) are still remembered.
    table.addSegment(makeSegment({ dir: 0, seq: 1, flags: 'R', client: at(1003) }, 6));
    expect(table.stats()).toMatchObject({ connections: 5, open: 0 });
    for (const [i, port] of [1000, 1001, 1002, 1003].entries()) table.addSegment(makeSegment({ dir: 0, seq: 1, client: at(port) }, 10 + i));
    expect(table.stats()).toMatchObject({ connections: 6, lateSegments: 3 });
    expect(rec.infos[5]!.initiator.port).toBe(1001);
  });

  it('the idle sweep forgets expired tombstones oldest first and keeps the rest', () => {
    const rec = new Recorder();
    const table = new FlowTable(rec.factory, { closedLingerSeconds: 10 });
    const at = (port: number) => ({ ip: '10.0.0.7', port });
    table.addSegment(makeSegment({ dir: 0, seq: 1, flags: 'R', client: at(2000), t: 1 }, 1));
    table.addSegment(makeSegment({ dir: 0, seq: 1, flags: 'R', client: at(2001), t: 8 }, 2));
    table.sweep(12);
    table.addSegment(makeSegment({ dir: 0, seq: 1, client: at(2000), t: 12 }, 3));
    table.addSegment(makeSegment({ dir: 0, seq: 1, client: at(2001), t: 12 }, 4));
    // 2000's tombstone (until 11) expired and its ACK opened a connection; 2001's (until 18) absorbed it.
    expect(table.stats()).toMatchObject({ connections: 3, lateSegments: 1 });
    expect(rec.infos[2]!.initiator.port).toBe(2000);
  });

  it('events past maxEventsPerConnection are reported but not kept', () => {
    const segs: SegSpec[] = [...HANDSHAKE, { dir: 0, seq: c(0), data: 'a' }];
    for (let i = 0; i < 5; i++) segs.push({ dir: 0, seq: c(0) });
    const { rec } = run(segs, { maxEventsPerConnection: 3 });
    expect(rec.lines.filter((l) => l.includes('keep-alive'))).toHaveLength(5);
    expect(rec.summary(1).events.map((e) => e.kind)).toEqual(['syn', 'syn-ack', 'keep-alive']);
  });

  it('data after the FIN and a changed ISN are anomalies, not data', () => {
    const { rec } = run([
      ...HANDSHAKE,
      { dir: 0, seq: C + 7, flags: 'S' },
      { dir: 0, seq: c(0), data: 'ab', flags: 'FPA' },
      { dir: 0, seq: c(2), data: 'zz' },
    ]);
    expect(rec.lines.filter((l) => l.includes(' d0 @'))).toEqual(['1 d0 @0 ab']);
    expect(rec.summary(1).anomalies.map((a) => a.code)).toEqual(['tcp.syn_isn_changed', 'tcp.data_after_fin']);
  });

  it('out-of-order data inside a skipped range is never held', () => {
    const rec = new Recorder({ onData: (control, d, chunk) => void (d === 0 && chunk.offset === 0 && control.skip(0, 100)) });
    const table = new FlowTable(rec.factory);
    const segs: SegSpec[] = [...HANDSHAKE, { dir: 0, seq: c(0), data: 'hdr' }, { dir: 0, seq: c(50), data: 'inside' }, { dir: 0, seq: c(98), data: 'straddle..' }];
    const held: number[] = [];
    segs.forEach((spec, i) => {
      table.addSegment(makeSegment(spec, i + 1));
      held.push(table.stats().outOfOrderBytesHeld);
    });
    // The skip covers [3, 103): nothing inside it is held; the straddling segment's tail is delivered.
    expect(held).toEqual([0, 0, 0, 0, 0, 0]);
    expect(rec.lines.slice(2)).toEqual(['1 d0 @0 hdr', '1 d0 @103 dle..']);
    table.addSegment(makeSegment({ dir: 0, seq: c(110), data: 'zz' }, 7));
    expect(table.stats().outOfOrderBytesHeld).toBe(2);
    table.finish();
    expect(rec.lines.slice(4)).toEqual(['1 d0 gap @108+2 capture-ended', '1 d0 @110 zz', '1 end open']);
  });

  it('onEnd once per connection across finish() called twice', () => {
    const { rec, table } = run(scenarios[3]!.segments);
    table.finish();
    expect(rec.ends.get(1)).toBe(1);
    expect(table.stats().open).toBe(0);
  });
});
