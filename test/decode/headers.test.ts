import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeIpv4 } from '../../src/decode/ipv4.js';
import { decodeIpv6, MAX_EXTENSION_HEADERS, walkExtensionHeaders } from '../../src/decode/ipv6.js';
import { decodeTcp, decodeTcpOptions } from '../../src/decode/tcp.js';
import { decodeUdp } from '../../src/decode/udp.js';
import { TcpFlag } from '../../src/decode/types.js';
import { buildIpv4, buildIpv6, buildTcp, buildUdp, encodeTcpOptions, internetChecksum, IpProto, type Ipv6ExtensionHeader } from '../fixtures/frame-builder.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

// Frame 1 of zeek's tls1_1.pcap (Ethernet + IPv4 + TCP SYN), as captured.
const REAL_SYN =
  'b827eb5c87577831c1c63fc2080045000040000040004006d08cc0a8113ad83ac00ef60b01bb5ad4773600000000b002ffffbe920000020405b4010303050101080a1f13255a0000000004020000';

describe('decodeIpv4', () => {
  it('decodes a real header', () => {
    const r = decodeIpv4(hex(REAL_SYN), 14);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      headerLength: 20,
      totalLength: 64,
      ttl: 64,
      protocol: 6,
      dontFragment: true,
      moreFragments: false,
      fragmentOffset: 0,
      src: '192.168.17.58',
      dst: '216.58.192.14',
      payloadOffset: 34,
      payloadEnd: 78,
      missingBytes: 0,
    });
  });

  it('reads options and fragment fields', () => {
    const p = buildIpv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, payload: new Uint8Array(16), options: Uint8Array.of(1, 1, 1, 0, 0x94, 4, 0, 0), id: 77, fragment: { offset8: 3, moreFragments: true } });
    expect(internetChecksum(p.subarray(0, 28))).toBe(0);
    const r = decodeIpv4(p, 0);
    expect(r.ok && r.value).toMatchObject({ headerLength: 28, optionsOffset: 20, payloadOffset: 28, id: 77, fragmentOffset: 24, moreFragments: true });
  });

  it('cuts Ethernet padding and trailing bytes at the total length', () => {
    const p = buildIpv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, payload: new Uint8Array(6) });
    const padded = new Uint8Array(46);
    padded.set(p);
    const r = decodeIpv4(padded, 0);
    expect(r.ok && r.value).toMatchObject({ payloadEnd: 26, missingBytes: 0 });
  });

  it('reports bytes the capture lacks', () => {
    const p = buildIpv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, payload: new Uint8Array(100) });
    const r = decodeIpv4(p.subarray(0, 50), 0);
    expect(r.ok && r.value).toMatchObject({ payloadEnd: 50, missingBytes: 70 });
  });

  it('takes the captured length when total length is 0 (offload) and says so', () => {
    const p = buildIpv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, payload: new Uint8Array(30), totalLengthOverride: 0 });
    const r = decodeIpv4(p, 0);
    expect(r.ok && r.value.payloadEnd).toBe(50);
    expect(r.ok && r.value.weird?.code).toBe('ipv4.total_length_zero');
  });

  it.each([
    ['bad version', (p: Uint8Array) => (p[0] = 0x55), 'ipv4.bad_version'],
    ['IHL below 5', (p: Uint8Array) => (p[0] = 0x44), 'ipv4.bad_header_length'],
    ['total length below IHL', (p: Uint8Array) => (p[3] = 10), 'ipv4.bad_total_length'],
    ['IHL beyond capture', (p: Uint8Array) => (p[0] = 0x4f), 'decode.truncated_header'],
  ])('%s', (_name, mutate, code) => {
    const p = buildIpv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, payload: new Uint8Array(20) }).subarray(0, 40).slice();
    mutate(p);
    expect(decodeIpv4(p, 0)).toMatchObject({ ok: false, issue: { code } });
  });
});

