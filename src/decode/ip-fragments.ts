/**
 * IP fragment reassembly for IPv4 (RFC 791 §3.2, RFC 815) and IPv6 (RFC 8200 §4.5).
 *
 * Datagrams are keyed by (version, source, destination, identification, protocol); for IPv6
 * the protocol is left out of the key, as RFC 8200 says only the offset-0 fragment's Next
 * Header counts. Overlapping fragments: the FIRST copy of each byte wins (later bytes for a
 * range already held are ignored; a conflicting overlap is noted). Targets differ on this
 * (RFC 5722 even says to drop the whole datagram for IPv6), so a capture cannot prove which
 * bytes the receiver used; first-wins matches most BSD-derived stacks and Wireshark.
 *
 * Memory is bounded: held bytes, held datagrams and the time a datagram may stay incomplete.
 * Going over a bound drops the oldest datagram(s) (or the offending one) with `ip.fragment.limit`.
 */
import type { Anomaly } from '../util/anomaly.js';

/** Defaults for the reassembly limits (see `DecoderOptions`). */
export const FRAGMENT_DEFAULTS = Object.freeze({
  /** Bytes held across all incomplete datagrams: 4 MiB. */
  maxFragmentBytes: 4 * 1024 * 1024,
  /** Incomplete datagrams held at once. */
  maxFragmentedDatagrams: 1024,
  /** Capture-time span after which an incomplete datagram is dropped. */
  fragmentTimeoutSeconds: 30,
} as const);

/** Largest reassembled payload: the 16-bit length fields allow no more. */
const MAX_REASSEMBLED_BYTES = 65535;

/** Reassembly limits; the fields and defaults are those of `DecoderOptions`. */
export interface FragmentLimits {
  readonly maxFragmentBytes?: number;
  readonly maxFragmentedDatagrams?: number;
  readonly fragmentTimeoutSeconds?: number;
}

/** One fragment handed to the reassembler. */
export interface Fragment {
  /** Datagram key (see `fragmentKey`). */
  readonly key: string;
  /** Offset of `data` within the datagram's payload, in bytes. */
  readonly offset: number;
  readonly moreFragments: boolean;
  /** The fragment's data (copied if it has to be held). */
  readonly data: Uint8Array;
  /** Upper-layer protocol as this fragment states it (only the offset-0 fragment's value is used). */
  readonly protocol: number;
  /** Capture time in seconds. */
  readonly time: number;
  readonly frame: number;
}

/** What adding a fragment did: still held, completed its datagram, or dropped (see anomalies). */
export type FragmentResult =
  | { readonly kind: 'held'; readonly anomalies: readonly Anomaly[] }
  | {
      readonly kind: 'complete';
      /** The reassembled payload (a new buffer the caller owns). */
      readonly data: Uint8Array;
      readonly protocol: number;
      /** Fragments that made it up. */
      readonly fragments: number;
      readonly anomalies: readonly Anomaly[];
    }
  | { readonly kind: 'dropped'; readonly anomalies: readonly Anomaly[] };

/** Reassembly key: version, addresses, identification and (IPv4 only) protocol. */
export function fragmentKey(version: 4 | 6, src: string, dst: string, id: number, protocol: number): string {
  return version === 4 ? `4|${src}|${dst}|${id}|${protocol}` : `6|${src}|${dst}|${id}`;
}

interface Piece {
  start: number;
  end: number;
  data: Uint8Array;
}

interface Datagram {
  readonly key: string;
  readonly firstTime: number;
  /** Protocol from the offset-0 fragment, -1 until it arrives. */
  protocol: number;
  /** Payload length, known once the last fragment (MF = 0) arrives; -1 before. */
  total: number;
  /** Held data, sorted by start, non-overlapping. */
  readonly pieces: Piece[];
  bytes: number;
  fragments: number;
}

const NONE: readonly Anomaly[] = Object.freeze([]);

/** Holds fragments until their datagram is complete, within named bounds. */
export class FragmentReassembler {
  private readonly maxBytes: number;
  private readonly maxDatagrams: number;
  private readonly timeout: number;
  private readonly datagrams = new Map<string, Datagram>();
  private heldBytes = 0;
  private droppedFragments = 0;

