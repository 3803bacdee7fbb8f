/**
 * The TLS tracker driven directly with stream chunks: what it reports when a TLS 1.3 ServerHello
 * shares its record with later handshake messages, how TLS detection follows `maxRecordLength`,
 * and that decryption reaches it only through the factory it is given.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TlsConnectionTracker } from '../../src/tls/session/tracker.js';
import type { TlsTrackerOptions } from '../../src/tls/session/tracker.js';
import type { RecordDecryptorFactory, RecordDecryptorSetup } from '../../src/tls/session/decryption.js';
import type { TlsEvent } from '../../src/tls/session/events.js';
import type { ConnectionSummary, Direction } from '../../src/flow/types.js';
import type { Anomaly } from '../../src/util/anomaly.js';
import { TLS_DEFAULTS } from '../../src/tls/defaults.js';
import { ZERO_TIME } from '../../src/util/time.js';
import { encodeClientHello, encodeServerHello, ext, handshakeRecord, u16 } from './hello-encoder.js';
import { concat, handshakeMessage, inRecords } from '../hostile/tls-bytes.js';

const INFO = { id: 1, initiator: { ip: '10.0.0.1', port: 40000 }, responder: { ip: '10.0.0.2', port: 443 }, synSeen: true, firstFrame: 1, firstTime: ZERO_TIME };
const SUMMARY: ConnectionSummary = {
  info: INFO,
  lastFrame: 1,
  lastTime: ZERO_TIME,
  packets: [0, 0],
  bytes: [0, 0],
  missingBytes: [0, 0],
  retransmissions: [0, 0],
  handshake: { syn: null, synAck: null, ack: null },
  end: { how: 'open', by: null, frame: null, time: null },
  events: [],
  anomalies: [],
};

const CLIENT_RANDOM = new Uint8Array(32).fill(7);
const SERVER_RANDOM = new Uint8Array(32).fill(9);

/** TLS 1.3 ClientHello record; `padding` bytes of a padding extension (RFC 7685) make it as large as wanted. */
function clientHello13(padding = 0): Uint8Array {
  const extensions = [ext(0x002b, [2, ...u16(0x0304)]), ...(padding > 0 ? [ext(0x0015, new Uint8Array(padding))] : [])];
  return handshakeRecord(1, encodeClientHello({ version: 0x0303, random: CLIENT_RANDOM, sessionId: new Uint8Array(0), cipherSuites: [0x1301], compression: [0], extensions }));
}

/** ServerHello body choosing TLS 1.3 (supported_versions) or TLS 1.2. */
function serverHelloBody(tls13: boolean): Uint8Array {
  return encodeServerHello({ version: 0x0303, random: SERVER_RANDOM, sessionId: new Uint8Array(0), cipherSuite: tls13 ? 0x1301 : 0xc02f, compression: 0, extensions: tls13 ? [ext(0x002b, u16(0x0304))] : null });
}

interface Run {
  readonly events: readonly TlsEvent[];
  readonly skipped: [number, number];
}

/** Feeds the chunks (direction, bytes) in order, frame n for the n-th chunk, then ends the connection. */
function run(chunks: readonly (readonly [Direction, Uint8Array])[], options: TlsTrackerOptions = {}): Run {
  const events: TlsEvent[] = [];
  const skipped: [number, number] = [0, 0];
  const offsets = [0, 0];
  const control = { skip: (d: Direction, n: number): void => void (skipped[d] += n), ignoreData: (): void => undefined };
  const tracker = new TlsConnectionTracker(INFO, control, { event: (e) => events.push(e) }, () => undefined, options);
  chunks.forEach(([direction, bytes], i) => {
    tracker.onData(direction, { bytes, offset: offsets[direction] as number, frame: i + 1, time: ZERO_TIME });
    offsets[direction] = (offsets[direction] as number) + bytes.length;
  });
  tracker.onEnd(SUMMARY);
  return { events, skipped };
}

