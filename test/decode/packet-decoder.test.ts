import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import { TcpFlag, type DecodeOutcome } from '../../src/decode/types.js';
import type { Packet } from '../../src/capture/types.js';
import { buildEthernet, buildFrame, buildIpv4, buildIpv6, buildTcp, EtherType, IpProto, wrapIp, type FrameSpec, type LinkKind } from '../fixtures/frame-builder.js';
import { packetOf } from './helpers.js';

const LINKS: LinkKind[] = ['ethernet', 'sll', 'sll2', 'null', 'loop', 'raw'];
const ADDR = {
  4: { src: '10.1.2.3', dst: '172.16.254.1' },
  6: { src: '2001:db8:0:0:1:0:0:1', dst: 'fe80::1' },
} as const;

function spec(link: LinkKind, ipVersion: 4 | 6, extra: Partial<FrameSpec> = {}): FrameSpec {
  return {
    link,
    ipVersion,
    ...ADDR[ipVersion],
    srcPort: 51515,
    dstPort: 443,
    seq: 0xfffffff0,
    ack: 12345,
    flags: TcpFlag.PSH | TcpFlag.ACK,
    window: 501,
    options: { timestamp: [7, 8] },
    payload: Uint8Array.from({ length: 300 }, (_, i) => i & 0xff),
    ...extra,
  };
}

function expectTcp(o: DecodeOutcome): Extract<DecodeOutcome, { kind: 'tcp' }> {
  expect(o.kind).toBe('tcp');
  return o as Extract<DecodeOutcome, { kind: 'tcp' }>;
}

describe('PacketDecoder: TCP over every link layer', () => {
  const cases = LINKS.flatMap((link) => [4, 6].map((v) => ({ link, v: v as 4 | 6 })));
  it.each(cases)('$link / IPv$v', ({ link, v }) => {
    const s = spec(link, v);
    const o = expectTcp(new PacketDecoder().decode(packetOf(buildFrame(s), 7)));
    expect(o.anomalies).toEqual([]);
    expect(o.segment).toMatchObject({
      frame: 7,
      ipVersion: v,
      src: v === 4 ? '10.1.2.3' : '2001:db8::1:0:0:1',
      dst: ADDR[v].dst,
      srcPort: 51515,
      dstPort: 443,
      seq: 0xfffffff0,
      ack: 12345,
      flags: TcpFlag.PSH | TcpFlag.ACK,
      window: 501,
      options: { timestamp: [7, 8] },
      missingPayloadBytes: 0,
      vlans: [],
    });
    expect(o.segment.payload).toEqual(s.payload);
  });

  it('UDP over SLL2 and raw IPv6 (link type 229)', () => {
    const d = new PacketDecoder();
    const a = d.decode(packetOf(buildFrame(spec('sll2', 4, { transport: 'udp' }))));
    const b = d.decode(packetOf(buildFrame(spec('raw', 6, { transport: 'udp', rawLinkType: 229 }))));
    expect(a.kind === 'udp' && a.datagram.payload.length).toBe(300);
    expect(b.kind === 'udp' && b.datagram).toMatchObject({ src: '2001:db8::1:0:0:1', dstPort: 443, ipVersion: 6 });
    expect(d.stats()).toMatchObject({ packets: 2, udp: 2, tcp: 0 });
    expect([...d.stats().linkTypes]).toEqual([
      [276, 1],
      [229, 1],
    ]);
  });

  it('802.1ad + 802.1Q tags ride on the segment', () => {
    const o = expectTcp(new PacketDecoder().decode(packetOf(buildFrame(spec('ethernet', 6, { vlans: [100, 200], outerTpid: 0x88a8 })))));
    expect(o.segment.vlans).toEqual([100, 200]);
  });

  it('Ethernet padding does not become payload', () => {
    const f = buildFrame(spec('ethernet', 4, { payload: new Uint8Array(0), options: {}, padToMinimum: true }));
    expect(f.bytes.length).toBe(60);
    const o = expectTcp(new PacketDecoder().decode(packetOf(f)));
    expect(o.segment.payload.length).toBe(0);
    expect(o.segment.missingPayloadBytes).toBe(0);
  });

  it('the payload is a view of the packet bytes, not a copy', () => {
    const p = packetOf(buildFrame(spec('ethernet', 4)));
    const o = expectTcp(new PacketDecoder().decode(p));
    expect(o.segment.payload.buffer).toBe(p.bytes.buffer);
  });

  it('a payload cut by the snap length is delivered with missingPayloadBytes', () => {
    const o = expectTcp(new PacketDecoder().decode(packetOf(buildFrame(spec('ethernet', 4)), 1, { snap: 120 })));
    expect(o.segment.payload.length).toBe(120 - 14 - 20 - 32);
    expect(o.segment.missingPayloadBytes).toBe(300 - o.segment.payload.length);
    expect(o.anomalies).toEqual([]);
  });

  it('a length beyond a frame that was not cut is noted', () => {
    const f = buildFrame(spec('raw', 4));
    const p: Packet = { ...packetOf(f), bytes: f.bytes.subarray(0, 100), capturedLength: 100, originalLength: 100 };
    const o = expectTcp(new PacketDecoder().decode(p));
    expect(o.anomalies.map((a) => a.code)).toEqual(['ipv4.total_length_exceeds_frame']);
  });

  it('IPv4 total length 0 (segmentation offload) uses the captured length', () => {
    const tcp = buildTcp({ ...ADDR[4], srcPort: 1, dstPort: 2, payload: new Uint8Array(3000) });
    const ip = buildIpv4({ ...ADDR[4], protocol: IpProto.TCP, payload: tcp, totalLengthOverride: 0 });
    const o = expectTcp(new PacketDecoder().decode(packetOf(wrapIp({ link: 'ethernet' }, ip))));
    expect(o.segment.payload.length).toBe(3000);
    expect(o.anomalies.map((a) => a.code)).toEqual(['ipv4.total_length_zero']);
  });

  it('skips an IPv4 Authentication Header', () => {
    const tcp = buildTcp({ ...ADDR[4], srcPort: 1, dstPort: 2, payload: Uint8Array.of(9) });
    const ah = Uint8Array.of(IpProto.TCP, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, ...new Array<number>(12).fill(0));
    const ip = buildIpv4({ ...ADDR[4], protocol: IpProto.AH, payload: Uint8Array.of(...ah, ...tcp) });
    const o = expectTcp(new PacketDecoder().decode(packetOf(wrapIp({ link: 'raw' }, ip))));
    expect([...o.segment.payload]).toEqual([9]);
  });
});