  constructor(limits: FragmentLimits = {}) {
    this.maxBytes = limits.maxFragmentBytes ?? FRAGMENT_DEFAULTS.maxFragmentBytes;
    this.maxDatagrams = Math.max(1, limits.maxFragmentedDatagrams ?? FRAGMENT_DEFAULTS.maxFragmentedDatagrams);
    this.timeout = limits.fragmentTimeoutSeconds ?? FRAGMENT_DEFAULTS.fragmentTimeoutSeconds;
  }

  /** Bytes currently held. */
  get bytesHeld(): number {
    return this.heldBytes;
  }

  /** Incomplete datagrams currently held. */
  get datagramsHeld(): number {
    return this.datagrams.size;
  }

  /** Fragments dropped so far (by limits, timeouts, bad offsets or `flush`). */
  get fragmentsDropped(): number {
    return this.droppedFragments;
  }

  /** Adds one fragment; returns whether its datagram is complete, still held, or was dropped. */
  add(f: Fragment): FragmentResult {
    let anomalies: Anomaly[] | undefined;
    const note = (a: Anomaly): void => {
      (anomalies ??= []).push(a);
    };

    // Time out old datagrams first (the map is in creation order, so the oldest come first).
    for (const d of this.datagrams.values()) {
      if (f.time - d.firstTime <= this.timeout) break;
      this.drop(d, f.frame, `incomplete after ${this.timeout} s (fragmentTimeoutSeconds)`, note);
    }

    const end = f.offset + f.data.length;
    if (end > MAX_REASSEMBLED_BYTES) {
      const d = this.datagrams.get(f.key);
      if (d !== undefined) this.drop(d, f.frame, 'a fragment reaches past 65535 bytes', note);
      this.droppedFragments++;
      note({
        code: 'ip.fragment.too_long',
        severity: 'violation',
        message: `IP fragment at offset ${f.offset} with ${f.data.length} bytes reaches past the 65535-byte datagram limit.`,
        frame: f.frame,
      });
      return { kind: 'dropped', anomalies: anomalies ?? NONE };
    }
    if (f.moreFragments && f.data.length % 8 !== 0) {
      note({
        code: 'ip.fragment.bad_length',
        severity: 'weird',
        message: `IP fragment with more to come carries ${f.data.length} bytes, not a multiple of 8.`,
        frame: f.frame,
      });
    }

    let d = this.datagrams.get(f.key);
    if (d === undefined) {
      while (this.datagrams.size >= this.maxDatagrams) {
        const oldest = this.datagrams.values().next().value as Datagram;
        this.drop(oldest, f.frame, `more than ${this.maxDatagrams} incomplete datagrams (maxFragmentedDatagrams)`, note);
      }
      d = { key: f.key, firstTime: f.time, protocol: -1, total: -1, pieces: [], bytes: 0, fragments: 0 };
      this.datagrams.set(f.key, d);
    }
    d.fragments++;
    if (f.offset === 0 && d.protocol < 0) d.protocol = f.protocol;
    if (!f.moreFragments) {
      if (d.total >= 0 && d.total !== end) {
        note({
          code: 'ip.fragment.inconsistent',
          severity: 'weird',
          message: `IP fragments disagree on the datagram length (${d.total} and ${end}); the first is kept.`,
          frame: f.frame,
        });
      } else {
        d.total = end;
      }
    }

    const added = this.insert(d, f.offset, f.data, f.frame, note);
    if (this.heldBytes + added > this.maxBytes) {
      // Make room by dropping the oldest other datagrams; drop this one if it alone is too big.
      for (const other of this.datagrams.values()) {
        if (this.heldBytes + added <= this.maxBytes) break;
        if (other !== d) this.drop(other, f.frame, `more than ${this.maxBytes} bytes held (maxFragmentBytes)`, note);
      }
      if (this.heldBytes + added > this.maxBytes) {
        this.heldBytes += added;
        this.drop(d, f.frame, `more than ${this.maxBytes} bytes held (maxFragmentBytes)`, note);
        return { kind: 'dropped', anomalies: anomalies ?? NONE };
      }
    }
    this.heldBytes += added;

    if (d.total >= 0 && d.protocol >= 0 && this.covers(d)) {
      this.datagrams.delete(d.key);
      this.heldBytes -= d.bytes;
      const data = new Uint8Array(d.total);
      for (const p of d.pieces) {
        if (p.start >= d.total) break;
        data.set(p.end <= d.total ? p.data : p.data.subarray(0, d.total - p.start), p.start);
      }
      if (d.pieces.length > 0 && (d.pieces[d.pieces.length - 1] as Piece).end > d.total) {
        note({
          code: 'ip.fragment.inconsistent',
          severity: 'weird',
          message: `IP fragments carry data past the datagram's end (${d.total} bytes); it was ignored.`,
          frame: f.frame,
        });
      }
      return { kind: 'complete', data, protocol: d.protocol, fragments: d.fragments, anomalies: anomalies ?? NONE };
    }
    return { kind: 'held', anomalies: anomalies ?? NONE };
  }

