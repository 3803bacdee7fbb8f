import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RecordStream, type RecordHeader, type RecordSink } from '../../src/tls/record-stream.js';
import { looksLikeTlsStart } from '../../src/tls/record-start.js';
import type { Anomaly } from '../../src/util/anomaly.js';
import type { StreamGap } from '../../src/flow/types.js';
import { hex, u16 } from './hello-encoder.js';

const T = { sec: 0, nsec: 0 };

interface Seen {
  records: { type: number; version: number; length: number; offset: number; body: string | null; frame: number; endFrame: number }[];
  sslv2: string[];
  notTls: { first: string; offset: number; atStart: boolean }[];
  anomalies: Anomaly[];
}

function collector(want: (h: RecordHeader) => boolean = (h) => h.contentType !== 23): { sink: RecordSink; seen: Seen } {
  const seen: Seen = { records: [], sslv2: [], notTls: [], anomalies: [] };
  const sink: RecordSink = {
    wantBody: want,
    record: (h, body, endFrame) =>
      seen.records.push({
        type: h.contentType,
        version: h.version,
        length: h.length,
        offset: h.offset,
        body: body === null ? null : Buffer.from(body).toString('hex'),
        frame: h.frame,
        endFrame,
      }),
    sslv2ClientHello: (body) => seen.sslv2.push(Buffer.from(body).toString('hex')),
    notTls: (first, offset, _frame, atStart) => seen.notTls.push({ first: Buffer.from(first).toString('hex'), offset, atStart }),
    anomaly: (a) => seen.anomalies.push(a),
  };
  return { sink, seen };
}

function record(type: number, body: number[], version = 0x0303): number[] {
  return [type, ...u16(version), ...u16(body.length), ...body];
}

/** A stream with wanted and skipped records of several sizes. */
const STREAM = Uint8Array.from([
  ...record(22, [1, 0, 0, 3, 0xaa, 0xbb, 0xcc], 0x0301),
  ...record(22, Array.from({ length: 300 }, (_, i) => i & 0xff)),
  ...record(20, [1]),
  ...record(23, Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff)),
  ...record(23, []),
  ...record(21, [1, 0]),
  ...record(23, Array.from({ length: 40 }, () => 0x55)),
]);

/** Feeds `bytes` cut at `cuts`, optionally honouring the skip counts as the flow layer does. */
function feed(stream: RecordStream, bytes: Uint8Array, cuts: number[], honourSkip: boolean): void {
  const points = [...new Set([0, ...cuts.filter((c) => c > 0 && c < bytes.length), bytes.length])].sort((a, b) => a - b);
  let skipUntil = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    let start = points[i] as number;
    const end = points[i + 1] as number;
    if (honourSkip) start = Math.max(start, skipUntil);
    if (start >= end) continue;
    const skip = stream.push({ bytes: bytes.subarray(start, end), offset: start, frame: i + 1, time: T });
    if (honourSkip && skip > 0) skipUntil = end + skip;
  }
}

function comparable(seen: Seen) {
  return seen.records.map(({ frame: _f, endFrame: _e, ...rest }) => rest);
}