describe('PacketDecoder: PPP, PPPoE and MPLS', () => {
  const ip = buildIpv4({ ...ADDR[4], protocol: IpProto.TCP, payload: buildTcp({ ...ADDR[4], srcPort: 1, dstPort: 443, payload: Uint8Array.of(5, 6) }) });
  const cases: { name: string; linkType: number; bytes: Uint8Array }[] = [
    { name: 'PPP (9) with address/control', linkType: 9, bytes: Uint8Array.of(0xff, 0x03, 0x00, 0x21, ...ip) },
    { name: 'PPP (9) with a compressed protocol field', linkType: 9, bytes: Uint8Array.of(0x21, ...ip) },
    { name: 'PPP in HDLC framing (50)', linkType: 50, bytes: Uint8Array.of(0xff, 0x03, 0x00, 0x21, ...ip) },
    {
      name: 'PPPoE session in 802.1Q Ethernet',
      linkType: 1,
      bytes: buildEthernet({ etherType: 0x8864, vlans: [7], payload: Uint8Array.of(0x11, 0, 0x12, 0x34, 0, ip.length + 2, 0x00, 0x21, ...ip) }),
    },
    {
      name: 'two MPLS labels in Ethernet',
      linkType: 1,
      bytes: buildEthernet({ etherType: 0x8847, payload: Uint8Array.of(0, 0x10, 0x00, 64, 0, 0x20, 0x01, 64, ...ip) }),
    },
  ];
  it.each(cases)('$name', ({ linkType, bytes }) => {
    const o = expectTcp(new PacketDecoder().decode(packetOf({ linkType, bytes })));
    expect([...o.segment.payload]).toEqual([5, 6]);
    expect(o.segment.dstPort).toBe(443);
  });

  it('names PPP control protocols and odd MPLS payloads, and bounds the label stack', () => {
    const d = new PacketDecoder();
    const lcp = d.decode(packetOf({ linkType: 9, bytes: Uint8Array.of(0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4) }));
    expect(lcp).toMatchObject({ kind: 'other', protocol: 'ppp lcp' });
    const pw = d.decode(packetOf({ linkType: 1, bytes: buildEthernet({ etherType: 0x8847, payload: Uint8Array.of(0, 0x10, 0x01, 64, 0, 0, 0, 0) }) }));
    expect(pw).toMatchObject({ kind: 'other', protocol: 'mpls payload' });
    const deep = d.decode(packetOf({ linkType: 1, bytes: buildEthernet({ etherType: 0x8847, payload: new Uint8Array(64) }) }));
    expect(deep).toMatchObject({ kind: 'malformed', anomalies: [{ code: 'mpls.too_many_labels' }] });
  });
});

