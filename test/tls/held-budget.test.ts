/**
 * `maxTotalTlsHeldBytes`: the capture-wide budget of bytes the TLS layer holds between packets.
 * Each holder (record stream, handshake framer, STARTTLS plaintext window) degrades past it
 * with an anomaly and never holds more; every path that drops a buffer gives its capacity back,
 * so a capture always ends with the budget at 0; below the limit nothing changes.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordStream } from '../../src/tls/record-stream.js';
import { TlsHeldBudget } from '../../src/tls/held-budget.js';
import type { RecordHeader, RecordSink } from '../../src/tls/record-stream.js';
import { HandshakeFramer } from '../../src/tls/handshake-framer.js';
import { TlsConnectionTracker } from '../../src/tls/session/tracker.js';
import type { TlsEvent } from '../../src/tls/session/events.js';
import type { ConnectionSummary, Direction } from '../../src/flow/types.js';
import { ConnectionPipeline } from '../../src/pipeline.js';
import type { PipelineOptions } from '../../src/pipeline.js';
import { PacketDecoder } from '../../src/decode/index.js';
import { readCapture } from '../../src/capture/index.js';
import { KeyLog } from '../../src/decrypt/keylog.js';
import type { Anomaly } from '../../src/util/anomaly.js';
import type { Connection } from '../../src/analysis/connection.js';
import { CAPTURES_DIR, CAPTURES_SKIP_REASON, HAVE_CAPTURES } from '../conformance/manifest.js';
import { SAMPLES } from '../hostile/support.js';
import { clientHelloRecord, concat, handshakeMessage, inRecords, serverHelloRecord } from '../hostile/tls-bytes.js';

const T = { sec: 0, nsec: 0 };

describe('TlsHeldBudget', () => {
  it('charges growth by capacity, doubling while there is room and growing to exactly the need near the limit', () => {
    const b = new TlsHeldBudget(3000);
    const a = b.grow(new Uint8Array(0), 0, 10, 1024, 1 << 20);
    expect(a?.length).toBe(1024);
    expect(b.bytes).toBe(1024);
    const c = b.grow(a ?? new Uint8Array(0), 10, 1500, 1024, 1 << 20);
    expect(c?.length).toBe(2048);
    expect(b.bytes).toBe(2048);
    // Doubling to 4096 would pass 3000: exactly the need then.
    const d = b.grow(c ?? new Uint8Array(0), 1500, 2900, 1024, 1 << 20);
    expect(d?.length).toBe(2900);
    expect(b.bytes).toBe(2900);
    expect(b.grow(d ?? new Uint8Array(0), 2900, 3001, 1024, 1 << 20)).toBeNull();
    expect(b.bytes).toBe(2900);
    b.release(2900);
    expect(b.bytes).toBe(0);
    expect(b.peak).toBe(2900);
  });

  it('keeps the first bytes through growth and never grows past the cap', () => {
    const b = new TlsHeldBudget(Infinity);
    const a = b.grow(new Uint8Array(0), 0, 3, 256, 300) ?? new Uint8Array(0);
    a.set([1, 2, 3]);
    const c = b.grow(a, 3, 290, 256, 300) ?? new Uint8Array(0);
    expect(c.length).toBe(300);
    expect([...c.subarray(0, 3)]).toEqual([1, 2, 3]);
  });
});

/** A record sink that keeps what it is told. */
function collector(): { sink: RecordSink; records: { type: number; length: number; body: number | null }[]; anomalies: Anomaly[]; dropped: RecordHeader[] } {
  const out = { records: [] as { type: number; length: number; body: number | null }[], anomalies: [] as Anomaly[], dropped: [] as RecordHeader[] };
  const sink: RecordSink = {
    wantBody: (h) => h.contentType !== 23,
    record: (h, body) => out.records.push({ type: h.contentType, length: h.length, body: body === null ? null : body.length }),
    sslv2ClientHello: () => undefined,
    notTls: () => undefined,
    anomaly: (a) => out.anomalies.push(a),
    dropped: (h) => out.dropped.push(h),
  };
  return { sink, ...out };
}

function rec(type: number, length: number): Uint8Array {
  const r = new Uint8Array(5 + length).fill(0x41);
  r.set([type, 3, 3, length >>> 8, length & 0xff]);
  return r;
}