describe('RecordStream', () => {
  it('splits one chunk into records, hands wanted bodies over and skips the rest', () => {
    const { sink, seen } = collector();
    const rs = new RecordStream(sink);
    expect(rs.push({ bytes: STREAM, offset: 0, frame: 1, time: T })).toBe(0);
    expect(seen.records.map((r) => [r.type, r.length, r.body === null])).toEqual([
      [22, 7, false],
      [22, 300, false],
      [20, 1, false],
      [23, 1000, true],
      [23, 0, true],
      [21, 2, false],
      [23, 40, true],
    ]);
    expect(seen.records[0]?.body).toBe('010000' + '03aabbcc');
    expect(seen.records[0]?.version).toBe(0x0301);
    expect(seen.records[3]?.offset).toBe(5 + 7 + 5 + 300 + 5 + 1);
    expect(rs.stats.records).toBe(7);
    expect(seen.anomalies).toEqual([]);
  });

  it('hands over owned copies of bodies', () => {
    const { sink, seen } = collector();
    const bodies: Uint8Array[] = [];
    const rs = new RecordStream({ ...sink, record: (h, b, f, t) => (b !== null && bodies.push(b), sink.record(h, b, f, t)) });
    const copy = STREAM.slice();
    rs.push({ bytes: copy, offset: 0, frame: 1, time: T });
    copy.fill(0);
    expect(Buffer.from(bodies[0] as Uint8Array).toString('hex')).toBe('01000003aabbcc');
    expect(seen.records.length).toBe(7);
  });

  it('gives the same records for every two-chunk cut, honouring skips or not', () => {
    const ref = collector();
    new RecordStream(ref.sink).push({ bytes: STREAM, offset: 0, frame: 1, time: T });
    const want = comparable(ref.seen);
    for (let cut = 1; cut < STREAM.length; cut++) {
      for (const honour of [true, false]) {
        const c = collector();
        const rs = new RecordStream(c.sink);
        feed(rs, STREAM, [cut], honour);
        expect(comparable(c.seen), `cut ${cut} honour ${honour}`).toEqual(want);
        expect(rs.stats.desynced).toBe(false);
      }
    }
  });

  it('gives the same records for random cut points', () => {
    const ref = collector();
    new RecordStream(ref.sink).push({ bytes: STREAM, offset: 0, frame: 1, time: T });
    const want = comparable(ref.seen);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: STREAM.length - 1 }), { maxLength: 40 }), fc.boolean(), (cuts, honour) => {
        const c = collector();
        feed(new RecordStream(c.sink), STREAM, cuts, honour);
        expect(comparable(c.seen)).toEqual(want);
      }),
    );
  });

  it('reports skipped bytes: the flow layer need not deliver them', () => {
    const { sink, seen } = collector();
    const rs = new RecordStream(sink);
    const appStart = 5 + 7 + 5 + 300 + 5 + 1;
    // Deliver up to 10 bytes into the 1000-byte application data body.
    const skip = rs.push({ bytes: STREAM.subarray(0, appStart + 5 + 10), offset: 0, frame: 1, time: T });
    expect(skip).toBe(990);
    expect(rs.stats.bytesSkipped).toBe(990);
    expect(seen.records.at(-1)).toMatchObject({ type: 23, length: 1000, body: null });
    const rest = appStart + 5 + 1000;
    rs.push({ bytes: STREAM.subarray(rest), offset: rest, frame: 2, time: T });
    expect(seen.records.length).toBe(7);
    expect(rs.stats.desynced).toBe(false);
  });

  it('detects an SSLv2-format ClientHello at the start and continues with TLS records', () => {
    const v2body = [1, 3, 1, 0, 3, 0, 0, 0, 16, 0x01, 0x00, 0x80, ...Array.from({ length: 16 }, (_, i) => i)];
    const bytes = Uint8Array.from([0x80 | (v2body.length >> 8), v2body.length & 0xff, ...v2body, ...record(22, [16, 0, 0, 0])]);
    expect(looksLikeTlsStart(bytes)).toBe('sslv2');
    for (let cut = 1; cut < bytes.length; cut++) {
      const { sink, seen } = collector();
      feed(new RecordStream(sink), bytes, [cut], true);
      expect(seen.sslv2).toEqual([Buffer.from(v2body).toString('hex')]);
      expect(seen.records.map((r) => r.type)).toEqual([22]);
    }
  });

  it('says "not TLS" for plaintext at the start', () => {
    const { sink, seen } = collector();
    const rs = new RecordStream(sink);
    rs.push({ bytes: Uint8Array.from(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')), offset: 0, frame: 1, time: T });
    expect(seen.notTls).toEqual([{ first: Buffer.from('GET / HTTP/1.').toString('hex') + '310d0a', offset: 0, atStart: true }]);
    expect(seen.records).toEqual([]);
    expect(rs.push({ bytes: STREAM, offset: 100, frame: 2, time: T })).toBe(0);
    expect(seen.records).toEqual([]);
  });

  it('reports lost sync on a bad header after the first record, and a too-long record', () => {
    for (const [tail, code] of [
      [[0x47, 0x45, 0x54, 0x20, 0x2f], 'tls.record.bad_header'],
      [[23, 3, 3, 0xff, 0xff], 'tls.record.too_long'],
    ] as const) {
      const { sink, seen } = collector();
      const rs = new RecordStream(sink);
      rs.push({ bytes: Uint8Array.from([...record(22, [1, 0, 0, 0]), ...tail]), offset: 0, frame: 1, time: T });
      expect(seen.records.length).toBe(1);
      expect(seen.notTls).toMatchObject([{ offset: 9, atStart: false }]);
      expect(seen.anomalies.map((a) => a.code)).toEqual([code]);
      expect(rs.stats.desynced).toBe(true);
    }
  });

  it('startAt skips plaintext and restarts a stopped stream', () => {
    const plain = Uint8Array.from(Buffer.from('STARTTLS\r\n'));
    const bytes = Uint8Array.from([...plain, ...STREAM]);
    const { sink, seen } = collector();
    const rs = new RecordStream(sink);
    rs.startAt(plain.length);
    rs.push({ bytes, offset: 0, frame: 1, time: T });
    expect(seen.records.length).toBe(7);
    expect(seen.records[0]?.offset).toBe(plain.length);
  });

  it('startAt forgets the part of a header read before it', () => {
    const { sink, seen } = collector();
    const rs = new RecordStream(sink);
    // Two bytes of a header, then STARTTLS-style restart at the real first record.
    rs.push({ bytes: Uint8Array.of(0x17, 0x03), offset: 0, frame: 1, time: T });
    rs.startAt(2);
    rs.push({ bytes: STREAM.subarray(0, 3), offset: 2, frame: 2, time: T });
    rs.push({ bytes: STREAM.subarray(3), offset: 5, frame: 3, time: T });
    expect(seen.records.map((r) => [r.type, r.version, r.length])).toEqual([
      [22, 0x0301, 7],
      [22, 0x0303, 300],
      [20, 0x0303, 1],
      [23, 0x0303, 1000],
      [23, 0x0303, 0],
      [21, 0x0303, 2],
      [23, 0x0303, 40],
    ]);
  });

  describe('gaps', () => {
    const gap = (offset: number, length: number): StreamGap => ({ offset, length, reason: 'not-captured', frame: 9, time: T });

    it('a gap inside a skipped body loses nothing', () => {
      const { sink, seen } = collector();
      const rs = new RecordStream(sink);
      const appStart = 5 + 7 + 5 + 300 + 5 + 1;
      rs.push({ bytes: STREAM.subarray(0, appStart + 5 + 10), offset: 0, frame: 1, time: T });
      rs.gap(gap(appStart + 15, 100));
      rs.push({ bytes: STREAM.subarray(appStart + 115), offset: appStart + 115, frame: 2, time: T });
      expect(seen.records.length).toBe(7);
      expect(rs.stats.desynced).toBe(false);
    });

    it('a gap inside a wanted body drops that record and resumes at its known end', () => {
      const { sink, seen } = collector();
      const rs = new RecordStream(sink);
      // The 300-byte handshake record starts at 12; its body at 17..317.
      rs.push({ bytes: STREAM.subarray(0, 50), offset: 0, frame: 1, time: T });
      rs.gap(gap(50, 100));
      rs.push({ bytes: STREAM.subarray(150), offset: 150, frame: 2, time: T });
      expect(seen.records.map((r) => r.type)).toEqual([22, 20, 23, 23, 21, 23]);
      expect(seen.anomalies.map((a) => a.code)).toEqual(['tls.record.lost']);
      expect(rs.stats.desynced).toBe(false);
    });

    it('a gap that ends exactly at the record end resumes too', () => {
      const { sink, seen } = collector();
      const rs = new RecordStream(sink);
      rs.push({ bytes: STREAM.subarray(0, 50), offset: 0, frame: 1, time: T });
      rs.gap(gap(50, 317 - 50));
      rs.push({ bytes: STREAM.subarray(317), offset: 317, frame: 2, time: T });
      expect(seen.records.map((r) => r.type)).toEqual([22, 20, 23, 23, 21, 23]);
    });

    it('a gap at a record boundary or past a record end desynchronises for good', () => {
      for (const [deliver, g] of [
        [12, gap(12, 10)],
        [50, gap(50, 400)],
        [14, gap(14, 2)],
      ] as const) {
        const { sink, seen } = collector();
        const rs = new RecordStream(sink);
        rs.push({ bytes: STREAM.subarray(0, deliver), offset: 0, frame: 1, time: T });
        rs.gap(g);
        const resume = g.offset + g.length;
        rs.push({ bytes: STREAM.subarray(resume), offset: resume, frame: 2, time: T });
        expect(rs.stats.desynced).toBe(true);
        expect(seen.anomalies.map((a) => a.code)).toEqual(['tls.record.desync']);
        expect(seen.records.length).toBe(1);
      }
    });

    it('a jump in offsets without a gap event is treated as a gap', () => {
      const { sink, seen } = collector();
      const rs = new RecordStream(sink);
      rs.push({ bytes: STREAM.subarray(0, 12), offset: 0, frame: 1, time: T });
      rs.push({ bytes: STREAM.subarray(20), offset: 20, frame: 2, time: T });
      expect(rs.stats.desynced).toBe(true);
      expect(seen.anomalies.map((a) => a.code)).toEqual(['tls.record.desync']);
    });
  });

  it('never throws or loops on random bytes and random cuts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(600), { maxLength: 10 }), fc.boolean(), (bytes, cuts, honour) => {
        const { sink } = collector(() => true);
        feed(new RecordStream(sink), bytes, cuts, honour);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on mutated streams', () => {
    fc.assert(
      fc.property(fc.nat(STREAM.length - 1), fc.integer({ min: 0, max: 255 }), fc.array(fc.nat(STREAM.length), { maxLength: 5 }), (at, value, cuts) => {
        const bytes = STREAM.slice();
        bytes[at] = value;
        const { sink, seen } = collector();
        feed(new RecordStream(sink), bytes, cuts, true);
        for (const r of seen.records) expect(r.body === null || r.body.length === r.length * 2).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('looksLikeTlsStart', () => {
  it.each([
    ['', 'need-more'],
    ['16', 'need-more'],
    ['1603', 'need-more'],
    ['160301', 'need-more'],
    ['16030100', 'need-more'],
    ['1603010200', 'tls'],
    ['1503030002', 'tls'],
    ['1703030010', 'tls'],
    ['1403030001', 'tls'],
    ['1603010000', 'no'],
    ['16030148ff', 'no'],
    ['1604', 'no'],
    ['160305', 'no'],
    ['19', 'no'],
    ['474554202f', 'no'],
    ['16feff0000', 'no'],
    ['802e010301', 'sslv2'],
    ['802e010002', 'sslv2'],
    ['802e020301', 'no'],
    ['8005010301', 'no'],
    ['80', 'need-more'],
    ['802e02', 'no'],
  ])('%s → %s', (h, want) => {
    expect(looksLikeTlsStart(hex(h))).toBe(want);
  });
});
