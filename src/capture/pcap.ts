/**
 * Classic pcap (libpcap "savefile") records.
 *
 * ```
 * struct pcap_file_header {          // 24 bytes, in the writer's byte order
 *   u32 magic;                       // a1b2c3d4 (µs) or a1b23c4d (ns)
 *   u16 version_major;               // 2
 *   u16 version_minor;               // 4
 *   i32 thiszone;                    // always 0 in practice, ignored (as libpcap does)
 *   u32 sigfigs;                     // ignored
 *   u32 snaplen;                     // 0 = unlimited in some writers
 *   u32 linktype;                    // bits 0-15 LINKTYPE_*, bit 26 FCS-length present, bits 28-31 FCS length in 16-bit words
 * };
 * struct pcap_record {               // 16-byte header, then incl_len bytes
 *   u32 ts_sec; u32 ts_frac;         // ts_frac < 10^6 (µs) or < 10^9 (ns)
 *   u32 incl_len;                    // <= maxPacketBytes
 *   u32 orig_len;                    // >= incl_len
 *   u8  data[incl_len];
 * };
 * ```
 */
import type { CutUnit, ReaderContext, UnitParser } from './context.js';
import type { CaptureInterface, Packet } from './types.js';

const HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;

/** libpcap's LT_LINKTYPE / LT_FCS_LENGTH_PRESENT / LT_FCS_LENGTH. */
const LINKTYPE_MASK = 0x0000ffff;
const FCS_PRESENT = 0x04000000;

export class PcapParser implements UnitParser {
  need = HEADER_BYTES;
  headerDone = false;
  private linkType = 0;
  private snapLength = 0;
  /** Units of ts_frac per second. */
  private readonly units: number;
  private readonly nsPerUnit: number;

  constructor(
    private readonly ctx: ReaderContext,
    private readonly littleEndian: boolean,
    private readonly nanosecond: boolean,
    private readonly gzip: boolean,
  ) {
    this.units = nanosecond ? 1_000_000_000 : 1_000_000;
    this.nsPerUnit = nanosecond ? 1 : 1000;
  }

  parse(buf: Uint8Array, view: DataView, start: number, end: number, base: number): number {
    const ctx = this.ctx;
    const le = this.littleEndian;
    let pos = start;
    if (!this.headerDone) {
      if (end - pos < HEADER_BYTES) {
        this.need = HEADER_BYTES;
        return 0;
      }
      this.readHeader(view, pos);
      pos += HEADER_BYTES;
    }
    const max = ctx.maxPacketBytes;
    const snap = this.snapLength;
    const units = this.units;
    const nsPerUnit = this.nsPerUnit;
    const linkType = this.linkType;
    const sink = ctx.sink;
    const signal = ctx.options.signal;
    while (!ctx.stopped) {
      // Checked before each packet: an abort from inside the callback stops after that packet.
      if (signal !== undefined && signal.aborted) {
        ctx.abort();
        break;
      }
      if (end - pos < RECORD_HEADER_BYTES) {
        this.need = RECORD_HEADER_BYTES;
        break;
      }
      const captured = view.getUint32(pos + 8, le);
      const frame = ctx.frames + 1;
      if (captured > max) {
        ctx.stop(
          'capture.bad_length',
          `Packet ${frame} claims ${captured} captured bytes, more than the limit of ${max} (maxPacketBytes); the file is damaged from byte ${base + pos - start} on, so reading stopped there.`,
          frame,
          base + pos - start,
        );
        break;
      }
      const total = RECORD_HEADER_BYTES + captured;
      if (end - pos < total) {
        this.need = total;
        break;
      }
      const offset = base + pos - start;
      let sec = view.getUint32(pos, le);
      let frac = view.getUint32(pos + 4, le);
      const original = view.getUint32(pos + 12, le);
      if (frac >= units) {
        ctx.note(
          'capture.bad_timestamp',
          'weird',
          `Packet ${frame} has a fraction of a second of ${frac} ${this.nanosecond ? 'ns' : 'µs'}, not below one second; it was carried into the seconds.`,
          frame,
          offset,
          'packets with a fraction of a second of one second or more',
        );
        sec += Math.floor(frac / units);
        frac %= units;
      }
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
      if (snap !== 0 && captured > snap) {
        ctx.note(
          'capture.exceeds_snaplen',
          'weird',
          `Packet ${frame} has ${captured} captured bytes, more than the file's snap length of ${snap}.`,
          frame,
          offset,
          'packets longer than the snap length',
        );
      }
      const time = { sec, nsec: frac * nsPerUnit };
      ctx.checkTime(time, frame, offset);
      ctx.frames = frame;
      const packet: Packet = {
        frame,
        time,
        linkType,
        interfaceId: 0,
        bytes: buf.subarray(pos + RECORD_HEADER_BYTES, pos + total),
        capturedLength: captured,
        originalLength: original,
      };
      pos += total;
      sink(packet);
    }
    return pos - start;
  }

  describeCut(available: number): CutUnit {
    if (!this.headerDone) return { what: `its pcap file header (${available} of ${HEADER_BYTES} bytes)` };
    const frame = this.ctx.frames + 1;
    if (available < RECORD_HEADER_BYTES) return { what: `the header of packet ${frame} (${available} of ${RECORD_HEADER_BYTES} bytes)`, frame };
    return { what: `packet ${frame} (${available} of ${this.need} bytes)`, frame };
  }

  private readHeader(view: DataView, pos: number): void {
    const le = this.littleEndian;
    const major = view.getUint16(pos + 4, le);
    const minor = view.getUint16(pos + 6, le);
    this.snapLength = view.getUint32(pos + 16, le);
    const linkField = view.getUint32(pos + 20, le);
    this.linkType = linkField & LINKTYPE_MASK;
    this.headerDone = true;
    if (major !== 2) {
      this.ctx.note('capture.unusual_version', 'weird', `The pcap header says version ${major}.${minor}, not 2.4; the records were read as 2.4.`, undefined, 0);
    }
    const iface: CaptureInterface = {
      id: 0,
      linkType: this.linkType,
      snapLength: this.snapLength,
      unitsPerSecond: this.units,
      offsetSeconds: 0,
      ...((linkField & FCS_PRESENT) !== 0 ? { fcsLength: ((linkField >>> 28) & 0xf) * 2 } : {}),
    };
    this.ctx.interfaces.push(iface);
    this.ctx.setInfo({ format: 'pcap', gzip: this.gzip, byteOrder: le ? 'little' : 'big', version: `${major}.${minor}` });
  }
}
