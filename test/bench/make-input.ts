/**
 * Benchmark input: a large classic pcap built from real handshakes.
 *
 * A few sessions are recorded once with Node's `tls` (the fixture generator: TLS 1.2 and 1.3,
 * mutual TLS that succeeds and that fails, one session with bulk application data) plus a
 * plaintext HTTP download, each framed once by `synthesizeTcp`. The frames are then
 * replicated with a distinct client address and port per copy (IPv4 and TCP checksums
 * updated incrementally, RFC 1624), interleaved a few connections at a time, and written
 * with the streaming `PcapWriter` until the file reaches the requested size.
 *
 * The bulk input (`writeBulkInput`) is the other extreme: a few TLS 1.3 connections, each a
 * real handshake followed by hundreds of MiB of full-size application-data records, the cost
 * per byte rather than per handshake.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type * as tls from 'node:tls';
import { PcapWriter } from '../../src/capture/writer.js';
import { getPki, tlsCredentials } from '../fixtures/certs.js';
import type { FixturePki, IssuedCert } from '../fixtures/certs.js';
import { runSession } from '../fixtures/tls-session.js';
import type { AppExchange, SessionOptions, TransportEvent } from '../fixtures/tls-session.js';
import { SAMPLE_EPOCH, synthesizeTcp } from '../fixtures/tcp-synth.js';
import type { Endpoint } from '../fixtures/tcp-synth.js';

/** One recorded connection, framed once, ready to be replicated. */
interface Template {
  readonly name: string;
  readonly tls: boolean;
  /** Frames in order: bytes (Ethernet/IPv4/TCP), direction. */
  readonly frames: readonly { readonly bytes: Uint8Array; readonly c2s: boolean }[];
  readonly bytes: number;
}

/** What the generated file holds. */
export interface BenchInput {
  readonly path: string;
  readonly bytes: number;
  readonly packets: number;
  readonly connections: number;
  /** TLS connections (each one starts a real handshake). */
  readonly handshakes: number;
  readonly nonTlsConnections: number;
  /** Per template: name → connections written. */
  readonly mix: Readonly<Record<string, number>>;
}

const BASE_CLIENT: Endpoint = { ip: '10.0.0.5', port: 40000 };
const HR: Endpoint = { ip: '10.0.0.20', port: 443 };
const PAYROLL: Endpoint = { ip: '10.0.0.21', port: 8443 };
const WEB: Endpoint = { ip: '10.0.0.30', port: 80 };

const SMALL: AppExchange = { requestBodyBytes: 0, responseBodyBytes: 96 };
const BULK: AppExchange = { requestBodyBytes: 2000, responseBodyBytes: 64 * 1024 };
const TLS12 = { maxVersion: 'TLSv1.2' } as const satisfies tls.SecureContextOptions;
const MTLS: tls.TlsOptions = { requestCert: true, rejectUnauthorized: true };

function server(pki: FixturePki, cert: IssuedCert, extra: tls.TlsOptions = {}): SessionOptions['server'] {
  return { kind: 'tls', options: { ...tlsCredentials(cert), ca: pki.rootCa.certPem, ...extra } };
}

function client(pki: FixturePki, servername: string, cert: IssuedCert | undefined, extra: tls.ConnectionOptions = {}): SessionOptions['client'] {
  return { kind: 'tls', options: { ca: pki.rootCa.certPem, servername, ...(cert !== undefined ? tlsCredentials(cert) : {}), ...extra } };
}

