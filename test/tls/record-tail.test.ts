/**
 * The tail of a skipped record (RecordSink.wantTail): a TLS 1.0 CBC decryptor needs the last
 * ciphertext block of each record it skips, and the record stream reads only those bytes,
 * whatever the chunk cuts and while the flow layer skips the rest unseen.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_TAIL, RecordStream } from '../../src/tls/record-stream.js';
import type { RecordHeader, RecordSink } from '../../src/tls/record-stream.js';
import type { Anomaly } from '../../src/util/anomaly.js';
import { u16 } from './hello-encoder.js';

const T = { sec: 0, nsec: 0 };

interface Delivered {
  readonly type: number;
  readonly length: number;
  readonly body: string | null;
  readonly tail: string | null;
}

function sink(tailOf: (h: RecordHeader) => number): { sink: RecordSink; seen: Delivered[]; anomalies: Anomaly[] } {
  const seen: Delivered[] = [];
  const anomalies: Anomaly[] = [];
  return {
    seen,
    anomalies,
    sink: {
      wantBody: (h) => h.contentType !== 23,
      wantTail: tailOf,
      // The tail is a view valid during the call: copied here as hex.
      record: (h, body, _endFrame, _endTime, tail) =>
        seen.push({ type: h.contentType, length: h.length, body: body === null ? null : Buffer.from(body).toString('hex'), tail: tail === undefined ? null : Buffer.from(tail).toString('hex') }),
      sslv2ClientHello: () => undefined,
      notTls: () => undefined,
      anomaly: (a) => anomalies.push(a),
    },
  };
}

function record(type: number, body: number[]): number[] {
  return [type, ...u16(0x0301), ...u16(body.length), ...body];
}

const BODIES: readonly (readonly [number, number[]])[] = [
  [22, [1, 0, 0, 3, 0xaa, 0xbb, 0xcc]],
  [23, Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff)],
  [23, []],
  [23, Array.from({ length: 10 }, (_, i) => i + 1)],
  [21, Array.from({ length: 32 }, (_, i) => 0x80 + i)],
  [23, Array.from({ length: 4000 }, (_, i) => (i * 13 + 5) & 0xff)],
];
const STREAM = Uint8Array.from(BODIES.flatMap(([t, b]) => record(t, b)));
const TAIL = 36;

/** What each record should be delivered as: wanted bodies whole, skipped ones with their last TAIL bytes. */
function expected(): Delivered[] {
  return BODIES.map(([type, b]) => {
    const hex = (x: number[]) => Buffer.from(x).toString('hex');
    return type === 23 ? { type, length: b.length, body: null, tail: b.length === 0 ? null : hex(b.slice(-TAIL)) } : { type, length: b.length, body: hex(b), tail: null };
  });
}

/** Feeds STREAM cut at `cuts`, skipping what the stream says may go unseen (as the flow layer does); returns the bytes it was shown. */
function feed(rs: RecordStream, cuts: readonly number[]): number {
  const points = [...new Set([0, ...cuts.filter((c) => c > 0 && c < STREAM.length), STREAM.length])].sort((a, b) => a - b);
  let skipUntil = 0;
  let shown = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const end = points[i + 1] as number;
    const start = Math.max(points[i] as number, skipUntil);
    if (start >= end) continue;
    shown += end - start;
    const skip = rs.push({ bytes: STREAM.subarray(start, end), offset: start, frame: i + 1, time: T });
    if (skip > 0) skipUntil = end + skip;
  }
  return shown;
}

describe('RecordStream: the tail of a skipped record', () => {
  it('hands over the last bytes asked for, and a record shorter than that whole', () => {
    const s = sink((h) => (h.contentType === 23 ? TAIL : 0));
    const cuts = Array.from({ length: STREAM.length / 100 }, (_, i) => 100 * (i + 1));
    const shown = feed(new RecordStream(s.sink), cuts);
    expect(s.seen).toEqual(expected());
    // The middle of the 4000-byte record is passed over unseen: only its first chunk and its tail are shown.
    expect(shown).toBeLessThan(STREAM.length - 3800);
    expect(s.anomalies).toEqual([]);
  });

  it('property: any cuts give the same records and tails, and the skipped middles go unseen', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: STREAM.length - 1 }), { maxLength: 40 }), (cuts) => {
        const s = sink((h) => (h.contentType === 23 ? TAIL : 0));
        feed(new RecordStream(s.sink), cuts);
        expect(s.seen).toEqual(expected());
      }),
      { numRuns: 300 },
    );
  });

  it('asks above MAX_RECORD_TAIL are capped, and a sink without wantTail gets no tail', () => {
    const capped = sink(() => 1000);
    feed(new RecordStream(capped.sink), []);
    const big = capped.seen[5];
    expect(big?.tail?.length).toBe(2 * MAX_RECORD_TAIL);
    const plain = sink(() => 0);
    feed(new RecordStream(plain.sink), [5, 50]);
    expect(plain.seen.every((r) => r.tail === null)).toBe(true);
  });

  it('a capture gap inside the tail: the record comes without it and the stream stays in sync', () => {
    const s = sink((h) => (h.contentType === 23 ? TAIL : 0));
    const rs = new RecordStream(s.sink);
    // The 1000-byte record's body is at 12 + 5 .. 12 + 5 + 1000; its last 36 bytes start at 981.
    const recordEnd = 12 + 5 + 1000;
    rs.push({ bytes: STREAM.subarray(0, 990), offset: 0, frame: 1, time: T });
    rs.gap({ offset: 990, length: recordEnd - 990, reason: 'not-captured', frame: 2, time: T });
    rs.push({ bytes: STREAM.subarray(recordEnd), offset: recordEnd, frame: 3, time: T });
    const want = expected();
    expect(s.seen).toEqual([want[0], { ...want[1], tail: null }, ...want.slice(2)]);
  });

  it('a capture gap before the tail loses nothing the sink asked for', () => {
    const s = sink((h) => (h.contentType === 23 ? TAIL : 0));
    const rs = new RecordStream(s.sink);
    rs.push({ bytes: STREAM.subarray(0, 100), offset: 0, frame: 1, time: T });
    rs.gap({ offset: 100, length: 500, reason: 'not-captured', frame: 2, time: T });
    rs.push({ bytes: STREAM.subarray(600), offset: 600, frame: 3, time: T });
    expect(s.seen).toEqual(expected());
  });
});
