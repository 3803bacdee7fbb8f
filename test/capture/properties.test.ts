/**
 * Property tests of the reader: hostile bytes never escape as anything but the typed
 * not-a-capture error; every cut of a valid file yields the packets before the cut; the
 * result does not depend on how the input is chunked; gzip is transparent.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodePcap, encodePcapng, readCapture } from '../../src/capture/index.js';
import type { PacketRecord } from '../../src/capture/index.js';
import { TlsAutopsyError } from '../../src/util/errors.js';
import { chunksOf, fromBytes, readAll, splitAt } from './helpers.js';
import type { Read } from './helpers.js';

const arbPacket = fc
  .record({
    sec: fc.integer({ min: 0, max: 0xffffffff }),
    usec: fc.integer({ min: 0, max: 999_999 }),
    bytes: fc.uint8Array({ maxLength: 120 }),
    extra: fc.nat(100),
    interfaceId: fc.nat(2),
  })
  .map(({ sec, usec, bytes, extra, interfaceId }): PacketRecord => ({ time: { sec, nsec: usec * 1000 }, bytes, originalLength: bytes.length + extra, interfaceId }));

/** A valid capture in any of the supported shapes, with the byte offsets where its units end. */
interface Sample {
  bytes: Uint8Array;
  kind: 'pcap' | 'pcapng';
  packets: number;
}

const arbSample: fc.Arbitrary<Sample> = fc
  .record({
    packets: fc.array(arbPacket, { maxLength: 8 }),
    format: fc.constantFrom('pcap-us', 'pcap-ns', 'pcapng', 'pcapng-spb'),
    bigEndian: fc.boolean(),
    secrets: fc.array(fc.record({ beforePacketIndex: fc.nat(8), data: fc.uint8Array({ maxLength: 20 }) }), { maxLength: 2 }),
  })
  .map(({ packets: unsorted, format, bigEndian, secrets }): Sample => {
    // In time order, as real captures are (time going backwards has its own test).
    const packets = [...unsorted].sort((a, b) => a.time.sec - b.time.sec || a.time.nsec - b.time.nsec);
    if (format.startsWith('pcap-')) {
      return { bytes: encodePcap(packets, { linkType: 1, bigEndian, nanosecond: format === 'pcap-ns' }), kind: 'pcap', packets: packets.length };
    }
    const bytes = encodePcapng(packets, {
      interfaces: [{ linkType: 1, snapLength: 0 }, { linkType: 276, tsResolution: 9, name: 'any' }, { linkType: 101, tsResolution: 0x80 | 20, tsOffsetSeconds: -5 }],
      bigEndian,
      useSimplePacketBlocks: format === 'pcapng-spb',
      decryptionSecrets: secrets.map((s) => ({ ...s, secretsType: 0x544c534b })),
    });
    return { bytes, kind: 'pcapng', packets: packets.length };
  });

/** Ends of the units (header, records, blocks) of a valid sample, and which of them end a packet. */
function unitEnds(sample: Sample): { ends: number[]; packetEnds: number[]; headerEnd: number } {
  const view = new DataView(sample.bytes.buffer, sample.bytes.byteOffset, sample.bytes.byteLength);
  const ends: number[] = [];
  const packetEnds: number[] = [];
  if (sample.kind === 'pcap') {
    const le = sample.bytes[0] !== 0xa1;
    let at = 24;
    ends.push(at);
    while (at < sample.bytes.length) {
      at += 16 + view.getUint32(at + 8, le);
      ends.push(at);
      packetEnds.push(at);
    }
    return { ends, packetEnds, headerEnd: 24 };
  }
  const le = view.getUint32(8, true) === 0x1a2b3c4d;
  let at = 0;
  while (at < sample.bytes.length) {
    const type = view.getUint32(at, le);
    at += view.getUint32(at + 4, le);
    ends.push(at);
    if (type === 6 || type === 3) packetEnds.push(at);
  }
  return { ends, packetEnds, headerEnd: 28 };
}

/** Reads and classifies the outcome: a result, or the typed errors that bad bytes may cause. */
async function tryRead(source: Parameters<typeof readAll>[0], options: Parameters<typeof readAll>[1] = {}): Promise<Read | TlsAutopsyError> {
  try {
    return await readAll(source, options);
  } catch (error) {
    if (error instanceof TlsAutopsyError && (error.code === 'not-a-capture' || error.code === 'unsupported-capture')) return error;
    throw error;
  }
}

