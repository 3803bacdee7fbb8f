import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HandshakeFramer } from '../../src/tls/handshake-framer.js';
import type { RecordHeader } from '../../src/tls/record-stream.js';
import { u24 } from './hello-encoder.js';

const T = { sec: 0, nsec: 0 };
const header = (offset: number, frame: number): RecordHeader => ({ contentType: 22, version: 0x0303, length: 0, offset, frame, time: T });

function msg(type: number, body: number[]): number[] {
  return [type, ...u24(body.length), ...body];
}

const MESSAGES = [msg(2, [1, 2, 3, 4, 5]), msg(11, Array.from({ length: 700 }, (_, i) => i & 0xff)), msg(14, []), msg(13, [9, 9])];
const BYTES = Uint8Array.from(MESSAGES.flat());

/** Splits the handshake bytes into records at `cuts` and frames them. */
function frameAt(cuts: number[], framer = new HandshakeFramer()) {
  const points = [...new Set([0, ...cuts.filter((c) => c > 0 && c < BYTES.length), BYTES.length])].sort((a, b) => a - b);
  const out: { type: number; body: string; first: number; last: number; recordOffset: number }[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const { frames } = framer.push(BYTES.subarray(points[i], points[i + 1]), header(1000 + i * 10, i + 1), i + 1);
    for (const f of frames) out.push({ type: f.msgType, body: Buffer.from(f.body).toString('hex'), first: f.firstFrame, last: f.lastFrame, recordOffset: f.recordOffset });
  }
  return { out, framer };
}

describe('HandshakeFramer', () => {
  it('frames several messages in one record', () => {
    const { out, framer } = frameAt([]);
    expect(out.map((m) => [m.type, m.body.length / 2])).toEqual([
      [2, 5],
      [11, 700],
      [14, 0],
      [13, 2],
    ]);
    expect(framer.pending).toBe(0);
  });

  it('frames messages spanning records, with first and last frames', () => {
    const { out } = frameAt([2, 9, 300, 713]);
    expect(out.map((m) => m.type)).toEqual([2, 11, 14, 13]);
    expect(out[0]).toMatchObject({ first: 1, last: 2, recordOffset: 1000 });
    expect(out[1]).toMatchObject({ first: 3, last: 4 });
  });

  it('is independent of record boundaries', () => {
    const want = frameAt([]).out.map(({ type, body }) => ({ type, body }));
    fc.assert(
      fc.property(fc.array(fc.nat(BYTES.length), { maxLength: 30 }), (cuts) => {
        expect(frameAt(cuts).out.map(({ type, body }) => ({ type, body }))).toEqual(want);
      }),
    );
  });

  it('reports pending bytes and forgets them on reset', () => {
    const framer = new HandshakeFramer();
    framer.push(BYTES.subarray(0, 7), header(0, 1), 1);
    expect(framer.pending).toBe(7);
    framer.push(BYTES.subarray(7, 9), header(10, 2), 2);
    expect(framer.pending).toBe(0);
    framer.push(BYTES.subarray(9, 11), header(20, 3), 3);
    expect(framer.pending).toBe(2);
    framer.reset();
    expect(framer.pending).toBe(0);
    const { frames } = framer.push(Uint8Array.from(msg(20, [1, 2])), header(50, 2), 2);
    expect(frames.map((f) => f.msgType)).toEqual([20]);
  });

  it('skips an over-long message by its length without buffering it', () => {
    const framer = new HandshakeFramer({ maxHandshakeMessageBytes: 100 });
    const big = msg(11, Array.from({ length: 150 }, () => 7));
    const after = msg(14, []);
    const a = framer.push(Uint8Array.from(big.slice(0, 60)), header(0, 1), 1);
    expect(a.anomalies.map((x) => x.code)).toEqual(['tls.handshake.too_long']);
    const b = framer.push(Uint8Array.from([...big.slice(60), ...after]), header(70, 2), 2);
    expect(b.frames.map((f) => f.msgType)).toEqual([14]);
  });

  it('hands over a message inside one record as a view of it, and copies one that spans records', () => {
    const record = Uint8Array.from(MESSAGES.flat());
    const whole = new HandshakeFramer().push(record, header(0, 1), 1);
    expect(whole.frames.map((f) => f.body.buffer === record.buffer)).toEqual([true, true, true, true]);
    const framer = new HandshakeFramer();
    const first = framer.push(record.subarray(0, 20), header(0, 1), 1);
    expect(first.frames.map((f) => f.msgType)).toEqual([2]);
    const second = framer.push(record.subarray(20), header(20, 2), 2);
    expect(second.frames[0]?.body.buffer).not.toBe(record.buffer);
    expect(Buffer.from(second.frames[0]?.body ?? []).toString('hex')).toBe(Buffer.from(Uint8Array.from(MESSAGES[1] ?? []).subarray(4)).toString('hex'));
  });

  it('yields empty lists for a record that completes nothing', () => {
    const framer = new HandshakeFramer();
    const partial = framer.push(BYTES.subarray(0, 3), header(0, 1), 1);
    expect(partial).toEqual({ frames: [], anomalies: [], skipped: [] });
  });

  it('never throws on random records', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }), (records) => {
        const framer = new HandshakeFramer({ maxHandshakeMessageBytes: 1000 });
        for (const r of records) {
          const { frames } = framer.push(r, header(0, 1), 1);
          for (const f of frames) expect(f.body.length).toBe(f.length);
        }
      }),
    );
  });
});
