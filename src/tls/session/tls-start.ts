/**
 * The tracker's one job here: find where TLS starts in each direction of a connection — at the
 * first byte (a record header or an SSLv2-format ClientHello), or after a plaintext exchange
 * (STARTTLS), found by holding the plaintext within a bounded window and scanning it for the
 * first handshake record — and from there feed the direction's bytes to its record stream.
 * A direction that never turns to TLS is reported as not TLS with its first bytes.
 */
import { ZERO_TIME } from '../../util/time.js';
import type { Timestamp } from '../../util/time.js';
import type { ConnectionControl, Direction, StreamChunk, StreamGap } from '../../flow/types.js';
import { RecordStream } from '../record-stream.js';
import { looksLikeTlsStart } from '../record-start.js';
import type { RecordSink } from '../record-stream.js';
import type { TlsHeldBudget } from '../held-budget.js';
import { ContentType } from '../registry/content-types.js';
import { PLAIN_PROTOCOL_PREFIX, findHandshakeRecordStart, identifyStarttls, plainProtocolOf } from './starttls.js';
import type { PlainProtocol, StarttlsProtocol } from './starttls.js';
import type { TlsDirectionStats, TlsEvent, TlsEventSink } from './events.js';
import { u8At } from '../../util/wire-read.js';

/** HandshakeType values the STARTTLS scan looks for (RFC 8446 §4). */
const HANDSHAKE_CLIENT_HELLO = 1;
const HANDSHAKE_SERVER_HELLO = 2;

/** Bytes of a not-TLS direction's start kept for the report (`notTlsEvent`). */
const NOT_TLS_SAMPLE = 64;
/** Never written to: `held` is replaced, not filled, so directions share one empty array. */
const EMPTY = new Uint8Array(0);

/** How far the detection of TLS has got for one direction. */
type Phase =
  /** No bytes yet, or too few to decide. */
  | 'undecided'
  /** Plaintext seen; looking for the first TLS record (STARTTLS). */
  | 'plaintext'
  | 'tls'
  /** Not TLS: bytes are ignored. */
  | 'off';

/** Limits of the detection (resolved: the tracker applies the defaults). */
export interface TlsStartLimits {
  readonly maxStarttlsScanBytes: number;
  readonly maxRecordLength: number;
}

/** Where a direction's records go once TLS has started there. */
export interface RecordSinkSource {
  recordSink(direction: Direction): RecordSink;
}

/** The `not-tls` event of a direction, with at most `NOT_TLS_SAMPLE` of its bytes (a copy). */
export function notTlsEvent(direction: Direction, bytes: Uint8Array, offset: number, frame: number, time: Timestamp, atStart: boolean): TlsEvent {
  return { kind: 'not-tls', direction, firstBytes: bytes.slice(0, NOT_TLS_SAMPLE), atStart, offset, frame, time };
}

class StartDirection {
  phase: Phase = 'undecided';
  /** Bytes held while undecided or in plaintext (a view of `heldRoom`, bounded). */
  held: Uint8Array = EMPTY;
  /**
   * Bytes of the STARTTLS scan window taken so far (from `heldOffset`, at most
   * `maxStarttlsScanBytes`): `held.length`, except once the connection cannot turn into TLS,
   * when `held` keeps only the first bytes the report shows and this still counts the rest.
   */
  window = 0;
  /** Its first bytes have been looked at for a protocol that does not turn into TLS (or its start was lost). */
  classified = false;
  /** The buffer `held` views; its capacity doubles, so appending a chunk copies only the chunk. */
  heldRoom: Uint8Array = EMPTY;
  /** Stream offset of held[0]. */
  heldOffset = 0;
  heldFrame = 0;
  heldTime: Timestamp = ZERO_TIME;
  /** Where the next scan for a record start resumes within `held`. */
  scanFrom = 0;
  /**
   * While a chunk is being taken: its bytes past the scan window (not held). Should TLS start
   * within the window on this chunk, they follow the held bytes into the record stream.
   */
  overflow: StreamChunk | null = null;
  records: RecordStream | null = null;

