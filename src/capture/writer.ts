/**
 * Capture writers: classic pcap and pcapng, in either byte order.
 *
 * They exist for the test-fixture generator, the round-trip tests of the reader and the
 * benchmark files, so they favour exactness (nanosecond timestamps, every resolution the
 * reader understands) over speed. `PcapWriter` / `PcapngWriter` produce the file piece by
 * piece for files too large to hold in memory; `encodePcap` / `encodePcapng` join the pieces.
 */
import type { Timestamp } from '../util/time.js';
import { concatBytes } from '../util/bytes.js';

/** One packet to write. */
export interface PacketRecord {
  readonly time: Timestamp;
  /** The captured bytes. */
  readonly bytes: Uint8Array;
  /** Length on the wire; defaults to `bytes.length`. */
  readonly originalLength?: number;
  /** pcapng interface index (default 0); ignored by the pcap writer. */
  readonly interfaceId?: number;
}

/** Options of the classic pcap writer. */
export interface PcapWriteOptions {
  /** LINKTYPE_* value written in the file header (upper bits may carry FCS information). */
  readonly linkType: number;
  /** Snap length in the file header. Default 262144. */
  readonly snapLength?: number;
  /** Nanosecond timestamps (magic a1b23c4d) instead of microseconds. */
  readonly nanosecond?: boolean;
  /** Write big-endian (default little-endian). */
  readonly bigEndian?: boolean;
}

/** One pcapng Interface Description Block. */
export interface PcapngInterfaceSpec {
  readonly linkType: number;
  /** Snap length; default 262144 (0 means "no limit"). */
  readonly snapLength?: number;
  /** Raw `if_tsresol` byte: 6 = µs (default, option omitted), 9 = ns, `0x80 | n` = 2^-n s. */
  readonly tsResolution?: number;
  /** `if_tsoffset` in seconds, added by readers to every timestamp of the interface. */
  readonly tsOffsetSeconds?: number;
  /** `if_name`. */
  readonly name?: string;
  /** `if_description`. */
  readonly description?: string;
  /** `if_fcslen` in bits, written when given. */
  readonly fcsLengthBits?: number;
}

/** A Decryption Secrets Block to place before a given packet. */
export interface PcapngSecretsSpec {
  /** Index (0-based) of the packet the block precedes; a value ≥ the packet count puts it at the end. */
  readonly beforePacketIndex: number;
  /** e.g. 0x544c534b ("TLSK") for an NSS key log. */
  readonly secretsType: number;
  readonly data: Uint8Array;
}

/** Options of the pcapng writer. */
export interface PcapngWriteOptions {
  readonly interfaces: readonly PcapngInterfaceSpec[];
  /** Write big-endian (default little-endian). */
  readonly bigEndian?: boolean;
  readonly decryptionSecrets?: readonly PcapngSecretsSpec[];
  /**
   * Write packets of interface 0 as Simple Packet Blocks (no timestamp, no interface id).
   * A reader derives the captured length as min(original length, snap length, block room),
   * so a packet cut by the snap length round-trips only when its captured length equals
   * the interface's snap length; padding makes other cut packets ambiguous.
   */
  readonly useSimplePacketBlocks?: boolean;
}

/** Default snap length of both writers (tcpdump's). */
const DEFAULT_WRITE_SNAP_LENGTH = 262_144;

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;

/** pcapng block types written here (pcapng draft, section 4). */
const PCAPNG_BLOCK = {
  sectionHeader: 0x0a0d0d0a,
  interfaceDescription: 0x00000001,
  packetObsolete: 0x00000002,
  simplePacket: 0x00000003,
  nameResolution: 0x00000004,
  interfaceStatistics: 0x00000005,
  enhancedPacket: 0x00000006,
  decryptionSecrets: 0x0000000a,
} as const;

/** Byte-order magic of the pcapng Section Header Block. */
const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;

function checkU32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`${what} must be an integer in 0..2^32-1, got ${value}`);
  }
  return value;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/**
 * Writes a classic pcap file piece by piece.
 *
 * ```
 * struct pcap_file_header { u32 magic; u16 version_major=2; u16 version_minor=4;
 *   i32 thiszone=0; u32 sigfigs=0; u32 snaplen; u32 linktype; }        // 24 bytes
 * struct pcap_record { u32 ts_sec; u32 ts_frac; u32 incl_len; u32 orig_len; u8 data[incl_len]; }
 * ```
 */
export class PcapWriter {
  private readonly littleEndian: boolean;

  constructor(private readonly options: PcapWriteOptions) {
    this.littleEndian = !options.bigEndian;
  }