/** A plaintext HTTP download: request, `size`-byte response, FINs. */
function plainDownload(size: number): TransportEvent[] {
  const enc = new TextEncoder();
  const body = new Uint8Array(size);
  for (let i = 0; i < size; i++) body[i] = 0x41 + (i % 26);
  const head = enc.encode(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${size}\r\n\r\n`);
  const response = new Uint8Array(head.length + body.length);
  response.set(head, 0);
  response.set(body, head.length);
  return [
    { kind: 'data', dir: 'c2s', bytes: enc.encode('GET /backup.bin HTTP/1.1\r\nHost: files.example.com\r\nUser-Agent: curl/8.5.0\r\n\r\n'), t: 0n },
    { kind: 'data', dir: 's2c', bytes: response, t: 1n },
    { kind: 'fin', dir: 's2c', t: 2n, via: 'end' },
    { kind: 'fin', dir: 'c2s', t: 3n, via: 'end' },
  ];
}

function frame(name: string, isTls: boolean, events: readonly TransportEvent[], srv: Endpoint): Template {
  const frames = synthesizeTcp({ events }, { client: BASE_CLIENT, server: srv, clock: { kind: 'synthetic', start: SAMPLE_EPOCH } }).map((f) => ({
    bytes: f.bytes,
    c2s: f.meta.dir === 'c2s',
  }));
  let bytes = 0;
  for (const f of frames) bytes += f.bytes.length + 16;
  return { name, tls: isTls, frames, bytes };
}

/** Records the template sessions (a second or two). */
export async function buildTemplates(): Promise<Template[]> {
  const pki = await getPki();
  const sessions: { name: string; srv: Endpoint; options: SessionOptions }[] = [
    { name: 'tls12-mtls-ok', srv: PAYROLL, options: { server: server(pki, pki.serverRsa, { ...MTLS, ...TLS12 }), client: client(pki, 'payroll.example.com', pki.client, TLS12), app: SMALL } },
    { name: 'tls13-mtls-ok', srv: HR, options: { server: server(pki, pki.serverEc, MTLS), client: client(pki, 'hr.example.com', pki.client), app: SMALL } },
    { name: 'tls12-client-cert-missing', srv: HR, options: { server: server(pki, pki.serverEc, { ...MTLS, ...TLS12 }), client: client(pki, 'hr.example.com', undefined, TLS12), app: SMALL } },
    { name: 'tls13-client-cert-untrusted', srv: HR, options: { server: server(pki, pki.serverEc, MTLS), client: client(pki, 'hr.example.com', pki.clientUntrusted), app: SMALL } },
    { name: 'tls13-server-auth', srv: HR, options: { server: server(pki, pki.serverEc), client: client(pki, 'hr.example.com', undefined), app: SMALL } },
    { name: 'tls12-mtls-bulk', srv: PAYROLL, options: { server: server(pki, pki.serverRsa, { ...MTLS, ...TLS12 }), client: client(pki, 'payroll.example.com', pki.client, TLS12), app: BULK } },
    { name: 'tls13-bulk', srv: HR, options: { server: server(pki, pki.serverEc), client: client(pki, 'hr.example.com', undefined), app: BULK } },
  ];
  const templates: Template[] = [];
  for (const s of sessions) {
    const record = await runSession(s.options);
    templates.push(frame(s.name, true, record.events, s.srv));
  }
  templates.push(frame('http-download', false, plainDownload(64 * 1024), WEB));
  return templates;
}

/** One 16-bit word of the one's-complement sum replaced (RFC 1624 eqn. 3). */
function csumReplace(sum: number, oldWord: number, newWord: number): number {
  let s = (~sum & 0xffff) + (~oldWord & 0xffff) + newWord;
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/**
 * Rewrites the client address and port of an Ethernet/IPv4/TCP frame in place, fixing both
 * checksums. `c2s`: the client is the source.
 */
function patchClient(b: Uint8Array, c2s: boolean, ip: number, port: number): void {
  const ipAt = 14;
  const ihl = ((b[ipAt] as number) & 0x0f) * 4;
  const tcpAt = ipAt + ihl;
  const addrAt = ipAt + (c2s ? 12 : 16);
  const portAt = tcpAt + (c2s ? 0 : 2);
  const oldHi = ((b[addrAt] as number) << 8) | (b[addrAt + 1] as number);
  const oldLo = ((b[addrAt + 2] as number) << 8) | (b[addrAt + 3] as number);
  const oldPort = ((b[portAt] as number) << 8) | (b[portAt + 1] as number);
  const newHi = ip >>> 16;
  const newLo = ip & 0xffff;
  b[addrAt] = newHi >>> 8;
  b[addrAt + 1] = newHi & 0xff;
  b[addrAt + 2] = newLo >>> 8;
  b[addrAt + 3] = newLo & 0xff;
  b[portAt] = port >>> 8;
  b[portAt + 1] = port & 0xff;
  const ipSumAt = ipAt + 10;
  let ipSum = ((b[ipSumAt] as number) << 8) | (b[ipSumAt + 1] as number);
  ipSum = csumReplace(csumReplace(ipSum, oldHi, newHi), oldLo, newLo);
  b[ipSumAt] = ipSum >>> 8;
  b[ipSumAt + 1] = ipSum & 0xff;
  const tcpSumAt = tcpAt + 16;
  if (tcpSumAt + 1 >= b.length) return;
  let tcpSum = ((b[tcpSumAt] as number) << 8) | (b[tcpSumAt + 1] as number);
  tcpSum = csumReplace(csumReplace(csumReplace(tcpSum, oldHi, newHi), oldLo, newLo), oldPort, port);
  b[tcpSumAt] = tcpSum >>> 8;
  b[tcpSumAt + 1] = tcpSum & 0xff;
}

/** Adds `delta` to the 32-bit word at `at` (sequence or acknowledgement number), fixing the TCP checksum. */
function patchU32(b: Uint8Array, at: number, tcpSumAt: number, delta: number): void {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const old = view.getUint32(at);
  const now = (old + delta) >>> 0;
  view.setUint32(at, now);
  if (tcpSumAt + 1 >= b.length) return;
  let sum = view.getUint16(tcpSumAt);
  sum = csumReplace(csumReplace(sum, old >>> 16, now >>> 16), old & 0xffff, now & 0xffff);
  view.setUint16(tcpSumAt, sum);
}

/** Copy `index` of a template gets client 10.(64 + index / 2^16).x.y, port 1024 + index mod 64511. */
function clientOf(index: number): { ip: number; port: number } {
  return { ip: ((10 << 24) | ((64 + (index >>> 16)) << 16) | (index & 0xffff)) >>> 0, port: 1024 + (index % 64511) };
}

/**
 * The repeating mix: 48 small handshakes of every kind (mostly successes, as on a healthy
 * gateway, one in eight failing), then one bulk TLS connection (TLS 1.2 and 1.3 in turn) and
 * one plaintext download. About 7.5 KiB of capture per handshake; about 40% of the bytes are
 * bulk application data or plaintext TCP.
 */
const SMALL_MIX: readonly string[] = [
  'tls13-mtls-ok', 'tls12-mtls-ok', 'tls13-server-auth', 'tls13-mtls-ok', 'tls12-mtls-ok', 'tls13-server-auth',
  'tls12-client-cert-missing', 'tls13-client-cert-untrusted',
];
const CYCLE: readonly string[] = [0, 1].flatMap((half) => [
  ...Array.from({ length: 48 }, (_, i) => SMALL_MIX[i % SMALL_MIX.length] as string),
  half === 0 ? 'tls12-mtls-bulk' : 'tls13-bulk',
  'http-download',
]);

/** Connections interleaved frame by frame (a busy link has many at once). */
const CONCURRENT = 8;
/** Capture time between consecutive frames (~100k packets/s). */
const FRAME_STEP_NS = 10_000;

/** A file written through one 4 MiB buffer: the inputs are hundreds of MiB of small frames. */
class BufferedFile {
  private readonly fd: number;
  private readonly out = new Uint8Array(4 * 1024 * 1024);
  private fill = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  put(bytes: Uint8Array): void {
    if (this.fill + bytes.length > this.out.length) this.flush();
    this.out.set(bytes, this.fill);
    this.fill += bytes.length;
  }

  flush(): void {
    writeSync(this.fd, this.out, 0, this.fill);
    this.fill = 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Writes the benchmark capture at `path`, of about `targetBytes`. */
export function writeBenchInput(path: string, targetBytes: number, templates: readonly Template[]): BenchInput {
  const byName = new Map(templates.map((t) => [t.name, t]));
  const writer = new PcapWriter({ linkType: 1 });
  const file = new BufferedFile(path);
  const put = (bytes: Uint8Array): void => file.put(bytes);
  put(writer.header());
  let written = 24;
  let packets = 0;
  let connections = 0;
  let handshakes = 0;
  let nonTls = 0;
  const mix: Record<string, number> = {};
  let sec = SAMPLE_EPOCH.sec;
  let nsec = 0;
  let cycleAt = 0;
  // Active connections: template, next frame, client identity.
  const active: { t: Template; next: number; ip: number; port: number }[] = [];
  const startOne = (): boolean => {
    if (written >= targetBytes) return false;
    const name = CYCLE[cycleAt % CYCLE.length] as string;
    cycleAt++;
    const t = byName.get(name);
    if (t === undefined) throw new Error(`no template ${name}`);
    const id = clientOf(connections);
    connections++;
    mix[name] = (mix[name] ?? 0) + 1;
    if (t.tls) handshakes++;
    else nonTls++;
    active.push({ t, next: 0, ip: id.ip, port: id.port });
    written += t.bytes;
    return true;
  };
  try {
    while (active.length < CONCURRENT && startOne());
    while (active.length > 0) {
      for (let i = 0; i < active.length; i++) {
        const a = active[i];
        if (a === undefined) continue;
        const f = a.t.frames[a.next++];
        if (f !== undefined) {
          const bytes = new Uint8Array(f.bytes);
          patchClient(bytes, f.c2s, a.ip, a.port);
          nsec += FRAME_STEP_NS;
          if (nsec >= 1e9) {
            nsec -= 1e9;
            sec++;
          }
          put(writer.packet({ time: { sec, nsec }, bytes }));
          packets++;
        }
        if (a.next >= a.t.frames.length) {
          active.splice(i, 1);
          i--;
          startOne();
        }
      }
    }
    file.flush();
  } finally {
    file.close();
  }
  return { path, bytes: written, packets, connections, handshakes, nonTlsConnections: nonTls, mix };
}

/** Application-data records in one repeated unit of a bulk connection (about 1 MiB). */
const BULK_UNIT_RECORDS = 64;
/** A full TLS 1.3 record: 2^14 bytes of plaintext, its content type and a 16-byte AEAD tag. */
const BULK_RECORD_BODY = 16_384 + 1 + 16;
/** Connections of the bulk input, interleaved frame by frame. */
const BULK_CONNECTIONS = 4;

/** One unit of opaque application-data records (TLS 1.3: every record after the handshake is type 23). */
function bulkUnit(): Uint8Array {
  const unit = new Uint8Array(BULK_UNIT_RECORDS * (5 + BULK_RECORD_BODY));
  for (let r = 0; r < BULK_UNIT_RECORDS; r++) {
    const at = r * (5 + BULK_RECORD_BODY);
    unit.set([23, 3, 3, BULK_RECORD_BODY >>> 8, BULK_RECORD_BODY & 0xff], at);
    for (let i = 0; i < BULK_RECORD_BODY; i++) unit[at + 5 + i] = (i * 131 + r) & 0xff;
  }
  return unit;
}

/**
 * A bulk connection split in three: the frames before the repeated unit (handshake, the
 * session's own small exchange), the unit's frames (server data and the client's ACKs), and
 * the frames after it (close_notify, FINs). Copy k of the unit is the unit with its server
 * sequence numbers (and the client's acknowledgements) moved on by k units.
 */
export interface BulkTemplate {
  readonly head: readonly { readonly bytes: Uint8Array; readonly c2s: boolean }[];
  readonly unit: readonly { readonly bytes: Uint8Array; readonly c2s: boolean }[];
  readonly tail: readonly { readonly bytes: Uint8Array; readonly c2s: boolean }[];
  readonly unitBytes: number;
  readonly unitFrameBytes: number;
}

/** Records one real TLS 1.3 session and frames it with one unit of bulk records before its FINs. */
export async function buildBulkTemplate(): Promise<BulkTemplate> {
  const pki = await getPki();
  const record = await runSession({ server: server(pki, pki.serverEc), client: client(pki, 'hr.example.com', undefined), app: SMALL });
  const unitBytes = bulkUnit();
  const events = [...record.events];
  const firstFin = events.findIndex((e) => e.kind !== 'data');
  const at = firstFin < 0 ? events.length : firstFin;
  let before = 0;
  for (const e of events.slice(0, at)) if (e.kind === 'data' && e.dir === 's2c') before += e.bytes.length;
  events.splice(at, 0, { kind: 'data', dir: 's2c', bytes: unitBytes, t: 0n });
  const frames = synthesizeTcp({ events }, { client: BASE_CLIENT, server: HR, clock: { kind: 'synthetic', start: SAMPLE_EPOCH } });
  const synAck = frames.find((f) => f.meta.dir === 's2c');
  if (synAck === undefined) throw new Error('bulk template without a SYN/ACK');
  const start = (synAck.meta.seq + 1 + before) >>> 0;
  const end = (start + unitBytes.length) >>> 0;
  const first = frames.findIndex((f) => f.meta.dir === 's2c' && f.meta.seq === start && f.meta.payloadLength > 0);
  if (first < 0) throw new Error('bulk unit not found in the template');
  let last = first;
  for (let i = first; i < frames.length; i++) {
    const m = (frames[i] as (typeof frames)[number]).meta;
    const inUnit = m.dir === 's2c' ? m.payloadLength > 0 && m.seq - start < unitBytes.length : m.payloadLength === 0 && m.flags === 0x10 && m.ack - start <= unitBytes.length;
    if (!inUnit) break;
    last = i;
    if (m.dir === 'c2s' && m.ack === end) break;
  }
  const plain = (f: (typeof frames)[number]): { bytes: Uint8Array; c2s: boolean } => ({ bytes: f.bytes, c2s: f.meta.dir === 'c2s' });
  const unit = frames.slice(first, last + 1).map(plain);
  let unitFrameBytes = 0;
  for (const f of unit) unitFrameBytes += f.bytes.length + 16;
  return { head: frames.slice(0, first).map(plain), unit, tail: frames.slice(last + 1).map(plain), unitBytes: unitBytes.length, unitFrameBytes };
}

/** Moves a frame's server sequence number (server to client) or acknowledgement (client to server) on by `delta`. */
function shiftServerSeq(b: Uint8Array, c2s: boolean, delta: number): void {
  if (delta === 0) return;
  const tcpAt = 14 + ((b[14] as number) & 0x0f) * 4;
  patchU32(b, tcpAt + (c2s ? 8 : 4), tcpAt + 16, delta);
}

/**
 * Writes the bulk capture at `path`: `BULK_CONNECTIONS` TLS 1.3 connections interleaved frame
 * by frame, each a real handshake and then repeated units of full-size application-data records
 * until the file reaches about `targetBytes`.
 */
export function writeBulkInput(path: string, targetBytes: number, t: BulkTemplate): BenchInput {
  const writer = new PcapWriter({ linkType: 1 });
  const file = new BufferedFile(path);
  const put = (bytes: Uint8Array): void => file.put(bytes);
  put(writer.header());
  let written = 24;
  let packets = 0;
  let sec = SAMPLE_EPOCH.sec;
  let nsec = 0;
  const fixed = [...t.head, ...t.tail].reduce((n, f) => n + f.bytes.length + 16, 0);
  const units = Math.max(1, Math.round((targetBytes / BULK_CONNECTIONS - fixed) / t.unitFrameBytes));
  const total = t.head.length + units * t.unit.length + t.tail.length;
  // The frame at `i` of one connection: head, then the unit `units` times, then the tail.
  const frameAt = (i: number): { bytes: Uint8Array; c2s: boolean; delta: number } => {
    if (i < t.head.length) return { ...(t.head[i] as BulkTemplate['head'][number]), delta: 0 };
    const j = i - t.head.length;
    if (j < units * t.unit.length) return { ...(t.unit[j % t.unit.length] as BulkTemplate['head'][number]), delta: Math.floor(j / t.unit.length) * t.unitBytes };
    return { ...(t.tail[j - units * t.unit.length] as BulkTemplate['head'][number]), delta: (units - 1) * t.unitBytes };
  };
  try {
    for (let i = 0; i < total; i++) {
      for (let c = 0; c < BULK_CONNECTIONS; c++) {
        const f = frameAt(i);
        const bytes = new Uint8Array(f.bytes);
        const id = clientOf(c);
        patchClient(bytes, f.c2s, id.ip, id.port);
        shiftServerSeq(bytes, f.c2s, f.delta);
        nsec += FRAME_STEP_NS;
        if (nsec >= 1e9) {
          nsec -= 1e9;
          sec++;
        }
        const rec = writer.packet({ time: { sec, nsec }, bytes });
        put(rec);
        written += rec.length;
        packets++;
      }
    }
    file.flush();
  } finally {
    file.close();
  }
  return { path, bytes: written, packets, connections: BULK_CONNECTIONS, handshakes: BULK_CONNECTIONS, nonTlsConnections: 0, mix: { 'tls13-bulk-records': BULK_CONNECTIONS } };
}
