/**
 * Bad input: one clear sentence for a non-capture, anomalies (never exceptions) for damaged
 * captures, and the packets before the damage always delivered.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePcap, encodePcapng, concatBytes, readCapture } from '../../src/capture/index.js';
import type { PacketRecord } from '../../src/capture/index.js';
import { TlsAutopsyError } from '../../src/util/errors.js';
import { fromBytes, readAll } from './helpers.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

async function failure(bytes: Uint8Array, name?: string): Promise<TlsAutopsyError> {
  try {
    await readCapture(fromBytes(bytes), () => undefined, name !== undefined ? { name } : {});
  } catch (error) {
    expect(error).toBeInstanceOf(TlsAutopsyError);
    return error as TlsAutopsyError;
  }
  throw new Error('expected the read to fail');
}

function packets(n: number, sec = 1_763_640_131): PacketRecord[] {
  return Array.from({ length: n }, (_, i) => ({ time: { sec: sec + i, nsec: i * 1000 }, bytes: new Uint8Array(40 + i).fill(i) }));
}

describe('not a capture', () => {
  it.each([
    ['text', text('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'), "looks like text: 'GET / HTTP'"],
    ['a ZIP archive', Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8), 'looks like a ZIP archive'],
    ['an empty file', new Uint8Array(0), 'is empty'],
    ['binary noise', Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 'starts with the bytes de ad be ef 00 01 02 03'],
    ['an xz file', Uint8Array.of(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0), 'xz-compressed'],
    ['a cut magic', Uint8Array.of(0xd4, 0xc3), 'ends inside its file header'],
  ])('%s: not-a-capture, saying what it looks like and what to do', async (_name, bytes, phrase) => {
    const error = await failure(bytes, 'trace.pcap');
    expect(error.code).toBe('not-a-capture');
    expect(error.message).toContain(phrase);
    expect(error.message.startsWith('trace.pcap ')).toBe(true);
    if (bytes.length >= 4) expect(error.message).toContain('save the capture as pcap or pcapng');
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('text inside gzip is named as such', async () => {
    const error = await failure(gzipSync(text('hello world, not a capture')));
    expect(error.code).toBe('not-a-capture');
    expect(error.message).toContain('after gzip decompression');
    expect(error.message).toContain("looks like text: 'hello worl'");
  });

  it('a pcap header cut short is a clean header error', async () => {
    const file = encodePcap([], { linkType: 1 });
    const error = await failure(file.subarray(0, 20));
    expect(error.code).toBe('not-a-capture');
    expect(error.message).toContain('pcap file header (20 of 24 bytes)');
  });

  it('a pcapng section header cut short, or with a bad byte-order magic, is a clean header error', async () => {
    const file = encodePcapng([], { interfaces: [] });
    expect((await failure(file.subarray(0, 8))).message).toContain('pcapng section header');
    expect((await failure(file.subarray(0, 20))).message).toContain('pcapng section header');
    const damaged = file.slice();
    damaged[8] = 0x99;
    expect((await failure(damaged)).message).toContain('byte-order magic');
  });

  it('modified pcap and pcapng 2.0 are unsupported, with a way out', async () => {
    expect((await failure(Uint8Array.of(0xa1, 0xb2, 0xcd, 0x34, 0, 2, 0, 4))).code).toBe('unsupported-capture');
    const v2 = encodePcapng([], { interfaces: [] });
    v2[12] = 2;
    const error = await failure(v2);
    expect(error.code).toBe('unsupported-capture');
    expect(error.message).toContain('version 2.0');
  });

  it('a missing file is an io error naming it', async () => {
    await expect(readCapture('/nonexistent/dir/x.pcap', () => undefined)).rejects.toMatchObject({ code: 'io', message: 'Cannot read /nonexistent/dir/x.pcap: there is no such file; check the path.' });
  });

  it('errors thrown by the packet callback propagate unchanged', async () => {
    const boom = new RangeError('consumer failed');
    await expect(
      readCapture(fromBytes(encodePcap(packets(3), { linkType: 1 })), () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });
});

describe('damaged captures', () => {
  it('a file cut mid-packet: the complete packets, then capture.truncated_file with offset and count', async () => {
    const file = encodePcap(packets(5), { linkType: 1 });
    const cut = file.length - 10;
    const { packets: got, result } = await readAll(fromBytes(file.subarray(0, cut)));
    expect(got).toHaveLength(4);
    expect(result.stoppedEarly).toBe(true);
    expect(result.anomalies).toHaveLength(1);
    const a = result.anomalies[0]!;
    expect(a).toMatchObject({ code: 'capture.truncated_file', severity: 'weird', frame: 5, offset: file.length - (16 + 44) });
    expect(a.message).toContain('4 complete packets');
    expect(a.message).toContain('packet 5 (50 of 60 bytes)');
  });

  it('a pcap record longer than maxPacketBytes stops the read: capture.bad_length with packet and offset', async () => {
    const file = encodePcap(packets(4), { linkType: 1 });
    const third = 24 + (16 + 40) + (16 + 41);
    new DataView(file.buffer).setUint32(third + 8, 300_000, true);
    const { packets: got, result } = await readAll(fromBytes(file));
    expect(got).toHaveLength(2);
    expect(result.stoppedEarly).toBe(true);
    expect(result.anomalies).toEqual([expect.objectContaining({ code: 'capture.bad_length', severity: 'violation', frame: 3, offset: third })]);
    expect(result.anomalies[0]?.message).toContain('262144');
  });

  it('maxPacketBytes is honoured as given', async () => {
    const { packets: got, result } = await readAll(fromBytes(encodePcap(packets(3), { linkType: 1 })), { maxPacketBytes: 41 });
    expect(got).toHaveLength(2);
    expect(result.anomalies[0]?.code).toBe('capture.bad_length');
  });

  it('a pcapng block whose trailing length does not match stops the read: capture.bad_block', async () => {
    const file = encodePcapng(packets(3), { interfaces: [{ linkType: 1 }] });
    // SHB 28 + IDB 20, then EPBs of 32 + pad4(40 + i) bytes.
    const second = 28 + 20 + 72;
    new DataView(file.buffer).setUint32(second + 72, 80, true); // the block says 76
    const { packets: got, result } = await readAll(fromBytes(file));
    expect(got).toHaveLength(1);
    expect(result.stoppedEarly).toBe(true);
    expect(result.anomalies).toEqual([expect.objectContaining({ code: 'capture.bad_block', severity: 'violation', offset: second })]);
  });

  it('a pcapng block longer than maxBlockBytes, or of an impossible length, stops the read', async () => {
    const file = encodePcapng(packets(3), { interfaces: [{ linkType: 1 }] });
    const big = await readAll(fromBytes(file), { maxBlockBytes: 64 });
    expect(big.packets).toHaveLength(0);
    expect(big.result.anomalies[0]).toMatchObject({ code: 'capture.bad_block', offset: 48 });
    const odd = file.slice();
    new DataView(odd.buffer).setUint32(48 + 4, 70, true);
    const r = await readAll(fromBytes(odd));
    expect(r.result.anomalies[0]?.message).toContain('impossible length of 70');
  });

  it('an EPB whose captured length exceeds its block, or naming an undeclared interface, stops the read', async () => {
    const file = encodePcapng(packets(2), { interfaces: [{ linkType: 1 }] });
    const room = file.slice();
    new DataView(room.buffer).setUint32(48 + 20, 41, true);
    expect((await readAll(fromBytes(room))).result.anomalies[0]).toMatchObject({ code: 'capture.bad_block', frame: 1 });
    const iface = file.slice();
    new DataView(iface.buffer).setUint32(48 + 8, 3, true);
    const r = await readAll(fromBytes(iface));
    expect(r.packets).toHaveLength(0);
    expect(r.result.anomalies[0]?.message).toContain('names interface 3');
  });

  it('more interfaces than maxInterfaces stop the read', async () => {
    const file = encodePcapng(packets(1), { interfaces: [{ linkType: 1 }, { linkType: 1 }, { linkType: 1 }] });
    const r = await readAll(fromBytes(file), { maxInterfaces: 2 });
    expect(r.result.interfaces).toHaveLength(2);
    expect(r.result.anomalies[0]?.code).toBe('capture.too_many_interfaces');
  });

  it('captured > original, time going backwards and a ns fraction ≥ 1e9 are weird, and reading goes on', async () => {
    const list: PacketRecord[] = [
      { time: { sec: 100, nsec: 0 }, bytes: new Uint8Array(10), originalLength: 4 },
      { time: { sec: 99, nsec: 5 }, bytes: new Uint8Array(10) },
      { time: { sec: 100, nsec: 0 }, bytes: new Uint8Array(10) },
    ];
    const file = encodePcap(list, { linkType: 1, nanosecond: true });
    new DataView(file.buffer).setUint32(24 + 2 * 26 + 4, 2_500_000_000, true);
    const { packets: got, result } = await readAll(fromBytes(file));
    expect(got).toHaveLength(3);
    expect(got[2]?.time).toEqual({ sec: 102, nsec: 500_000_000 });
    expect(result.stoppedEarly).toBe(false);
    expect(result.anomalies.map((a) => [a.code, a.severity, a.frame])).toEqual([
      ['capture.captured_longer_than_original', 'weird', 1],
      ['capture.time_backwards', 'weird', 2],
      ['capture.bad_timestamp', 'weird', 3],
    ]);
  });

  it('repetitive anomalies are listed up to a bound, then summarized in one line', async () => {
    const list = Array.from({ length: 200 }, (_, i) => ({ time: { sec: 1000 - i, nsec: 0 }, bytes: new Uint8Array(1) }));
    const { result } = await readAll(fromBytes(encodePcap(list, { linkType: 1 })));
    expect(result.anomalies).toHaveLength(21);
    expect(result.anomalies[20]?.message).toBe('179 more packets timestamped before the packet ahead of them were not listed one by one.');
  });

  it('a bad if_tsresol or a malformed option is weird; the interface is still read', async () => {
    const file = encodePcapng(packets(1), { interfaces: [{ linkType: 1, tsResolution: 9, name: 'x' }] });
    // Options of the IDB: if_name 'x' (8 bytes) at 44, then if_tsresol (code 9, length 1) with its value at 56.
    expect(Array.from(file.subarray(52, 57))).toEqual([9, 0, 1, 0, 9]);
    file[56] = 100; // 10^-100 s: finer than a 64-bit counter can hold a second of
    const r = await readAll(fromBytes(file));
    expect(r.packets).toHaveLength(1);
    expect(r.result.anomalies.map((a) => a.code)).toEqual(['capture.bad_tsresol']);
    expect(r.result.interfaces[0]?.unitsPerSecond).toBe(1e6);
    const bad = encodePcapng([], { interfaces: [{ linkType: 1, name: 'eth0' }] });
    new DataView(bad.buffer).setUint16(28 + 16 + 2, 200, true); // if_name claims 200 bytes
    const r2 = await readAll(fromBytes(bad));
    expect(r2.result.anomalies.map((a) => a.code)).toEqual(['capture.bad_option']);
    expect(r2.result.interfaces).toHaveLength(1);
  });

  it('an unknown link type is passed through untouched', async () => {
    const { packets: got } = await readAll(fromBytes(encodePcap(packets(1), { linkType: 65_000 })));
    expect(got[0]?.linkType).toBe(65_000);
  });

  it('a damaged gzip checksum: the packets before it, then capture.bad_gzip', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ time: { sec: i, nsec: 0 }, bytes: Uint8Array.from({ length: 200 }, (_, j) => (i * j * 2654435761) >>> 24) }));
    const gz = gzipSync(encodePcap(many, { linkType: 1 }));
    const damaged = new Uint8Array(gz);
    damaged[gz.length - 8] = 0xff ^ (damaged[gz.length - 8] ?? 0); // CRC-32 of the trailer
    const { packets: got, result } = await readAll(fromBytes(damaged));
    // Node drops the output of the failing inflate call: at most one 64 KiB output chunk (~300 packets here).
    expect(got.length).toBeGreaterThan(2000 - Math.ceil(65_536 / 216) - 1);
    got.forEach((p, i) => expect(p.time.sec).toBe(i));
    expect(result.stoppedEarly).toBe(true);
    expect(result.anomalies).toEqual([expect.objectContaining({ code: 'capture.bad_gzip', severity: 'violation' })]);
  });

  it('garbage in the middle of gzip data never throws; reading stops early with an anomaly', async () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ time: { sec: i, nsec: 0 }, bytes: Uint8Array.from({ length: 200 }, (_, j) => (i * j * 2654435761) >>> 24) }));
    const gz = gzipSync(encodePcap(many, { linkType: 1 }));
    for (const at of [0.3, 0.5, 0.8]) {
      const damaged = new Uint8Array(gz);
      const from = Math.floor(gz.length * at);
      for (let i = from; i < from + 64; i++) damaged[i] = 0xff ^ (damaged[i] ?? 0);
      const { result } = await readAll(fromBytes(damaged), { chunkBytes: 4096 });
      expect(result.stoppedEarly).toBe(true);
      expect(result.anomalies.length).toBeGreaterThan(0);
    }
  });

  it('a gzip file cut short reads as a truncated capture', async () => {
    const gz = gzipSync(encodePcap(packets(50), { linkType: 1 }));
    const { packets: got, result } = await readAll(fromBytes(gz.subarray(0, Math.floor(gz.length * 0.7))));
    expect(result.info.gzip).toBe(true);
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(50);
    expect(result.anomalies.map((a) => a.code)).toEqual(['capture.truncated_file']);
  });

  it('concatenations of pcapng files keep going across sections; a pcap header in the middle of pcapng stops the read', async () => {
    const ng = encodePcapng(packets(2), { interfaces: [{ linkType: 1 }] });
    const r = await readAll(fromBytes(concatBytes([ng, encodePcap(packets(1), { linkType: 1 })])));
    expect(r.packets).toHaveLength(2);
    expect(r.result.stoppedEarly).toBe(true);
    expect(r.result.anomalies[0]?.code).toBe('capture.bad_block');
  });
});
