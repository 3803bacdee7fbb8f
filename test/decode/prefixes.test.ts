import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Decoded } from '../../src/util/decoded.js';
import { decodeEthernet } from '../../src/decode/ethernet.js';
import { decodeIpv4 } from '../../src/decode/ipv4.js';
import { decodeIpv6 } from '../../src/decode/ipv6.js';
import { decodeMpls } from '../../src/decode/mpls.js';
import { decodeLoop, decodeNull } from '../../src/decode/null-loopback.js';
import { decodePpp, decodePppoeSession } from '../../src/decode/ppp.js';
import { decodeSll } from '../../src/decode/sll.js';
import { decodeSll2 } from '../../src/decode/sll2.js';
import { decodeTcp } from '../../src/decode/tcp.js';
import { decodeUdp } from '../../src/decode/udp.js';
import { NO_VLANS } from '../../src/decode/link-header.js';
import { buildEthernet, buildIpv4, buildIpv6, buildLoop, buildNull, buildSll, buildSll2, buildTcp, buildUdp, EtherType, type Ipv6ExtensionHeader } from '../fixtures/frame-builder.js';

// Every strict prefix of a valid header must fail as truncated: a decoder that read past the
// end of its input would see zeros (or the next layer's bytes) and might pass instead.

const empty = new Uint8Array(0);

/** Asserts every prefix of `bytes` shorter than `headerLength` fails with `code`, and the whole decodes. */
function prefixesFail<T>(bytes: Uint8Array, headerLength: number, decode: (b: Uint8Array) => Decoded<T>, code = 'decode.truncated_header'): void {
  for (let n = 0; n < headerLength; n++) {
    const r = decode(bytes.subarray(0, n));
    expect(r.ok, `prefix of ${n} of ${headerLength} bytes`).toBe(false);
    if (!r.ok) expect(r.issue.code).toBe(code);
  }
  expect(decode(bytes).ok).toBe(true);
}

const port = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.nat({ max: 0xffffffff });

describe('link headers: every strict prefix fails as truncated', () => {
  it('Ethernet with up to 3 VLAN tags', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xfff }), { maxLength: 3 }), (vlans) => {
        const f = buildEthernet({ payload: empty, etherType: EtherType.IPV4, vlans });
        prefixesFail(f, 14 + 4 * vlans.length, (b) => decodeEthernet(b));
      }),
    );
  });

  it('Linux cooked v1 and v2', () => {
    fc.assert(
      fc.property(port, u32, (protocolLow, interfaceIndex) => {
        const protocol = 0x0800 + (protocolLow % 0x100);
        prefixesFail(buildSll({ payload: empty, protocol }), 16, (b) => decodeSll(b));
        prefixesFail(buildSll2({ payload: empty, protocol, interfaceIndex }), 20, (b) => decodeSll2(b));
      }),
    );
  });

  it('BSD NULL and LOOP', () => {
    fc.assert(
      fc.property(u32, (family) => {
        prefixesFail(buildNull({ payload: empty, family }), 4, (b) => decodeNull(b));
        prefixesFail(buildLoop({ payload: empty, family }), 4, (b) => decodeLoop(b));
      }),
    );
  });

  it('PPP, PPPoE session and MPLS', () => {
    // Without the optional 0xff 0x03 (its prefix 0xff would be a valid compressed protocol field).
    prefixesFail(Uint8Array.of(0x00, 0x21), 2, (b) => decodePpp(b, 0, NO_VLANS));
    prefixesFail(Uint8Array.of(0x11, 0, 0, 1, 0, 2, 0x00, 0x21), 8, (b) => decodePppoeSession(b, 0, NO_VLANS));
    // Two label entries, the second at the bottom of the stack.
    prefixesFail(Uint8Array.of(0, 1, 0x20, 64, 0, 2, 0x21, 64), 8, (b) => decodeMpls(b, 0, NO_VLANS));
  });
});

describe('IP and transport headers: every strict prefix fails as truncated', () => {
  it('IPv4 with options', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 0xffff }), (optionWords, id) => {
        const options = new Uint8Array(optionWords * 4).fill(1);
        const p = buildIpv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, payload: empty, options, id });
        prefixesFail(p, 20 + options.length, (b) => decodeIpv4(b, 0));
      }),
    );
  });

  it('IPv6 with its extension header chain', () => {
    const extension = fc.constantFrom<Ipv6ExtensionHeader>({ type: 'destination' }, { type: 'routing' }, { type: 'destination', options: new Uint8Array(9) });
    fc.assert(
      fc.property(fc.array(extension, { maxLength: 3 }), fc.integer({ min: 0, max: 0xfffff }), (extensionHeaders, flowLabel) => {
        const p = buildIpv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 6, payload: empty, extensionHeaders, flowLabel });
        const r = decodeIpv6(p, 0);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.flowLabel).toBe(flowLabel);
        prefixesFail(p, r.value.payloadOffset, (b) => decodeIpv6(b, 0));
      }),
    );
  });

  it('TCP with options, reading no byte at or past `end`', () => {
    fc.assert(
      fc.property(port, port, u32, u32, fc.boolean(), fc.boolean(), (srcPort, dstPort, seq, ack, withTimestamp, withSack) => {
        const options = { mss: 1460, ...(withTimestamp ? { timestamp: [seq, ack] as const } : {}), ...(withSack ? { sackPermitted: true, sack: [[seq, ack]] as const } : {}) };
        const segment = buildTcp({ src: '10.0.0.1', dst: '10.0.0.2', srcPort, dstPort, seq, ack, options, payload: Uint8Array.of(0xff, 0xff, 0xff, 0xff) });
        const whole = decodeTcp(segment, 0, segment.length, segment.length);
        expect(whole.ok).toBe(true);
        if (!whole.ok) return;
        expect(whole.value).toMatchObject({ srcPort, dstPort, seq, ack });
        // The whole segment stays in the array; only `end` moves, so a read past it would find bytes.
        for (let end = 0; end < whole.value.headerLength; end++) {
          const r = decodeTcp(segment, 0, end, segment.length);
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.issue.code).toBe('decode.truncated_header');
        }
      }),
    );
  });

  it('UDP, reading no byte at or past `end`', () => {
    fc.assert(
      fc.property(port, port, (srcPort, dstPort) => {
        const d = buildUdp({ src: '10.0.0.1', dst: '10.0.0.2', srcPort, dstPort, payload: Uint8Array.of(1, 2) });
        expect(decodeUdp(d, 0, d.length, d.length)).toMatchObject({ ok: true, value: { srcPort, dstPort, length: 10 } });
        for (let end = 0; end < 8; end++) {
          const r = decodeUdp(d, 0, end, d.length);
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.issue.code).toBe('decode.truncated_header');
        }
      }),
    );
  });
});
