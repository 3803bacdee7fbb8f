/**
 * Connections that cannot turn into TLS (plain HTTP other than CONNECT, SSH) stop being scanned
 * for a STARTTLS upgrade at their first bytes and keep only the first bytes the report shows,
 * with reports byte-identical to a full scan. The full scan is the reference: the recogniser is
 * switched off through a module mock, so both runs go through the very same pipeline.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { Connection } from '../../src/analysis/connection.js';
import { plainProtocolOf } from '../../src/tls/session/starttls.js';
import { F, PcapStream, ip, runPipeline, streamOf } from '../hostile/support.js';
import type { PipelineRun } from '../hostile/support.js';
import { clientHelloRecord, concat, handshakeMessage, inRecords, serverHelloRecord } from '../hostile/tls-bytes.js';

const recogniser = vi.hoisted(() => ({ on: true }));
vi.mock('../../src/tls/session/starttls.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/tls/session/starttls.js')>();
  return { ...real, plainProtocolOf: (first: Uint8Array) => (recogniser.on ? real.plainProtocolOf(first) : null) };
});

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const CLIENT = ip(10, 7, 0, 1);
const SERVER = ip(10, 7, 0, 2);

/** One step of a connection: who sends what, cut into segments of `mss` bytes. */
interface Step {
  readonly from: 0 | 1;
  readonly bytes: Uint8Array;
}

interface Flow {
  readonly steps: readonly Step[];
  readonly mss: number;
  /** Index of a segment of the whole flow that the capture misses (none when past the end). */
  readonly lost: number;
  readonly open: boolean;
}

/** Writes a flow as one TCP connection (client port `cport`). */
function writeFlow(s: PcapStream, f: Flow, cport: number): void {
  const seq = [1000, 900_000];
  const addr = [CLIENT, SERVER];
  const port = [cport, 80];
  s.add({ src: CLIENT, dst: SERVER, sport: cport, dport: 80, seq: 999, flags: F.SYN });
  s.add({ src: SERVER, dst: CLIENT, sport: 80, dport: cport, seq: 899_999, ack: 1000, flags: F.SYN | F.ACK });
  s.add({ src: CLIENT, dst: SERVER, sport: cport, dport: 80, seq: 1000, ack: 900_000, flags: F.ACK });
  let n = 0;
  for (const step of f.steps) {
    const d = step.from;
    const o = d === 0 ? 1 : 0;
    for (let at = 0; at < step.bytes.length; at += f.mss) {
      const payload = step.bytes.subarray(at, Math.min(step.bytes.length, at + f.mss));
      if (n++ !== f.lost) {
        s.add({ src: addr[d] as number, dst: addr[o] as number, sport: port[d] as number, dport: port[o] as number, seq: seq[d] as number, ack: seq[o] as number, flags: F.ACK | F.PSH, payload });
      }
      seq[d] = (seq[d] as number) + payload.length;
    }
  }
  if (f.open) return;
  s.add({ src: CLIENT, dst: SERVER, sport: cport, dport: 80, seq: seq[0] as number, ack: seq[1] as number, flags: F.ACK | F.FIN });
  s.add({ src: SERVER, dst: CLIENT, sport: 80, dport: cport, seq: seq[1] as number, ack: (seq[0] as number) + 1, flags: F.ACK | F.FIN });
}

async function analyze(flows: readonly Flow[], on: boolean): Promise<PipelineRun> {
  recogniser.on = on;
  try {
    return await runPipeline(
      streamOf(function* (s) {
        flows.forEach((f, i) => writeFlow(s, f, 20_000 + i));
      }),
    );
  } finally {
    recogniser.on = true;
  }
}

/** The reports, as text: what any output format is made from. */
function reports(run: PipelineRun): string[] {
  return run.connections.map((c) => JSON.stringify(c, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)));
}

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

describe('plainProtocolOf', () => {
  it('recognises HTTP requests other than CONNECT, and SSH identification strings', () => {
    for (const m of ['GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE']) expect(plainProtocolOf(text(`${m} /x HTTP/1.1\r\n`)), m).toBe('http');
    expect(plainProtocolOf(text('SSH-2.0-OpenSSH_9.6\r\n'))).toBe('ssh');
    expect(plainProtocolOf(text('SSH-'))).toBe('ssh');
  });

  it('leaves alone what can still turn into TLS or is not one of them', () => {
    for (const s of ['CONNECT example.com:443 HTTP/1.1\r\n', 'HTTP/1.1 200 Connection established\r\n', 'get / HTTP/1.1', 'GETX /', 'GET/', 'POSTS /', 'SSH2', 'EHLO mail.example\r\n', '220 smtp ready\r\n', 'PRI']) {
      expect(plainProtocolOf(text(s)), s).toBeNull();
    }
    expect(plainProtocolOf(Uint8Array.from([0x16, 3, 1, 0, 5]))).toBeNull();
  });

  it('asks for more bytes while they are a prefix of a recognised start', () => {
    for (const s of ['', 'G', 'GE', 'GET', 'OPTIONS', 'DELE', 'S', 'SSH']) expect(plainProtocolOf(text(s)), s).toBe('need-more');
  });

  it('decides on at most 8 bytes, whatever follows them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 40 }), (bytes) => {
        expect(plainProtocolOf(bytes)).toBe(plainProtocolOf(bytes.subarray(0, 8)));
        expect(plainProtocolOf(bytes)).not.toBe('need-more');
      }),
    );
  });
});