  constructor(readonly budget: TlsHeldBudget) {}

  /** Drops the stream state (the connection ended), giving back everything it held. */
  release(): void {
    this.records?.release();
    this.records = null;
    this.dropHeld();
  }

  /** Forgets the held bytes and their buffer (a new hold starts a fresh buffer, never overwriting views handed out). */
  dropHeld(): void {
    this.budget.release(this.heldRoom.length);
    this.held = EMPTY;
    this.heldRoom = EMPTY;
    this.window = 0;
  }

  /** Keeps only the first `size` held bytes, in a buffer of that size (the rest of the capacity is given back). */
  keepFirst(size: number): void {
    if (this.held.length <= size) return;
    this.heldRoom = this.budget.shrink(this.heldRoom, size);
    this.held = this.heldRoom;
  }
}

/** Finds where TLS starts in both directions of one connection; see the module comment. */
export class TlsStartFinder {
  private readonly dirs: [StartDirection, StartDirection];
  private starttls = false;
  private starttlsProtocol: StarttlsProtocol | null = null;
  /**
   * The first bytes of a direction showed a protocol that does not turn into TLS (plain HTTP,
   * SSH): plaintext is no longer scanned for an upgrade, and each direction keeps only the first
   * bytes the report shows (see `hold`).
   */
  private plainOnly: PlainProtocol | null = null;

  constructor(
    private sink: TlsEventSink,
    private readonly control: ConnectionControl,
    private readonly records: RecordSinkSource,
    /** Counters of each direction (bytes skipped unseen), shared with the tracker that reports them. */
    private readonly stats: readonly [TlsDirectionStats, TlsDirectionStats],
    private readonly limits: TlsStartLimits,
    private readonly budget: TlsHeldBudget,
  ) {
    this.dirs = [new StartDirection(budget), new StartDirection(budget)];
  }

  /** Whether TLS has started in this direction (its bytes go to its record stream). */
  isTls(direction: Direction): boolean {
    return this.dirs[direction].phase === 'tls';
  }

  /** In-order bytes of one direction. */
  data(direction: Direction, chunk: StreamChunk): void {
    const d = this.dirs[direction];
    switch (d.phase) {
      case 'tls':
        this.pushRecords(direction, chunk);
        return;
      case 'off':
        return;
      case 'undecided': {
        let plain = false;
        if (d.window === 0) {
          // Most connections start with a record header: read the chunk as TLS at once, however
          // large it is (a 64 KiB GRO segment must not be cut to the STARTTLS scan window).
          const verdict = looksLikeTlsStart(chunk.bytes, this.limits.maxRecordLength);
          if (verdict === 'tls' || verdict === 'sslv2') {
            d.heldOffset = chunk.offset;
            d.heldFrame = chunk.frame;
            d.heldTime = chunk.time;
            this.startTls(direction, 0, verdict === 'sslv2' ? 'sslv2' : 'record', null);
            this.pushRecords(direction, chunk);
            return;
          }
          plain = verdict === 'no';
        }
        this.take(direction, chunk, plain);
        return;
      }
      case 'plaintext':
        this.take(direction, chunk, true);
        return;
    }
  }

  /** Holds a chunk in the scan window and looks for TLS in it; its bytes past the window go along only if TLS starts. */
  private take(direction: Direction, chunk: StreamChunk, plain: boolean): void {
    const d = this.dirs[direction];
    if (!this.hold(direction, chunk, plain)) return;
    this.detect(direction);
    d.overflow = null;
  }

