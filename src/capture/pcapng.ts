/**
 * pcapng blocks (draft-ietf-opsawg-pcapng).
 *
 * ```
 * block { u32 block_type; u32 block_total_length; u8 body[length - 12]; u32 block_total_length; }
 *   // length >= 12, a multiple of 4, <= maxBlockBytes; both length fields equal
 * SHB  0x0A0D0D0A { u32 byte_order_magic = 0x1A2B3C4D; u16 major = 1; u16 minor; i64 section_length (-1 = unknown); options }
 *   // starts a section: its byte order and interface numbering hold until the next SHB
 * IDB  0x00000001 { u16 linktype; u16 reserved; u32 snaplen; options }
 *   // if_name(2) if_description(3) if_tsresol(9, u8) if_fcslen(13, u8 bits) if_tsoffset(14, i64 s)
 * EPB  0x00000006 { u32 interface_id; u32 ts_high; u32 ts_low; u32 captured_len; u32 original_len; u8 data[captured_len]; pad; options }
 * SPB  0x00000003 { u32 original_len; u8 data[min(original_len, snaplen, length - 16)]; pad }   // interface 0, no timestamp
 * PB   0x00000002 { u16 interface_id; u16 drops_count; u32 ts_high; u32 ts_low; u32 captured_len; u32 original_len; u8 data[]; pad; options }  // obsolete
 * DSB  0x0000000A { u32 secrets_type; u32 secrets_len; u8 data[secrets_len]; pad; options }
 * option { u16 code; u16 length; u8 value[length]; pad to 4 }   // code 0 = opt_endofopt
 * ```
 * Any other block (ISB, NRB, custom, systemd journal, …) is skipped whole.
 */
import { TlsAutopsyError } from '../util/errors.js';
import type { Timestamp } from '../util/time.js';
import { u8At } from '../util/wire-read.js';
import { CAPTURE_DEFAULTS } from './context.js';
import type { CutUnit, ReaderContext, UnitParser } from './context.js';
import { MICROSECONDS, decodeTsResolution, makeTimeConverter } from './timestamp.js';
import type { TimeConverter, TsResolution } from './timestamp.js';
import type { CaptureInterface, Packet } from './types.js';

const BLOCK_SHB = 0x0a0d0d0a;
const BLOCK_IDB = 0x00000001;
const BLOCK_PB = 0x00000002;
const BLOCK_SPB = 0x00000003;
const BLOCK_EPB = 0x00000006;
const BLOCK_DSB = 0x0000000a;

/** Bytes needed to read any block's type and length (12: the SHB's length needs its byte-order magic). */
const BLOCK_PEEK = 12;
const MIN_SHB = 28;
const BOM_BIG = 0x1a2b3c4d;
const BOM_SWAPPED = 0x4d3c2b1a;

const OPT_END = 0;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const IF_FCSLEN = 13;
const IF_TSOFFSET = 14;

/** An interface of the current section. */
interface SectionInterface {
  readonly iface: CaptureInterface;
  readonly convert: TimeConverter;
}

const utf8 = new TextDecoder('utf-8');
const EPOCH: Timestamp = { sec: 0, nsec: 0 };

function blockName(type: number): string {
  switch (type) {
    case BLOCK_SHB:
      return 'section header block';
    case BLOCK_IDB:
      return 'interface description block';
    case BLOCK_EPB:
      return 'enhanced packet block';
    case BLOCK_SPB:
      return 'simple packet block';
    case BLOCK_PB:
      return 'packet block';
    case BLOCK_DSB:
      return 'decryption secrets block';
    default:
      return `block of type 0x${type.toString(16).padStart(8, '0')}`;
  }
}

export class PcapngParser implements UnitParser {
  need = BLOCK_PEEK;
  headerDone = false;
  private littleEndian = true;
  private section: SectionInterface[] = [];
  /** Type of the block that was incomplete at the last return (for the truncation message only). */
  private pendingType: number | undefined;

  constructor(
    private readonly ctx: ReaderContext,
    private readonly gzip: boolean,
  ) {}

