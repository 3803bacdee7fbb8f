/**
 * Writer → reader round trips: the same packets written as pcap (µs/ns, both byte orders)
 * and pcapng (several interfaces and link types, every if_tsresol form, if_tsoffset, SPB,
 * DSB) read back identical, and pcapng/ns pcap agree with each other.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodePcap, encodePcapng, PcapWriter, PcapngWriter, concatBytes } from '../../src/capture/index.js';
import type { PacketRecord, PcapngInterfaceSpec } from '../../src/capture/index.js';
import { fromBytes, readAll } from './helpers.js';
import type { Got } from './helpers.js';

function makePackets(n: number, interfaces = 1, nsStep = 1): PacketRecord[] {
  const out: PacketRecord[] = [];
  for (let i = 0; i < n; i++) {
    const bytes = new Uint8Array(14 + ((i * 53) % 300));
    for (let j = 0; j < bytes.length; j++) bytes[j] = (i + j * 13) & 0xff;
    out.push({
      time: { sec: 1_763_640_131 + i, nsec: ((i * 123_456_789) % 1_000_000_000) - (((i * 123_456_789) % 1_000_000_000) % nsStep) },
      bytes,
      originalLength: bytes.length + (i % 2) * 100,
      interfaceId: i % interfaces,
    });
  }
  return out;
}

function expectSame(got: readonly Got[], want: readonly PacketRecord[], linkTypes: readonly number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    expect(g.frame).toBe(i + 1);
    expect(g.time).toEqual(w.time);
    expect(g.interfaceId).toBe(w.interfaceId ?? 0);
    expect(g.linkType).toBe(linkTypes[w.interfaceId ?? 0]);
    expect(g.capturedLength).toBe(w.bytes.length);
    expect(g.originalLength).toBe(w.originalLength ?? w.bytes.length);
    expect(Buffer.from(g.bytes).equals(Buffer.from(w.bytes))).toBe(true);
  });
}

describe('pcap round trips', () => {
  for (const nanosecond of [false, true]) {
    for (const bigEndian of [false, true]) {
      it(`${nanosecond ? 'ns' : 'µs'} ${bigEndian ? 'big' : 'little'}-endian`, async () => {
        const packets = makePackets(50, 1, nanosecond ? 1 : 1000);
        const { packets: got, result } = await readAll(fromBytes(encodePcap(packets, { linkType: 113, nanosecond, bigEndian, snapLength: 4096 })));
        expectSame(got, packets, [113]);
        expect(result.info).toEqual({ format: 'pcap', gzip: false, byteOrder: bigEndian ? 'big' : 'little', version: '2.4' });
        expect(result.interfaces).toEqual([{ id: 0, linkType: 113, snapLength: 4096, unitsPerSecond: nanosecond ? 1e9 : 1e6, offsetSeconds: 0 }]);
        expect(result.anomalies).toEqual([]);
        expect(result.stoppedEarly).toBe(false);
      });
    }
  }

  it('keeps the FCS length carried in the upper bits of the link-type field', async () => {
    const field = (2 << 28) | 0x04000000 | 1; // Ethernet, FCS present, 2 × 16 bits
    const { result } = await readAll(fromBytes(encodePcap(makePackets(2), { linkType: field >>> 0 })));
    expect(result.interfaces[0]?.linkType).toBe(1);
    expect(result.interfaces[0]?.fcsLength).toBe(4);
  });

  it('ns pcap and pcapng (if_tsresol 9) deliver the same packets', async () => {
    const packets = makePackets(40);
    const a = await readAll(fromBytes(encodePcap(packets, { linkType: 1, nanosecond: true })));
    const b = await readAll(fromBytes(encodePcapng(packets, { interfaces: [{ linkType: 1, tsResolution: 9 }] })));
    expect(b.packets).toEqual(a.packets);
  });
});

describe('pcapng round trips', () => {
  const interfaces: PcapngInterfaceSpec[] = [
    { linkType: 1, tsResolution: 9, name: 'eth0', description: 'uplink' },
    { linkType: 276, tsResolution: 6, tsOffsetSeconds: 1_000_000, name: 'any' },
    { linkType: 101, tsResolution: 3, tsOffsetSeconds: -3600 },
    { linkType: 0, tsResolution: 0x80 | 10 },
  ];
  const linkTypes = interfaces.map((i) => i.linkType);

  for (const bigEndian of [false, true]) {
    it(`four interfaces (ns, µs with offset, ms with negative offset, 2^-10), ${bigEndian ? 'big' : 'little'}-endian`, async () => {
      // Times representable at every resolution used: whole milliseconds that are also multiples of 2^-10 s.
      const packets = makePackets(60, 4).map((p, i) => ({ ...p, time: { sec: p.time.sec, nsec: (i % 8) * 125_000_000 } }));
      const bytes = encodePcapng(packets, { interfaces, bigEndian });
      const { packets: got, result } = await readAll(fromBytes(bytes));
      expectSame(got, packets, linkTypes);
      expect(result.info).toEqual({ format: 'pcapng', gzip: false, byteOrder: bigEndian ? 'big' : 'little', version: '1.0' });
      expect(result.interfaces).toEqual([
        { id: 0, linkType: 1, snapLength: 262_144, unitsPerSecond: 1e9, offsetSeconds: 0, name: 'eth0', description: 'uplink' },
        { id: 1, linkType: 276, snapLength: 262_144, unitsPerSecond: 1e6, offsetSeconds: 1_000_000, name: 'any' },
        { id: 2, linkType: 101, snapLength: 262_144, unitsPerSecond: 1e3, offsetSeconds: -3600 },
        { id: 3, linkType: 0, snapLength: 262_144, unitsPerSecond: 1024, offsetSeconds: 0 },
      ]);
      expect(result.anomalies).toEqual([]);
    });
  }

  it('keeps nanoseconds exact for timestamps far beyond 2^53 ns (if_tsresol 9)', async () => {
    const times = [
      { sec: 1_763_640_131, nsec: 999_999_999 },
      { sec: 4_102_444_800, nsec: 1 },
      { sec: 17_000_000_000, nsec: 123_456_789 }, // ~2^64 / 1e9 is 1.8e10 s
    ];
    const packets = times.map((time) => ({ time, bytes: Uint8Array.of(1, 2, 3) }));
    const { packets: got } = await readAll(fromBytes(encodePcapng(packets, { interfaces: [{ linkType: 1, tsResolution: 9 }] })));
    expect(got.map((g) => g.time)).toEqual(times);
  });

  it('reads Simple Packet Blocks: interface 0, captured length from original length, snap length and block room', async () => {
    const spec = [{ linkType: 1, snapLength: 64 }, { linkType: 1 }];
    const packets: PacketRecord[] = [
      { time: { sec: 10, nsec: 5000 }, bytes: new Uint8Array(7).fill(1), interfaceId: 1 },
      { time: { sec: 99, nsec: 0 }, bytes: new Uint8Array(5).fill(2), interfaceId: 0 }, // 5 bytes padded to 8
      { time: { sec: 99, nsec: 0 }, bytes: new Uint8Array(64).fill(3), originalLength: 1500, interfaceId: 0 }, // cut by snaplen
      { time: { sec: 11, nsec: 0 }, bytes: new Uint8Array(3).fill(4), interfaceId: 1 },
    ];
    const { packets: got, result } = await readAll(fromBytes(encodePcapng(packets, { interfaces: spec, useSimplePacketBlocks: true })));
    expect(got.map((g) => [g.frame, g.interfaceId, g.capturedLength, g.originalLength, g.bytes[0]])).toEqual([
      [1, 1, 7, 7, 1],
      [2, 0, 5, 5, 2],
      [3, 0, 64, 1500, 3],
      [4, 1, 3, 3, 4],
    ]);
    // SPBs carry no timestamp: they keep the time of the packet before them.
    expect(got[1]?.time).toEqual({ sec: 10, nsec: 5000 });
    expect(got[2]?.time).toEqual({ sec: 10, nsec: 5000 });
    expect(result.anomalies).toEqual([]);
  });

  it('hands Decryption Secrets Blocks over as copies, with the frame they follow', async () => {
    const keylog = new TextEncoder().encode('CLIENT_RANDOM 00 11\n');
    const packets = makePackets(3);
    const bytes = encodePcapng(packets, {
      interfaces: [{ linkType: 1 }],
      decryptionSecrets: [
        { beforePacketIndex: 0, secretsType: 0x544c534b, data: keylog },
        { beforePacketIndex: 2, secretsType: 0x57474b4c, data: Uint8Array.of(9) },
        { beforePacketIndex: 99, secretsType: 1, data: new Uint8Array(0) },
      ],
    });
    const { packets: got, secrets } = await readAll(fromBytes(bytes), { chunkBytes: 5 });
    expect(got.length).toBe(3);
    expect(secrets.map((s) => [s.secretsType, Array.from(s.data), s.afterFrame])).toEqual([
      [0x544c534b, Array.from(keylog), 0],
      [0x57474b4c, [9], 2],
      [1, [], 3],
    ]);
    expect(secrets[0]?.data.buffer).not.toBe(bytes.buffer);
  });

  it('numbers frames across sections; each section has its own byte order and interface numbering', async () => {
    const a = makePackets(3, 2);
    const b = makePackets(2, 1);
    const file = concatBytes([
      encodePcapng(a, { interfaces: [{ linkType: 1 }, { linkType: 113 }] }),
      encodePcapng(b, { interfaces: [{ linkType: 276 }], bigEndian: true }),
    ]);
    const { packets: got, result } = await readAll(fromBytes(file), { chunkBytes: 3 });
    expect(got.map((g) => [g.frame, g.interfaceId, g.linkType])).toEqual([
      [1, 0, 1],
      [2, 1, 113],
      [3, 0, 1],
      [4, 2, 276],
      [5, 2, 276],
    ]);
    expect(result.info.byteOrder).toBe('little');
    expect(result.interfaces.map((i) => i.linkType)).toEqual([1, 113, 276]);
  });

  it('skips ISB, NRB, custom and unknown blocks, and reads the obsolete Packet Block', async () => {
    const w = new PcapngWriter({ interfaces: [{ linkType: 1 }] });
    const block = (type: number, body: Uint8Array): Uint8Array => {
      const out = new Uint8Array(12 + body.length);
      const v = new DataView(out.buffer);
      v.setUint32(0, type, true);
      v.setUint32(4, out.length, true);
      out.set(body, 8);
      v.setUint32(out.length - 4, out.length, true);
      return out;
    };
    // Obsolete Packet Block: u16 interface, u16 drops, ts high/low (µs), caplen, origlen, data.
    const pbBody = new Uint8Array(20 + 4);
    const pv = new DataView(pbBody.buffer);
    pv.setUint16(0, 0, true);
    pv.setUint32(8, 1_500_000, true);
    pv.setUint32(12, 3, true);
    pv.setUint32(16, 60, true);
    pbBody.set([7, 8, 9], 20);
    const file = concatBytes([
      w.header(),
      block(5, new Uint8Array(12)), // ISB
      w.packet({ time: { sec: 1, nsec: 0 }, bytes: Uint8Array.of(1) }),
      block(4, new Uint8Array(4)), // NRB (end of records only)
      block(0x00000bad, new Uint8Array(8)), // custom
      block(0x7777, new Uint8Array(0)), // unknown
      block(2, pbBody),
      w.packet({ time: { sec: 2, nsec: 0 }, bytes: Uint8Array.of(2) }),
    ]);
    const { packets: got, result } = await readAll(fromBytes(file));
    expect(got.map((g) => [g.frame, Array.from(g.bytes), g.originalLength])).toEqual([
      [1, [1], 1],
      [2, [7, 8, 9], 60],
      [3, [2], 1],
    ]);
    expect(got[1]?.time).toEqual({ sec: 1, nsec: 500_000_000 });
    expect(result.anomalies).toEqual([]);
  });

  it('streaming writers produce the same bytes as the one-shot encoders', () => {
    const packets = makePackets(5);
    const pw = new PcapWriter({ linkType: 1 });
    expect(concatBytes([pw.header(), ...packets.map((p) => pw.packet(p))])).toEqual(encodePcap(packets, { linkType: 1 }));
    const nw = new PcapngWriter({ interfaces: [{ linkType: 1 }] });
    expect(concatBytes([nw.header(), ...packets.map((p) => nw.packet(p))])).toEqual(encodePcapng(packets, { interfaces: [{ linkType: 1 }] }));
  });
});

/** Packets with times representable at a resolution of 10^-digits s. */
function arbPackets(interfaces: number, nsStep: number): fc.Arbitrary<PacketRecord[]> {
  return fc.array(
    fc.record({
      time: fc.record({ sec: fc.integer({ min: 0, max: 0xffffffff }), nsec: fc.integer({ min: 0, max: 999_999_999 }).map((n) => n - (n % nsStep)) }),
      bytes: fc.uint8Array({ maxLength: 300 }),
      extra: fc.nat(2000),
      interfaceId: fc.nat(interfaces - 1),
    }).map(({ time, bytes, extra, interfaceId }) => ({ time, bytes, originalLength: bytes.length + extra, interfaceId })),
    { maxLength: 30 },
  );
}