const anomalies = (r: Run): Anomaly[] => r.events.flatMap((e) => (e.kind === 'anomaly' ? [e.anomaly] : []));
const handshakes = (r: Run, direction: Direction): number[] => r.events.flatMap((e) => (e.kind === 'handshake' && e.direction === direction ? [e.msgType] : []));
const starts = (r: Run): TlsEvent[] => r.events.filter((e) => e.kind === 'tls-start');

describe('a TLS 1.3 ServerHello that does not end its record (RFC 8446 §5.1)', () => {
  const CODE = 'tls.handshake.after_server_hello_in_record';
  const encryptedExtensions = handshakeMessage(8, Uint8Array.of(0, 0));
  const certificate = handshakeMessage(11, Uint8Array.of(0, 0, 0, 0));

  it('names the messages dropped after it, their count and frame, as a violation', () => {
    const record = inRecords(22, concat(handshakeMessage(2, serverHelloBody(true)), encryptedExtensions, certificate));
    const r = run([
      [0, clientHello13()],
      [1, record],
    ]);
    expect(handshakes(r, 1)).toEqual([2]);
    const found = anomalies(r).filter((a) => a.code === CODE);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'violation', frame: 2, direction: 1, offset: 0 });
    expect(found[0]?.message).toContain('2 handshake messages (encrypted_extensions, certificate)');
  });

  it('names a partial message after it too, and does not keep it for later handshake bytes', () => {
    const partial = certificate.subarray(0, 3);
    const record = inRecords(22, concat(handshakeMessage(2, serverHelloBody(true)), encryptedExtensions, partial));
    // A later cleartext handshake record of the server starts a message of its own, not the rest of the partial one.
    const r = run([
      [0, clientHello13()],
      [1, record],
      [1, inRecords(22, certificate)],
    ]);
    expect(handshakes(r, 1)).toEqual([2, 11]);
    const found = anomalies(r).filter((a) => a.code === CODE);
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain('1 handshake message (encrypted_extensions) and the first 3 bytes of another');
    expect(found[0]?.message).toContain('they were dropped');
  });

  it('says nothing of a ServerHello alone in its record, nor of TLS 1.2 flights that share one', () => {
    const alone = run([
      [0, clientHello13()],
      [1, inRecords(22, handshakeMessage(2, serverHelloBody(true)))],
    ]);
    expect(anomalies(alone).map((a) => a.code)).not.toContain(CODE);
    const tls12 = run([
      [0, clientHello13()],
      [1, inRecords(22, concat(handshakeMessage(2, serverHelloBody(false)), certificate, handshakeMessage(14, new Uint8Array(0))))],
    ]);
    expect(handshakes(tls12, 1)).toEqual([2, 11, 14]);
    expect(anomalies(tls12).map((a) => a.code)).not.toContain(CODE);
  });
});

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** An SMTP session up to the server's go-ahead for TLS: greeting, EHLO and STARTTLS, 220. */
const SMTP_UNTIL_STARTTLS: readonly [Direction, Uint8Array][] = [
  [1, text('220 mail.example.com ESMTP\r\n')],
  [0, text('EHLO client.example.com\r\nSTARTTLS\r\n')],
  [1, text('220 2.0.0 Ready to start TLS\r\n')],
];

