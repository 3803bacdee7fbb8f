/**
 * The decode stage: one captured packet in, one `DecodeOutcome` out.
 *
 * link layer (Ethernet/VLAN, Linux cooked v1/v2, BSD NULL/LOOP, raw IP, PPP)
 *   → PPPoE session / MPLS label stack, when present
 *   → IPv4 (AH skipped) / IPv6 (extension headers) → fragment reassembly when needed
 *   → TCP segment or UDP datagram; anything else is named and counted.
 *
 * The only state is the fragment reassembler and the counters. Nothing here throws on input
 * bytes: every problem becomes an anomaly on the outcome. The hot path (an unfragmented TCP
 * segment) allocates only the returned objects, the decoders' small results, and the payload
 * view; address strings come from a cache.
 */
import type { Anomaly } from '../util/anomaly.js';
import type { DecodeIssue, Decoded } from '../util/decoded.js';
import type { Packet } from '../capture/types.js';
import type { DecodeOutcome, DecodeStats, DecoderOptions, TcpSegment, UdpDatagram } from './types.js';
import { AddressCache } from './address.js';
import { decodeEthernet } from './ethernet.js';
import { FragmentReassembler, fragmentKey } from './ip-fragments.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6, IPPROTO, walkExtensionHeaders } from './ipv6.js';
import { ETHERTYPE, NO_VLANS, payloadView, type LinkHeader } from './link-header.js';
import { plainTcpSegment } from './plain-tcp.js';
import { decodeMpls } from './mpls.js';
import { decodeLoop, decodeNull } from './null-loopback.js';
import { decodePpp, decodePppoeSession } from './ppp.js';
import { etherTypeName, ipProtocolName } from './protocol-names.js';
import { decodeRawIp } from './raw-ip.js';
import { decodeSll } from './sll.js';
import { decodeSll2 } from './sll2.js';
import { decodeTcp } from './tcp.js';
import { decodeUdp } from './udp.js';

const NONE: readonly Anomaly[] = Object.freeze([]);

const ETHERTYPE_PPPOE_SESSION = 0x8864;
const ETHERTYPE_MPLS = 0x8847;
const ETHERTYPE_MPLS_MULTICAST = 0x8848;

/** PPPoE/MPLS layers followed between the link header and IP. */
const MAX_INNER_ENCAPSULATIONS = 4;

function toAnomaly(issue: DecodeIssue, severity: Anomaly['severity'], frame: number, withOffset: boolean): Anomaly {
  return withOffset && issue.offset !== undefined
    ? { code: issue.code, severity, message: issue.message, frame, offset: issue.offset }
    : { code: issue.code, severity, message: issue.message, frame };
}

function push(list: Anomaly[] | undefined, a: Anomaly): Anomaly[] {
  if (list === undefined) return [a];
  list.push(a);
  return list;
}

function pushAll(list: Anomaly[] | undefined, more: readonly Anomaly[]): Anomaly[] | undefined {
  if (more.length === 0) return list;
  if (list === undefined) return more.slice();
  for (const a of more) list.push(a);
  return list;
}

/**
 * Decodes packets into TCP segments and UDP datagrams, reassembling IP fragments within the
 * limits of `DecoderOptions`, and counts what it saw.
 *
 * Stats: `fragmentsHeld` counts fragment packets taken in for reassembly, `fragmentsReassembled`
 * datagrams completed from them, `fragmentsDropped` fragments given up (limits, timeout,
 * truncated by the snap length, or left incomplete at `finish`).
 */
export class PacketDecoder {
  private readonly addresses = new AddressCache();
  private readonly reassembler: FragmentReassembler;

  private packets = 0;
  private tcp = 0;
  private udp = 0;
  private fragmentsHeld = 0;
  private fragmentsReassembled = 0;
  private fragmentsTruncated = 0;
  private malformed = 0;
  private readonly other = new Map<string, number>();
  private readonly unsupported = new Map<number, number>();
  private readonly linkTypes = new Map<number, number>();
  // Link type counts are batched: captures rarely mix link types, so a Map write per packet is avoided.
  private runLinkType = -1;
  private runCount = 0;

  constructor(options: DecoderOptions = {}) {
    this.reassembler = new FragmentReassembler(options);
  }