/** A TLS 1.2 start after the plaintext: the client's ClientHello, the server's ServerHello and ServerHelloDone. */
const TLS_AFTER: readonly Step[] = [
  { from: 0, bytes: clientHelloRecord('tunnel.example') },
  { from: 1, bytes: concat(serverHelloRecord(), inRecords(22, handshakeMessage(14, new Uint8Array(0)))) },
];

function body(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = 0x20 + ((i * 31 + seed) % 90);
  return b;
}

describe('connections that cannot turn into TLS', () => {
  it('an HTTP GET with a 30 KB response: reported exactly as by a full scan, the server evidence first (its window filled first)', async () => {
    const flow: Flow = {
      steps: [
        { from: 0, bytes: text('GET /big HTTP/1.1\r\nHost: www.example\r\nUser-Agent: test\r\nAccept: */*\r\n\r\n') },
        { from: 1, bytes: concat(text('HTTP/1.1 200 OK\r\nContent-Length: 30000\r\n\r\n'), body(30_000)) },
      ],
      mss: 1400,
      lost: -1,
      open: false,
    };
    const early = await analyze([flow], true);
    const full = await analyze([flow], false);
    expect(reports(early)).toEqual(reports(full));
    const c = early.connections[0] as Connection;
    expect(c.tls).toBe(false);
    expect(c.notTls.map((n) => [n.from, latin1(n.firstBytes).slice(0, 15)])).toEqual([
      ['server', 'HTTP/1.1 200 OK'],
      ['client', 'GET /big HTTP/1'],
    ]);
    expect(c.notTls.map((n) => n.firstBytes.length)).toEqual([64, 64]);
  });

  it('an HTTP CONNECT tunnel carrying a TLS handshake: still found, named as a proxy tunnel', async () => {
    const flow: Flow = {
      steps: [
        { from: 0, bytes: text('CONNECT tunnel.example:443 HTTP/1.1\r\nHost: tunnel.example:443\r\n\r\n') },
        { from: 1, bytes: text('HTTP/1.1 200 Connection established\r\n\r\n') },
        ...TLS_AFTER,
      ],
      mss: 1400,
      lost: -1,
      open: false,
    };
    const early = await analyze([flow], true);
    expect(reports(early)).toEqual(reports(await analyze([flow], false)));
    const c = early.connections[0] as Connection;
    expect(c.tls).toBe(true);
    expect(c.starttls).toBe('http-connect');
    expect(c.timeline.some((t) => t.kind === 'tls-start' && t.label === 'TLS starts inside an HTTP CONNECT proxy tunnel')).toBe(true);
    expect(c.handshakes[0]?.clientHello?.sni).toBe('tunnel.example');
    expect(c.handshakes[0]?.serverHelloDoneFrame).not.toBeNull();
  });

  it('SSH, and HTTP with a lost segment: reported exactly as by a full scan', async () => {
    const ssh: Flow = {
      steps: [
        { from: 1, bytes: text('SSH-2.0-OpenSSH_9.6\r\n') },
        { from: 0, bytes: text('SSH-2.0-OpenSSH_9.6\r\n') },
        { from: 0, bytes: body(3000, 5) },
        { from: 1, bytes: body(20_000, 7) },
      ],
      mss: 536,
      lost: -1,
      open: true,
    };
    const lossy: Flow = {
      steps: [
        { from: 0, bytes: concat(text('POST /upload HTTP/1.1\r\nContent-Length: 9000\r\n\r\n'), body(9000, 3)) },
        { from: 1, bytes: text('HTTP/1.1 204 No Content\r\n\r\n') },
      ],
      mss: 1000,
      lost: 3,
      open: false,
    };
    const early = await analyze([ssh, lossy], true);
    expect(reports(early)).toEqual(reports(await analyze([ssh, lossy], false)));
    // After the lost segment the client's evidence is the bytes after it, as a full scan reports.
    const post = early.connections[1] as Connection;
    expect(post.gaps.length).toBe(1);
    expect(latin1(post.notTls.find((n) => n.from === 'client')?.firstBytes ?? new Uint8Array(0)).startsWith('POST')).toBe(false);
  });

  it('holds 64 bytes per direction of each open HTTP connection instead of its whole scan window', async () => {
    const N = 200;
    const flow: Flow = { steps: [{ from: 0, bytes: concat(text('POST /x HTTP/1.1\r\nContent-Length: 12000\r\n\r\n'), body(12_000)) }, { from: 1, bytes: text('HTTP/1.1 100 Continue\r\n\r\n') }], mss: 1400, lost: -1, open: true };
    const flows = Array.from({ length: N }, () => flow);
    const early = await analyze(flows, true);
    const full = await analyze(flows, false);
    expect(early.tlsHeld.peak).toBeLessThanOrEqual(N * 2 * 64);
    expect(full.tlsHeld.peak).toBeGreaterThan(N * 12_000);
    expect(reports(early)).toEqual(reports(full));
  });
});