  parse(buf: Uint8Array, view: DataView, start: number, end: number, base: number): number {
    const ctx = this.ctx;
    const maxBlock = ctx.maxBlockBytes;
    let pos = start;
    this.pendingType = undefined;
    const signal = ctx.options.signal;
    while (!ctx.stopped) {
      // Checked before each block after the first section header (so the file is identified):
      // an abort from inside the callback stops after that packet.
      if (signal !== undefined && signal.aborted && this.headerDone) {
        ctx.abort();
        break;
      }
      const available = end - pos;
      if (available < BLOCK_PEEK) {
        this.need = BLOCK_PEEK;
        break;
      }
      const offset = base + pos - start;
      const type = view.getUint32(pos, this.littleEndian);
      let le = this.littleEndian;
      if (type === BLOCK_SHB) {
        // The block type is a palindrome; the byte-order magic tells how to read the rest.
        const bom = view.getUint32(pos + 8, false);
        if (bom === BOM_BIG) le = false;
        else if (bom === BOM_SWAPPED) le = true;
        else {
          this.bad(`The section header block at byte ${offset} has the byte-order magic 0x${bom.toString(16)} instead of 0x1a2b3c4d`, offset);
          break;
        }
      } else if (!this.headerDone) {
        throw new TlsAutopsyError('not-a-capture', `${ctx.label} does not start with a pcapng section header; save the capture as pcap or pcapng.`);
      }
      const length = view.getUint32(pos + 4, le);
      if (length < BLOCK_PEEK || length % 4 !== 0 || (type === BLOCK_SHB && length < MIN_SHB)) {
        this.bad(`The ${blockName(type)} at byte ${offset} has an impossible length of ${length} bytes`, offset);
        break;
      }
      if (length > maxBlock) {
        this.bad(`The ${blockName(type)} at byte ${offset} claims ${length} bytes, more than the limit of ${maxBlock} (maxBlockBytes)`, offset);
        break;
      }
      if (available < length) {
        this.need = length;
        this.pendingType = type;
        break;
      }
      const trailer = view.getUint32(pos + length - 4, le);
      if (trailer !== length) {
        this.bad(`The ${blockName(type)} at byte ${offset} starts with a length of ${length} but ends with ${trailer}`, offset);
        break;
      }
      switch (type) {
        case BLOCK_EPB:
          this.packetBlock(buf, view, pos, length, offset, le, false);
          break;
        case BLOCK_SPB:
          this.simplePacketBlock(buf, view, pos, length, offset, le);
          break;
        case BLOCK_PB:
          this.packetBlock(buf, view, pos, length, offset, le, true);
          break;
        case BLOCK_IDB:
          this.interfaceBlock(buf, view, pos, length, offset, le);
          break;
        case BLOCK_SHB:
          this.sectionHeader(view, pos, offset, le);
          break;
        case BLOCK_DSB:
          this.secretsBlock(buf, view, pos, length, offset, le);
          break;
        default:
          // ISB, NRB, custom and unknown blocks carry nothing the analysis uses.
          break;
      }
      // A block that stopped the read is not consumed.
      if (ctx.stopped) break;
      pos += length;
    }
    return pos - start;
  }

  describeCut(available: number): CutUnit {
    if (!this.headerDone) return { what: `its pcapng section header (${available} bytes)` };
    const type = this.pendingType;
    if (type === undefined) return { what: `a block header (${available} of ${BLOCK_PEEK} bytes)` };
    if (type === BLOCK_EPB || type === BLOCK_SPB || type === BLOCK_PB) {
      const frame = this.ctx.frames + 1;
      return { what: `packet ${frame} (${available} of ${this.need} bytes)`, frame };
    }
    return { what: `a ${blockName(type)} (${available} of ${this.need} bytes)` };
  }

  /** A block that cannot be trusted: in the first section header it means "not a capture". */
  private bad(message: string, offset: number): void {
    if (!this.headerDone) {
      throw new TlsAutopsyError('not-a-capture', `${this.ctx.label} has a damaged pcapng header: ${message.charAt(0).toLowerCase()}${message.slice(1)}.`);
    }
    this.ctx.stop('capture.bad_block', `${message}; reading stopped there.`, undefined, offset);
  }

