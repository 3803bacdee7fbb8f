/**
 * Adversarial resource tests: floods and oversized structures fed as synthesized packet
 * streams. Each asserts that the named limit holds (through the stages' own counters, not
 * RSS), that hitting it is reported as an anomaly on the connection, and that a well-formed
 * connection in the same capture is still analyzed correctly.
 */
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/analysis/connection.js';
import { x509, issue } from '../x509/helpers.js';
import { F, codesOf, ip, runPipeline, streamOf } from './support.js';
import type { PipelineRun } from './support.js';
import {
  CLIENT_IP,
  SERVER_IP,
  certificateBody,
  clientHelloRecord,
  concat,
  connection,
  goodConnection,
  handshakeMessage,
  inRecords,
  openClientFlood,
  serverHelloRecord,
} from './tls-bytes.js';

function good(cs: readonly Connection[]): Connection | undefined {
  return cs.find((c) => c.handshakes.some((h) => h.clientHello?.sni === 'good.example'));
}

/** The well-formed connection was analyzed completely. */
function expectGood(cs: readonly Connection[]): void {
  const g = good(cs);
  expect(g, 'the well-formed connection is reported').toBeDefined();
  const hs = g?.handshakes[0];
  expect(hs?.serverHello?.cipherSuite).toBe(0xc02f);
  expect(hs?.serverHelloDoneFrame).not.toBeNull();
  expect(g?.tcp.end.how).toBe('fin');
  expect(g?.anomalies.filter((a) => a.severity === 'violation')).toEqual([]);
}