// --- the property ---------------------------------------------------------------------------

const arbLine = fc.stringMatching(/^[ -~]{0,60}$/).map((s) => `${s}\r\n`);
const arbRecognised = fc.tuple(fc.constantFrom('GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'SSH-2.0-x'), fc.array(arbLine, { maxLength: 6 })).map(([start, lines]) => text(`${start} /${lines.join('')}`));
const arbOther = fc.oneof(
  fc.tuple(fc.constantFrom('CONNECT a.example:443 HTTP/1.1', 'HTTP/1.1 200 OK', 'GETX /', 'get /', 'SSH', 'EHLO m.example', '220 ready', '* OK IMAP', 'a1 STARTTLS', '+OK'), fc.array(arbLine, { maxLength: 6 })).map(([start, lines]) => text(`${start}\r\n${lines.join('')}`)),
  fc.uint8Array({ minLength: 1, maxLength: 300 }),
);
/** A run of plaintext: a start, then filler that may push it past the 16 KiB window. */
const arbPlain = fc.tuple(fc.oneof(arbRecognised, arbOther), fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 99 })).map(([start, filler, seed]) => concat(start, body(filler, seed)));

const arbFlow: fc.Arbitrary<Flow> = fc
  .record({
    client: arbPlain,
    server: fc.option(arbPlain, { nil: undefined }),
    serverFirst: fc.boolean(),
    tls: fc.boolean(),
    mss: fc.integer({ min: 3, max: 3000 }),
    lost: fc.integer({ min: -1, max: 30 }),
    open: fc.boolean(),
  })
  .map(({ client, server, serverFirst, tls, mss, lost, open }) => {
    const plain: Step[] = [{ from: 0, bytes: client }];
    if (server !== undefined) {
      if (serverFirst) plain.unshift({ from: 1, bytes: server });
      else plain.push({ from: 1, bytes: server });
    }
    return { steps: tls ? [...plain, ...TLS_AFTER] : plain, mss, lost, open };
  });

/** The lost segment held some of the first 8 bytes of a direction (those its protocol is recognised from). */
function lostEarly(f: Flow): boolean {
  const sent = [0, 0];
  let n = 0;
  for (const step of f.steps) {
    for (let at = 0; at < step.bytes.length; at += f.mss) {
      if (n++ === f.lost && (sent[step.from] as number) + at < 8) return true;
    }
    sent[step.from] = (sent[step.from] as number) + step.bytes.length;
  }
  return false;
}

describe('the early give-up changes no report', () => {
  it('of random plaintext(-then-TLS) flows, except to keep a recognised HTTP or SSH connection from being taken for STARTTLS', async () => {
    let recognisedKept = 0;
    let starttlsKept = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(arbFlow, { minLength: 1, maxLength: 3 }), async (flows) => {
        const early = await analyze(flows, true);
        const full = await analyze(flows, false);
        expect(early.connections.length).toBe(full.connections.length);
        full.connections.forEach((ref, i) => {
          const got = early.connections[i] as Connection;
          const f = flows[i] as Flow;
          const firsts = [0, 1].map((d) => f.steps.find((s) => s.from === d)?.bytes);
          const recognised = firsts.some((b) => b !== undefined && plainProtocolOf(b) !== null && plainProtocolOf(b) !== 'need-more');
          if (recognised && ref.starttls !== null) {
            // By design: HTTP and SSH do not upgrade, so bytes that look like a ClientHello later on are not taken for one
            // (unless the capture lost the first bytes that say which protocol it is).
            if (!lostEarly(f)) expect(got.starttls).toBeNull();
            return;
          }
          if (recognised) recognisedKept++;
          if (ref.starttls !== null) starttlsKept++;
          expect(reports({ ...early, connections: [got] })).toEqual(reports({ ...full, connections: [ref] }));
        });
      }),
      { numRuns: 60 },
    );
    // Both kinds were exercised.
    expect(recognisedKept).toBeGreaterThan(5);
    expect(starttlsKept).toBeGreaterThan(5);
  }, 120_000);
});