  /** Decodes one packet. The outcome's payload views are valid as long as `packet.bytes` is. */
  decode(packet: Packet): DecodeOutcome {
    this.countPacket(packet.linkType);
    const plain = plainTcpSegment(packet, this.addresses);
    if (plain !== null) {
      this.tcp++;
      return { kind: 'tcp', segment: plain, anomalies: NONE };
    }
    return this.decodeLayers(packet);
  }

  /**
   * Decodes one packet layer by layer with the general decoders, as `decode` does for any packet
   * the one-pass path (decode/plain-tcp.ts) leaves to them; it counts the packet the same way.
   */
  decodeByLayers(packet: Packet): DecodeOutcome {
    this.countPacket(packet.linkType);
    return this.decodeLayers(packet);
  }

  private countPacket(linkType: number): void {
    this.packets++;
    if (linkType === this.runLinkType) {
      this.runCount++;
    } else {
      this.flushLinkRun();
      this.runLinkType = linkType;
      this.runCount = 1;
    }
  }

  private decodeLayers(packet: Packet): DecodeOutcome {
    const linkType = packet.linkType;
    const bytes = packet.bytes;
    let link: Decoded<LinkHeader>;
    switch (linkType) {
      case 1:
        link = decodeEthernet(bytes, 0);
        break;
      case 113:
        link = decodeSll(bytes, 0);
        break;
      case 276:
        link = decodeSll2(bytes, 0);
        break;
      case 0:
        link = decodeNull(bytes, 0);
        break;
      case 108:
        link = decodeLoop(bytes, 0);
        break;
      case 9:
      case 50:
        link = decodePpp(bytes, 0, NO_VLANS);
        break;
      case 12:
      case 14:
      case 101:
      case 228:
      case 229:
        link = decodeRawIp(bytes, linkType);
        break;
      default:
        return this.unsupportedLink(packet);
    }
    if (!link.ok) return this.fail(packet, link.issue, undefined, true);
    let lh = link.value;
    // Encapsulations between the link and IP (PPPoE, MPLS), a bounded number of them.
    for (let depth = 0; depth < MAX_INNER_ENCAPSULATIONS; depth++) {
      let inner: Decoded<LinkHeader>;
      if (lh.etherType === ETHERTYPE_PPPOE_SESSION) inner = decodePppoeSession(bytes, lh.payloadOffset, lh.vlans);
      else if (lh.etherType === ETHERTYPE_MPLS || lh.etherType === ETHERTYPE_MPLS_MULTICAST) inner = decodeMpls(bytes, lh.payloadOffset, lh.vlans);
      else break;
      if (!inner.ok) return this.fail(packet, inner.issue, undefined, true);
      lh = inner.value;
    }
    if (lh.etherType === ETHERTYPE.IPV4) return this.ipv4(packet, lh.payloadOffset, lh.vlans);
    if (lh.etherType === ETHERTYPE.IPV6) return this.ipv6(packet, lh.payloadOffset, lh.vlans);
    return this.otherProtocol(lh.other ?? etherTypeName(lh.etherType), undefined);
  }

  /**
   * Ends the capture: incomplete datagrams still held are dropped and reported once.
   * Returns the anomalies for that (empty when nothing was held).
   */
  finish(): readonly Anomaly[] {
    const held = this.reassembler.datagramsHeld;
    const fragments = this.reassembler.flush();
    if (held === 0) return NONE;
    return [
      {
        code: 'ip.fragment.incomplete',
        severity: 'weird',
        message: `${held} IP datagram(s) (${fragments} fragment(s)) were still incomplete at the end of the capture.`,
      },
    ];
  }

  /** Counters so far (a snapshot). */
  stats(): DecodeStats {
    this.flushLinkRun();
    return {
      packets: this.packets,
      tcp: this.tcp,
      udp: this.udp,
      fragmentsHeld: this.fragmentsHeld,
      fragmentsReassembled: this.fragmentsReassembled,
      fragmentsDropped: this.reassembler.fragmentsDropped + this.fragmentsTruncated,
      other: new Map(this.other),
      unsupportedLinkTypes: new Map(this.unsupported),
      malformed: this.malformed,
      linkTypes: new Map(this.linkTypes),
    };
  }

  private flushLinkRun(): void {
    if (this.runCount > 0) {
      this.linkTypes.set(this.runLinkType, (this.linkTypes.get(this.runLinkType) ?? 0) + this.runCount);
      this.runCount = 0;
    }
  }