describe('PacketDecoder: other protocols and link types', () => {
  it('names and counts non-TCP/UDP packets', () => {
    const d = new PacketDecoder();
    const arp = d.decode(packetOf({ linkType: 1, bytes: buildEthernet({ payload: new Uint8Array(28), etherType: EtherType.ARP }) }));
    const lldp = d.decode(packetOf({ linkType: 1, bytes: buildEthernet({ payload: new Uint8Array(28), etherType: EtherType.LLDP }) }));
    const odd = d.decode(packetOf({ linkType: 1, bytes: buildEthernet({ payload: new Uint8Array(28), etherType: 0x88b5 }) }));
    const icmp = d.decode(packetOf(wrapIp({ link: 'raw' }, buildIpv4({ ...ADDR[4], protocol: IpProto.ICMP, payload: new Uint8Array(8) }))));
    const icmp6 = d.decode(packetOf(wrapIp({ link: 'sll' }, buildIpv6({ ...ADDR[6], nextHeader: IpProto.ICMPV6, payload: new Uint8Array(8) }))));
    const p253 = d.decode(packetOf(wrapIp({ link: 'raw' }, buildIpv4({ ...ADDR[4], protocol: 253, payload: new Uint8Array(8) }))));
    const nl = d.decode(packetOf({ linkType: 113, bytes: Uint8Array.of(0, 0, 3, 56, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2) }));
    const fam = d.decode(packetOf({ linkType: 0, bytes: Uint8Array.of(7, 0, 0, 0, 1) }));
    expect([arp, lldp, odd, icmp, icmp6, p253, nl, fam].map((o) => (o.kind === 'other' ? o.protocol : o.kind))).toEqual([
      'arp',
      'lldp',
      'ethertype 0x88b5',
      'icmp',
      'icmpv6',
      'ipv4 proto 253',
      'netlink',
      'null family 7',
    ]);
    expect(d.stats().other.get('arp')).toBe(1);
    expect(d.stats().other.get('icmpv6')).toBe(1);
  });

  it('counts unsupported link types and notes each once', () => {
    const d = new PacketDecoder();
    const a = d.decode(packetOf({ linkType: 105, bytes: new Uint8Array(30) }, 1));
    const b = d.decode(packetOf({ linkType: 105, bytes: new Uint8Array(30) }, 2));
    expect(a).toMatchObject({ kind: 'unsupported-link', linkType: 105, anomalies: [{ code: 'decode.unsupported_link_type', frame: 1 }] });
    expect(b).toMatchObject({ kind: 'unsupported-link', anomalies: [] });
    expect(d.stats().unsupportedLinkTypes.get(105)).toBe(2);
    expect(d.stats().linkTypes.get(105)).toBe(2);
  });
});

describe('PacketDecoder: real frames (hex from the capture corpus)', () => {
  it.each([
    {
      name: 'Ethernet IPv4 SYN (zeek tls1_1.pcap #1)',
      linkType: 1,
      hex: 'b827eb5c87577831c1c63fc2080045000040000040004006d08cc0a8113ad83ac00ef60b01bb5ad4773600000000b002ffffbe920000020405b4010303050101080a1f13255a0000000004020000',
      want: { src: '192.168.17.58', dst: '216.58.192.14', srcPort: 62987, dstPort: 443, flags: TcpFlag.SYN, options: { mss: 1460, windowScale: 5, sackPermitted: true } },
    },
    {
      name: 'Linux cooked v2 (zeek openjdk #1)',
      linkType: 276,
      hex: '080000000000000200010406fa37dc8dafab00004500003c7ba740004006afcfc0a84006c0004e96d71201bb3a10e02e00000000a002faf034880000020405b40402080a9c3b79f90000000001030307',
      want: { src: '192.168.64.6', dst: '192.0.78.150', srcPort: 55058, dstPort: 443, flags: TcpFlag.SYN, window: 64240 },
    },
    {
      name: 'NULL/IPv6 (FoxIO ipv6.pcapng #1)',
      linkType: 0,
      hex: '1e00000060025bab002c064020014998ef830014800000000000100d2606470000000000000000006811d209fa2201bb33152f2a00000000b002ffffd20b000002040542010303060101080a6e69087c0000000004020000',
      want: { src: '2001:4998:ef83:14:8000::100d', dst: '2606:4700::6811:d209', srcPort: 64034, dstPort: 443, options: { mss: 1346, windowScale: 6 } },
    },
    {
      name: 'Linux cooked v1 (zeek irc-starttls #1)',
      linkType: 113,
      hex: '00040001000634e6d7121eb1000008004500003c9cc440004006247ccb8fa82fb9124caad7531a0b435b2faf00000000a002721079aa0000020405b40402080a0033b36b0000000001030307',
      want: { src: '203.143.168.47', dst: '185.18.76.170', srcPort: 55123, dstPort: 6667 },
    },
    {
      name: 'raw IP (zeek ml-dsa-44-cert #1)',
      linkType: 101,
      hex: '4500002810be0000400600000a0000010a000002d6d901bb000003e8000000005002ffff00000000',
      want: { src: '10.0.0.1', dst: '10.0.0.2', srcPort: 55001, dstPort: 443, seq: 1000, flags: TcpFlag.SYN },
    },
  ])('$name', ({ linkType, hex, want }) => {
    const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
    const o = expectTcp(new PacketDecoder().decode(packetOf({ linkType, bytes })));
    expect(o.segment).toMatchObject(want);
    expect(o.anomalies).toEqual([]);
  });
});