/** Feeds `bytes` in `size`-byte chunks, honouring the skips the stream asks for, as the flow layer does. */
function feed(stream: RecordStream, bytes: Uint8Array, size: number): number {
  let skipped = 0;
  for (let at = 0; at < bytes.length; ) {
    const end = Math.min(bytes.length, at + size);
    const skip = stream.push({ bytes: bytes.subarray(at, end), offset: at, frame: at + 1, time: T });
    skipped += skip;
    at = end + skip;
  }
  return skipped;
}

describe('RecordStream over the budget', () => {
  it('skips a record it cannot hold by its length, says so, and stays in sync for the next', () => {
    const budget = new TlsHeldBudget(4000);
    const c = collector();
    const stream = new RecordStream(c.sink, { budget });
    const skipped = feed(stream, concat(rec(22, 10_000), rec(22, 300), rec(23, 50)), 1000);
    // 10,000 bytes would need more than 4,000 held: dropped once the body passes what fits.
    expect(c.anomalies.map((a) => a.code)).toEqual(['tls.held_budget']);
    expect(c.dropped.map((h) => h.length)).toEqual([10_000]);
    expect(c.records).toEqual([
      { type: 22, length: 300, body: 300 },
      { type: 23, length: 50, body: null },
    ]);
    expect(skipped).toBeGreaterThan(0);
    expect(budget.peak).toBeLessThanOrEqual(4000);
    expect(budget.bytes).toBe(0);
  });

  it('holds a record that fits, and gives its capacity back when it completes, on a gap, on desync and on release', () => {
    const budget = new TlsHeldBudget(1 << 20);
    const c = collector();
    const s = new RecordStream(c.sink, { budget });
    feed(s, rec(22, 5000), 700);
    expect(c.records).toEqual([{ type: 22, length: 5000, body: 5000 }]);
    expect(budget.bytes).toBe(0);
    expect(budget.peak).toBeGreaterThanOrEqual(5000);

    // A gap inside a record being collected: the record is lost, the stream stays in sync.
    const s2 = new RecordStream(collector().sink, { budget });
    s2.push({ bytes: rec(22, 5000).subarray(0, 2000), offset: 0, frame: 1, time: T });
    expect(budget.bytes).toBeGreaterThan(0);
    s2.gap({ offset: 2000, length: 100, reason: 'not-captured', frame: 2, time: T });
    expect(budget.bytes).toBe(0);

    // A gap past the record's end: desync.
    const s3 = new RecordStream(collector().sink, { budget });
    s3.push({ bytes: rec(22, 5000).subarray(0, 2000), offset: 0, frame: 1, time: T });
    s3.gap({ offset: 2000, length: 10_000, reason: 'not-captured', frame: 2, time: T });
    expect(budget.bytes).toBe(0);

    // The connection ends with a partial record.
    const s4 = new RecordStream(collector().sink, { budget });
    s4.push({ bytes: rec(22, 5000).subarray(0, 2000), offset: 0, frame: 1, time: T });
    expect(budget.bytes).toBeGreaterThan(0);
    s4.release();
    expect(budget.bytes).toBe(0);
  });

  it('grows an SSLv2 hello as it arrives instead of allocating its claimed length', () => {
    const budget = new TlsHeldBudget(1 << 20);
    const s = new RecordStream(collector().sink, { budget });
    // A header claiming 0x7fff bytes, and 20 of them.
    s.push({ bytes: Uint8Array.from([0xff, 0xff, 1, 3, 1, ...new Array<number>(15).fill(0)]), offset: 0, frame: 1, time: T });
    expect(budget.bytes).toBeLessThanOrEqual(1024);
    s.release();
    expect(budget.bytes).toBe(0);
  });
});

