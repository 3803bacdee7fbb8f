/**
 * Mutation campaigns over whole captures (the sample pcap and pcapng files) through
 * `analyzeCapture`: bit flips, truncations, inserted and deleted bytes, duplicated and
 * reordered records, lying length fields, zero-length records, bogus link types,
 * nanosecond/microsecond mix-ups. For every input: no throw other than the documented
 * `TlsAutopsyError` for "not a capture", work linear in the input (packets read, segments,
 * connections, TLS records, timeline entries; counted, not timed, so a loaded machine cannot
 * make it flaky; a hang fails on the test timeout), and a JSON report that is valid against
 * docs/report.schema.json. Mutated inputs also go through the split analysis
 * (`--jobs N` on one capture), which must write exactly what one thread writes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analyze.js';
import type { CaptureAnalysis } from '../../src/analyze.js';
import { runCli } from '../../src/cli/run.js';
import { renderJson } from '../../src/report/json.js';
import { buildReport, captureReport, failedCaptureReport } from '../../src/report/model.js';
import { TlsAutopsyError } from '../../src/util/errors.js';
import { F, ROOT, SAMPLES, bytesOf, ip, loadSchemaValidator } from './support.js';
import { streamNdjson } from '../../src/cli/ndjson-stream.js';
import { streamNdjsonSplit } from '../../src/cli/split/split-run.js';
import type { FilterOptions } from '../../src/cli/filters.js';
import { clientHelloRecord, concat } from './tls-bytes.js';

const SPLIT_SCRIPT = join(ROOT, 'dist/cli/split/split-worker.js');
const SPLIT_BUILT = existsSync(SPLIT_SCRIPT);
if (!SPLIT_BUILT) console.log('Skipping the split-analysis mutation check: the worker is not built (run npm run build).');

const files = readdirSync(SAMPLES).filter((f) => /\.pcap(ng)?$/.test(f)).sort();
const inputs = files.map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(SAMPLES, f))) }));
const validate = await loadSchemaValidator();
if (validate === null) console.log('Skipping the schema checks of the mutation campaign: the dev dependency ajv is not installed.');

/**
 * The work an analysis did is linear in its input, each bound following from the smallest unit
 * of a format: a packet costs at least a 12-byte pcapng block (a pcap record header is 16), a
 * TLS record a 5-byte header (an SSLv2-format hello 2, once per connection), a handshake
 * message a 4-byte header. A loop that re-reads or multiplies its input breaks one of them.
 */
function expectLinearWork(inputBytes: number, a: CaptureAnalysis): void {
  expect(a.bytesRead).toBeLessThanOrEqual(inputBytes);
  expect(a.packets).toBeLessThanOrEqual(Math.floor(inputBytes / 12) + 1);
  // One packet decodes to at most one segment or datagram (reassembled fragments: one for several).
  expect(a.decode.packets).toBe(a.packets);
  expect(a.decode.tcp + a.decode.udp).toBeLessThanOrEqual(a.packets);
  // Every connection starts with a segment and counts only the segments it was given.
  expect(a.connectionCount).toBeLessThanOrEqual(a.decode.tcp);
  let segments = 0;
  let records = 0;
  let timeline = 0;
  for (const c of a.connections) {
    segments += c.counters.client.packets + c.counters.server.packets;
    records += c.counters.client.tlsRecords + c.counters.server.tlsRecords;
    timeline += c.timeline.length;
  }
  expect(segments).toBeLessThanOrEqual(a.decode.tcp);
  expect(records).toBeLessThanOrEqual(Math.floor(inputBytes / 5) + a.connectionCount);
  // At most a TCP event (SYN, FIN, RST, gap) per segment, an entry per record or handshake
  // message, and the start of TLS or of another protocol per connection.
  expect(timeline).toBeLessThanOrEqual(2 * segments + Math.floor(inputBytes / 4) + 2 * a.connectionCount);
}

/** Analyzes bytes as the CLI would and checks the outcome. */
async function check(bytes: Uint8Array): Promise<void> {
  let report;
  try {
    const analysis = await analyzeCapture((async function* () {
      // Two chunks cut at an odd place, so carry-over paths run too.
      const cut = Math.floor(bytes.length / 3);
      yield bytes.slice(0, cut);
      yield bytes.slice(cut);
    })());
    expectLinearWork(bytes.length, analysis);
    report = buildReport([captureReport('mutated.pcap', analysis)]);
  } catch (err) {
    if (!(err instanceof TlsAutopsyError) || (err.code !== 'not-a-capture' && err.code !== 'unsupported-capture')) throw err;
    expect(err.message.length).toBeGreaterThan(10);
    report = buildReport([failedCaptureReport('mutated.pcap', err.message)]);
  }
  const errors = validate === null ? null : validate(JSON.parse(renderJson(report)));
  if (errors !== null && process.env['HOSTILE_DEBUG'] !== undefined) console.log(JSON.stringify(errors, null, 1), renderJson(report).slice(0, 4000));
  expect(errors).toBeNull();
}

