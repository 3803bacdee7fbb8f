/**
 * The reader against pcap-parser (the reference for classic µs pcap) and against the packet
 * counts tshark recorded in the shared corpus manifest.
 */
import { mkdtempSync, readFileSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePcap } from '../../src/capture/index.js';
import type { PacketRecord } from '../../src/capture/index.js';
import { readAll, readWithReference, sameBytes } from './helpers.js';
import { SHARED_CORPUS } from '../conformance/corpus.js';
import type { Read } from './helpers.js';

interface ManifestEntry {
  id: string;
  file?: string;
  file_format: string;
  packets: string | number;
}

function manifest(): ManifestEntry[] {
  return (JSON.parse(readFileSync(SHARED_CORPUS.manifestPath, 'utf8')) as { captures: ManifestEntry[] }).captures;
}

function pathOf(entry: ManifestEntry): string {
  return resolve(SHARED_CORPUS.dir, entry.file ?? entry.id);
}

/** First four bytes: is this a classic microsecond pcap (what pcap-parser can read)? */
function isMicrosecondPcap(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    const magic = head.toString('hex');
    return magic === 'a1b2c3d4' || magic === 'd4c3b2a1';
  } finally {
    closeSync(fd);
  }
}

async function compareWithReference(path: string, ours: Read): Promise<void> {
  const ref = await readWithReference(path);
  expect(ours.packets.length).toBe(ref.packets.length);
  expect(ours.result.interfaces[0]?.linkType).toBe(ref.linkType & 0xffff);
  for (let i = 0; i < ref.packets.length; i++) {
    const r = ref.packets[i]!;
    const o = ours.packets[i]!;
    expect(o.frame).toBe(i + 1);
    expect(o.time.sec).toBe(r.header.timestampSeconds);
    expect(o.time.nsec).toBe(r.header.timestampMicroseconds * 1000);
    expect(o.capturedLength).toBe(r.header.capturedLength);
    expect(o.originalLength).toBe(r.header.originalLength);
    expect(sameBytes(o.bytes, r.data)).toBe(true);
  }
}

if (!SHARED_CORPUS.present) console.log(`capture reference tests skipped: ${SHARED_CORPUS.skipReason}`);

describe.skipIf(!SHARED_CORPUS.present)('shared corpus', () => {
  it('every file listed in MANIFEST.json has the packet count tshark reported, without anomalies', async () => {
    const entries = manifest();
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      const { result } = await readAll(pathOf(entry));
      expect({ id: entry.id, packets: result.packets }).toEqual({ id: entry.id, packets: Number(entry.packets) });
      expect(result.info.format).toBe(entry.file_format);
      expect(result.anomalies).toEqual([]);
      expect(result.stoppedEarly).toBe(false);
    }
  });

  it('ja4/ipv6.pcapng is sniffed as pcap from its content, whatever its name says', async () => {
    const entry = manifest().find((e) => e.id === 'ja4/ipv6.pcapng');
    if (entry === undefined) {
      console.log('ja4/ipv6.pcapng is not in the manifest; nothing to check');
      return;
    }
    const { result } = await readAll(pathOf(entry));
    expect(result.info.format).toBe('pcap');
  });

  it('every classic µs pcap matches pcap-parser packet for packet (time, lengths, bytes), at two chunk sizes', async () => {
    let compared = 0;
    for (const entry of manifest()) {
      const path = pathOf(entry);
      if (!isMicrosecondPcap(path)) continue;
      await compareWithReference(path, await readAll(path));
      await compareWithReference(path, await readAll(path, { chunkBytes: 97 }));
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
  });
});

describe('files written here, read by pcap-parser and by the reader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-capture-'));
  const packets: PacketRecord[] = [];
  for (let i = 0; i < 300; i++) {
    const bytes = new Uint8Array((i * 37) % 1600);
    for (let j = 0; j < bytes.length; j++) bytes[j] = (i * 31 + j * 7) & 0xff;
    packets.push({ time: { sec: 1_763_640_131 + Math.floor(i / 7), nsec: ((i * 104_729) % 1_000_000) * 1000 }, bytes, originalLength: bytes.length + (i % 3) * 10 });
  }

  for (const bigEndian of [false, true]) {
    it(`µs pcap, ${bigEndian ? 'big' : 'little'}-endian`, async () => {
      const path = join(dir, `written-${bigEndian ? 'be' : 'le'}.pcap`);
      writeFileSync(path, encodePcap(packets, { linkType: 1, bigEndian, snapLength: 65_535 }));
      const ours = await readAll(path, { chunkBytes: 4096 });
      expect(ours.result.info.byteOrder).toBe(bigEndian ? 'big' : 'little');
      await compareWithReference(path, ours);
    });
  }
});