  /** A hole in one direction (the caller has reported it and reset the direction's handshake framing). */
  gap(direction: Direction, gap: StreamGap): void {
    const d = this.dirs[direction];
    if (d.phase === 'tls') {
      d.records?.gap(gap);
    } else if (d.phase !== 'off') {
      // A hole in the plaintext before TLS: what was held can no longer be matched byte-for-byte.
      d.dropHeld();
      d.heldOffset = gap.offset + gap.length;
      d.scanFrom = 0;
      // The bytes after it are not the direction's first: they tell nothing of its protocol.
      d.classified = true;
    }
  }

  /** The connection ended: a direction still undecided or in plaintext is reported as not TLS. */
  end(): void {
    for (const direction of [0, 1] as const) {
      const d = this.dirs[direction];
      if ((d.phase === 'undecided' || d.phase === 'plaintext') && d.window > 0) {
        // Too few bytes to decide, or plaintext that never turned into TLS: say what was there.
        this.sink.event(notTlsEvent(direction, d.held, d.heldOffset, d.heldFrame, d.heldTime, true));
      }
    }
  }

  /** Gives back everything held and reports nothing more (the connection has been reported). */
  release(ignore: TlsEventSink): void {
    for (const d of this.dirs) d.release();
    this.sink = ignore;
  }

  /**
   * Takes a chunk into the STARTTLS scan window (or too few bytes to decide); false when the held
   * budget refused it and the direction gave up. `plain`: the bytes are known not to start TLS.
   *
   * Once the connection cannot turn into TLS (`plainOnly`), plaintext is only counted, not kept,
   * past the first bytes the report shows: the not-TLS evidence is still reported when and as a
   * full scan would report it (at the end of the window or of the connection, and after a gap
   * with the bytes after it), so the order of the events, the TCP accounting of the flow (its
   * data is not ignored any sooner) and every report stay the same, without holding 16 KiB.
   */
  private hold(direction: Direction, chunk: StreamChunk, plain: boolean): boolean {
    const d = this.dirs[direction];
    const maxScan = this.limits.maxStarttlsScanBytes;
    if (d.window === 0) {
      d.heldOffset = chunk.offset;
      d.heldFrame = chunk.frame;
      d.heldTime = chunk.time;
    }
    const room = maxScan - d.window;
    if (room <= 0) return true;
    if (!d.classified) this.classify(direction, chunk);
    const takeLength = Math.min(room, chunk.bytes.length);
    const firstOnly = this.plainOnly !== null && plain;
    const keep = firstOnly ? Math.max(0, Math.min(takeLength, NOT_TLS_SAMPLE - d.held.length)) : takeLength;
    if (keep > 0) {
      const need = d.held.length + keep;
      // Capacity doubles up to the scan window: plaintext arriving in many small chunks is not copied over and over.
      const grown = firstOnly ? this.budget.grow(d.heldRoom, d.held.length, need, NOT_TLS_SAMPLE, NOT_TLS_SAMPLE) : this.budget.grow(d.heldRoom, d.held.length, need, 1024, maxScan);
      if (grown === null) {
        this.overBudget(direction, chunk);
        return false;
      }
      d.heldRoom = grown;
      d.heldRoom.set(chunk.bytes.subarray(0, keep), d.held.length);
      d.held = d.heldRoom.subarray(0, need);
    }
    d.window += takeLength;
    // Bytes past the scan window are not kept: TLS, if it comes, must start within it (its record
    // header and handshake type inside the window), and then they follow the held bytes (startTls).
    d.overflow = takeLength < chunk.bytes.length ? { bytes: chunk.bytes.subarray(takeLength), offset: chunk.offset + takeLength, frame: chunk.frame, time: chunk.time } : null;
    return true;
  }

