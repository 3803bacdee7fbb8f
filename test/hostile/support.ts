/**
 * Helpers of the hostile-input tests: a fast synthesizer of Ethernet/IPv4/TCP packet streams
 * as classic pcap bytes (an async generator, nothing written to disk), the pipeline with its
 * stages' counters exposed, and the report schema check.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import { FlowTable } from '../../src/flow/flow-table.js';
import type { FlowStats, FlowTableOptions } from '../../src/flow/types.js';
import { readCapture } from '../../src/capture/reader.js';
import type { CaptureResult } from '../../src/capture/types.js';
import { TlsConnectionTracker, tlsHeldBudget } from '../../src/tls/session/tracker.js';
import type { TlsTrackerOptions } from '../../src/tls/session/tracker.js';
import { ConnectionBuilder } from '../../src/analysis/connection-builder.js';
import type { Connection } from '../../src/analysis/connection.js';
import type { Anomaly } from '../../src/util/anomaly.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SAMPLES = join(ROOT, 'samples');

/** TCP flag bits. */
export const F = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

/** One TCP segment to synthesize. */
export interface Seg {
  readonly src: number;
  readonly dst: number;
  readonly sport: number;
  readonly dport: number;
  readonly seq: number;
  readonly ack?: number;
  readonly flags: number;
  readonly payload?: Uint8Array;
}