  /** The 24-byte file header. */
  header(): Uint8Array {
    const out = new Uint8Array(24);
    const view = new DataView(out.buffer);
    const le = this.littleEndian;
    view.setUint32(0, this.options.nanosecond ? PCAP_MAGIC_NS : PCAP_MAGIC_US, le);
    view.setUint16(4, 2, le);
    view.setUint16(6, 4, le);
    view.setUint32(16, checkU32(this.options.snapLength ?? DEFAULT_WRITE_SNAP_LENGTH, 'snapLength'), le);
    view.setUint32(20, checkU32(this.options.linkType, 'linkType'), le);
    return out;
  }

  /** One record: 16-byte header plus the captured bytes. */
  packet(p: PacketRecord): Uint8Array {
    const out = new Uint8Array(16 + p.bytes.length);
    const view = new DataView(out.buffer);
    const le = this.littleEndian;
    const frac = this.options.nanosecond ? p.time.nsec : Math.floor(p.time.nsec / 1000);
    view.setUint32(0, checkU32(p.time.sec, 'time.sec'), le);
    view.setUint32(4, checkU32(frac, 'time.nsec'), le);
    view.setUint32(8, p.bytes.length, le);
    view.setUint32(12, checkU32(p.originalLength ?? p.bytes.length, 'originalLength'), le);
    out.set(p.bytes, 16);
    return out;
  }
}

/** Timestamp units per second for a raw `if_tsresol` byte, as a BigInt (exact). */
function tsResolutionUnits(tsResolution: number): bigint {
  const exponent = BigInt(tsResolution & 0x7f);
  return (tsResolution & 0x80) !== 0 ? 1n << exponent : 10n ** exponent;
}

/**
 * Writes a pcapng file piece by piece: `header()` gives the Section Header Block and the
 * Interface Description Blocks, then `packet()` / `secrets()` give one block each.
 *
 * ```
 * block          { u32 type; u32 total_length; u8 body[]; u32 total_length; }   // 4-byte aligned
 * SHB body       { u32 byte_order_magic=0x1a2b3c4d; u16 major=1; u16 minor=0; i64 section_length=-1; options }
 * IDB body       { u16 linktype; u16 reserved; u32 snaplen; options }
 * EPB body       { u32 interface_id; u32 ts_high; u32 ts_low; u32 captured_len; u32 original_len;
 *                  u8 data[captured_len]; pad to 4; options }
 * SPB body       { u32 original_len; u8 data[]; pad to 4 }
 * DSB body       { u32 secrets_type; u32 secrets_len; u8 data[secrets_len]; pad to 4; options }
 * option         { u16 code; u16 length; u8 value[length]; pad to 4 }  // opt_endofopt = {0, 0}
 * ```
 */
export class PcapngWriter {
  private readonly littleEndian: boolean;
  private readonly units: bigint[];

  constructor(private readonly options: PcapngWriteOptions) {
    this.littleEndian = !options.bigEndian;
    this.units = options.interfaces.map((i) => tsResolutionUnits(i.tsResolution ?? 6));
  }

  /** Section Header Block followed by one Interface Description Block per interface. */
  header(): Uint8Array {
    const pieces: Uint8Array[] = [this.block(PCAPNG_BLOCK.sectionHeader, 16, (view, at) => {
      const le = this.littleEndian;
      view.setUint32(at, PCAPNG_BYTE_ORDER_MAGIC, le);
      view.setUint16(at + 4, 1, le);
      view.setUint16(at + 6, 0, le);
      view.setBigInt64(at + 8, -1n, le);
    })];
    for (const spec of this.options.interfaces) pieces.push(this.interfaceBlock(spec));
    return concatBytes(pieces);
  }

  /** An Enhanced Packet Block, or a Simple Packet Block when asked for and the interface is 0. */
  packet(p: PacketRecord): Uint8Array {
    const interfaceId = p.interfaceId ?? 0;
    const units = this.units[interfaceId];
    const spec = this.options.interfaces[interfaceId];
    if (units === undefined || spec === undefined) {
      throw new RangeError(`packet names interface ${interfaceId}, but only ${this.units.length} are declared`);
    }
    const original = checkU32(p.originalLength ?? p.bytes.length, 'originalLength');
    const data = p.bytes;
    if (this.options.useSimplePacketBlocks && interfaceId === 0) {
      return this.block(PCAPNG_BLOCK.simplePacket, 4 + pad4(data.length), (view, at, out) => {
        view.setUint32(at, original, this.littleEndian);
        out.set(data, at + 4);
      });
    }
    // The timestamp counts units since the epoch minus if_tsoffset; BigInt keeps it exact.
    const seconds = BigInt(p.time.sec) - BigInt(spec.tsOffsetSeconds ?? 0);
    const stamp = seconds * units + (BigInt(p.time.nsec) * units) / 1_000_000_000n;
    if (stamp < 0n || stamp >= 1n << 64n) throw new RangeError('timestamp does not fit the 64-bit pcapng field');
    return this.block(PCAPNG_BLOCK.enhancedPacket, 20 + pad4(data.length), (view, at, out) => {
      const le = this.littleEndian;
      view.setUint32(at, interfaceId, le);
      view.setUint32(at + 4, Number(stamp >> 32n), le);
      view.setUint32(at + 8, Number(stamp & 0xffffffffn), le);
      view.setUint32(at + 12, data.length, le);
      view.setUint32(at + 16, original, le);
      out.set(data, at + 20);
    });
  }

