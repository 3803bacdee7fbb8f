/** Shared helpers of the capture tests: byte sources, packet collection, the reference parser. */
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import { readCapture } from '../../src/capture/index.js';
import type { CaptureReaderOptions, CaptureResult, CaptureSource, DecryptionSecrets } from '../../src/capture/index.js';
import type { Timestamp } from '../../src/util/time.js';

/** A packet as the tests compare it (bytes copied out of the callback). */
export interface Got {
  frame: number;
  time: Timestamp;
  linkType: number;
  interfaceId: number;
  bytes: Uint8Array;
  capturedLength: number;
  originalLength: number;
}

export interface Read {
  packets: Got[];
  result: CaptureResult;
  secrets: DecryptionSecrets[];
}

/** Reads a whole capture, copying every packet. */
export async function readAll(source: CaptureSource, options: CaptureReaderOptions = {}): Promise<Read> {
  const packets: Got[] = [];
  const secrets: DecryptionSecrets[] = [];
  const result = await readCapture(
    source,
    (p) => {
      if (p.bytes.length !== p.capturedLength) throw new Error(`frame ${p.frame}: bytes.length ${p.bytes.length} != capturedLength ${p.capturedLength}`);
      packets.push({ ...p, time: { sec: p.time.sec, nsec: p.time.nsec }, bytes: new Uint8Array(p.bytes) });
    },
    { ...options, onDecryptionSecrets: (s) => secrets.push(s) },
  );
  return { packets, result, secrets };
}

/** Bytes as an async iterable of chunks of `size` bytes (the last one shorter). */
export async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, Math.min(bytes.length, at + size));
}

/** Bytes as an async iterable cut at the given offsets. */
export async function* splitAt(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= from || cut >= bytes.length) continue;
    yield bytes.subarray(from, cut);
    from = cut;
  }
  yield bytes.subarray(from);
}

/** Bytes as a one-chunk async iterable. */
export function fromBytes(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  return chunksOf(bytes, Math.max(1, bytes.length));
}

/** One packet as pcap-parser reports it. */
export interface ReferencePacket {
  header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number };
  data: Buffer;
}

interface PcapParserModule {
  parse(input: string | NodeJS.ReadableStream): EventEmitter;
}

const require = createRequire(import.meta.url);
const pcapParser = require('pcap-parser') as PcapParserModule;

/** Reads a classic µs pcap with pcap-parser (the reference implementation). */
export function readWithReference(input: string | NodeJS.ReadableStream): Promise<{ linkType: number; packets: ReferencePacket[] }> {
  return new Promise((resolvePromise, reject) => {
    const parser = pcapParser.parse(input);
    const packets: ReferencePacket[] = [];
    let linkType = -1;
    let failed = false;
    parser.on('globalHeader', (h: { linkLayerType: number }) => {
      linkType = h.linkLayerType;
    });
    parser.on('packet', (p: ReferencePacket) => packets.push(p));
    parser.on('error', (e: unknown) => {
      failed = true;
      reject(e);
    });
    parser.on('end', () => {
      if (!failed) resolvePromise({ linkType, packets });
    });
  });
}

/** Byte-equal (with a readable failure when not). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}