/** IPv4 address as a number: ip(10, 0, 0, 1). */
export function ip(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

const HEADERS = 14 + 20 + 20;

/**
 * Builds a classic pcap (µs, Ethernet) piece by piece into chunks of about `chunkBytes`,
 * for streams far larger than one should hold in memory. Checksums are left zero: the
 * decoder does not verify them (offloading makes captured checksums unreliable).
 */
export class PcapStream {
  private buf: Uint8Array;
  private view: DataView;
  private fill = 0;
  private usec = 0;
  private readonly full: Uint8Array[] = [];

  constructor(private readonly chunkBytes = 1 << 20) {
    this.buf = new Uint8Array(chunkBytes);
    this.view = new DataView(this.buf.buffer);
    const v = this.view;
    v.setUint32(0, 0xa1b2c3d4, true);
    v.setUint16(4, 2, true);
    v.setUint16(6, 4, true);
    v.setUint32(16, 262144, true);
    v.setUint32(20, 1, true);
    this.fill = 24;
  }

  /** Appends one segment; `stepUsec` of capture time after the previous packet. */
  add(s: Seg, stepUsec = 1): void {
    const payload = s.payload ?? EMPTY;
    const len = HEADERS + payload.length;
    if (this.fill + 16 + len > this.buf.length) this.rotate(16 + len);
    const v = this.view;
    const b = this.buf;
    let at = this.fill;
    this.usec += stepUsec;
    v.setUint32(at, 1_800_000_000 + Math.floor(this.usec / 1e6), true);
    v.setUint32(at + 4, this.usec % 1e6, true);
    v.setUint32(at + 8, len, true);
    v.setUint32(at + 12, len, true);
    at += 16;
    b.fill(0, at, at + 12); // MACs
    v.setUint16(at + 12, 0x0800);
    at += 14;
    b[at] = 0x45;
    b[at + 1] = 0;
    v.setUint16(at + 2, 20 + 20 + payload.length);
    v.setUint16(at + 4, 0); // identification
    v.setUint16(at + 6, 0x4000); // DF, offset 0
    b[at + 8] = 64;
    b[at + 9] = 6;
    v.setUint16(at + 10, 0);
    v.setUint32(at + 12, s.src);
    v.setUint32(at + 16, s.dst);
    at += 20;
    v.setUint16(at, s.sport);
    v.setUint16(at + 2, s.dport);
    v.setUint32(at + 4, s.seq >>> 0);
    v.setUint32(at + 8, (s.ack ?? 0) >>> 0);
    b[at + 12] = 5 << 4;
    b[at + 13] = s.flags;
    v.setUint16(at + 14, 65535);
    v.setUint32(at + 16, 0);
    at += 20;
    b.set(payload, at);
    this.fill = at + payload.length;
  }

  /** Appends raw record bytes (e.g. a packet cut short). */
  raw(bytes: Uint8Array): void {
    if (this.fill + bytes.length > this.buf.length) this.rotate(bytes.length);
    this.buf.set(bytes, this.fill);
    this.fill += bytes.length;
  }

  /** Chunks completed so far (taken: the stream forgets them). */
  take(): Uint8Array[] {
    const out = this.full.splice(0);
    return out;
  }

  /** The rest, ending the stream. */
  end(): Uint8Array[] {
    if (this.fill > 0) this.full.push(this.buf.subarray(0, this.fill));
    this.fill = 0;
    return this.take();
  }

  private rotate(need: number): void {
    if (this.fill > 0) this.full.push(this.buf.subarray(0, this.fill));
    this.buf = new Uint8Array(Math.max(this.chunkBytes, need));
    this.view = new DataView(this.buf.buffer);
    this.fill = 0;
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Turns a generator that fills a `PcapStream` into an async iterable of capture bytes; the
 * generator yields whenever it wants its chunks flushed, so memory stays at one or two chunks.
 */
export async function* streamOf(fill: (s: PcapStream) => Generator<void, void, void>): AsyncGenerator<Uint8Array> {
  const s = new PcapStream();
  for (const _ of fill(s)) {
    for (const c of s.take()) yield c;
  }
  for (const c of s.end()) yield c;
}

/** The whole capture in one array (small streams). */
export function bytesOf(fill: (s: PcapStream) => void): Uint8Array {
  const s = new PcapStream();
  fill(s);
  const parts = s.end();
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** What the instrumented pipeline saw. */
export interface PipelineRun {
  readonly connections: Connection[];
  readonly capture: CaptureResult;
  readonly captureAnomalies: Anomaly[];
  /** Flow table counters at the end, and the largest values seen while reading. */
  readonly flow: FlowStats;
  readonly maxOpen: number;
  readonly maxHeldOutOfOrder: number;
  /** The TLS layer's capture-wide held-bytes budget: its limit, the most held at once, and what is still held after the capture ended. */
  readonly tlsHeld: { readonly maxBytes: number; readonly peak: number; readonly atEnd: number };
}

/**
 * The pipeline of `analyzeCapture` (decode → flow → TLS → connection), built here so the
 * stages' own counters can be sampled while reading. `keep` filters which connections are
 * retained (all by default), so floods need not be held.
 */
export async function runPipeline(
  source: AsyncIterable<Uint8Array>,
  options: FlowTableOptions & TlsTrackerOptions = {},
  keep: (c: Connection) => boolean = () => true,
): Promise<PipelineRun> {
  const decoder = new PacketDecoder();
  const connections: Connection[] = [];
  const captureAnomalies: Anomaly[] = [];
  // One budget for the capture, as ConnectionPipeline makes it.
  const budget = tlsHeldBudget(options);
  const flows = new FlowTable((info, control) => {
    const builder = new ConnectionBuilder(info);
    return new TlsConnectionTracker(info, control, builder, (summary, stats) => {
      const c = builder.finish(summary, stats);
      if (keep(c)) connections.push(c);
    }, options, budget);
  }, options);
  let maxOpen = 0;
  let maxHeld = 0;
  let packets = 0;
  const capture = await readCapture(source, (p) => {
    const out = decoder.decode(p);
    for (const a of out.anomalies) if (captureAnomalies.length < 100) captureAnomalies.push(a);
    if (out.kind === 'tcp') flows.addSegment(out.segment);
    if ((++packets & 1023) === 0) {
      const st = flows.stats();
      if (st.open > maxOpen) maxOpen = st.open;
      if (st.outOfOrderBytesHeld > maxHeld) maxHeld = st.outOfOrderBytesHeld;
    }
  });
  const st = flows.stats();
  maxOpen = Math.max(maxOpen, st.open);
  maxHeld = Math.max(maxHeld, st.outOfOrderBytesHeld);
  flows.finish();
  connections.sort((a, b) => a.id - b.id);
  return { connections, capture, captureAnomalies, flow: st, maxOpen, maxHeldOutOfOrder: maxHeld, tlsHeld: { maxBytes: budget.maxBytes, peak: budget.peak, atEnd: budget.bytes } };
}

type Validate = ((data: unknown) => boolean) & { errors?: unknown };

/** The report schema validator (ajv, draft 2020-12), or null when ajv is not installed. */
export async function loadSchemaValidator(): Promise<((data: unknown) => unknown) | null> {
  try {
    const name = 'ajv/dist/2020.js';
    const mod = (await import(name)) as { default: new (o: object) => { compile(schema: unknown): Validate } };
    const ajv = new mod.default({ strict: true, allErrors: true, allowUnionTypes: true });
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'docs/report.schema.json'), 'utf8')));
    return (data: unknown) => (validate(data) ? null : validate.errors);
  } catch {
    return null;
  }
}

/** Every anomaly code of a connection. */
export function codesOf(c: Connection): string[] {
  return c.anomalies.map((a) => a.code);
}