  /** A Decryption Secrets Block. */
  secrets(secretsType: number, data: Uint8Array): Uint8Array {
    return this.block(PCAPNG_BLOCK.decryptionSecrets, 8 + pad4(data.length), (view, at, out) => {
      view.setUint32(at, checkU32(secretsType, 'secretsType'), this.littleEndian);
      view.setUint32(at + 4, data.length, this.littleEndian);
      out.set(data, at + 8);
    });
  }

  private interfaceBlock(spec: PcapngInterfaceSpec): Uint8Array {
    const options: Uint8Array[] = [];
    const le = this.littleEndian;
    const text = new TextEncoder();
    if (spec.name !== undefined) options.push(this.option(2, text.encode(spec.name)));
    if (spec.description !== undefined) options.push(this.option(3, text.encode(spec.description)));
    if (spec.tsResolution !== undefined && spec.tsResolution !== 6) {
      options.push(this.option(9, Uint8Array.of(spec.tsResolution & 0xff)));
    }
    if (spec.fcsLengthBits !== undefined) options.push(this.option(13, Uint8Array.of(spec.fcsLengthBits & 0xff)));
    if (spec.tsOffsetSeconds !== undefined && spec.tsOffsetSeconds !== 0) {
      const value = new Uint8Array(8);
      new DataView(value.buffer).setBigInt64(0, BigInt(spec.tsOffsetSeconds), le);
      options.push(this.option(14, value));
    }
    if (options.length > 0) options.push(new Uint8Array(4)); // opt_endofopt
    const optionBytes = concatBytes(options);
    return this.block(PCAPNG_BLOCK.interfaceDescription, 8 + optionBytes.length, (view, at, out) => {
      view.setUint16(at, checkU32(spec.linkType, 'linkType') & 0xffff, le);
      view.setUint32(at + 4, checkU32(spec.snapLength ?? DEFAULT_WRITE_SNAP_LENGTH, 'snapLength'), le);
      out.set(optionBytes, at + 8);
    });
  }

  private option(code: number, value: Uint8Array): Uint8Array {
    const out = new Uint8Array(4 + pad4(value.length));
    const view = new DataView(out.buffer);
    view.setUint16(0, code, this.littleEndian);
    view.setUint16(2, value.length, this.littleEndian);
    out.set(value, 4);
    return out;
  }

  /** A block with `bodyLength` (already padded) bytes of body, filled in by `fill`. */
  private block(type: number, bodyLength: number, fill: (view: DataView, at: number, out: Uint8Array) => void): Uint8Array {
    const total = 12 + bodyLength;
    const out = new Uint8Array(total);
    const view = new DataView(out.buffer);
    view.setUint32(0, type, this.littleEndian);
    view.setUint32(4, total, this.littleEndian);
    fill(view, 8, out);
    view.setUint32(total - 4, total, this.littleEndian);
    return out;
  }
}

/** Encodes packets as one classic pcap file. */
export function encodePcap(packets: Iterable<PacketRecord>, options: PcapWriteOptions): Uint8Array {
  const writer = new PcapWriter(options);
  const pieces = [writer.header()];
  for (const p of packets) pieces.push(writer.packet(p));
  return concatBytes(pieces);
}

/** Encodes packets as one pcapng file (one section, little-endian unless asked otherwise). */
export function encodePcapng(packets: Iterable<PacketRecord>, options: PcapngWriteOptions): Uint8Array {
  const writer = new PcapngWriter(options);
  const secrets = [...(options.decryptionSecrets ?? [])].sort((a, b) => a.beforePacketIndex - b.beforePacketIndex);
  const pieces = [writer.header()];
  let next = 0;
  let index = 0;
  for (const p of packets) {
    for (let s = secrets[next]; s !== undefined && s.beforePacketIndex <= index; s = secrets[++next]) {
      pieces.push(writer.secrets(s.secretsType, s.data));
    }
    pieces.push(writer.packet(p));
    index++;
  }
  for (let s = secrets[next]; s !== undefined; s = secrets[++next]) pieces.push(writer.secrets(s.secretsType, s.data));
  return concatBytes(pieces);
}

/** Joins byte arrays into one (re-exported for users of the writer). */
export { concatBytes };
