import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeEthernet, MAX_VLAN_TAGS } from '../../src/decode/ethernet.js';
import { decodeSll } from '../../src/decode/sll.js';
import { decodeSll2 } from '../../src/decode/sll2.js';
import { decodeLoop, decodeNull } from '../../src/decode/null-loopback.js';
import { decodeRawIp } from '../../src/decode/raw-ip.js';
import { linkTypeDescription, linkTypeName } from '../../src/decode/link-types.js';
import { buildEthernet, buildLoop, buildNull, buildSll, buildSll2, EtherType } from '../fixtures/frame-builder.js';

const payload = Uint8Array.of(0x45, 1, 2, 3);

describe('decodeEthernet', () => {
  it.each([
    { name: 'untagged', vlans: [] as number[], outer: undefined, want: [] as number[] },
    { name: '802.1Q', vlans: [100], outer: undefined, want: [100] },
    { name: '802.1ad + 802.1Q', vlans: [10, 20], outer: 0x88a8, want: [10, 20] },
    { name: 'old QinQ 0x9100', vlans: [4095, 1], outer: 0x9100, want: [4095, 1] },
    { name: 'three stacked 802.1Q', vlans: [1, 2, 3], outer: undefined, want: [1, 2, 3] },
  ])('$name', ({ vlans, outer, want }) => {
    const f = buildEthernet({ payload, etherType: EtherType.IPV4, vlans, ...(outer !== undefined ? { outerTpid: outer } : {}), vlanPriority: 5 });
    const r = decodeEthernet(f);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.etherType).toBe(0x0800);
    expect(r.value.vlans).toEqual(want);
    expect(r.value.payloadOffset).toBe(14 + 4 * vlans.length);
  });

  it(`rejects more than ${MAX_VLAN_TAGS} tags`, () => {
    const f = buildEthernet({ payload, etherType: EtherType.IPV4, vlans: Array.from({ length: MAX_VLAN_TAGS + 1 }, (_, i) => i) });
    const r = decodeEthernet(f);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issue.code).toBe('ethernet.too_many_vlan_tags');
  });

  it('follows 802.3 LLC/SNAP to its EtherType and names plain LLC and STP', () => {
    const snap = Uint8Array.of(...new Array<number>(12).fill(1), 0, 12, 0xaa, 0xaa, 3, 0, 0, 0, 0x08, 0x00, 0x45);
    const r = decodeEthernet(snap);
    expect(r.ok && r.value.etherType === 0x0800 && r.value.payloadOffset === 22).toBe(true);
    const stp = Uint8Array.of(...new Array<number>(12).fill(1), 0, 38, 0x42, 0x42, 3, 0, 0);
    const s = decodeEthernet(stp);
    expect(s.ok && s.value.etherType === -1 && s.value.other === 'stp').toBe(true);
  });

  it('reports truncation with the stable code', () => {
    const r = decodeEthernet(new Uint8Array(13));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issue.code).toBe('decode.truncated_header');
  });
});

describe('Linux cooked captures', () => {
  it('decodes SLL (113) with its packet type and ARPHRD', () => {
    const r = decodeSll(buildSll({ payload, protocol: EtherType.IPV6, packetType: 4, arphrd: 772 }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ etherType: 0x86dd, payloadOffset: 16, packetType: 4, arphrd: 772, vlans: [] });
  });

  it('decodes SLL2 (276) with interface index', () => {
    const r = decodeSll2(buildSll2({ payload, protocol: EtherType.IPV4, interfaceIndex: 0x01020304, packetType: 3 }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ etherType: 0x0800, payloadOffset: 20, interfaceIndex: 0x01020304, packetType: 3, arphrd: 1 });
  });

  it('reads VLAN tags that libpcap writes back after the cooked header', () => {
    const tagged = Uint8Array.of(0x00, 0x2a, 0x08, 0x00, ...payload);
    const r = decodeSll2(buildSll2({ payload: tagged, protocol: EtherType.VLAN }));
    expect(r.ok && r.value.vlans[0] === 42 && r.value.etherType === 0x0800 && r.value.payloadOffset === 24).toBe(true);
  });

  it('names netlink and LLC payloads', () => {
    const nl = decodeSll(buildSll({ payload, protocol: 0, arphrd: 824 }));
    expect(nl.ok && nl.value.other).toBe('netlink');
    const llc = decodeSll2(buildSll2({ payload, protocol: 4 }));
    expect(llc.ok && llc.value.other).toBe('llc');
  });

  it('decodes a real SLL2 frame (zeek openjdk capture, frame 1)', () => {
    const hex =
      '080000000000000200010406fa37dc8dafab00004500003c7ba740004006afcfc0a84006c0004e96d71201bb3a10e02e00000000a002faf034880000020405b40402080a9c3b79f90000000001030307';
    const r = decodeSll2(Buffer.from(hex, 'hex'));
    expect(r.ok && r.value).toMatchObject({ etherType: 0x0800, interfaceIndex: 2, arphrd: 1, packetType: 4, payloadOffset: 20 });
  });
});