/** [start, end) of every pcap record or pcapng block after the file header (as far as lengths can be trusted). */
function units(b: Uint8Array): [number, number][] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: [number, number][] = [];
  if (b.length < 24) return out;
  if (v.getUint32(0, false) === 0x0a0d0d0a) {
    const le = v.getUint32(8, true) === 0x1a2b3c4d;
    let at = 0;
    while (at + 12 <= b.length) {
      const len = v.getUint32(at + 4, le);
      if (len < 12 || at + len > b.length) break;
      if (at > 0) out.push([at, at + len]);
      at += len;
    }
    return out;
  }
  const magic = v.getUint32(0, true);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  let at = 24;
  while (at + 16 <= b.length) {
    const len = v.getUint32(at + 8, le);
    if (at + 16 + len > b.length) break;
    out.push([at, at + 16 + len]);
    at += 16 + len;
  }
  return out;
}

function isPcapng(b: Uint8Array): boolean {
  return b[0] === 0x0a && b[1] === 0x0d && b[2] === 0x0d && b[3] === 0x0a;
}

function splice(b: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length - remove + insert.length);
  out.set(b.subarray(0, at), 0);
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  return out;
}

/** One mutation: a function of the input and fast-check-drawn numbers. */
type Mutation = (b: Uint8Array, r: readonly number[]) => Uint8Array;

const MUTATIONS: Record<string, Mutation> = {
  'bit flips': (b, r) => {
    const out = b.slice();
    for (let i = 0; i < 1 + (r[0] ?? 0) % 8; i++) {
      const at = (r[i + 1] ?? 0) % out.length;
      out[at] = (out[at] as number) ^ (1 << ((r[i + 2] ?? 0) % 8));
    }
    return out;
  },
  truncation: (b, r) => b.slice(0, (r[0] ?? 0) % (b.length + 1)),
  'inserted bytes': (b, r) => splice(b, (r[0] ?? 0) % (b.length + 1), 0, Uint8Array.from(r.slice(1, 1 + ((r[1] ?? 0) % 9)), (x) => x & 0xff)),
  'deleted bytes': (b, r) => {
    const at = (r[0] ?? 0) % b.length;
    return splice(b, at, Math.min(b.length - at, 1 + ((r[1] ?? 0) % 64)), new Uint8Array(0));
  },
  'duplicated record': (b, r) => {
    const u = units(b);
    const pick = u[(r[0] ?? 0) % Math.max(1, u.length)];
    if (pick === undefined) return b;
    return splice(b, pick[1], 0, b.slice(pick[0], pick[1]));
  },
  'reordered records': (b, r) => {
    const u = units(b);
    if (u.length < 2) return b;
    const i = (r[0] ?? 0) % (u.length - 1);
    const a = u[i] as [number, number];
    const c = u[i + 1] as [number, number];
    return splice(b, a[0], c[1] - a[0], Uint8Array.from([...b.subarray(c[0], c[1]), ...b.subarray(a[0], a[1])]));
  },
  'lying length field': (b, r) => {
    const u = units(b);
    const pick = u[(r[0] ?? 0) % Math.max(1, u.length)];
    if (pick === undefined) return b;
    const out = b.slice();
    const v = new DataView(out.buffer);
    const huge = [0xffffffff, 0x7fffffff, 0x10000000, 0, 1, 11, 12, 13, (r[1] ?? 0) >>> 0][(r[2] ?? 0) % 9] as number;
    const le = isPcapng(b) ? v.getUint32(8, true) === 0x1a2b3c4d : v.getUint32(0, true) === 0xa1b2c3d4 || v.getUint32(0, true) === 0xa1b23c4d;
    // pcap: incl_len (or orig_len); pcapng: block total length (leading or trailing copy).
    const field = isPcapng(b) ? ((r[3] ?? 0) % 2 === 0 ? pick[0] + 4 : pick[1] - 4) : pick[0] + ((r[3] ?? 0) % 2 === 0 ? 8 : 12);
    v.setUint32(field, huge, le);
    return out;
  },
  'zero-length record inserted': (b, r) => {
    const u = units(b);
    const pick = u[(r[0] ?? 0) % Math.max(1, u.length)];
    if (pick === undefined || isPcapng(b)) return b;
    const rec = b.slice(pick[0], pick[0] + 16);
    const v = new DataView(rec.buffer);
    const le = new DataView(b.buffer, b.byteOffset).getUint32(0, true) === 0xa1b2c3d4 || new DataView(b.buffer, b.byteOffset).getUint32(0, true) === 0xa1b23c4d;
    v.setUint32(8, 0, le);
    return splice(b, pick[0], 0, rec);
  },
  'bogus link type': (b, r) => {
    const out = b.slice();
    const v = new DataView(out.buffer);
    const lt = [0xffff, 0xfffffff, 147, 2, 300, (r[1] ?? 0) >>> 0][(r[0] ?? 0) % 6] as number;
    if (isPcapng(b)) {
      const idb = units(b).find(([s]) => v.getUint32(s, true) === 1 || v.getUint32(s, false) === 1);
      if (idb !== undefined) v.setUint16(idb[0] + 8, lt & 0xffff, v.getUint32(idb[0], true) === 1);
    } else {
      v.setUint32(20, lt, v.getUint32(0, true) === 0xa1b2c3d4 || v.getUint32(0, true) === 0xa1b23c4d);
    }
    return out;
  },
  'ns/µs mix-up': (b, r) => {
    const out = b.slice();
    const v = new DataView(out.buffer);
    if (isPcapng(b)) return out;
    const magic = v.getUint32(0, true);
    const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
    // Swap the resolution the header claims, and put a sub-second field out of range.
    v.setUint32(0, magic === 0xa1b2c3d4 || magic === 0xd4c3b2a1 ? 0xa1b23c4d : 0xa1b2c3d4, le);
    const u = units(b);
    const pick = u[(r[0] ?? 0) % Math.max(1, u.length)];
    if (pick !== undefined) v.setUint32(pick[0] + 4, [999_999_999, 1_000_000, 0xffffffff][(r[1] ?? 0) % 3] as number, le);
    return out;
  },
};