  private sectionHeader(view: DataView, pos: number, offset: number, le: boolean): void {
    const major = view.getUint16(pos + 12, le);
    const minor = view.getUint16(pos + 14, le);
    if (major !== 1) {
      if (!this.headerDone) {
        throw new TlsAutopsyError('unsupported-capture', `${this.ctx.label} is pcapng version ${major}.${minor}, which is not supported (only 1.x is); convert it with editcap.`);
      }
      this.ctx.stop('capture.bad_block', `The section header block at byte ${offset} announces pcapng version ${major}.${minor}, which is not supported; reading stopped there.`, undefined, offset);
      return;
    }
    this.littleEndian = le;
    // Interface numbers restart in every section (they index this section's IDBs).
    this.section = [];
    if (!this.headerDone) {
      this.headerDone = true;
      this.ctx.setInfo({ format: 'pcapng', gzip: this.gzip, byteOrder: le ? 'little' : 'big', version: `${major}.${minor}` });
    }
  }

  private interfaceBlock(buf: Uint8Array, view: DataView, pos: number, length: number, offset: number, le: boolean): void {
    const ctx = this.ctx;
    if (length < 20) {
      this.bad(`The interface description block at byte ${offset} is too short (${length} bytes)`, offset);
      return;
    }
    if (ctx.interfaces.length >= ctx.maxInterfaces) {
      ctx.stop('capture.too_many_interfaces', `The file declares more than ${ctx.maxInterfaces} interfaces (maxInterfaces); reading stopped at byte ${offset}.`, undefined, offset);
      return;
    }
    const linkType = view.getUint16(pos + 8, le);
    const snapLength = view.getUint32(pos + 12, le);
    let resolution: TsResolution = MICROSECONDS;
    let offsetSeconds = 0;
    let name: string | undefined;
    let description: string | undefined;
    let fcsLength: number | undefined;
    const id = ctx.interfaces.length;
    // Options run from after the fixed fields to before the trailing length.
    let at = pos + 16;
    const stop = pos + length - 4;
    while (stop - at >= 4) {
      const code = view.getUint16(at, le);
      const size = view.getUint16(at + 2, le);
      if (code === OPT_END) break;
      if (size > stop - at - 4) {
        ctx.note('capture.bad_option', 'weird', `Option ${code} of interface ${id} (byte ${offset}) claims ${size} bytes, more than its block holds; the remaining options were ignored.`, undefined, offset);
        break;
      }
      const value = at + 4;
      switch (code) {
        case IF_NAME:
          name = utf8.decode(buf.subarray(value, value + size)).slice(0, CAPTURE_DEFAULTS.maxInterfaceNameChars);
          break;
        case IF_DESCRIPTION:
          description = utf8.decode(buf.subarray(value, value + size)).slice(0, CAPTURE_DEFAULTS.maxInterfaceNameChars);
          break;
        case IF_TSRESOL: {
          const byte = size >= 1 ? u8At(buf, value, stop) : undefined;
          if (byte !== undefined) {
            const decoded = decodeTsResolution(byte);
            if (decoded === undefined) {
              ctx.note('capture.bad_tsresol', 'weird', `Interface ${id} has the timestamp resolution byte 0x${byte.toString(16)}, which is finer than a 64-bit timestamp can count; microseconds were assumed.`, undefined, offset);
            } else {
              resolution = decoded;
            }
          }
          break;
        }
        case IF_FCSLEN: {
          const bits = size >= 1 ? u8At(buf, value, stop) : undefined;
          if (bits !== undefined) fcsLength = Math.floor(bits / 8);
          break;
        }
        case IF_TSOFFSET:
          if (size >= 8) offsetSeconds = Number(view.getBigInt64(value, le));
          break;
        default:
          break;
      }
      at = value + ((size + 3) & ~3);
    }
    const iface: CaptureInterface = {
      id,
      linkType,
      snapLength,
      unitsPerSecond: resolution.unitsPerSecond,
      offsetSeconds,
      ...(name !== undefined ? { name } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(fcsLength !== undefined ? { fcsLength } : {}),
    };
    ctx.interfaces.push(iface);
    this.section.push({ iface, convert: makeTimeConverter(resolution, offsetSeconds) });
  }

  private packetBlock(buf: Uint8Array, view: DataView, pos: number, length: number, offset: number, le: boolean, obsolete: boolean): void {
    const ctx = this.ctx;
    const frame = ctx.frames + 1;
    if (length < 32) {
      this.bad(`The ${blockName(obsolete ? BLOCK_PB : BLOCK_EPB)} of packet ${frame} at byte ${offset} is too short (${length} bytes)`, offset);
      return;
    }
    const interfaceId = obsolete ? view.getUint16(pos + 8, le) : view.getUint32(pos + 8, le);
    const captured = view.getUint32(pos + 20, le);
    const original = view.getUint32(pos + 24, le);
    const entry = this.section[interfaceId];
    if (entry === undefined) {
      ctx.stop('capture.bad_block', `Packet ${frame} at byte ${offset} names interface ${interfaceId}, but its section declares only ${this.section.length}; reading stopped there.`, frame, offset);
      return;
    }
    if (captured > ctx.maxPacketBytes) {
      ctx.stop(
        'capture.bad_length',
        `Packet ${frame} claims ${captured} captured bytes, more than the limit of ${ctx.maxPacketBytes} (maxPacketBytes); reading stopped at byte ${offset}.`,
        frame,
        offset,
      );
      return;
    }
    if (captured > length - 32) {
      ctx.stop('capture.bad_block', `Packet ${frame} claims ${captured} captured bytes, but its block at byte ${offset} has room for ${length - 32}; reading stopped there.`, frame, offset);
      return;
    }
    const time = entry.convert(view.getUint32(pos + 12, le), view.getUint32(pos + 16, le));
    ctx.checkTime(time, frame, offset);
    this.deliver(buf, pos + 28, captured, original, entry.iface, time, frame, offset);
  }

  private simplePacketBlock(buf: Uint8Array, view: DataView, pos: number, length: number, offset: number, le: boolean): void {
    const ctx = this.ctx;
    const frame = ctx.frames + 1;
    if (length < 16) {
      this.bad(`The simple packet block of packet ${frame} at byte ${offset} is too short (${length} bytes)`, offset);
      return;
    }
    const entry = this.section[0];
    if (entry === undefined) {
      ctx.stop('capture.bad_block', `Packet ${frame} at byte ${offset} is a simple packet block, but its section declares no interface; reading stopped there.`, frame, offset);
      return;
    }
    const original = view.getUint32(pos + 8, le);
    const snap = entry.iface.snapLength;
    // An SPB does not store its captured length: it is what the snap length and the block allow.
    let captured = Math.min(original, length - 16);
    if (snap !== 0 && snap < captured) captured = snap;
    if (captured > ctx.maxPacketBytes) {
      ctx.stop(
        'capture.bad_length',
        `Packet ${frame} holds ${captured} captured bytes, more than the limit of ${ctx.maxPacketBytes} (maxPacketBytes); reading stopped at byte ${offset}.`,
        frame,
        offset,
      );
      return;
    }
    // No timestamp in an SPB: it keeps the time of the packet before it, so durations stay sane.
    this.deliver(buf, pos + 12, captured, original, entry.iface, ctx.lastTime ?? EPOCH, frame, offset);
  }

  private secretsBlock(buf: Uint8Array, view: DataView, pos: number, length: number, offset: number, le: boolean): void {
    if (length < 20) {
      this.bad(`The decryption secrets block at byte ${offset} is too short (${length} bytes)`, offset);
      return;
    }
    const secretsType = view.getUint32(pos + 8, le);
    const size = view.getUint32(pos + 12, le);
    if (size > length - 20) {
      this.bad(`The decryption secrets block at byte ${offset} claims ${size} bytes of secrets, but has room for ${length - 20}`, offset);
      return;
    }
    this.ctx.secrets(secretsType, buf.subarray(pos + 16, pos + 16 + size));
  }

  private deliver(buf: Uint8Array, at: number, captured: number, original: number, iface: CaptureInterface, time: Timestamp, frame: number, offset: number): void {
    const ctx = this.ctx;
    if (captured > original) {
      ctx.note(
        'capture.captured_longer_than_original',
        'weird',
        `Packet ${frame} has ${captured} captured bytes but an original length of only ${original}.`,
        frame,
        offset,
        'packets with more captured bytes than their original length',
      );
    }
    if (iface.snapLength !== 0 && captured > iface.snapLength) {
      ctx.note(
        'capture.exceeds_snaplen',
        'weird',
        `Packet ${frame} has ${captured} captured bytes, more than the snap length of its interface (${iface.snapLength}).`,
        frame,
        offset,
        'packets longer than the snap length',
      );
    }
    ctx.frames = frame;
    const packet: Packet = {
      frame,
      time,
      linkType: iface.linkType,
      interfaceId: iface.id,
      bytes: buf.subarray(at, at + captured),
      capturedLength: captured,
      originalLength: original,
    };
    ctx.sink(packet);
  }
}