function checkSane(read: Read, maxPacketBytes = 262_144): void {
  read.packets.forEach((p, i) => {
    expect(p.frame).toBe(i + 1);
    expect(p.capturedLength).toBeLessThanOrEqual(maxPacketBytes);
    expect(Number.isInteger(p.time.nsec) && p.time.nsec >= 0 && p.time.nsec < 1e9).toBe(true);
  });
  expect(read.result.packets).toBe(read.packets.length);
}

describe('hostile input', () => {
  it('random bytes: a result or the typed not-a-capture error, nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 64 }), async (bytes, chunk) => {
        const r = await tryRead(chunksOf(bytes, chunk));
        if (!(r instanceof TlsAutopsyError)) checkSane(r);
      }),
      { numRuns: 400 },
    );
  });

  it('random bytes after a valid file header reach the record and block parsers without escaping', async () => {
    const headers = [
      encodePcap([], { linkType: 1 }),
      encodePcap([], { linkType: 1, bigEndian: true, nanosecond: true }),
      encodePcapng([], { interfaces: [{ linkType: 1 }, { linkType: 1, tsResolution: 9 }] }),
      encodePcapng([], { interfaces: [{ linkType: 1, snapLength: 16 }], bigEndian: true }),
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...headers), fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 50 }), async (header, tail, chunk) => {
        const bytes = new Uint8Array(header.length + tail.length);
        bytes.set(header);
        bytes.set(tail, header.length);
        const r = await tryRead(chunksOf(bytes, chunk), { maxPacketBytes: 1000, maxBlockBytes: 4096 });
        expect(r).not.toBeInstanceOf(TlsAutopsyError);
        if (!(r instanceof TlsAutopsyError)) checkSane(r, 1000);
      }),
      { numRuns: 400 },
    );
  });

  it('valid files with corrupted bytes and length fields never escape', async () => {
    const mutation = fc.record({
      at: fc.nat(),
      value: fc.oneof(fc.constantFrom(0, 1, 12, 0xffffffff, 0x7fffffff, 0x0a0d0d0a, 0x1a2b3c4d), fc.integer({ min: 0, max: 0xffffffff })),
      wide: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(arbSample, fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 40 }), async (sample, mutations, chunk) => {
        const bytes = sample.bytes.slice();
        const view = new DataView(bytes.buffer);
        for (const m of mutations) {
          if (bytes.length < 4) break;
          const at = m.at % (bytes.length - 3);
          if (m.wide) view.setUint32(at, m.value, m.value % 2 === 0);
          else bytes[at] = m.value & 0xff;
        }
        const r = await tryRead(chunksOf(bytes, chunk));
        if (!(r instanceof TlsAutopsyError)) checkSane(r);
      }),
      { numRuns: 400 },
    );
  });
});