  /** Drops every incomplete datagram (at the end of a capture); returns the fragments dropped. */
  flush(): number {
    let n = 0;
    for (const d of this.datagrams.values()) n += d.fragments;
    this.droppedFragments += n;
    this.datagrams.clear();
    this.heldBytes = 0;
    return n;
  }

  /** Copies the parts of [offset, offset + data.length) not held yet; returns bytes added. */
  private insert(d: Datagram, offset: number, data: Uint8Array, frame: number, note: (a: Anomaly) => void): number {
    const start = offset;
    const end = offset + data.length;
    if (end <= start) return 0;
    const pieces = d.pieces;
    let added = 0;
    let conflict = false;
    let cursor = start;
    // First piece that ends after `start` (pieces are sorted and disjoint, so ends are sorted too).
    let lo = 0;
    let hi = pieces.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((pieces[mid] as Piece).end <= start) lo = mid + 1;
      else hi = mid;
    }
    let j = lo;
    while (j < pieces.length && cursor < end) {
      const p = pieces[j] as Piece;
      if (p.start >= end) break;
      if (p.start > cursor) {
        // Fill the hole before p; it goes in at j, so p moves to j + 1.
        pieces.splice(j, 0, { start: cursor, end: p.start, data: data.slice(cursor - offset, p.start - offset) });
        added += p.start - cursor;
        j++;
      }
      // Compare the overlapping bytes: identical duplicates are normal, different ones are not.
      const os = Math.max(p.start, start);
      const oe = Math.min(p.end, end);
      for (let k = os; k < oe && !conflict; k++) {
        if (p.data[k - p.start] !== data[k - offset]) conflict = true;
      }
      if (p.end > cursor) cursor = p.end;
      j++;
    }
    if (cursor < end) {
      const piece = { start: cursor, end, data: data.slice(cursor - offset, end - offset) };
      if (j >= pieces.length) pieces.push(piece);
      else pieces.splice(j, 0, piece);
      added += end - cursor;
    }
    if (conflict) {
      note({
        code: 'ip.fragment.overlap',
        severity: 'weird',
        message: 'Overlapping IP fragments carry different bytes; the first copy was kept.',
        frame,
      });
    }
    d.bytes += added;
    return added;
  }

  private covers(d: Datagram): boolean {
    const last = d.pieces[d.pieces.length - 1];
    // Pieces are disjoint, so when none reaches past the end, the byte count decides.
    if (last === undefined || last.end <= d.total) return d.bytes === d.total;
    let next = 0;
    for (const p of d.pieces) {
      if (p.start > next) return false;
      if (p.end > next) next = p.end;
      if (next >= d.total) return true;
    }
    return next >= d.total;
  }

  private drop(d: Datagram, frame: number, why: string, note: (a: Anomaly) => void): void {
    this.datagrams.delete(d.key);
    this.heldBytes -= d.bytes;
    this.droppedFragments += d.fragments;
    note({
      code: 'ip.fragment.limit',
      severity: 'violation',
      message: `Dropped an incomplete IP datagram of ${d.fragments} fragment(s): ${why}.`,
      frame,
    });
  }
}