  /** Looks at a direction's first bytes (those held, then this chunk) for a protocol that does not turn into TLS. */
  private classify(direction: Direction, chunk: StreamChunk): void {
    const d = this.dirs[direction];
    let first = chunk.bytes;
    if (d.held.length > 0) {
      first = new Uint8Array(Math.min(PLAIN_PROTOCOL_PREFIX, d.held.length + chunk.bytes.length));
      first.set(d.held.subarray(0, first.length), 0);
      if (first.length > d.held.length) first.set(chunk.bytes.subarray(0, first.length - d.held.length), d.held.length);
    }
    const protocol = plainProtocolOf(first);
    if (protocol === 'need-more') return;
    d.classified = true;
    if (protocol === null || this.plainOnly !== null) return;
    this.plainOnly = protocol;
    for (const x of this.dirs) {
      if (x.phase === 'plaintext') x.keepFirst(NOT_TLS_SAMPLE);
    }
  }

  /**
   * The capture-wide held budget cannot keep this direction's plaintext: it stops being watched
   * for a STARTTLS upgrade, and is reported as not TLS with its first bytes (those held, completed
   * from this chunk), as when the scan window runs out.
   */
  private overBudget(direction: Direction, chunk: StreamChunk): void {
    const d = this.dirs[direction];
    this.sink.event({
      kind: 'anomaly',
      anomaly: {
        code: 'tls.held_budget',
        severity: 'weird',
        message: `Plaintext could not be held: the bytes held by the TLS layer across all connections reached maxTotalTlsHeldBytes (${this.budget.maxBytes}); this direction is no longer watched for a STARTTLS upgrade.`,
        frame: chunk.frame,
        direction,
        offset: chunk.offset,
      },
    });
    let sample = d.held;
    if (sample.length < NOT_TLS_SAMPLE) {
      sample = new Uint8Array(Math.min(NOT_TLS_SAMPLE, d.held.length + chunk.bytes.length));
      sample.set(d.held.subarray(0, sample.length), 0);
      if (sample.length > d.held.length) sample.set(chunk.bytes.subarray(0, sample.length - d.held.length), d.held.length);
    }
    this.giveUp(direction, sample);
  }

  private detect(direction: Direction): void {
    const d = this.dirs[direction];
    if (d.phase === 'undecided') {
      const verdict = looksLikeTlsStart(d.held, this.limits.maxRecordLength);
      if (verdict === 'need-more' && d.window < this.limits.maxStarttlsScanBytes) return;
      if (verdict === 'tls' || verdict === 'sslv2') {
        this.startTls(direction, 0, verdict === 'sslv2' ? 'sslv2' : 'record', null);
        return;
      }
      const peer = this.dirs[direction === 0 ? 1 : 0];
      if (peer.phase === 'tls' && !this.starttls) {
        // The peer speaks TLS from its first byte and this side answers with something else.
        this.sink.event(notTlsEvent(direction, d.held, d.heldOffset, d.heldFrame, d.heldTime, true));
        d.phase = 'off';
        d.dropHeld();
        return;
      }
      d.phase = 'plaintext';
      if (this.plainOnly !== null) d.keepFirst(NOT_TLS_SAMPLE);
    }
    if (d.phase === 'plaintext') this.scanPlaintext(direction);
  }

  /** Looks for the first TLS record after plaintext (STARTTLS). */
  private scanPlaintext(direction: Direction): void {
    const d = this.dirs[direction];
    if (this.plainOnly !== null) {
      // Nothing to look for; the window is still counted, so that giving up comes when it would.
      if (d.window >= this.limits.maxStarttlsScanBytes) this.giveUp(direction);
      return;
    }
    const peer = this.dirs[direction === 0 ? 1 : 0];
    // The client's ClientHello opens TLS; once it has, the server's answer is a ServerHello or an alert.
    const wanted = peer.phase === 'tls' ? HANDSHAKE_SERVER_HELLO : HANDSHAKE_CLIENT_HELLO;
    let at = findHandshakeRecordStart(d.held, wanted, d.scanFrom, this.limits.maxRecordLength);
    if (at < 0 && wanted === HANDSHAKE_SERVER_HELLO) at = findAlertRecordStart(d.held, d.scanFrom);
    if (at >= 0) {
      // Named once, when the first side turns to TLS: both sides' plaintext is still held then.
      if (this.starttlsProtocol === null) {
        const mine = d.held.subarray(0, at);
        const clientPlain = wanted === HANDSHAKE_CLIENT_HELLO ? mine : peer.held;
        const serverPlain = wanted === HANDSHAKE_CLIENT_HELLO ? peer.held : mine;
        this.starttlsProtocol = identifyStarttls(clientPlain, serverPlain);
      }
      const protocol = this.starttlsProtocol;
      this.starttls = true;
      this.startTls(direction, at, 'starttls', protocol);
      return;
    }
    d.scanFrom = Math.max(0, d.held.length - 5);
    if (d.window >= this.limits.maxStarttlsScanBytes) this.giveUp(direction);
  }