  private ipv4(packet: Packet, offset: number, vlans: readonly number[]): DecodeOutcome {
    const bytes = packet.bytes;
    const r = decodeIpv4(bytes, offset, this.addresses);
    if (!r.ok) return this.fail(packet, r.issue, undefined, true);
    const h = r.value;
    let anomalies: Anomaly[] | undefined;
    if (h.weird !== undefined) anomalies = push(anomalies, toAnomaly(h.weird, 'weird', packet.frame, true));
    if (h.missingBytes > 0 && packet.originalLength <= packet.capturedLength) {
      anomalies = push(anomalies, {
        code: 'ipv4.total_length_exceeds_frame',
        severity: 'weird',
        message: `IPv4 total length ${h.totalLength} runs ${h.missingBytes} bytes past the end of the frame, which was not cut by the snap length.`,
        frame: packet.frame,
        offset,
      });
    }
    if (h.moreFragments || h.fragmentOffset !== 0) {
      const key = fragmentKey(4, h.src, h.dst, h.id, h.protocol);
      return this.fragment(packet, 4, h.src, h.dst, key, h.fragmentOffset, h.moreFragments, h.protocol, h.payloadOffset, h.payloadEnd, h.missingBytes, vlans, anomalies);
    }
    return this.transport(packet, 4, h.src, h.dst, h.protocol, bytes, h.payloadOffset, h.payloadEnd, h.missingBytes, vlans, anomalies, false);
  }

  private ipv6(packet: Packet, offset: number, vlans: readonly number[]): DecodeOutcome {
    const bytes = packet.bytes;
    const r = decodeIpv6(bytes, offset, this.addresses);
    if (!r.ok) return this.fail(packet, r.issue, undefined, true);
    const h = r.value;
    let anomalies: Anomaly[] | undefined;
    if (h.weird !== undefined) anomalies = push(anomalies, toAnomaly(h.weird, 'weird', packet.frame, true));
    if (h.missingBytes > 0 && packet.originalLength <= packet.capturedLength) {
      anomalies = push(anomalies, {
        code: 'ipv6.payload_length_exceeds_frame',
        severity: 'weird',
        message: `IPv6 payload length ${h.payloadLength} runs ${h.missingBytes} bytes past the end of the frame, which was not cut by the snap length.`,
        frame: packet.frame,
        offset,
      });
    }
    const f = h.fragment;
    if (f !== undefined) {
      const key = fragmentKey(6, h.src, h.dst, f.id, f.nextHeader);
      return this.fragment(packet, 6, h.src, h.dst, key, f.offset, f.moreFragments, f.nextHeader, h.payloadOffset, h.payloadEnd, h.missingBytes, vlans, anomalies);
    }
    return this.transport(packet, 6, h.src, h.dst, h.protocol, bytes, h.payloadOffset, h.payloadEnd, h.missingBytes, vlans, anomalies, false);
  }

  private fragment(
    packet: Packet,
    version: 4 | 6,
    src: string,
    dst: string,
    key: string,
    offset: number,
    more: boolean,
    protocol: number,
    start: number,
    end: number,
    missing: number,
    vlans: readonly number[],
    anomalies: Anomaly[] | undefined,
  ): DecodeOutcome {
    if (missing > 0) {
      // The snap length cut the fragment: the datagram can never be completed.
      this.fragmentsTruncated++;
      const list = push(anomalies, {
        code: 'ip.fragment.truncated',
        severity: 'violation',
        message: `IP fragment cut by the snap length (${missing} bytes missing); its datagram cannot be reassembled.`,
        frame: packet.frame,
      });
      return { kind: 'fragment', anomalies: list };
    }
    const time = packet.time.sec + packet.time.nsec / 1e9;
    const r = this.reassembler.add({ key, offset, moreFragments: more, data: packet.bytes.subarray(start, end), protocol, time, frame: packet.frame });
    const list = pushAll(anomalies, r.anomalies);
    if (r.kind !== 'complete') {
      if (r.kind === 'held') this.fragmentsHeld++;
      return { kind: 'fragment', anomalies: list ?? NONE };
    }
    this.fragmentsHeld++;
    this.fragmentsReassembled++;
    const data = r.data;
    let proto = r.protocol;
    let at = 0;
    if (version === 6) {
      // Extension headers of the fragmentable part (destination options, AH) come before the transport.
      const chain = walkExtensionHeaders(data, 0, data.length, data.length, proto, 6);
      if (!chain.ok) return this.fail(packet, chain.issue, list, false);
      if (chain.value.fragment !== undefined || chain.value.protocol === IPPROTO.FRAGMENT) {
        return this.fail(packet, { code: 'ipv6.nested_fragment', message: 'A reassembled IPv6 datagram holds another Fragment header.' }, list, false);
      }
      proto = chain.value.protocol;
      at = chain.value.offset;
    }
    return this.transport(packet, version, src, dst, proto, data, at, data.length, 0, vlans, list, true);
  }