describe('BSD loopback', () => {
  it.each([
    { family: 2, order: 'little' as const, etherType: 0x0800 },
    { family: 2, order: 'big' as const, etherType: 0x0800 },
    { family: 10, order: 'little' as const, etherType: 0x86dd },
    { family: 24, order: 'big' as const, etherType: 0x86dd },
    { family: 28, order: 'little' as const, etherType: 0x86dd },
    { family: 30, order: 'little' as const, etherType: 0x86dd },
    { family: 30, order: 'big' as const, etherType: 0x86dd },
  ])('NULL family $family ($order-endian)', ({ family, order, etherType }) => {
    const r = decodeNull(buildNull({ payload, family, byteOrder: order }));
    expect(r.ok && r.value).toMatchObject({ family, etherType, payloadOffset: 4 });
  });

  it('names an unknown family', () => {
    const r = decodeNull(buildNull({ payload, family: 7 }));
    expect(r.ok && r.value).toMatchObject({ etherType: -1, other: 'null family 7' });
  });

  it('LOOP (108) is always big-endian', () => {
    expect(decodeLoop(buildLoop({ payload, family: 24 }))).toMatchObject({ ok: true, value: { etherType: 0x86dd } });
    const le = decodeLoop(buildNull({ payload, family: 2, byteOrder: 'little' }));
    expect(le.ok && le.value.etherType).toBe(-1);
  });

  it('decodes a real NULL frame (FoxIO ipv6.pcapng, macOS AF_INET6 = 30)', () => {
    const r = decodeNull(Buffer.from('1e00000060025bab', 'hex'));
    expect(r.ok && r.value).toMatchObject({ family: 30, etherType: 0x86dd });
  });
});

describe('raw IP', () => {
  it.each([
    [101, 0x45, 0x0800],
    [101, 0x60, 0x86dd],
    [12, 0x45, 0x0800],
    [14, 0x60, 0x86dd],
    [228, 0x45, 0x0800],
    [229, 0x60, 0x86dd],
  ])('link type %i, first byte %i', (lt, b0, etherType) => {
    expect(decodeRawIp(Uint8Array.of(b0, 0), lt)).toMatchObject({ ok: true, value: { etherType, payloadOffset: 0 } });
  });

  it('rejects other versions and empty frames', () => {
    expect(decodeRawIp(Uint8Array.of(0x55), 101)).toMatchObject({ ok: false, issue: { code: 'ip.bad_version' } });
    expect(decodeRawIp(new Uint8Array(0), 101)).toMatchObject({ ok: false, issue: { code: 'decode.truncated_header' } });
  });
});

describe('link decoders on random bytes', () => {
  it('never throw, and any payload offset lies within the frame', () => {
    const decoders = [decodeEthernet, decodeSll, decodeSll2, decodeNull, decodeLoop, (b: Uint8Array) => decodeRawIp(b, 101)];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        for (const d of decoders) {
          const r = d(bytes);
          if (r.ok) expect(r.value.payloadOffset).toBeLessThanOrEqual(bytes.length);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('linkTypeName', () => {
  it('names common link types and renders others as unknown(N)', () => {
    expect(linkTypeName(1)).toBe('ETHERNET');
    expect(linkTypeName(276)).toBe('LINUX_SLL2');
    expect(linkTypeName(113)).toBe('LINUX_SLL');
    expect(linkTypeName(0)).toBe('NULL');
    expect(linkTypeName(108)).toBe('LOOP');
    expect(linkTypeName(101)).toBe('RAW');
    expect(linkTypeName(127)).toBe('IEEE802_11_RADIOTAP');
    expect(linkTypeName(228)).toBe('IPV4');
    expect(linkTypeName(229)).toBe('IPV6');
    expect(linkTypeName(4242)).toBe('unknown(4242)');
    expect(linkTypeDescription(276)).toBe('Linux cooked v2 (tcpdump -i any)');
  });
});
