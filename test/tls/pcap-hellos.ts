/**
 * Test helper: pulls the first ClientHello / ServerHello handshake bodies out of a classic pcap or pcapng
 * by simple means (Ethernet, Linux SLL/SLL2, NULL/loopback, raw IP; IPv4/IPv6; TCP), without the full pipeline.
 * For each TCP direction it concatenates payloads in capture order (no reordering) and reads the first
 * handshake record, which is enough for the corpus's hellos including ones split over small segments.
 */
import { readFileSync } from 'node:fs';

export interface PcapHello {
  readonly key: string;
  readonly msgType: number;
  readonly body: Uint8Array;
}

interface Packet {
  readonly linkType: number;
  readonly data: Uint8Array;
}

function readPackets(file: string): Packet[] {
  const buf = new Uint8Array(readFileSync(file));
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, false);
  const out: Packet[] = [];
  if (magic === 0x0a0d0d0a) {
    let off = 0;
    let le = true;
    const linkTypes: number[] = [];
    while (off + 12 <= buf.length) {
      const probe = dv.getUint32(off, false);
      if (probe === 0x0a0d0d0a) {
        le = dv.getUint32(off + 8, true) === 0x1a2b3c4d;
        linkTypes.length = 0;
      }
      const type = dv.getUint32(off, le);
      const len = dv.getUint32(off + 4, le);
      if (len < 12 || off + len > buf.length) break;
      if (type === 1) linkTypes.push(dv.getUint16(off + 8, le));
      if (type === 6) {
        const iface = dv.getUint32(off + 8, le);
        const capLen = dv.getUint32(off + 20, le);
        out.push({ linkType: linkTypes[iface] ?? 1, data: buf.subarray(off + 28, off + 28 + capLen) });
      }
      off += len;
    }
    return out;
  }
  const le = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1;
  const linkType = dv.getUint32(20, le);
  let off = 24;
  while (off + 16 <= buf.length) {
    const capLen = dv.getUint32(off + 8, le);
    out.push({ linkType, data: buf.subarray(off + 16, Math.min(buf.length, off + 16 + capLen)) });
    off += 16 + capLen;
  }
  return out;
}

/** IP packet start within a link-layer frame, or -1. */
function ipOffset(p: Packet): number {
  const d = p.data;
  let off: number;
  let etherType: number;
  switch (p.linkType) {
    case 1: // Ethernet
      off = 12;
      etherType = ((d[12] ?? 0) << 8) | (d[13] ?? 0);
      while (etherType === 0x8100 || etherType === 0x88a8) {
        off += 4;
        etherType = ((d[off] ?? 0) << 8) | (d[off + 1] ?? 0);
      }
      return etherType === 0x0800 || etherType === 0x86dd ? off + 2 : -1;
    case 113: // Linux SLL
      return 16;
    case 276: // Linux SLL2
      return 20;
    case 0: // NULL / loopback
    case 108:
      return 4;
    case 101: // raw IP
    case 228:
    case 229:
      return 0;
    default:
      return -1;
  }
}

function tcpPayload(p: Packet): { key: string; payload: Uint8Array } | null {
  const d = p.data;
  let off = ipOffset(p);
  if (off < 0 || off >= d.length) return null;
  const v = (d[off] as number) >> 4;
  let src: string;
  let dst: string;
  let end: number;
  if (v === 4) {
    const ihl = ((d[off] as number) & 0x0f) * 4;
    if (d[off + 9] !== 6) return null;
    const total = ((d[off + 2] as number) << 8) | (d[off + 3] as number);
    src = Array.from(d.subarray(off + 12, off + 16)).join('.');
    dst = Array.from(d.subarray(off + 16, off + 20)).join('.');
    end = Math.min(d.length, off + total);
    off += ihl;
  } else if (v === 6) {
    let next = d[off + 6];
    const payloadLength = ((d[off + 4] as number) << 8) | (d[off + 5] as number);
    src = Buffer.from(d.subarray(off + 8, off + 24)).toString('hex');
    dst = Buffer.from(d.subarray(off + 24, off + 40)).toString('hex');
    end = Math.min(d.length, off + 40 + payloadLength);
    off += 40;
    // Hop-by-hop, routing, destination options.
    while (next === 0 || next === 43 || next === 60) {
      next = d[off];
      off += ((d[off + 1] as number) + 1) * 8;
    }
    if (next !== 6) return null;
  } else {
    return null;
  }
  const sport = ((d[off] as number) << 8) | (d[off + 1] as number);
  const dport = ((d[off + 2] as number) << 8) | (d[off + 3] as number);
  const dataOff = ((d[off + 12] as number) >> 4) * 4;
  const payload = d.subarray(off + dataOff, end);
  return { key: `${src}:${sport}>${dst}:${dport}`, payload };
}

/** First ClientHello (1) and ServerHello (2) bodies per TCP direction whose first payload starts with 0x16 0x03. */
export function extractHellos(file: string, maxBytesPerDirection = 64 * 1024): PcapHello[] {
  const streams = new Map<string, number[]>();
  const order: string[] = [];
  for (const p of readPackets(file)) {
    const t = tcpPayload(p);
    if (t === null || t.payload.length === 0) continue;
    let s = streams.get(t.key);
    if (s === undefined) {
      if (t.payload[0] !== 0x16 || t.payload[1] !== 0x03) continue;
      s = [];
      streams.set(t.key, s);
      order.push(t.key);
    }
    if (s.length < maxBytesPerDirection) for (const b of t.payload) s.push(b);
  }
  const out: PcapHello[] = [];
  for (const key of order) {
    const bytes = Uint8Array.from(streams.get(key) ?? []);
    // Handshake records until the first full message.
    let hs: number[] = [];
    let off = 0;
    while (off + 5 <= bytes.length && bytes[off] === 0x16) {
      const len = ((bytes[off + 3] as number) << 8) | (bytes[off + 4] as number);
      hs = hs.concat(Array.from(bytes.subarray(off + 5, off + 5 + len)));
      off += 5 + len;
      if (hs.length >= 4) {
        const msgLen = ((hs[1] as number) << 16) | ((hs[2] as number) << 8) | (hs[3] as number);
        if (hs.length >= 4 + msgLen) {
          const msgType = hs[0] as number;
          if (msgType === 1 || msgType === 2) out.push({ key, msgType, body: Uint8Array.from(hs.slice(4, 4 + msgLen)) });
          break;
        }
      }
    }
  }
  return out;
}