describe('HandshakeFramer over the budget', () => {
  const header = (offset: number): RecordHeader => ({ contentType: 22, version: 0x0303, length: 0, offset, frame: offset + 1, time: T });

  it('skips a message it cannot reassemble by its length, reported like an over-long one, and frames the next', () => {
    const budget = new TlsHeldBudget(2000);
    const framer = new HandshakeFramer({ budget });
    const bytes = concat(handshakeMessage(11, new Uint8Array(5000).fill(7)), handshakeMessage(14, new Uint8Array(0)));
    const frames: number[] = [];
    const skipped: { msgType: number; length: number; why: string }[] = [];
    const codes: string[] = [];
    for (let at = 0; at < bytes.length; at += 1000) {
      const r = framer.push(bytes.subarray(at, Math.min(bytes.length, at + 1000)), header(at), at + 1);
      frames.push(...r.frames.map((f) => f.msgType));
      skipped.push(...r.skipped.map(({ msgType, length, why }) => ({ msgType, length, why })));
      codes.push(...r.anomalies.map((a) => a.code));
    }
    expect(skipped).toEqual([{ msgType: 11, length: 5000, why: 'held-budget' }]);
    expect(codes).toEqual(['tls.held_budget']);
    expect(frames).toEqual([14]);
    expect(budget.peak).toBeLessThanOrEqual(2000);
    expect(budget.bytes).toBe(0);
  });

  it('gives back a partial message on completion and on reset', () => {
    const budget = new TlsHeldBudget(1 << 20);
    const framer = new HandshakeFramer({ budget });
    const m = handshakeMessage(11, new Uint8Array(3000));
    framer.push(m.subarray(0, 1000), header(0), 1);
    expect(budget.bytes).toBeGreaterThan(0);
    const done = framer.push(m.subarray(1000), header(1000), 2);
    expect(done.frames.map((f) => f.length)).toEqual([3000]);
    expect(budget.bytes).toBe(0);
    framer.push(m.subarray(0, 1000), header(0), 3);
    framer.reset();
    expect(budget.bytes).toBe(0);
  });
});

// --- whole connections through the tracker ------------------------------------------------

function summaryOf(id: number): ConnectionSummary {
  const info = { id, initiator: { ip: '10.0.0.1', port: 1000 + id }, responder: { ip: '10.0.0.2', port: 443 }, synSeen: true, firstFrame: 1, firstTime: T };
  return {
    info,
    lastFrame: 1,
    lastTime: T,
    packets: [0, 0],
    bytes: [0, 0],
    missingBytes: [0, 0],
    retransmissions: [0, 0],
    handshake: { syn: null, synAck: null, ack: null },
    end: { how: 'open', by: null, frame: null, time: null },
    events: [],
    anomalies: [],
  };
}

/** What one direction of a random connection sends. */
const arbDirection = fc.oneof(
  // TLS records: handshake messages of assorted sizes, records of other types.
  fc
    .array(
      fc.oneof(
        fc.integer({ min: 0, max: 40_000 }).map((n) => inRecords(22, handshakeMessage(11, new Uint8Array(n)))),
        fc.integer({ min: 1, max: 18_000 }).map((n) => rec(23, n)),
        fc.constant(clientHelloRecord('a.example')),
        fc.constant(serverHelloRecord()),
      ),
      { maxLength: 4 },
    )
    .map((rs) => concat(...rs)),
  // Plaintext, then perhaps a TLS record (STARTTLS).
  fc.tuple(fc.uint8Array({ maxLength: 20_000 }), fc.boolean()).map(([p, tls]) => (tls ? concat(p, clientHelloRecord('s.example')) : p)),
  // A record header claiming more than is sent.
  fc.integer({ min: 1, max: 18_000 }).map((n) => rec(22, n).subarray(0, 5 + (n >> 1))),
);

const arbConnection = fc.record({
  directions: fc.tuple(arbDirection, arbDirection),
  chunk: fc.integer({ min: 1, max: 20_000 }),
  /** A gap after this many chunks of direction 0 (none when past the end). */
  gapAfter: fc.integer({ min: 0, max: 20 }),
});