describe('TLS detection follows maxRecordLength', () => {
  // A first record longer than the default limit: a ClientHello with a large padding extension.
  const big = clientHello13(TLS_DEFAULTS.maxRecordLength + 1000);
  const raised = { maxRecordLength: 2 * TLS_DEFAULTS.maxRecordLength };

  it('a first record past the default is not TLS at the default', () => {
    expect(big.length - 5).toBeGreaterThan(TLS_DEFAULTS.maxRecordLength);
    const r = run([[0, big]]);
    expect(starts(r)).toEqual([]);
    expect(r.events.filter((e) => e.kind === 'not-tls').map((e) => e.direction)).toEqual([0]);
    expect(handshakes(r, 0)).toEqual([]);
  });

  it('the same record is TLS, its ClientHello decoded, with the limit raised', () => {
    const r = run([[0, big]], raised);
    expect(starts(r)).toMatchObject([{ direction: 0, how: 'record', offset: 0 }]);
    expect(handshakes(r, 0)).toEqual([1]);
    expect(r.events.filter((e) => e.kind === 'not-tls')).toEqual([]);
  });

  it('the STARTTLS scan finds it after plaintext only with the limit raised', () => {
    const chunks: [Direction, Uint8Array][] = [...SMTP_UNTIL_STARTTLS];
    // The ClientHello in segments, as TCP would carry it.
    for (let at = 0; at < big.length; at += 1400) chunks.push([0, big.subarray(at, at + 1400)]);
    const atDefault = run(chunks);
    expect(starts(atDefault)).toEqual([]);
    const withRaised = run(chunks, raised);
    expect(starts(withRaised)).toMatchObject([{ direction: 0, how: 'starttls', starttls: 'smtp' }]);
    expect(handshakes(withRaised, 0)).toEqual([1]);
  });
});

describe('a chunk that runs past the STARTTLS scan window', () => {
  const plain = SMTP_UNTIL_STARTTLS;
  const hello = clientHello13(600);
  const ccs = inRecords(20, new Uint8Array([1]));

  it('keeps the bytes past the window when TLS starts inside it: the ClientHello and the record after it are read whole', () => {
    // The second plaintext line, the ClientHello and a ChangeCipherSpec in one segment; the window ends inside the ClientHello.
    const window = 40 + 100;
    const chunks: [Direction, Uint8Array][] = [plain[0] as [Direction, Uint8Array], [0, text('EHLO client.example.com\r\n')], plain[2] as [Direction, Uint8Array], [0, concat(text('STARTTLS\r\n'), hello, ccs)]];
    const r = run(chunks, { maxStarttlsScanBytes: window });
    expect(starts(r)).toMatchObject([{ direction: 0, how: 'starttls' }]);
    expect(handshakes(r, 0)).toEqual([1]);
    expect(anomalies(r)).toEqual([]);
    expect(r.events.filter((e) => e.kind === 'change-cipher-spec' && e.direction === 0)).toHaveLength(1);
  });

  it('any window that TLS starts inside, any segmentation: the same records as with room to spare', () => {
    const flight = concat(hello, ccs);
    const before = text('EHLO client.example.com\r\nSTARTTLS\r\n');
    const stream = concat(before, flight);
    const summary = (r: Run): unknown => ({ starts: starts(r).map((e) => (e.kind === 'tls-start' ? [e.direction, e.how, e.offset] : null)), handshakes: handshakes(r, 0), ccs: r.events.filter((e) => e.kind === 'change-cipher-spec').length, anomalies: anomalies(r).map((a) => a.code) });
    const reference = summary(run([plain[0] as [Direction, Uint8Array], [0, stream]]));
    fc.assert(
      // The scan recognises a record by its header and handshake type: those six bytes must be inside the window.
      fc.property(fc.integer({ min: before.length + 6, max: stream.length + 8 }), fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 4 }), (window, cuts) => {
        const edges = [...new Set([0, ...cuts, stream.length])].sort((a, b) => a - b);
        const chunks: [Direction, Uint8Array][] = [plain[0] as [Direction, Uint8Array]];
        for (let i = 0; i + 1 < edges.length; i++) chunks.push([0, stream.subarray(edges[i], edges[i + 1])]);
        expect(summary(run(chunks, { maxStarttlsScanBytes: window }))).toEqual(reference);
      }),
      { numRuns: 300 },
    );
  });

  it('the same when a direction held too few bytes to decide and the next chunk runs past the window', () => {
    const record = concat(hello, ccs);
    const r = run([[0, record.subarray(0, 3)], [0, record.subarray(3)]], { maxStarttlsScanBytes: 64 });
    expect(starts(r)).toMatchObject([{ direction: 0, how: 'record', offset: 0 }]);
    expect(handshakes(r, 0)).toEqual([1]);
    expect(anomalies(r)).toEqual([]);
    expect(r.events.filter((e) => e.kind === 'change-cipher-spec' && e.direction === 0)).toHaveLength(1);
  });
});