describe('PacketDecoder: hostile and truncated input', () => {
  it('every strict prefix of a valid frame: truncated header, or the segment with missing bytes — never a throw', () => {
    for (const link of LINKS) {
      for (const v of [4, 6] as const) {
        const s = spec(link, v, { payload: new Uint8Array(40).fill(1) });
        const full = buildFrame(s);
        const headers = full.bytes.length - 40;
        const d = new PacketDecoder();
        for (let n = 0; n < full.bytes.length; n++) {
          const o = d.decode(packetOf(full, n + 1, { snap: n }));
          if (n < headers) {
            expect(o.kind, `${link} v${v} prefix ${n}`).toBe('malformed');
            expect(o.anomalies.map((a) => a.code)).toEqual(['decode.truncated_header']);
            expect(o.anomalies[0]?.severity).toBe('violation');
          } else {
            const t = expectTcp(o);
            expect(t.segment.missingPayloadBytes).toBe(full.bytes.length - n);
            expect(t.segment.payload.length).toBe(n - headers);
          }
        }
        expect(d.stats().malformed).toBe(headers);
      }
    }
  });

  it('random bytes under every link type never throw and keep the stats consistent', () => {
    const linkTypes = [0, 1, 9, 12, 14, 50, 101, 108, 113, 228, 229, 276, 105];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...linkTypes), fc.uint8Array({ maxLength: 120 })), { maxLength: 40 }), (packets) => {
        const d = new PacketDecoder();
        const kinds = new Map<string, number>();
        for (const [i, [linkType, bytes]] of packets.entries()) {
          const o = d.decode(packetOf({ linkType, bytes }, i + 1));
          kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
          for (const a of o.anomalies) expect(a.code).toMatch(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/);
        }
        const s = d.stats();
        expect(s.packets).toBe(packets.length);
        expect(s.tcp).toBe(kinds.get('tcp') ?? 0);
        expect(s.udp).toBe(kinds.get('udp') ?? 0);
        expect(s.malformed).toBe(kinds.get('malformed') ?? 0);
        let other = 0;
        for (const n of s.other.values()) other += n;
        expect(other).toBe(kinds.get('other') ?? 0);
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes behind every EtherType the decoder follows never throw', () => {
    fc.assert(
      fc.property(fc.constantFrom(0x0800, 0x86dd, 0x8100, 0x88a8, 0x9100, 0x8864, 0x8847, 0x8848, 0x0806, 0x05dc), fc.uint8Array({ maxLength: 90 }), (etherType, junk) => {
        const o = new PacketDecoder().decode(packetOf({ linkType: 1, bytes: buildEthernet({ etherType, payload: junk }) }));
        expect(['tcp', 'udp', 'other', 'fragment', 'malformed']).toContain(o.kind);
      }),
      { numRuns: 2000 },
    );
  });

  it('random bytes behind valid link and IP headers never throw', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LINKS), fc.constantFrom<4 | 6>(4, 6), fc.uint8Array({ maxLength: 100 }), fc.nat({ max: 255 }), (link, v, junk, proto) => {
        const ip =
          v === 4
            ? buildIpv4({ ...ADDR[4], protocol: proto, payload: junk, fragment: { offset8: junk[0] ?? 0, moreFragments: (junk[1] ?? 0) > 128 } })
            : buildIpv6({ ...ADDR[6], nextHeader: proto, payload: junk });
        const o = new PacketDecoder().decode(packetOf(wrapIp({ link }, ip)));
        expect(['tcp', 'udp', 'other', 'fragment', 'malformed']).toContain(o.kind);
      }),
      { numRuns: 1000 },
    );
  });
});
