/**
 * pcapng blocks written byte by byte (little-endian, RFC-draft layout): the obsolete Packet
 * Block, Simple Packet Blocks cut by the snap length, the FCS-length option, a second section,
 * and every block too short for its fixed fields, each with the packets before it delivered and
 * the anomaly code it yields.
 */
import { describe, expect, it } from 'vitest';
import { fromBytes, readAll, type Read } from './helpers.js';

const u16 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff];
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const pad4 = (b: readonly number[]): number[] => [...b, ...new Array<number>((4 - (b.length % 4)) % 4).fill(0)];

/** A block: type, total length, body, total length again. */
function block(type: number, body: readonly number[]): number[] {
  const length = 12 + body.length;
  return [...u32(type), ...u32(length), ...body, ...u32(length)];
}
/** A block whose two length fields say `length` whatever the body (for blocks too short for their fields). */
function rawBlock(type: number, length: number): number[] {
  return [...u32(type), ...u32(length), ...new Array<number>(length - 12).fill(0), ...u32(length)];
}
const shb = (major = 1): number[] => block(0x0a0d0d0a, [...u32(0x1a2b3c4d), ...u16(major), ...u16(0), ...u32(0xffffffff), ...u32(0xffffffff)]);
function idb(linkType: number, snap: number, options: readonly number[] = []): number[] {
  return block(1, [...u16(linkType), ...u16(0), ...u32(snap), ...options]);
}
const option = (code: number, value: readonly number[]): number[] => [...u16(code), ...u16(value.length), ...pad4(value)];
const END = [0, 0, 0, 0];
function epb(iface: number, data: readonly number[], original = data.length): number[] {
  return block(6, [...u32(iface), ...u32(0), ...u32(1_000_000), ...u32(data.length), ...u32(original), ...pad4(data)]);
}
/** The obsolete Packet Block (type 2): a 16-bit interface and a 16-bit drop count. */
function pb(iface: number, data: readonly number[]): number[] {
  return block(2, [...u16(iface), ...u16(0), ...u32(0), ...u32(2_000_000), ...u32(data.length), ...u32(data.length), ...pad4(data)]);
}
const spb = (original: number, data: readonly number[]): number[] => block(3, [...u32(original), ...pad4(data)]);

const ETHERNET = 1;
const payload = (n: number, v = 0xab): number[] => new Array<number>(n).fill(v);

async function read(...blocks: number[][]): Promise<Read> {
  return readAll(fromBytes(Uint8Array.from(blocks.flat())));
}
const codes = (r: Read): string[] => r.result.anomalies.map((a) => a.code);

describe('packet blocks', () => {
  it('the obsolete Packet Block delivers its packet on its interface', async () => {
    const r = await read(shb(), idb(ETHERNET, 0), idb(105, 0), pb(1, payload(20)));
    expect(r.packets.map((p) => [p.interfaceId, p.linkType, p.capturedLength])).toEqual([[1, 105, 20]]);
    expect(r.result.anomalies).toEqual([]);
  });

  it('a Simple Packet Block is cut to the snap length and keeps the previous packet time', async () => {
    const r = await read(shb(), idb(ETHERNET, 16), epb(0, payload(10)), spb(40, payload(40, 0xcd)));
    expect(r.packets.map((p) => [p.capturedLength, p.originalLength])).toEqual([
      [10, 10],
      [16, 40],
    ]);
    expect(r.packets[1]?.bytes).toEqual(new Uint8Array(16).fill(0xcd));
    expect(r.packets[1]?.time).toEqual(r.packets[0]?.time);
  });

  it('a Simple Packet Block over maxPacketBytes stops the read with capture.bad_length', async () => {
    const r = await readAll(fromBytes(Uint8Array.from([...shb(), ...idb(ETHERNET, 0), ...epb(0, payload(8)), ...spb(300, payload(300))])), { maxPacketBytes: 100 });
    expect(r.packets).toHaveLength(1);
    expect(codes(r)).toEqual(['capture.bad_length']);
    expect(r.result.stoppedEarly).toBe(true);
  });

  it('a Simple Packet Block before any interface stops the read', async () => {
    const r = await read(shb(), spb(8, payload(8)));
    expect(r.packets).toEqual([]);
    expect(r.result.anomalies[0]).toMatchObject({ code: 'capture.bad_block' });
    expect(r.result.anomalies[0]?.message).toContain('is a simple packet block, but its section declares no interface');
  });

  it('more captured bytes than the original length, and more than the snap length: two weird notes, the packet kept', async () => {
    const r = await read(shb(), idb(ETHERNET, 8), epb(0, payload(12), 10));
    expect(r.packets.map((p) => [p.capturedLength, p.originalLength])).toEqual([[12, 10]]);
    expect(codes(r).sort()).toEqual(['capture.captured_longer_than_original', 'capture.exceeds_snaplen']);
  });
});

describe('interface options', () => {
  it('if_fcslen is read in bits and given in bytes', async () => {
    const r = await read(shb(), idb(ETHERNET, 0, [...option(13, [32]), ...END]), epb(0, payload(4)));
    expect(r.result.interfaces[0]).toMatchObject({ id: 0, linkType: ETHERNET, fcsLength: 4 });
  });
});

describe('sections', () => {
  it('a second section of an unsupported version stops the read after the packets of the first', async () => {
    const r = await read(shb(), idb(ETHERNET, 0), epb(0, payload(6)), shb(2), idb(ETHERNET, 0), epb(0, payload(6)));
    expect(r.packets).toHaveLength(1);
    expect(codes(r)).toEqual(['capture.bad_block']);
    expect(r.result.anomalies[0]?.message).toContain('announces pcapng version 2.0, which is not supported');
  });

  it('a second section header with a damaged byte-order magic stops the read', async () => {
    const bad = shb();
    bad.splice(8, 4, ...u32(0x01020304));
    const r = await read(shb(), idb(ETHERNET, 0), epb(0, payload(6)), bad);
    expect(r.packets).toHaveLength(1);
    expect(r.result.anomalies[0]?.message).toContain('has the byte-order magic 0x4030201 instead of 0x1a2b3c4d');
  });
});

describe('blocks too short for their fixed fields', () => {
  it.each([
    ['interface description block', rawBlock(1, 16), 'The interface description block at byte 28 is too short (16 bytes)'],
    ['enhanced packet block', rawBlock(6, 28), 'The enhanced packet block of packet 1 at byte 48 is too short (28 bytes)'],
    ['packet block', rawBlock(2, 28), 'The packet block of packet 1 at byte 48 is too short (28 bytes)'],
    ['simple packet block', rawBlock(3, 12), 'The simple packet block of packet 1 at byte 48 is too short (12 bytes)'],
    ['decryption secrets block', rawBlock(10, 16), 'The decryption secrets block at byte 48 is too short (16 bytes)'],
  ])('a %s: capture.bad_block, reading stopped there', async (name, tooShort, message) => {
    const blocks = name === 'interface description block' ? [shb(), tooShort] : [shb(), idb(ETHERNET, 0), tooShort];
    const r = await read(...blocks);
    expect(r.packets).toEqual([]);
    expect(codes(r)).toEqual(['capture.bad_block']);
    expect(r.result.anomalies[0]?.message).toBe(`${message}; reading stopped there.`);
    expect(r.result.stoppedEarly).toBe(true);
  });

  it('the messages name the block, its byte offset and its length', async () => {
    const r = await read(shb(), idb(ETHERNET, 0), rawBlock(2, 28));
    expect(r.result.anomalies[0]?.message).toBe('The packet block of packet 1 at byte 48 is too short (28 bytes); reading stopped there.');
  });
});