describe('decodeIpv6', () => {
  const tcp = buildTcp({ src: '2001:db8::1', dst: '2001:db8::2', srcPort: 1, dstPort: 443 });
  const all: Ipv6ExtensionHeader[] = [
    { type: 'hop-by-hop', options: Uint8Array.of(5, 2, 0, 0) },
    { type: 'destination' },
    { type: 'routing', data: new Uint8Array(20) },
    { type: 'ah' },
    { type: 'destination', options: new Uint8Array(30) },
  ];

  it('walks hop-by-hop, destination, routing and AH to the transport', () => {
    const p = buildIpv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: IpProto.TCP, payload: tcp, extensionHeaders: all, flowLabel: 0xabcde, trafficClass: 0x2e, hopLimit: 9 });
    const r = decodeIpv6(p, 0);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ protocol: 6, extensionHeaders: 5, flowLabel: 0xabcde, trafficClass: 0x2e, hopLimit: 9, src: '2001:db8::1', dst: '2001:db8::2' });
    expect(r.value.payloadOffset).toBe(p.length - tcp.length);
    expect(r.value.weird).toBeUndefined();
  });

  it('stops at a fragment header and reports it', () => {
    const p = buildIpv6({ src: '::1', dst: '::1', nextHeader: IpProto.UDP, payload: new Uint8Array(16), extensionHeaders: [{ type: 'fragment', offset8: 2, moreFragments: true, id: 0xdeadbeef }] });
    const r = decodeIpv6(p, 0);
    expect(r.ok && r.value.fragment).toEqual({ offset: 16, moreFragments: true, id: 0xdeadbeef, nextHeader: 17 });
    expect(r.ok && r.value.payloadOffset).toBe(48);
  });

  it('treats an atomic fragment as a whole datagram', () => {
    const p = buildIpv6({ src: '::1', dst: '::1', nextHeader: IpProto.TCP, payload: tcp, extensionHeaders: [{ type: 'fragment', offset8: 0, moreFragments: false, id: 5 }] });
    const r = decodeIpv6(p, 0);
    expect(r.ok && r.value.fragment).toBeUndefined();
    expect(r.ok && r.value.protocol).toBe(6);
  });

  it('notes a hop-by-hop header that is not first', () => {
    const p = buildIpv6({ src: '::1', dst: '::1', nextHeader: IpProto.TCP, payload: tcp, extensionHeaders: [{ type: 'destination' }, { type: 'hop-by-hop' }] });
    const r = decodeIpv6(p, 0);
    expect(r.ok && r.value.weird?.code).toBe('ipv6.hop_by_hop_not_first');
  });

  it(`bounds the chain at ${MAX_EXTENSION_HEADERS} headers`, () => {
    const chain = Array.from({ length: MAX_EXTENSION_HEADERS + 1 }, (): Ipv6ExtensionHeader => ({ type: 'destination' }));
    const p = buildIpv6({ src: '::1', dst: '::1', nextHeader: IpProto.TCP, payload: tcp, extensionHeaders: chain });
    expect(decodeIpv6(p, 0)).toMatchObject({ ok: false, issue: { code: 'ip.too_many_extension_headers' } });
  });

  it('tells a cut extension header from one that overruns the packet', () => {
    const p = buildIpv6({ src: '::1', dst: '::1', nextHeader: IpProto.TCP, payload: tcp, extensionHeaders: [{ type: 'routing', data: new Uint8Array(60) }] });
    expect(decodeIpv6(p.subarray(0, 60), 0)).toMatchObject({ ok: false, issue: { code: 'decode.truncated_header' } });
    const lying = p.slice();
    lying[41] = 200; // header length far beyond the payload length
    expect(decodeIpv6(lying, 0)).toMatchObject({ ok: false, issue: { code: 'ip.bad_extension_header' } });
  });

  it('walks only AH for IPv4', () => {
    const ah = Uint8Array.of(6, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, ...new Array<number>(12).fill(0));
    const r = walkExtensionHeaders(ah, 0, ah.length, ah.length, 51, 4);
    expect(r).toMatchObject({ ok: true, value: { protocol: 6, offset: 24, count: 1 } });
    expect(walkExtensionHeaders(ah, 0, ah.length, ah.length, 60, 4)).toMatchObject({ ok: true, value: { protocol: 60, offset: 0, count: 0 } });
  });
});

