/**
 * The batch format between the reading thread and the analysis workers of a split analysis:
 * decoded TCP segments, idle-sweep marks and pcapng key log secrets, in capture order, packed
 * into one ArrayBuffer per batch so it can be transferred rather than cloned. Payloads are
 * read back as views of the batch (no copy).
 *
 * Layout (little-endian), one record after another:
 *   segment: u8 1, f64 frame, f64 sec, u32 nsec, u8 ipVersion, u16 srcPort, u16 dstPort,
 *            u32 seq, u32 ack, u16 flags, u16 window, u32 missingPayloadBytes,
 *            u8 option bits [u16 mss][u8 windowScale][u32 tsval, u32 tsecr][u8 n, n × (u32, u32) sack],
 *            u8 n, n × u16 vlans, u8 n + src, u8 n + dst (ASCII), u32 n + payload
 *   sweep:   u8 2, f64 now (capture seconds), f64 frame (the segment that runs it)
 *   secrets: u8 3, u32 secretsType, f64 afterFrame, u32 n + data
 */
import type { DecryptionSecrets } from '../../capture/types.js';
import type { TcpOptions, TcpSegment } from '../../decode/types.js';
import { ClearingCache } from '../../util/clearing-cache.js';
import { withRoom } from '../../util/bytes.js';

const SEGMENT = 1;
const SWEEP = 2;
const SECRETS = 3;

const OPT_MSS = 1;
const OPT_WINDOW_SCALE = 2;
const OPT_SACK_PERMITTED = 4;
const OPT_TIMESTAMP = 8;
const OPT_SACK = 16;

/** Room a batch starts with; it grows by doubling. */
const INITIAL_BYTES = 256 * 1024;

/** One record read back from a batch. */
export type BatchRecord =
  | { readonly kind: 'segment'; readonly segment: TcpSegment }
  | { readonly kind: 'sweep'; readonly now: number; readonly frame: number }
  | { readonly kind: 'secrets'; readonly secrets: DecryptionSecrets };

/** Packs records into a growing buffer; `take` hands the filled part over and starts anew. */
export class BatchWriter {
  private bytes: Uint8Array;
  private view: DataView;
  private at = 0;
  /** Records in the current batch. */
  count = 0;

  constructor(recycled?: ArrayBuffer) {
    this.bytes = new Uint8Array(recycled ?? new ArrayBuffer(INITIAL_BYTES));
    this.view = new DataView(this.bytes.buffer);
  }

  get length(): number {
    return this.at;
  }

  segment(seg: TcpSegment): void {
    const o = seg.options;
    const sack = o.sack ?? [];
    this.reserve(64 + sack.length * 8 + seg.vlans.length * 2 + seg.src.length + seg.dst.length + seg.payload.length);
    const v = this.view;
    let p = this.at;
    v.setUint8(p, SEGMENT);
    v.setFloat64(p + 1, seg.frame, true);
    v.setFloat64(p + 9, seg.time.sec, true);
    v.setUint32(p + 17, seg.time.nsec, true);
    v.setUint8(p + 21, seg.ipVersion);
    v.setUint16(p + 22, seg.srcPort, true);
    v.setUint16(p + 24, seg.dstPort, true);
    v.setUint32(p + 26, seg.seq, true);
    v.setUint32(p + 30, seg.ack, true);
    v.setUint16(p + 34, seg.flags, true);
    v.setUint16(p + 36, seg.window, true);
    v.setUint32(p + 38, seg.missingPayloadBytes, true);
    const bits =
      (o.mss !== undefined ? OPT_MSS : 0) |
      (o.windowScale !== undefined ? OPT_WINDOW_SCALE : 0) |
      (o.sackPermitted !== undefined ? OPT_SACK_PERMITTED : 0) |
      (o.timestamp !== undefined ? OPT_TIMESTAMP : 0) |
      (o.sack !== undefined ? OPT_SACK : 0);
    v.setUint8(p + 42, bits);
    p += 43;
    if (o.mss !== undefined) {
      v.setUint16(p, o.mss, true);
      p += 2;
    }
    if (o.windowScale !== undefined) v.setUint8(p++, o.windowScale);
    if (o.sackPermitted !== undefined) v.setUint8(p++, o.sackPermitted ? 1 : 0);
    if (o.timestamp !== undefined) {
      v.setUint32(p, o.timestamp[0], true);
      v.setUint32(p + 4, o.timestamp[1], true);
      p += 8;
    }
    if (o.sack !== undefined) {
      const n = Math.min(255, sack.length);
      v.setUint8(p++, n);
      for (let i = 0; i < n; i++) {
        const block = sack[i] as readonly [number, number];
        v.setUint32(p, block[0], true);
        v.setUint32(p + 4, block[1], true);
        p += 8;
      }
    }
    const vlans = Math.min(255, seg.vlans.length);
    v.setUint8(p++, vlans);
    // i < vlans ≤ seg.vlans.length: the decoded segment's own list, not wire bytes.
    for (let i = 0; i < vlans; i++) {
      v.setUint16(p, seg.vlans[i] as number, true);
      p += 2;
    }
    p = this.ascii(p, seg.src);
    p = this.ascii(p, seg.dst);
    v.setUint32(p, seg.payload.length, true);
    this.bytes.set(seg.payload, p + 4);
    this.at = p + 4 + seg.payload.length;
    this.count++;
  }

