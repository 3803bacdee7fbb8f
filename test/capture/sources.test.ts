/** Sources: files, Node streams (stdin-like), async iterables of tiny chunks; abort; packetsOf. */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, createReadStream, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePcap, encodePcapng, packetsOf, readCapture } from '../../src/capture/index.js';
import type { Packet, PacketRecord } from '../../src/capture/index.js';
import { openSource } from '../../src/capture/sources.js';
import { TlsAutopsyError } from '../../src/util/errors.js';
import { chunksOf, readAll } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-sources-'));

function makePackets(n: number): PacketRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    time: { sec: 1_763_640_131 + i, nsec: (i * 7919) % 1_000_000_000 },
    bytes: Uint8Array.from({ length: 60 + (i % 50) }, (_, j) => (i * 3 + j) & 0xff),
    interfaceId: i % 2,
  }));
}

const packets = makePackets(500);
const pcapng = encodePcapng(packets, { interfaces: [{ linkType: 1, tsResolution: 9 }, { linkType: 276, tsResolution: 9 }] });
const path = join(dir, 'capture.pcapng');
writeFileSync(path, pcapng);

/** The whole packets in `bytes`, read from a source that ends: what an interrupted read of them must have delivered. */
async function packetsIn(bytes: Uint8Array): Promise<number> {
  return (await readCapture(Readable.from([Buffer.from(bytes)]), () => undefined)).packets;
}

describe('sources', () => {
  it('a file, a Readable (fs stream), a Readable.from of Buffers and an iterable of 1-byte chunks agree', async () => {
    const fromFile = await readAll(path);
    expect(fromFile.packets).toHaveLength(500);
    expect(fromFile.result.bytesRead).toBe(pcapng.length);
    const fromStream = await readAll(createReadStream(path, { highWaterMark: 1000 }));
    const fromBuffers = await readAll(Readable.from([Buffer.from(pcapng.subarray(0, 5)), Buffer.from(pcapng.subarray(5))]));
    const fromTiny = await readAll(chunksOf(pcapng, 1));
    for (const other of [fromStream, fromBuffers, fromTiny]) {
      expect(other.packets).toEqual(fromFile.packets);
      expect(other.result).toEqual(fromFile.result);
    }
  });

  it('reads a stdin-like stream that delivers data slowly, in uneven pieces', async () => {
    const stdin = new PassThrough();
    const gz = gzipSync(pcapng);
    const feeding = (async () => {
      for (let at = 0, step = 1; at < gz.length; at += step, step = (step * 7) % 977 + 1) {
        stdin.write(gz.subarray(at, at + step));
        if (at % 5 === 0) await new Promise((r) => setTimeout(r, 0));
      }
      stdin.end();
    })();
    const read = await readAll(stdin, { name: 'stdin' });
    await feeding;
    expect(read.packets).toHaveLength(500);
    expect(read.result.info.gzip).toBe(true);
  });

  it('a stream with an encoding set is refused with an io error that says so', async () => {
    const s = createReadStream(path, { encoding: 'latin1' });
    await expect(readCapture(s, () => undefined)).rejects.toMatchObject({ code: 'io', message: expect.stringContaining('text stream') });
  });

  it('a failing stream is an io error', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield pcapng.subarray(0, 100);
      throw new Error('connection reset');
    }
    const error = await readCapture(failing(), () => undefined, { name: 'upload' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsAutopsyError);
    expect(error).toMatchObject({ code: 'io', message: 'Cannot read upload: connection reset.' });
  });

  it('non-capture stdin is named "the input" unless a name is given', async () => {
    await expect(readCapture(Readable.from([Buffer.from('hello')]), () => undefined)).rejects.toMatchObject({ message: expect.stringMatching(/^the input is not a packet capture/) });
  });
});

describe('abort', () => {
  it('aborting inside the callback stops after that packet', async () => {
    const controller = new AbortController();
    let seen = 0;
    const result = await readCapture(
      path,
      () => {
        if (++seen === 3) controller.abort();
      },
      { signal: controller.signal, chunkBytes: 64 },
    );
    expect(seen).toBe(3);
    expect(result.packets).toBe(3);
    expect(result.stoppedEarly).toBe(true);
    // The report says reading was cut short on purpose, not by damage.
    expect(result.anomalies.map((a) => [a.code, a.severity, a.message])).toEqual([['capture.interrupted', 'weird', 'Reading was interrupted after 3 packets; the rest of the input was not read.']]);
  });

  it('aborting while the source is idle returns what was read (a source that never ends: a hang fails on the test timeout)', async () => {
    const controller = new AbortController();
    const stalled = new PassThrough();
    stalled.write(pcapng.subarray(0, 300));
    setTimeout(() => controller.abort(), 30);
    const result = await readCapture(stalled, () => undefined, { signal: controller.signal });
    expect(result.bytesRead).toBe(300);
    expect(result.packets).toBe(await packetsIn(pcapng.subarray(0, 300)));
    expect(result.stoppedEarly).toBe(true);
    expect(result.info.format).toBe('pcapng');
    expect(result.anomalies.map((a) => a.code)).toEqual(['capture.interrupted']);
    stalled.destroy();
  });

  it('an already aborted signal reads nothing past the header', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await readCapture(path, () => undefined, { signal: controller.signal });
    expect(result.stoppedEarly).toBe(true);
    expect(result.packets).toBe(0);
    expect(result.info.format).toBe('pcapng');
    expect(result.interfaces).toHaveLength(0);
  });
});