describe('adversarial resources', () => {
  it('1,000,000 SYNs without data: open connections stay within maxConnections, each eviction is an anomaly', async () => {
    const maxConnections = 20_000;
    const N = 1_000_000;
    let evictedWithAnomaly = 0;
    let reported = 0;
    const run = await runPipeline(
      streamOf(function* (s) {
        for (let i = 0; i < N; i++) {
          s.add({ src: ip(172, 16 + (i >>> 16), (i >>> 8) & 0xff, i & 0xff), dst: SERVER_IP, sport: 1024 + (i % 60000), dport: 443, seq: i * 7919, flags: F.SYN });
          if (i === N / 2) goodConnection(s, 50000);
          if ((i & 0xffff) === 0) yield;
        }
      }),
      { maxConnections },
      (c) => {
        reported++;
        if (c.tcp.end.how === 'evicted' && codesOf(c).includes('flow.evicted')) evictedWithAnomaly++;
        return c.tls === true;
      },
    );
    expect(run.maxOpen).toBeLessThanOrEqual(maxConnections);
    expect(run.flow.connections).toBe(N + 1);
    expect(reported).toBe(N + 1);
    // Every connection but the well-formed one (closed by FIN) and the last `maxConnections` SYNs was evicted.
    expect(run.flow.evicted).toBe(N - maxConnections);
    expect(evictedWithAnomaly).toBe(run.flow.evicted);
    expectGood(run.connections);
  }, 120_000);

  it('100,000 concurrent half-open TLS connections, each inside a record: within maxConnections, nothing crashes', async () => {
    const N = 100_000;
    const maxConnections = 60_000;
    const hello = clientHelloRecord('half.example');
    const part = hello.subarray(0, 20); // a header claiming more than is sent, and the start of the body
    let halfOpen = 0;
    let evicted = 0;
    const run = await runPipeline(
      streamOf(function* (s) {
        for (let i = 0; i < N; i++) {
          const src = ip(172, 20 + (i >>> 16), (i >>> 8) & 0xff, i & 0xff);
          const sport = 1024 + (i % 60000);
          s.add({ src, dst: SERVER_IP, sport, dport: 443, seq: 99, flags: F.SYN });
          s.add({ src: SERVER_IP, dst: src, sport: 443, dport: sport, seq: 5, ack: 100, flags: F.SYN | F.ACK });
          s.add({ src, dst: SERVER_IP, sport, dport: 443, seq: 100, ack: 6, flags: F.ACK | F.PSH, payload: part });
          if ((i & 0x3fff) === 0) yield;
        }
        goodConnection(s, 50001);
      }),
      { maxConnections },
      (c) => {
        if (c.tls === true && c.handshakes.every((h) => h.clientHello === null)) halfOpen++;
        if (codesOf(c).includes('flow.evicted')) evicted++;
        return c.handshakes.some((h) => h.clientHello?.sni === 'good.example');
      },
    );
    expect(run.maxOpen).toBeLessThanOrEqual(maxConnections);
    expect(halfOpen).toBe(N);
    expect(evicted).toBe(run.flow.evicted);
    expect(run.flow.evicted).toBeGreaterThanOrEqual(N - maxConnections);
    expectGood(run.connections);
  }, 120_000);

  it('out-of-order data far beyond maxOutOfOrderBytes: held bytes stay bounded, the hole is given up and reported', async () => {
    const maxOutOfOrderBytes = 256 * 1024;
    const seg = new Uint8Array(1400).fill(0x17);
    const total = 16 * 1024 * 1024; // 64× the limit
    const run = await runPipeline(
      streamOf(function* (s) {
        const cport = 40000;
        s.add({ src: CLIENT_IP, dst: SERVER_IP, sport: cport, dport: 443, seq: 999, flags: F.SYN });
        s.add({ src: SERVER_IP, dst: CLIENT_IP, sport: 443, dport: cport, seq: 4, ack: 1000, flags: F.SYN | F.ACK });
        // The first 1400 bytes never come; everything after them arrives.
        for (let off = 1400; off < total; off += seg.length) {
          s.add({ src: CLIENT_IP, dst: SERVER_IP, sport: cport, dport: 443, seq: 1000 + off, flags: F.PSH, payload: seg });
          if ((off & 0xfffff) < seg.length) yield;
        }
        goodConnection(s, 50002);
      }),
      { maxOutOfOrderBytes },
    );
    expect(run.maxHeldOutOfOrder).toBeLessThanOrEqual(maxOutOfOrderBytes + seg.length);
    const flood = run.connections.find((c) => c.client.port === 40000);
    expect(flood?.gaps.some((g) => g.reason === 'out-of-order-limit')).toBe(true);
    expect(flood === undefined ? [] : codesOf(flood)).toContain('tcp.out_of_order_limit');
    expectGood(run.connections);
  }, 60_000);

  it('a handshake message that claims 16 MiB is skipped by length, never buffered, and reported', async () => {
    const claimed = 0xffffff;
    const sent = 2 * 1024 * 1024; // part of it actually arrives, in full records
    const message = new Uint8Array(4 + sent);
    message.set([11, 0xff, 0xff, 0xff], 0);
    const run = await runPipeline(
      streamOf(function* (s) {
        connection(s, { cport: 40001, c2s: clientHelloRecord('big.example'), s2c: concat(serverHelloRecord(), inRecords(22, message)), open: true });
        yield;
        goodConnection(s, 50003);
      }),
    );
    const big = run.connections.find((c) => c.client.port === 40001);
    expect(big === undefined ? [] : codesOf(big)).toContain('tls.handshake.too_long');
    expect(big?.handshakes[0]?.serverCertificates ?? null).toBeNull();
    expect(claimed).toBeGreaterThan(256 * 1024);
    expectGood(run.connections);
  });

  it('10^6 one-byte records: every record counted, what is kept per connection stays bounded', async () => {
    const N = 1_000_000;
    const records = new Uint8Array(6 * N);
    for (let i = 0; i < N; i++) records.set([23, 3, 3, 0, 1, i & 0xff], i * 6);
    // The ClientHello itself comes in one-byte handshake records too.
    const hello = clientHelloRecord('tiny.example').subarray(5);
    const tinyHello = new Uint8Array(hello.length * 6);
    for (let i = 0; i < hello.length; i++) tinyHello.set([22, 3, 1, 0, 1, hello[i] as number], i * 6);
    const run = await runPipeline(
      streamOf(function* (s) {
        const c2s = concat(tinyHello, records);
        connection(s, { cport: 40002, c2s, s2c: concat(serverHelloRecord(), inRecords(22, handshakeMessage(14, new Uint8Array(0)))) });
        yield;
        goodConnection(s, 50004);
      }),
    );
    const tiny = run.connections.find((c) => c.client.port === 40002);
    expect(tiny?.handshakes[0]?.clientHello?.sni).toBe('tiny.example');
    expect(tiny?.counters.client.applicationDataRecords).toBe(N);
    expect(tiny?.counters.client.tlsRecords).toBe(N + hello.length);
    expect(tiny?.timeline.length).toBeLessThanOrEqual(256);
    expect(tiny?.handshakes[0]?.encryptedRecords.length ?? 0).toBeLessThanOrEqual(32);
    expectGood(run.connections);
  }, 60_000);

  it('a chain of 100 certificates: at most maxCertificatesPerChain are decoded, the rest reported', async () => {
    const ders: Uint8Array[] = [];
    for (let i = 0; i < 100; i++) ders.push((await issue({ name: `CN=link ${i}`, kind: 'p256', serial: (1000 + i).toString(16) })).der);
    const flight = concat(serverHelloRecord(), inRecords(22, concat(handshakeMessage(11, certificateBody(ders)), handshakeMessage(14, new Uint8Array(0)))));
    const run = await runPipeline(
      streamOf(function* (s) {
        connection(s, { cport: 40003, c2s: clientHelloRecord('chain.example'), s2c: flight });
        yield;
        goodConnection(s, 50005);
      }),
    );
    const chain = run.connections.find((c) => c.client.port === 40003);
    const certs = chain?.handshakes[0]?.serverCertificates ?? [];
    expect(certs.length).toBe(32);
    expect(certs[0]?.subject).toContain('link 0');
    expect(certs[31]?.subject).toContain('link 31');
    expectGood(run.connections);
  }, 60_000);

  it('a chain over maxCertificatesPerChain is reported as an anomaly on the connection', async () => {
    const der = (await issue({ name: 'CN=link', kind: 'p256' })).der;
    const flight = concat(serverHelloRecord(), inRecords(22, concat(handshakeMessage(11, certificateBody(Array.from({ length: 40 }, () => der))), handshakeMessage(14, new Uint8Array(0)))));
    const run = await runPipeline(streamOf(function* (s) {
      connection(s, { cport: 40005, c2s: clientHelloRecord('chain.example'), s2c: flight });
    }));
    const chain = run.connections[0];
    expect(chain === undefined ? [] : codesOf(chain)).toContain('tls.handshake.certificate.too_many');
  });

  it('a certificate with 10,000 SANs: parsing stays bounded (the ASN.1 node cap), the connection is still reported', async () => {
    const names = Array.from({ length: 10_000 }, (_, i) => ({ type: 'dns' as const, value: `host${i}.many.example` }));
    const cert = await issue({ name: 'CN=many.example', kind: 'p256', extensions: [new x509.SubjectAlternativeNameExtension(names)] });
    const flight = concat(serverHelloRecord(), inRecords(22, concat(handshakeMessage(11, certificateBody([cert.der])), handshakeMessage(14, new Uint8Array(0)))));
    expect(cert.der.length).toBeGreaterThan(200_000);
    const run = await runPipeline(
      streamOf(function* (s) {
        connection(s, { cport: 40004, c2s: clientHelloRecord('many.example'), s2c: flight });
        yield;
        goodConnection(s, 50006);
      }),
    );
    const many = run.connections.find((c) => c.client.port === 40004);
    const summary = many?.handshakes[0]?.serverCertificates?.[0];
    // The summary keeps what can be read without the parser (fingerprint, names) and says why the rest is missing.
    expect(summary?.length).toBe(cert.der.length);
    expect(summary?.subjectCommonName).toBe('many.example');
    expect(summary?.parseError ?? '').toMatch(/node count/);
    expect(summary?.subjectAltNames.dns.length).toBe(0);
    expectGood(run.connections);
  }, 60_000);

  it('a certificate with 1,000 SANs: 256 are listed, the rest counted as omitted', async () => {
    const names = Array.from({ length: 1000 }, (_, i) => ({ type: 'dns' as const, value: `host${i}.some.example` }));
    const cert = await issue({ name: 'CN=some.example', kind: 'p256', extensions: [new x509.SubjectAlternativeNameExtension(names)] });
    const flight = concat(serverHelloRecord(), inRecords(22, concat(handshakeMessage(11, certificateBody([cert.der])), handshakeMessage(14, new Uint8Array(0)))));
    const run = await runPipeline(
      streamOf(function* (s) {
        connection(s, { cport: 40006, c2s: clientHelloRecord('some.example'), s2c: flight });
        yield;
        goodConnection(s, 50007);
      }),
    );
    const summary = run.connections.find((c) => c.client.port === 40006)?.handshakes[0]?.serverCertificates?.[0];
    expect(summary?.parseError ?? null).toBeNull();
    expect(summary?.subjectAltNames.dns.length).toBe(256);
    expect(summary?.subjectAltNames.omitted).toBe(1000 - 256);
    expectGood(run.connections);
  }, 60_000);

  describe('maxTotalTlsHeldBytes: one budget for what the TLS layer holds across connections', () => {
    const maxTotalTlsHeldBytes = 4 * 1024 * 1024;

    /** N open connections whose client sends `c2s`, then the well-formed one while they are all still open. */
    function flood(N: number, c2s: Uint8Array, mss = 1400): Promise<PipelineRun> {
      return runPipeline(
        streamOf(function* (s) {
          for (let i = 0; i < N; i++) {
            openClientFlood(s, i, c2s, mss);
            if ((i & 63) === 0) yield;
          }
          goodConnection(s, 50010);
        }),
        { maxTotalTlsHeldBytes },
      );
    }

    /** The budget held, was used, was never passed, and was all given back when the capture ended. */
    function expectBounded(run: PipelineRun): void {
      expect(run.tlsHeld.maxBytes).toBe(maxTotalTlsHeldBytes);
      expect(run.tlsHeld.peak).toBeLessThanOrEqual(maxTotalTlsHeldBytes);
      expect(run.tlsHeld.peak).toBeGreaterThan(maxTotalTlsHeldBytes / 2);
      expect(run.tlsHeld.atEnd).toBe(0);
    }

    function flooded(run: PipelineRun): { over: Connection[]; within: Connection[] } {
      const all = run.connections.filter((c) => c.client.port !== 50010);
      return { over: all.filter((c) => codesOf(c).includes('tls.held_budget')), within: all.filter((c) => !codesOf(c).includes('tls.held_budget')) };
    }

    it('plaintext never turning into TLS (16,000 bytes per client): past the budget a direction stops being watched for STARTTLS, still reported as not TLS', async () => {
      const N = 1000; // 16 KiB windows each: 4x the budget
      const plain = new Uint8Array(16_000).fill(0x7a);
      const run = await flood(N, plain);
      expectBounded(run);
      const { over, within } = flooded(run);
      expect(over.length + within.length).toBe(N);
      expect(over.length).toBeGreaterThanOrEqual(N - Math.floor(maxTotalTlsHeldBytes / (16 * 1024)));
      // Both kinds report the client's first bytes as not TLS, as a full scan window would.
      for (const c of [...over, ...within]) {
        expect(c.tls).toBe(false);
        expect(c.notTls.map((n) => [n.from, n.atStart, Buffer.from(n.firstBytes).toString('latin1')])).toEqual([['client', true, 'z'.repeat(64)]]);
      }
      expect(over[0]?.anomalies.find((a) => a.code === 'tls.held_budget')?.direction).toBe(0);
      expectGood(run.connections);
    }, 120_000);

    it('a handshake message claiming 200 KiB, 48 KiB of it sent in full records: past the budget it is skipped by its length and named in the timeline', async () => {
      const N = 300; // about 64 KiB of reassembly each: 4.6x the budget
      const claimed = 200 * 1024;
      const message = new Uint8Array(48 * 1024);
      message.set([1, claimed >>> 16, (claimed >>> 8) & 0xff, claimed & 0xff]);
      // One record per segment (as GRO captures show them): whole records are never held, only the message is.
      const run = await flood(N, inRecords(22, message), 16384 + 5);
      expectBounded(run);
      const { over, within } = flooded(run);
      expect(over.length + within.length).toBe(N);
      expect(over.length).toBeGreaterThanOrEqual(N - Math.floor(maxTotalTlsHeldBytes / (48 * 1024)));
      const skipped = (c: Connection): string[] => c.timeline.filter((e) => e.kind === 'handshake').map((e) => e.label);
      for (const c of over) expect(skipped(c)).toEqual(['ClientHello (204,800 bytes, over the size limit: not decoded)']);
      // Those that fit are still waiting for the rest of the message when the capture ends.
      for (const c of within) expect(skipped(c)).toEqual([]);
      for (const c of [...over, ...within]) expect(c.counters.client.tlsRecords).toBe(3);
      expectGood(run.connections);
    }, 120_000);

    it('a record claiming 18,000 bytes, 6,000 of them sent: past the budget the record is skipped by its length', async () => {
      const N = 1000; // 11 KiB of partial body each: 2.7x the budget
      const partial = new Uint8Array(5 + 6000);
      partial.set([22, 3, 1, 18_000 >>> 8, 18_000 & 0xff]);
      const run = await flood(N, partial);
      expectBounded(run);
      const { over, within } = flooded(run);
      expect(over.length + within.length).toBe(N);
      expect(over.length).toBeGreaterThanOrEqual(N - Math.floor(maxTotalTlsHeldBytes / 6000));
      // A skipped record is counted (its header was read); a partial one is not yet.
      for (const c of over) expect(c.counters.client.tlsRecords).toBe(1);
      for (const c of within) expect(c.counters.client.tlsRecords).toBe(0);
      for (const c of [...over, ...within]) expect(c.tls).toBe(true);
      expectGood(run.connections);
    }, 120_000);

    it('the default (64 MiB) is never reached by the resource tests above at their own sizes, and every capture gives all of it back', async () => {
      const run = await runPipeline(
        streamOf(function* (s) {
          for (let i = 0; i < 200; i++) {
            openClientFlood(s, i, new Uint8Array(16_000).fill(0x7a));
            if ((i & 63) === 0) yield;
          }
          goodConnection(s, 50011);
        }),
      );
      expect(run.tlsHeld.maxBytes).toBe(64 * 1024 * 1024);
      expect(run.tlsHeld.peak).toBe(200 * 16 * 1024);
      expect(run.tlsHeld.atEnd).toBe(0);
      expect(run.connections.some((c) => codesOf(c).includes('tls.held_budget'))).toBe(false);
      expectGood(run.connections);
    }, 60_000);
  });

  // A first segment longer than maxStarttlsScanBytes, as GRO/LRO captures on the receiving host
  // show a server's flight, is still read as TLS from its first byte.
  it('a server flight in one 64 KiB (GRO) segment is read as TLS from its first byte', async () => {
    const fake = new Uint8Array(30000).fill(0x30);
    const flight = concat(serverHelloRecord(), inRecords(22, concat(handshakeMessage(11, certificateBody([fake])), handshakeMessage(14, new Uint8Array(0)))));
    const run = await runPipeline(streamOf(function* (s) {
      connection(s, { cport: 40007, c2s: clientHelloRecord('gro.example'), s2c: flight, mss: 65000 });
    }));
    const c = run.connections[0];
    expect(c?.starttls).toBeNull();
    expect(c?.handshakes[0]?.serverCertificates?.length).toBe(1);
  });
});