  sweep(now: number, frame: number): void {
    this.reserve(17);
    this.view.setUint8(this.at, SWEEP);
    this.view.setFloat64(this.at + 1, now, true);
    this.view.setFloat64(this.at + 9, frame, true);
    this.at += 17;
    this.count++;
  }

  secrets(s: DecryptionSecrets): void {
    this.reserve(17 + s.data.length);
    const v = this.view;
    v.setUint8(this.at, SECRETS);
    v.setUint32(this.at + 1, s.secretsType, true);
    v.setFloat64(this.at + 5, s.afterFrame, true);
    v.setUint32(this.at + 13, s.data.length, true);
    this.bytes.set(s.data, this.at + 17);
    this.at += 17 + s.data.length;
    this.count++;
  }

  /** The batch so far ([buffer, length]) for transfer; the writer continues in `next` (or a new buffer). */
  take(next?: ArrayBuffer): { readonly buffer: ArrayBuffer; readonly length: number } {
    const out = { buffer: this.bytes.buffer as ArrayBuffer, length: this.at };
    this.bytes = new Uint8Array(next ?? new ArrayBuffer(INITIAL_BYTES));
    this.view = new DataView(this.bytes.buffer);
    this.at = 0;
    this.count = 0;
    return out;
  }

  private ascii(p: number, text: string): number {
    // Addresses are dotted IPv4 or RFC 5952 IPv6 text: ASCII, at most 45 characters.
    const n = Math.min(255, text.length);
    this.view.setUint8(p, n);
    for (let i = 0; i < n; i++) this.bytes[p + 1 + i] = text.charCodeAt(i) & 0x7f;
    return p + 1 + n;
  }

  private reserve(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    this.bytes = withRoom(this.bytes, this.at, this.at + n);
    this.view = new DataView(this.bytes.buffer);
  }
}

/** Distinct addresses remembered by `AddressTexts`; past it, it starts afresh. */
const MAX_CACHED_ADDRESSES = 4096;

/**
 * Address text read back from bytes without making a new string per segment: the same few
 * addresses recur in every batch. Keyed by a hash, checked byte by byte.
 */
export class AddressTexts {
  private readonly byHash = new ClearingCache<number, string>(MAX_CACHED_ADDRESSES);

  /** `start..end` lies inside a batch this project encoded itself (checked by its reader), so the casts read no wire bytes. */
  read(bytes: Uint8Array, start: number, end: number): string {
    let h = 0x811c9dc5 ^ (end - start);
    for (let i = start; i < end; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
    const known = this.byHash.get(h);
    if (known !== undefined && sameText(known, bytes, start, end)) return known;
    let text = '';
    for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i] as number);
    this.byHash.set(h, text);
    return text;
  }
}

function sameText(text: string, bytes: Uint8Array, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}