describe('packetsOf', () => {
  it('yields the same packets as readCapture, as copies that outlive the loop, and returns the result', async () => {
    const viaCallback = await readAll(path, { chunkBytes: 256 });
    const got: Packet[] = [];
    const iterator = packetsOf(path, { chunkBytes: 256 });
    let step = await iterator.next();
    while (step.done !== true) {
      got.push(step.value);
      step = await iterator.next();
    }
    expect(got.map((p) => ({ ...p, bytes: new Uint8Array(p.bytes) }))).toEqual(viaCallback.packets);
    expect(step.value).toEqual(viaCallback.result);
    // Copies: each packet owns its bytes.
    expect(new Set(got.map((p) => p.bytes.buffer)).size).toBe(got.length);
  });

  it('breaking out of the loop stops reading', async () => {
    let n = 0;
    for await (const p of packetsOf(path, { chunkBytes: 128 })) {
      expect(p.frame).toBe(++n);
      if (n === 10) break;
    }
    expect(n).toBe(10);
  });

  it('a consumer slower than the reader gets every packet in order (the reader waits for it)', async () => {
    let n = 0;
    for await (const p of packetsOf(chunksOf(encodePcap(makePackets(200), { linkType: 1 }), 333))) {
      expect(p.frame).toBe(++n);
      if (n % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(n).toBe(200);
  });

  it('surfaces the not-a-capture error to the loop', async () => {
    const loop = async (): Promise<void> => {
      for await (const _ of packetsOf(Readable.from([Buffer.from('PK\x03\x04rest of a zip')]))) {
        // never reached
      }
    };
    await expect(loop()).rejects.toMatchObject({ code: 'not-a-capture', message: expect.stringContaining('ZIP archive') });
  });
});

describe('named pipes', () => {
  const fifo = (name: string): string => {
    const p = join(dir, name);
    execFileSync('mkfifo', [p]);
    return p;
  };

  it('waits for the writer, reads what it writes, and ends when it closes', async () => {
    const p = fifo('late-writer.pcapng');
    const writer = spawn('sh', ['-c', `sleep 0.3; cat "${path}" > "${p}"`]);
    const writerDone = new Promise((r) => writer.on('close', r));
    const result = await readAll(p);
    expect(result.packets).toEqual((await readAll(path)).packets);
    expect(result.result.stoppedEarly).toBe(false);
    expect(result.result.anomalies).toEqual([]);
    await writerDone;
  });

  it('an abort while the pipe is silent returns what was read (a writer that never closes: a hang fails on the test timeout)', async () => {
    const p = fifo('silent.pcapng');
    const fd = openSync(p, 'r+'); // a writer that never writes more and never closes
    writeSync(fd, pcapng.subarray(0, 300));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await readCapture(p, () => undefined, { signal: controller.signal });
    expect(result.bytesRead).toBe(300);
    expect(result.packets).toBe(await packetsIn(pcapng.subarray(0, 300)));
    expect(result.stoppedEarly).toBe(true);
    expect(result.info.format).toBe('pcapng');
    expect(result.anomalies.map((a) => a.code)).toEqual(['capture.interrupted']);
    closeSync(fd);
  });
});

describe('file source read-ahead', () => {
  const bytes = Uint8Array.from({ length: 40 }, (_, i) => i * 7);
  const small = join(dir, 'forty-bytes.bin');
  writeFileSync(small, bytes);

  it('keeps a pulled chunk intact while the next read runs, until the next pull', async () => {
    const chunks = openSource(small, 16, 'forty-bytes.bin');
    const seen: number[][] = [];
    for (;;) {
      const r = await chunks.next();
      if (r.done === true) break;
      const copy = [...r.value];
      // The next read is under way now; let it land before looking at the chunk again.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect([...r.value]).toEqual(copy);
      seen.push(copy);
    }
    expect(seen.map((c) => c.length)).toEqual([16, 16, 8]);
    expect(seen.flat()).toEqual([...bytes]);
  });

  it('stops early without a stray read: the pending read settles before the file closes', async () => {
    const chunks = openSource(small, 16, 'forty-bytes.bin');
    const first = await chunks.next();
    expect(first.done).toBe(false);
    await expect(chunks.return?.()).resolves.toEqual({ done: true, value: undefined });
    await expect(chunks.next()).resolves.toEqual({ done: true, value: undefined });
  });
});