describe('TlsConnectionTracker: the budget is given back on every path', () => {
  it('never passes the limit, and is back to 0 once every connection has ended (random connections, random small budgets)', () => {
    fc.assert(
      fc.property(fc.array(arbConnection, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 80_000 }), (conns, max) => {
        const budget = new TlsHeldBudget(max);
        const trackers: TlsConnectionTracker[] = [];
        const events: TlsEvent[] = [];
        const skips: [number, number] [] = conns.map(() => [0, 0]);
        const ignored: boolean[] = conns.map(() => false);
        conns.forEach((_, id) => {
          const control = {
            skip: (d: Direction, n: number): void => {
              (skips[id] as [number, number])[d] += n;
            },
            ignoreData: (): void => {
              ignored[id] = true;
            },
          };
          trackers.push(new TlsConnectionTracker(summaryOf(id).info, control, { event: (e) => events.push(e) }, () => undefined, {}, budget));
        });
        // Interleave the connections chunk by chunk, so their holdings add up.
        const offsets = conns.map(() => [0, 0]);
        const chunks = conns.map(() => 0);
        for (let round = 0, more = true; more; round++) {
          more = false;
          conns.forEach((c, id) => {
            for (const d of [0, 1] as const) {
              const bytes = c.directions[d];
              const off = offsets[id] as number[];
              const skip = skips[id] as [number, number];
              let at = (off[d] as number) + skip[d];
              skip[d] = 0;
              if (at >= bytes.length || ignored[id] === true) continue;
              more = true;
              const tracker = trackers[id] as TlsConnectionTracker;
              if (d === 0 && chunks[id] === c.gapAfter) {
                const length = Math.min(100, bytes.length - at);
                tracker.onGap(0, { offset: at, length, reason: 'not-captured', frame: round + 1, time: T });
                at += length;
              } else {
                const end = Math.min(bytes.length, at + c.chunk);
                tracker.onData(d, { bytes: bytes.subarray(at, end), offset: at, frame: round + 1, time: T });
                at = end;
              }
              if (d === 0) chunks[id] = (chunks[id] as number) + 1;
              off[d] = at;
              expect(budget.bytes).toBeLessThanOrEqual(max);
            }
          });
        }
        trackers.forEach((t, id) => t.onEnd(summaryOf(id)));
        expect(budget.bytes).toBe(0);
        expect(budget.peak).toBeLessThanOrEqual(max);
        // A refused request is always said on the connection. (Holding exactly `max` bytes is not
        // a refusal: a seed once filled the budget to the byte without going over.)
        if (budget.refusals > 0) expect(events.some((e) => e.kind === 'anomaly')).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

// --- real captures through the pipeline -------------------------------------------------------

/** Every capture of the samples and the shared third-party set, with its key log when there is one. */
function captures(): { path: string; keys: string | null }[] {
  const dirs = [SAMPLES, ...(HAVE_CAPTURES ? readdirSync(CAPTURES_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(CAPTURES_DIR, d.name)) : [])];
  const out: { path: string; keys: string | null }[] = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir)) {
      if (!/\.(pcap|pcapng)$/.test(name)) continue;
      const keys = join(dir, name.replace(/\.(pcap|pcapng)$/, '.keys'));
      out.push({ path: join(dir, name), keys: existsSync(keys) ? keys : null });
    }
  }
  return out;
}

async function analyze(path: string, keys: string | null, options: PipelineOptions): Promise<{ connections: Connection[]; held: { bytes: number; peak: number } }> {
  const keyLog = new KeyLog();
  if (keys !== null) keyLog.addText(readFileSync(keys, 'utf8'), keys);
  const connections: Connection[] = [];
  const pipeline = new ConnectionPipeline({ ...options, keyLog }, { onConnection: (c) => connections.push(c), onAnomaly: () => undefined });
  const decoder = new PacketDecoder();
  await readCapture(
    path,
    (p) => {
      const out = decoder.decode(p);
      if (out.kind === 'tcp') pipeline.addSegment(out.segment);
    },
    { onDecryptionSecrets: (s) => pipeline.addDecryptionSecrets(s) },
  ).catch(() => undefined);
  pipeline.finish();
  return { connections, held: pipeline.tlsHeldBytes() };
}

describe('the pipeline on real captures', () => {
  const all = captures();

  it('gives the whole budget back at the end of every capture, and changes nothing below the limit', async () => {
    expect(all.length).toBeGreaterThan(10);
    for (const { path, keys } of all) {
      const byDefault = await analyze(path, keys, {});
      expect(byDefault.held.bytes, path).toBe(0);
      const unlimited = await analyze(path, keys, { maxTotalTlsHeldBytes: Infinity });
      expect(JSON.stringify(byDefault.connections), path).toBe(JSON.stringify(unlimited.connections));
    }
  }, 120_000);

  it('degrades without crashing under tiny budgets (decrypted handshakes too), never passes them, and ends at 0', async () => {
    for (const max of [0, 300, 5000]) {
      let degraded = 0;
      for (const { path, keys } of all) {
        const run = await analyze(path, keys, { maxTotalTlsHeldBytes: max });
        expect(run.held.bytes, path).toBe(0);
        expect(run.held.peak, path).toBeLessThanOrEqual(max);
        degraded += run.connections.filter((c) => c.anomalies.some((a) => a.code === 'tls.held_budget')).length;
      }
      // The captures do reach such budgets (certificate chains straddle records); the samples alone
      // hold no message or record large enough to straddle 5,000 bytes, the shared captures do.
      if (max < 5000 || HAVE_CAPTURES) expect(degraded, `budget ${max}`).toBeGreaterThan(0);
    }
    if (!HAVE_CAPTURES) console.log(`The 5,000-byte budget is not checked to be reached (only the samples were read): ${CAPTURES_SKIP_REASON}.`);
  }, 120_000);
});