describe('decryption through the factory the tracker is given', () => {
  it('is asked for a decryptor at the ServerHello with what the hellos said, and its status is reported', () => {
    const setups: RecordDecryptorSetup[] = [];
    const decryption: RecordDecryptorFactory = {
      hasSecrets: () => true,
      create: (setup) => {
        setups.push(setup);
        return { ok: false, status: { status: 'no-secrets', reason: 'test factory' } };
      },
    };
    const r = run(
      [
        [0, clientHello13()],
        [1, inRecords(22, handshakeMessage(2, serverHelloBody(true)))],
      ],
      { decryption },
    );
    expect(setups).toHaveLength(1);
    expect(setups[0]).toMatchObject({ version: 0x0304, tls13: true, cipherSuite: 0x1301, earlyDataOffered: false, clientRecordsBeforeServerHello: 0 });
    expect(setups[0]?.clientRandom).toEqual(CLIENT_RANDOM);
    expect(setups[0]?.serverRandom).toEqual(SERVER_RANDOM);
    expect(r.events.at(-1)).toEqual({ kind: 'decryption', status: { status: 'no-secrets', reason: 'test factory' } });
  });

  it('a ServerHello captured before the ClientHello: nothing is asked, and the status says the capture showed them out of order', () => {
    let asked = 0;
    const decryption: RecordDecryptorFactory = { hasSecrets: () => true, create: () => ((asked++), { ok: false, status: { status: 'no-secrets' } }) };
    const r = run(
      [
        [1, inRecords(22, handshakeMessage(2, serverHelloBody(true)))],
        [0, clientHello13()],
      ],
      { decryption },
    );
    expect(asked).toBe(0);
    expect(r.events.at(-1)).toMatchObject({ kind: 'decryption', status: { status: 'not-attempted', reason: expect.stringContaining('the ServerHello was captured before the ClientHello') } });
    // In order, the same bytes reach the key log.
    run(
      [
        [0, clientHello13()],
        [1, inRecords(22, handshakeMessage(2, serverHelloBody(true)))],
      ],
      { decryption },
    );
    expect(asked).toBe(1);
  });

  it('without a factory (or with no secrets) nothing is asked and the status says no key log was given', () => {
    const chunks: [Direction, Uint8Array][] = [
      [0, clientHello13()],
      [1, inRecords(22, handshakeMessage(2, serverHelloBody(true)))],
    ];
    const none = run(chunks);
    expect(none.events.at(-1)).toMatchObject({ kind: 'decryption', status: { status: 'not-attempted', reason: expect.stringContaining('no key log was given') } });
    let asked = 0;
    const empty = run(chunks, { decryption: { hasSecrets: () => false, create: () => ((asked++), { ok: false, status: { status: 'no-secrets' } }) } });
    expect(asked).toBe(0);
    expect(empty.events.at(-1)).toEqual(none.events.at(-1));
  });
});

describe('application data past maxRecordedEncryptedRecords', () => {
  it('reports the first records one by one, then the first record past them once, and counts the rest', () => {
    const record = (): Uint8Array => inRecords(23, new Uint8Array(100));
    const r = run(
      [
        [0, clientHello13()],
        [1, inRecords(22, handshakeMessage(2, serverHelloBody(true)))],
        ...Array.from({ length: 10 }, () => [1, record()] as const),
      ],
      { maxRecordedEncryptedRecords: 4 },
    );
    const records = r.events.flatMap((e) => (e.kind === 'encrypted-record' ? [[e.index, e.beyondLimit ?? false] as const] : []));
    expect(records).toEqual([
      [0, false],
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
  });
});