describe('decodeTcp', () => {
  it('decodes the real SYN, options included', () => {
    const b = hex(REAL_SYN);
    const r = decodeTcp(b, 34, b.length, 44);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ srcPort: 62987, dstPort: 443, seq: 0x5ad47736, ack: 0, flags: TcpFlag.SYN, window: 65535, headerLength: 44 });
    expect(r.value.options).toEqual({ mss: 1460, windowScale: 5, timestamp: [0x1f13255a, 0], sackPermitted: true });
  });

  it('the frame builder reproduces the real segment byte for byte, checksum included', () => {
    const b = hex(REAL_SYN);
    const rebuilt = buildTcp({
      src: '192.168.17.58',
      dst: '216.58.192.14',
      srcPort: 62987,
      dstPort: 443,
      seq: 0x5ad47736,
      ack: 0,
      flags: TcpFlag.SYN,
      window: 65535,
      options: { raw: b.subarray(54, 78) },
    });
    expect(Buffer.from(rebuilt).toString('hex')).toBe(Buffer.from(b.subarray(34)).toString('hex'));
  });

  it('reads all option kinds the builder writes, SACK blocks and NS included', () => {
    const seg = buildTcp({
      src: '10.0.0.1',
      dst: '10.0.0.2',
      srcPort: 5,
      dstPort: 6,
      seq: 0xffffffff,
      ack: 0x80000000,
      flags: TcpFlag.ACK | TcpFlag.NS | TcpFlag.ECE | TcpFlag.CWR,
      options: { timestamp: [1, 2], sack: [[10, 20], [0xfffffff0, 5]] },
      payload: Uint8Array.of(1, 2, 3),
    });
    const r = decodeTcp(seg, 0, seg.length, seg.length);
    expect(r.ok && r.value).toMatchObject({ seq: 0xffffffff, ack: 0x80000000, flags: 0x1d0, options: { timestamp: [1, 2], sack: [[10, 20], [0xfffffff0, 5]] } });
  });

  it('skips unknown kinds by length and notes malformed ones', () => {
    const ok = decodeTcpOptions(Uint8Array.of(30, 4, 0, 0, 2, 4, 1, 0), 0, 8);
    expect(ok).toEqual({ options: { mss: 256 } });
    const bad = decodeTcpOptions(Uint8Array.of(2, 4, 1, 0, 30, 9, 0, 0), 0, 8);
    expect(bad.options).toEqual({ mss: 256 });
    expect(bad.issue?.code).toBe('tcp.option.malformed');
    const badLen = decodeTcpOptions(Uint8Array.of(2, 3, 1, 1, 0, 0, 0, 0), 0, 8);
    expect(badLen.issue?.code).toBe('tcp.option.bad_length');
    expect(decodeTcpOptions(Uint8Array.of(0, 2, 4, 1), 0, 4)).toEqual({ options: {} });
  });

  it('round-trips random options through the builder', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            mss: fc.integer({ min: 0, max: 0xffff }),
            windowScale: fc.integer({ min: 0, max: 14 }),
            sackPermitted: fc.constant(true),
            timestamp: fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff })),
          },
          { requiredKeys: [] },
        ),
        (o) => {
          const bytes = encodeTcpOptions(o);
          expect(decodeTcpOptions(bytes, 0, bytes.length).options).toEqual(o);
        },
      ),
    );
  });

  it.each([
    ['short capture of a longer segment', 10, 40, 'decode.truncated_header'],
    ['segment shorter than a header', 10, 10, 'tcp.too_short'],
  ])('%s', (_n, captured, declared, code) => {
    expect(decodeTcp(new Uint8Array(captured), 0, captured, declared)).toMatchObject({ ok: false, issue: { code } });
  });

  it('rejects a data offset below 5 or beyond the segment', () => {
    const seg = buildTcp({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 1, dstPort: 2 });
    seg[12] = 0x40;
    expect(decodeTcp(seg, 0, 20, 20)).toMatchObject({ ok: false, issue: { code: 'tcp.bad_data_offset' } });
    seg[12] = 0xf0;
    expect(decodeTcp(seg, 0, 20, 20)).toMatchObject({ ok: false, issue: { code: 'tcp.bad_data_offset' } });
    expect(decodeTcp(seg, 0, 20, 100)).toMatchObject({ ok: false, issue: { code: 'decode.truncated_header' } });
  });
});

describe('decodeUdp', () => {
  it('decodes ports and bounds the payload by the UDP length', () => {
    const d = buildUdp({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 4433, dstPort: 53, payload: new Uint8Array(12) });
    expect(decodeUdp(d, 0, d.length, d.length)).toMatchObject({ ok: true, value: { srcPort: 4433, dstPort: 53, length: 20, payloadEnd: 20 } });
    const longer = new Uint8Array(30);
    longer.set(d);
    const r = decodeUdp(longer, 0, 30, 30);
    expect(r.ok && r.value.payloadEnd).toBe(20);
    expect(r.ok && r.value.weird?.code).toBe('udp.length_below_ip');
  });

  it('rejects a length below 8 and notes one beyond IP', () => {
    const d = buildUdp({ src: '::1', dst: '::1', srcPort: 1, dstPort: 2, payload: new Uint8Array(4) });
    const bad = d.slice();
    bad[5] = 7;
    expect(decodeUdp(bad, 0, 12, 12)).toMatchObject({ ok: false, issue: { code: 'udp.bad_length' } });
    const big = d.slice();
    big[5] = 100;
    expect(decodeUdp(big, 0, 12, 12)).toMatchObject({ ok: true, value: { payloadEnd: 12, weird: { code: 'udp.length_exceeds_ip' } } });
  });

  it('writes a correct checksum (verifies to zero over the pseudo-header)', () => {
    const d = buildUdp({ src: '192.0.2.1', dst: '192.0.2.2', srcPort: 1000, dstPort: 2000, payload: Uint8Array.of(1, 2, 3) });
    const pseudo = Uint8Array.of(192, 0, 2, 1, 192, 0, 2, 2, 0, 17, 0, d.length);
    expect(internetChecksum(pseudo, d)).toBe(0);
  });
});

describe('header decoders on random bytes', () => {
  it('never throw and keep offsets inside the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.nat({ max: 200 }), (b, declared) => {
        const v4 = decodeIpv4(b, 0);
        if (v4.ok) expect(v4.value.payloadEnd).toBeLessThanOrEqual(b.length);
        const v6 = decodeIpv6(b, 0);
        if (v6.ok) expect(v6.value.payloadOffset).toBeLessThanOrEqual(v6.value.payloadEnd);
        const t = decodeTcp(b, 0, b.length, Math.max(declared, b.length));
        if (t.ok) expect(t.value.headerLength).toBeLessThanOrEqual(b.length);
        decodeUdp(b, 0, b.length, Math.max(declared, b.length));
      }),
      { numRuns: 3000 },
    );
  });
});