// The mutators read headers; inputs already cut below a header are passed through unchanged.
for (const [name, m] of Object.entries(MUTATIONS)) MUTATIONS[name] = (b, r) => (b.length < 40 ? b : m(b, r));

const draws = fc.array(fc.nat(), { minLength: 12, maxLength: 12 });

describe('mutation campaigns over the sample captures', () => {
  it('has inputs of both formats', () => {
    expect(inputs.some((i) => isPcapng(i.bytes))).toBe(true);
    expect(inputs.some((i) => !isPcapng(i.bytes))).toBe(true);
  });

  for (const [name, mutate] of Object.entries(MUTATIONS)) {
    it(`${name}: no throw, linear work, a valid report`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: inputs.length - 1 }), draws, async (which, r) => {
          const input = inputs[which];
          if (input === undefined) return;
          await check(mutate(input.bytes, r));
        }),
        { numRuns: 60, seed: 0x7a5 },
      );
    }, 120_000);
  }

  it('stacked mutations (three at once)', async () => {
    const all = Object.values(MUTATIONS);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: inputs.length - 1 }), fc.array(fc.tuple(fc.nat({ max: all.length - 1 }), draws), { minLength: 3, maxLength: 3 }), async (which, steps) => {
        let b: Uint8Array = inputs[which]?.bytes ?? new Uint8Array(0);
        for (const [m, r] of steps) if (b.length > 0) b = (all[m] as Mutation)(b, r);
        await check(b);
      }),
      { numRuns: 80, seed: 0x5eed },
    );
  }, 120_000);

  it.skipIf(!SPLIT_BUILT)('split across worker threads, stacked mutations give exactly what one thread gives', async () => {
    const all = Object.values(MUTATIONS);
    const filters: FilterOptions = { only: 'all', hosts: [], ports: [], snis: [], failOn: ['error'], expiryDays: 30 };
    const utf8 = new TextDecoder();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: inputs.length - 1 }), fc.array(fc.tuple(fc.nat({ max: all.length - 1 }), draws), { minLength: 1, maxLength: 3 }), async (which, steps) => {
        let b: Uint8Array = inputs[which]?.bytes ?? new Uint8Array(0);
        for (const [m, r] of steps) if (b.length > 0) b = (all[m] as Mutation)(b, r);
        const source = (): AsyncIterable<Uint8Array> => (async function* () { yield b; })();
        let one = '';
        let split = '';
        const oneResult = await streamNdjson(source(), 'm.pcap', filters, (t) => void (one += t), { chunkBytes: 512 }).catch((e: unknown) => String(e));
        const splitResult = await streamNdjsonSplit(pathToFileURL(SPLIT_SCRIPT), source(), 'm.pcap', filters, (t) => void (split += utf8.decode(t)), { threads: 2, chunkBytes: 512 }).catch((e: unknown) => String(e));
        expect(split).toBe(one);
        expect(splitResult).toEqual(oneResult);
      }),
      { numRuns: 15, seed: 0x5b117 },
    );
  }, 120_000);

  it('the work bounds hold on every sample and fail when the same counts come from a tenth of the input', async () => {
    for (const input of inputs) {
      const analysis = await analyzeCapture((async function* () { yield input.bytes; })());
      expectLinearWork(input.bytes.length, analysis);
      expect(() => expectLinearWork(Math.floor(input.bytes.length / 10), analysis), input.name).toThrow();
    }
  });

  it('random bytes after a valid pcap header and random bytes alone', async () => {
    const header = inputs.find((i) => !isPcapng(i.bytes))?.bytes.subarray(0, 24) ?? new Uint8Array(24);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), async (tail, withHeader) => {
        await check(withHeader ? Uint8Array.from([...header, ...tail]) : tail);
      }),
      { numRuns: 100, seed: 42 },
    );
  }, 120_000);

  it('0-length TCP payloads, including PSH and FIN ones, between real data', async () => {
    const bytes = bytesOf((s) => {
      const c = ip(10, 0, 0, 1);
      const sv = ip(10, 0, 0, 2);
      s.add({ src: c, dst: sv, sport: 1111, dport: 443, seq: 0, flags: F.SYN });
      for (let i = 0; i < 500; i++) s.add({ src: c, dst: sv, sport: 1111, dport: 443, seq: 1, ack: 1, flags: F.PSH | F.ACK, payload: new Uint8Array(0) });
      const data = concat(clientHelloRecord('zero.example'), Uint8Array.from([22, 3, 3, 0, 0]));
      s.add({ src: c, dst: sv, sport: 1111, dport: 443, seq: 1, flags: F.PSH | F.ACK, payload: data });
      s.add({ src: c, dst: sv, sport: 1111, dport: 443, seq: 1 + data.length, flags: F.FIN | F.ACK, payload: new Uint8Array(0) });
    });
    await check(bytes);
    const analysis = await analyzeCapture((async function* () { yield bytes; })());
    expect(analysis.connections).toHaveLength(1);
    expect(analysis.connections[0]?.counters.client.packets).toBe(503);
    expect(analysis.connections[0]?.handshakes[0]?.clientHello?.sni).toBe('zero.example');
    expect(analysis.connections[0]?.anomalies.map((a) => a.code)).toContain('tls.record.empty');
  });

  it('data from before the first byte seen of a stream: the anomaly says where, with a negative offset the schema allows', async () => {
    // Found by a longer bit-flip campaign: a flipped sequence number put a segment 2^31 bytes back.
    const bytes = bytesOf((s) => {
      const c = ip(10, 0, 0, 1);
      const sv = ip(10, 0, 0, 2);
      s.add({ src: c, dst: sv, sport: 1112, dport: 443, seq: 1000, flags: F.SYN });
      s.add({ src: sv, dst: c, sport: 443, dport: 1112, seq: 5000, ack: 1001, flags: F.SYN | F.ACK });
      s.add({ src: c, dst: sv, sport: 1112, dport: 443, seq: 1001, ack: 5001, flags: F.PSH | F.ACK, payload: clientHelloRecord('before.example') });
      s.add({ src: sv, dst: c, sport: 443, dport: 1112, seq: 5001 - 0x80000000, ack: 1001, flags: F.PSH | F.ACK, payload: new Uint8Array(10) });
    });
    await check(bytes);
    const analysis = await analyzeCapture((async function* () { yield bytes; })());
    const before = analysis.connections[0]?.anomalies.find((a) => a.code === 'tcp.data_before_stream_start');
    expect(before?.frame).toBe(4);
    expect(before?.offset).toBe(-0x80000000);
  });

  it('the command exits 0 or 2 with a one-line message and a schema-valid JSON report for mutated input on stdin', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: inputs.length - 1 }), fc.nat({ max: Object.keys(MUTATIONS).length - 1 }), draws, async (which, m, r) => {
        const bytes = (Object.values(MUTATIONS)[m] as Mutation)(inputs[which]?.bytes ?? new Uint8Array(0), r);
        let out = '';
        let err = '';
        const code = await runCli(['--format', 'json', '-'], { stdin: Readable.from([Buffer.from(bytes)]), stdout: (s) => void (out += s), stderr: (s) => void (err += s), stdoutIsTty: false, env: {} });
        expect([0, 2]).toContain(code);
        if (code === 2) expect(err.trim().split('\n')).toHaveLength(1);
        else expect(err).toBe('');
        const report = JSON.parse(out) as unknown;
        if (validate !== null) expect(validate(report)).toBeNull();
      }),
      { numRuns: 40, seed: 99 },
    );
  }, 120_000);
});
