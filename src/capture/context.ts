/**
 * State shared by the format parsers and the chunk driver: resolved limits, the packet
 * sink, frame numbering, the bounded anomaly list, and the stop flag.
 */
import { AnomalyLog } from '../util/anomaly.js';
import { nonNegative } from '../util/limit-value.js';
import type { Anomaly, AnomalySeverity } from '../util/anomaly.js';
import type { Timestamp } from '../util/time.js';
import type { CaptureInfo, CaptureInterface, CaptureReaderOptions, DecryptionSecrets, PacketSink } from './types.js';

/** Defaults of every reader limit (see {@link CaptureReaderOptions}). */
export const CAPTURE_DEFAULTS = Object.freeze({
  /** tcpdump's default snap length: no real capture has longer records. */
  maxPacketBytes: 262_144,
  /** Largest pcapng block: a packet of maxPacketBytes plus generous room for options. */
  maxBlockBytes: 16 * 1024 * 1024,
  maxInterfaces: 1024,
  chunkBytes: 1024 * 1024,
  /** Capture anomalies kept in the result; the rest are counted. */
  maxAnomalies: 1000,
  /** Anomalies of one repetitive code (e.g. time going backwards) listed one by one before a summary. */
  maxAnomaliesPerCode: 20,
  /** Longest if_name / if_description kept, in characters. */
  maxInterfaceNameChars: 256,
} as const);

/** Where a unit parser is asked to look: `buf[start..end)` begins at file offset `base`. */
export interface UnitParser {
  /**
   * Parses every complete unit (header, record, block) in `buf[start..end)` synchronously
   * and returns the number of bytes consumed. When it stops at an incomplete unit, `need`
   * holds the total size (from the unit's first byte) it must see to make progress, which
   * is always more than what was left. Mutates no state for a unit it has not consumed.
   */
  parse(buf: Uint8Array, view: DataView, start: number, end: number, base: number): number;
  /** Bytes the next unit needs (see `parse`). */
  readonly need: number;
  /** True once the file header (pcap header, first pcapng SHB) has been read. */
  readonly headerDone: boolean;
  /** Describes the unit that was cut by the end of the input, for the truncation anomaly. */
  describeCut(available: number): CutUnit;
}

/** The unit the end of the input cut: "packet 7 (30 of 74 bytes)", and its frame number when it is a packet. */
export interface CutUnit {
  readonly what: string;
  readonly frame?: number;
}

/** Mutable state of one read. */
export class ReaderContext {
  readonly maxPacketBytes: number;
  readonly maxBlockBytes: number;
  readonly maxInterfaces: number;
  readonly anomalies: AnomalyLog;
  readonly interfaces: CaptureInterface[] = [];
  /** Packets delivered so far (= frame number of the last one). */
  frames = 0;
  stopped = false;
  /** Reading was stopped by a length that cannot be trusted, a bad block or an abort. */
  stoppedEarly = false;
  /** The packet the end of the file cut short (see `CaptureResult.cutFrame`). */
  cutFrame: number | null = null;
  info: CaptureInfo | undefined;
  lastTime: Timestamp | undefined;
  private readonly perCode = new Map<string, number>();
  private readonly suppressed = new Map<string, { count: number; severity: AnomalySeverity; what: string }>();

  constructor(
    readonly sink: PacketSink,
    readonly options: CaptureReaderOptions,
    readonly label: string,
  ) {
    this.maxPacketBytes = positive(options.maxPacketBytes, CAPTURE_DEFAULTS.maxPacketBytes);
    this.maxBlockBytes = positive(options.maxBlockBytes, CAPTURE_DEFAULTS.maxBlockBytes);
    this.maxInterfaces = positive(options.maxInterfaces, CAPTURE_DEFAULTS.maxInterfaces);
    this.anomalies = new AnomalyLog(Math.floor(nonNegative(options.maxCaptureAnomalies, CAPTURE_DEFAULTS.maxAnomalies)), 'maxCaptureAnomalies');
  }

  /** Records the file header and tells the caller. */
  setInfo(info: CaptureInfo): void {
    this.info = info;
    this.options.onInfo?.(info);
  }

  /**
   * Adds an anomaly. Codes that can repeat once per packet are listed individually up to
   * a bound, then only counted and summarized at the end (`what` names one occurrence).
   */
  note(code: string, severity: AnomalySeverity, message: string, frame?: number, offset?: number, what?: string): void {
    const seen = (this.perCode.get(code) ?? 0) + 1;
    this.perCode.set(code, seen);
    if (what !== undefined && seen > CAPTURE_DEFAULTS.maxAnomaliesPerCode) {
      const s = this.suppressed.get(code);
      if (s === undefined) this.suppressed.set(code, { count: 1, severity, what });
      else s.count++;
      return;
    }
    const anomaly: Anomaly = { code, severity, message, ...(frame !== undefined ? { frame } : {}), ...(offset !== undefined ? { offset } : {}) };
    this.anomalies.add(anomaly);
  }

  /** Stops reading because the bytes at `offset` cannot be trusted. */
  stop(code: string, message: string, frame: number | undefined, offset: number): void {
    this.note(code, 'violation', message, frame, offset);
    this.stopped = true;
    this.stoppedEarly = true;
  }

  /** Stops reading because the caller aborted. */
  abort(): void {
    // Stopped by the caller's signal (Ctrl-C on the command line), the report says so; a
    // reader cancelled by its own consumer (the split run) has nothing to tell.
    if (!this.stopped && this.options.signal?.aborted === true) {
      this.note('capture.interrupted', 'weird', `Reading was interrupted after ${this.frames} packets; the rest of the input was not read.`);
    }
    this.stopped = true;
    this.stoppedEarly = true;
  }

  /** Checks that time does not go backwards (in file order, across interfaces). */
  checkTime(time: Timestamp, frame: number, offset: number): void {
    const last = this.lastTime;
    if (last !== undefined && (time.sec < last.sec || (time.sec === last.sec && time.nsec < last.nsec))) {
      this.note(
        'capture.time_backwards',
        'weird',
        `Packet ${frame} is timestamped before the packet ahead of it (${formatTime(time)} < ${formatTime(last)}).`,
        frame,
        offset,
        'packets timestamped before the packet ahead of them',
      );
    }
    this.lastTime = time;
  }

  /** Decryption secrets: handed over as a copy (the buffer is reused). */
  secrets(secretsType: number, data: Uint8Array): void {
    const hook = this.options.onDecryptionSecrets;
    if (hook === undefined) return;
    const s: DecryptionSecrets = { secretsType, data: new Uint8Array(data), afterFrame: this.frames };
    hook(s);
  }

  /** The anomalies, with one summary line per code whose repeats were only counted. */
  finishAnomalies(): readonly Anomaly[] {
    for (const [code, s] of this.suppressed) {
      this.anomalies.add({ code, severity: s.severity, message: `${s.count} more ${s.what} were not listed one by one.` });
    }
    this.suppressed.clear();
    return this.anomalies.list();
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

function formatTime(t: Timestamp): string {
  return `${t.sec}.${String(t.nsec).padStart(9, '0')}`;
}
