import type { Readable } from 'node:stream';
import type { Anomaly } from '../util/anomaly.js';
import type { Timestamp } from '../util/time.js';

/** File formats the reader understands (gzip around either is transparent). */
export type CaptureFormat = 'pcap' | 'pcapng';

/**
 * One captured packet.
 *
 * `bytes` is a view into the reader's buffer: it is valid only during the synchronous
 * `onPacket` callback. A consumer that keeps bytes past the callback must copy them
 * (the flow layer copies only what it must hold out of order).
 */
export interface Packet {
  /** 1-based frame number, as Wireshark numbers them (counts every packet block, of every interface). */
  readonly frame: number;
  readonly time: Timestamp;
  /** LINKTYPE_* value of the packet's interface. */
  readonly linkType: number;
  /** Interface index (pcapng IDB order, 0 for pcap). */
  readonly interfaceId: number;
  /** The captured bytes (a view, no copy). */
  readonly bytes: Uint8Array;
  /** Number of bytes captured (= bytes.length). */
  readonly capturedLength: number;
  /** Length of the packet on the wire; larger than capturedLength when the snap length cut it. */
  readonly originalLength: number;
}

/** A capture interface: pcap has one, pcapng one per Interface Description Block. */
export interface CaptureInterface {
  readonly id: number;
  readonly linkType: number;
  /** 0 means "no limit". */
  readonly snapLength: number;
  /** Timestamp units per second (pcap µs: 1e6, pcap ns: 1e9, pcapng: from if_tsresol). */
  readonly unitsPerSecond: number;
  /** pcapng if_tsoffset in seconds (0 when absent). */
  readonly offsetSeconds: number;
  /** pcapng if_name / if_description, when present. */
  readonly name?: string;
  readonly description?: string;
  /**
   * Length in bytes of the frame check sequence at the end of each packet, when the file
   * says so (pcap: the FCS bits of the link-type field; pcapng: if_fcslen).
   */
  readonly fcsLength?: number;
}

export interface CaptureInfo {
  readonly format: CaptureFormat;
  readonly gzip: boolean;
  /** 'little' or 'big': the byte order of the file (pcapng: of the first section). */
  readonly byteOrder: 'little' | 'big';
  /** pcap version or pcapng section version, e.g. "2.4", "1.0". */
  readonly version: string;
}

/** Decryption secrets found in a pcapng Decryption Secrets Block (used by the key log support). */
export interface DecryptionSecrets {
  /** Secrets type, e.g. 0x544c534b ("TLSK") for a TLS key log. */
  readonly secretsType: number;
  /** A copy of the secrets data. */
  readonly data: Uint8Array;
  /** Frame number after which the block appeared (0 = before the first packet). */
  readonly afterFrame: number;
}

/** What the reader says when it has finished. */
export interface CaptureResult {
  readonly info: CaptureInfo;
  readonly interfaces: readonly CaptureInterface[];
  /** Packets delivered to the callback. */
  readonly packets: number;
  /** Bytes of (decompressed) capture file consumed. */
  readonly bytesRead: number;
  /** Non-fatal problems: truncated file, bad block, lying length, … */
  readonly anomalies: readonly Anomaly[];
  /** True when reading stopped early (truncation or a length that cannot be trusted). */
  readonly stoppedEarly: boolean;
  /**
   * The frame of the packet the end of the file cut short (`capture.truncated_file`), or null
   * when the file ended between packets or inside a block that is not a packet.
   */
  readonly cutFrame: number | null;
}

/** Where to read from: a path, a Node stream (stdin), or any async iterable of bytes. */
export type CaptureSource = string | Readable | AsyncIterable<Uint8Array>;

/** Limits and hooks for the reader; every limit has a documented default. */
export interface CaptureReaderOptions {
  /**
   * Largest captured length accepted for one packet, whatever the snap length claims.
   * Default 262_144 (tcpdump's default snap length); a larger claim stops reading with an anomaly.
   */
  readonly maxPacketBytes?: number;
  /** Largest pcapng block accepted. Default 16 MiB. */
  readonly maxBlockBytes?: number;
  /** Most interfaces accepted in one pcapng file. Default 1024. */
  readonly maxInterfaces?: number;
  /** How to call the input in error messages (default: the path, or "the input" for streams). */
  readonly name?: string;
  /** Read size for files. Default 1 MiB. */
  readonly chunkBytes?: number;
  /** Capture anomalies listed one by one; the rest are counted by code in one line each. Default 1000. */
  readonly maxCaptureAnomalies?: number;
  /** Called once the file header is understood, before the first packet. */
  readonly onInfo?: (info: CaptureInfo) => void;
  /** Called for each pcapng Decryption Secrets Block. */
  readonly onDecryptionSecrets?: (secrets: DecryptionSecrets) => void;
  /**
   * Called after each chunk with the bytes read and packets delivered so far (decompressed bytes
   * when `gzip` is true, so they cannot be compared with the file size then). For progress displays.
   */
  readonly onProgress?: (bytesRead: number, packets: number, gzip: boolean) => void;
  /** Stop reading when aborted (the result then has stoppedEarly = true). */
  readonly signal?: AbortSignal;
  /**
   * Awaited before each read from the source (when it returns a promise): lets a consumer that
   * hands packets on to other threads hold the reader back until they catch up.
   */
  readonly beforeChunk?: () => Promise<void> | undefined;
}

/** Callback that receives each packet; its `bytes` are valid only during the call. */
export type PacketSink = (packet: Packet) => void;