describe('truncation', () => {
  it('a valid file cut at every length: the packets before the cut plus capture.truncated_file, or a clean header error', async () => {
    await fc.assert(
      fc.asyncProperty(arbSample, async (sample) => {
        const full = await readAll(fromBytes(sample.bytes));
        expect(full.packets).toHaveLength(sample.packets);
        const { ends, packetEnds, headerEnd } = unitEnds(sample);
        for (let cut = 0; cut < sample.bytes.length; cut++) {
          const r = await tryRead(fromBytes(sample.bytes.subarray(0, cut)));
          if (cut < headerEnd) {
            expect(r).toBeInstanceOf(TlsAutopsyError);
            expect((r as TlsAutopsyError).code).toBe('not-a-capture');
            continue;
          }
          expect(r).not.toBeInstanceOf(TlsAutopsyError);
          const read = r as Read;
          const complete = packetEnds.filter((e) => e <= cut).length;
          expect(read.packets).toEqual(full.packets.slice(0, complete));
          const atBoundary = ends.includes(cut);
          expect(read.result.anomalies.map((a) => a.code)).toEqual(atBoundary ? [] : ['capture.truncated_file']);
          expect(read.result.stoppedEarly).toBe(!atBoundary);
          if (!atBoundary) expect(read.result.anomalies[0]?.message).toContain(`${complete} complete packet`);
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('segmentation independence', () => {
  it('any split of the input into chunks gives the same packets, secrets and anomalies', async () => {
    await fc.assert(
      fc.asyncProperty(arbSample, fc.array(fc.nat(), { maxLength: 12 }), fc.nat(40), async (sample, cuts, trim) => {
        // Also with a cut at the end, so truncation handling is segmented too.
        const bytes = sample.bytes.subarray(0, Math.max(0, sample.bytes.length - trim));
        const whole = await tryRead(fromBytes(bytes));
        const split = await tryRead(splitAt(bytes, cuts.map((c) => c % Math.max(1, bytes.length))));
        if (whole instanceof TlsAutopsyError) {
          expect(split).toBeInstanceOf(TlsAutopsyError);
          expect((split as TlsAutopsyError).message).toBe(whole.message);
          return;
        }
        const s = split as Read;
        expect(s.packets).toEqual(whole.packets);
        expect(s.secrets).toEqual(whole.secrets);
        expect(s.result).toEqual(whole.result);
      }),
      { numRuns: 200 },
    );
  });

  it('a file read with chunkBytes 1, 7, 64 and 1 MiB gives identical results', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-chunks-'));
    const samples = fc.sample(arbSample, { numRuns: 12, seed: 42 });
    for (const [i, sample] of samples.entries()) {
      const path = join(dir, `s${i}`);
      writeFileSync(path, sample.bytes.subarray(0, sample.bytes.length - (i % 3) * 5));
      const reads = [];
      for (const chunkBytes of [1, 7, 64, 1 << 20]) reads.push(await tryRead(path, { chunkBytes }));
      for (const r of reads.slice(1)) {
        if (reads[0] instanceof TlsAutopsyError) expect((r as Error).message).toBe(reads[0].message);
        else expect(r).toEqual(reads[0]);
      }
    }
  });
});

describe('gzip', () => {
  it('gzip-compressed captures read exactly like the plain ones (and several gzip members too)', async () => {
    await fc.assert(
      fc.asyncProperty(arbSample, fc.integer({ min: 1, max: 300 }), async (sample, chunk) => {
        const plain = await readAll(fromBytes(sample.bytes));
        const zipped = await readAll(chunksOf(gzipSync(sample.bytes), chunk));
        expect(zipped.packets).toEqual(plain.packets);
        expect(zipped.secrets).toEqual(plain.secrets);
        expect(zipped.result).toEqual({ ...plain.result, info: { ...plain.result.info, gzip: true } });
        const half = Math.floor(sample.bytes.length / 2);
        const members = Buffer.concat([gzipSync(sample.bytes.subarray(0, half)), gzipSync(sample.bytes.subarray(half))]);
        expect((await readAll(fromBytes(members))).packets).toEqual(plain.packets);
      }),
      { numRuns: 60 },
    );
  });

  it('gzip from a file with a tiny read buffer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-gz-'));
    const sample = fc.sample(arbSample.filter((s) => s.packets > 3), { numRuns: 1, seed: 7 })[0]!;
    const path = join(dir, 'x.pcap.gz');
    writeFileSync(path, gzipSync(sample.bytes));
    const a = await readAll(path, { chunkBytes: 3 });
    const b = await readAll(fromBytes(sample.bytes));
    expect(a.packets).toEqual(b.packets);
    expect(a.result.info.gzip).toBe(true);
    expect(a.result.bytesRead).toBe(sample.bytes.length);
  });
});

describe('no accumulation', () => {
  it('a packet view is only valid during the callback: the read buffer is reused', async () => {
    const packets = Array.from({ length: 100 }, (_, i) => ({ time: { sec: i, nsec: 0 }, bytes: new Uint8Array(100).fill(i) }));
    const kept: Uint8Array[] = [];
    await readCapture(chunksOf(encodePcap(packets, { linkType: 1 }), 1000), (p) => kept.push(p.bytes));
    // Views share a handful of chunk buffers rather than one allocation per packet.
    expect(new Set(kept.map((b) => b.buffer)).size).toBeLessThan(packets.length);
  });
});