/**
 * Reads the records of a batch in order. The batch comes from this program's own writer on
 * another thread, but reads stay in bounds anyway: a short record ends the walk.
 */
export function* readBatch(buffer: ArrayBuffer, length: number, addresses: AddressTexts = new AddressTexts()): Generator<BatchRecord> {
  const bytes = new Uint8Array(buffer, 0, Math.min(length, buffer.byteLength));
  const v = new DataView(buffer, 0, bytes.length);
  const end = bytes.length;
  let p = 0;
  const text = (): string | null => {
    if (p + 1 > end) return null;
    const n = v.getUint8(p);
    if (p + 1 + n > end) return null;
    const s = addresses.read(bytes, p + 1, p + 1 + n);
    p += 1 + n;
    return s;
  };
  while (p < end) {
    const type = v.getUint8(p);
    if (type === SWEEP) {
      if (p + 17 > end) return;
      yield { kind: 'sweep', now: v.getFloat64(p + 1, true), frame: v.getFloat64(p + 9, true) };
      p += 17;
      continue;
    }
    if (type === SECRETS) {
      if (p + 17 > end) return;
      const n = v.getUint32(p + 13, true);
      if (p + 17 + n > end) return;
      yield { kind: 'secrets', secrets: { secretsType: v.getUint32(p + 1, true), afterFrame: v.getFloat64(p + 5, true), data: bytes.subarray(p + 17, p + 17 + n) } };
      p += 17 + n;
      continue;
    }
    if (type !== SEGMENT || p + 43 > end) return;
    const frame = v.getFloat64(p + 1, true);
    const time = { sec: v.getFloat64(p + 9, true), nsec: v.getUint32(p + 17, true) };
    const ipVersion = v.getUint8(p + 21) === 6 ? 6 : 4;
    const srcPort = v.getUint16(p + 22, true);
    const dstPort = v.getUint16(p + 24, true);
    const seq = v.getUint32(p + 26, true);
    const ack = v.getUint32(p + 30, true);
    const flags = v.getUint16(p + 34, true);
    const window = v.getUint16(p + 36, true);
    const missingPayloadBytes = v.getUint32(p + 38, true);
    const bits = v.getUint8(p + 42);
    p += 43;
    const options: { -readonly [K in keyof TcpOptions]: TcpOptions[K] } = {};
    const need = (n: number): boolean => p + n <= end;
    if ((bits & OPT_MSS) !== 0) {
      if (!need(2)) return;
      options.mss = v.getUint16(p, true);
      p += 2;
    }
    if ((bits & OPT_WINDOW_SCALE) !== 0) {
      if (!need(1)) return;
      options.windowScale = v.getUint8(p++);
    }
    if ((bits & OPT_SACK_PERMITTED) !== 0) {
      if (!need(1)) return;
      options.sackPermitted = v.getUint8(p++) === 1;
    }
    if ((bits & OPT_TIMESTAMP) !== 0) {
      if (!need(8)) return;
      options.timestamp = [v.getUint32(p, true), v.getUint32(p + 4, true)];
      p += 8;
    }
    if ((bits & OPT_SACK) !== 0) {
      if (!need(1)) return;
      const n = v.getUint8(p++);
      if (!need(n * 8)) return;
      const blocks: (readonly [number, number])[] = [];
      for (let i = 0; i < n; i++, p += 8) blocks.push([v.getUint32(p, true), v.getUint32(p + 4, true)]);
      options.sack = blocks;
    }
    if (!need(1)) return;
    const nv = v.getUint8(p++);
    if (!need(nv * 2)) return;
    const vlans: number[] = [];
    for (let i = 0; i < nv; i++, p += 2) vlans.push(v.getUint16(p, true));
    const src = text();
    const dst = text();
    if (src === null || dst === null || !need(4)) return;
    const n = v.getUint32(p, true);
    if (!need(4 + n)) return;
    const payload = bytes.subarray(p + 4, p + 4 + n);
    p += 4 + n;
    yield { kind: 'segment', segment: { frame, time, ipVersion, src, dst, srcPort, dstPort, seq, ack, flags, window, options, payload, missingPayloadBytes, vlans } };
  }
}