describe('round-trip properties', () => {
  it('any packet list written as pcap (µs/ns, either byte order) reads back identical', async () => {
    const arb = fc.boolean().chain((nanosecond) => fc.tuple(fc.constant(nanosecond), arbPackets(1, nanosecond ? 1 : 1000), fc.boolean()));
    await fc.assert(
      fc.asyncProperty(arb, async ([nanosecond, packets, bigEndian]) => {
        const { packets: got } = await readAll(fromBytes(encodePcap(packets, { linkType: 228, nanosecond, bigEndian })));
        expectSame(got, packets, [228]);
      }),
      { numRuns: 80 },
    );
  });

  it('any packet list written as pcapng with decimal resolutions reads back identical', async () => {
    await fc.assert(
      fc.asyncProperty(arbPackets(3, 1000), fc.boolean(), fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), async (packets, bigEndian, offset) => {
        const interfaces = [{ linkType: 1, tsResolution: 9 }, { linkType: 276, tsResolution: 6, tsOffsetSeconds: offset }, { linkType: 101 }];
        // if_tsoffset is subtracted on writing; keep the stored count non-negative.
        const usable = packets.filter((p) => p.interfaceId !== 1 || p.time.sec - offset >= 0);
        const { packets: got } = await readAll(fromBytes(encodePcapng(usable, { interfaces, bigEndian })));
        expectSame(got, usable, [1, 276, 101]);
      }),
      { numRuns: 60 },
    );
  });
});