  private transport(
    packet: Packet,
    version: 4 | 6,
    src: string,
    dst: string,
    protocol: number,
    bytes: Uint8Array,
    start: number,
    end: number,
    missing: number,
    vlans: readonly number[],
    anomalies: Anomaly[] | undefined,
    reassembled: boolean,
  ): DecodeOutcome {
    let proto = protocol;
    let at = start;
    if (version === 4 && proto === IPPROTO.AH) {
      const chain = walkExtensionHeaders(bytes, start, end, end + missing, proto, 4);
      if (!chain.ok) return this.fail(packet, chain.issue, anomalies, !reassembled);
      proto = chain.value.protocol;
      at = chain.value.offset;
    }
    const declared = end - at + missing;
    if (proto === IPPROTO.TCP) {
      const r = decodeTcp(bytes, at, end, declared);
      if (!r.ok) return this.fail(packet, r.issue, anomalies, !reassembled);
      const t = r.value;
      let list = anomalies;
      if (t.weird !== undefined) list = push(list, toAnomaly(t.weird, 'weird', packet.frame, !reassembled));
      const segment: TcpSegment = {
        frame: packet.frame,
        time: packet.time,
        ipVersion: version,
        src,
        dst,
        srcPort: t.srcPort,
        dstPort: t.dstPort,
        seq: t.seq,
        ack: t.ack,
        flags: t.flags,
        window: t.window,
        options: t.options,
        payload: payloadView(bytes, at + t.headerLength, end),
        missingPayloadBytes: missing,
        vlans,
      };
      this.tcp++;
      return { kind: 'tcp', segment, anomalies: list ?? NONE };
    }
    if (proto === IPPROTO.UDP) {
      const r = decodeUdp(bytes, at, end, declared);
      if (!r.ok) return this.fail(packet, r.issue, anomalies, !reassembled);
      const u = r.value;
      let list = anomalies;
      if (u.weird !== undefined) list = push(list, toAnomaly(u.weird, 'weird', packet.frame, !reassembled));
      const datagram: UdpDatagram = {
        frame: packet.frame,
        time: packet.time,
        ipVersion: version,
        src,
        dst,
        srcPort: u.srcPort,
        dstPort: u.dstPort,
        payload: bytes.subarray(at + 8, u.payloadEnd),
      };
      this.udp++;
      return { kind: 'udp', datagram, anomalies: list ?? NONE };
    }
    return this.otherProtocol(ipProtocolName(version, proto), anomalies);
  }

  private otherProtocol(name: string, anomalies: Anomaly[] | undefined): DecodeOutcome {
    this.other.set(name, (this.other.get(name) ?? 0) + 1);
    return { kind: 'other', protocol: name, anomalies: anomalies ?? NONE };
  }

  private unsupportedLink(packet: Packet): DecodeOutcome {
    const seen = this.unsupported.get(packet.linkType) ?? 0;
    this.unsupported.set(packet.linkType, seen + 1);
    // One anomaly per link type, not per packet: the stats carry the count.
    const anomalies: readonly Anomaly[] =
      seen === 0
        ? [
            {
              code: 'decode.unsupported_link_type',
              severity: 'weird',
              message: `Packets of link type ${packet.linkType} are not decoded.`,
              frame: packet.frame,
            },
          ]
        : NONE;
    return { kind: 'unsupported-link', linkType: packet.linkType, anomalies };
  }

  private fail(packet: Packet, issue: DecodeIssue, anomalies: Anomaly[] | undefined, withOffset: boolean): DecodeOutcome {
    this.malformed++;
    return { kind: 'malformed', anomalies: push(anomalies, toAnomaly(issue, 'violation', packet.frame, withOffset)) };
  }
}