  /** Stops watching a direction's plaintext: reported as not TLS with its first bytes (`sample`, by default what is held). */
  private giveUp(direction: Direction, sample: Uint8Array = this.dirs[direction].held): void {
    const d = this.dirs[direction];
    this.sink.event(notTlsEvent(direction, sample, d.heldOffset, d.heldFrame, d.heldTime, true));
    d.phase = 'off';
    d.dropHeld();
    const peer = this.dirs[direction === 0 ? 1 : 0];
    if (peer.phase === 'off' || (peer.phase === 'plaintext' && peer.window >= this.limits.maxStarttlsScanBytes)) {
      this.control.ignoreData();
    }
  }

  private startTls(direction: Direction, at: number, how: 'record' | 'sslv2' | 'starttls', protocol: StarttlsProtocol | null): void {
    const d = this.dirs[direction];
    d.phase = 'tls';
    const records = (d.records = new RecordStream(this.records.recordSink(direction), { maxRecordLength: this.limits.maxRecordLength, budget: this.budget }));
    const offset = d.heldOffset + at;
    this.sink.event({ kind: 'tls-start', direction, how, starttls: protocol, offset, frame: d.heldFrame, time: d.heldTime });
    const held = d.held;
    const overflow = d.overflow;
    d.dropHeld();
    d.overflow = null;
    // What may be skipped unseen is counted from the end of the last bytes given to the stream.
    let skip = 0;
    if (at < held.length) skip = records.push({ bytes: held.subarray(at), offset, frame: d.heldFrame, time: d.heldTime });
    if (overflow !== null) skip = records.push(overflow);
    this.requestSkip(direction, skip);
    // A peer still holding plaintext may now recognise its own first TLS record.
    const peerDirection: Direction = direction === 0 ? 1 : 0;
    const peer = this.dirs[peerDirection];
    if (peer.phase === 'plaintext' || (peer.phase === 'undecided' && peer.window > 0)) {
      if (how === 'starttls') {
        peer.phase = 'plaintext';
        this.scanPlaintext(peerDirection);
      } else {
        this.detect(peerDirection);
      }
    }
  }

  private pushRecords(direction: Direction, chunk: StreamChunk): void {
    const d = this.dirs[direction];
    if (d.records === null) return;
    this.requestSkip(direction, d.records.push(chunk));
  }

  private requestSkip(direction: Direction, bytes: number): void {
    if (bytes > 0) {
      this.stats[direction].bytesSkipped += bytes;
      this.control.skip(direction, bytes);
    }
  }
}

/** An alert record header at the start of a server's TLS (`15 03 0x 00 02`). */
function findAlertRecordStart(bytes: Uint8Array, from: number): number {
  for (let i = Math.max(0, from); i + 5 <= bytes.length; i++) {
    if (bytes[i] === ContentType.alert && bytes[i + 1] === 0x03 && (u8At(bytes, i + 2) ?? 0xff) <= 0x04 && bytes[i + 3] === 0 && bytes[i + 4] === 2) return i;
  }
  return -1;
}
