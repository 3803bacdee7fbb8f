/**
 * The one-pass path for ordinary TCP/IP packets (src/decode/plain-tcp.ts) against the general
 * decoders: whenever it answers, the general decoders find a TCP segment without any anomaly,
 * and the same one; it answers for the packets it is meant for (so the first check is not
 * vacuous); on real captures and on generated, cut and damaged frames.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/index.js';
import type { Packet } from '../../src/capture/types.js';
import { AddressCache } from '../../src/decode/address.js';
import { PacketDecoder } from '../../src/decode/index.js';
import { plainTcpSegment } from '../../src/decode/plain-tcp.js';
import type { DecodeOutcome, TcpSegment } from '../../src/decode/types.js';
import { SHARED_CORPUS } from '../conformance/corpus.js';
import { buildIpv4, buildIpv6, buildSll, buildSll2, buildTcp, EtherType, IpProto, wrapIp, type Ipv6ExtensionHeader, type LinkKind, type TcpOptionsSpec } from '../fixtures/frame-builder.js';

const ROOT = resolve(import.meta.dirname, '../..');
if (!SHARED_CORPUS.present) console.log(`The one-pass TCP path is checked on the samples and fixtures only: ${SHARED_CORPUS.skipReason}.`);

/** A segment as plain data (its payload as a number array), for comparison. */
function plainData(s: TcpSegment): Record<string, unknown> {
  return { ...s, payload: [...s.payload], vlans: [...s.vlans] };
}

/**
 * Compares the one-pass path with the general decoders' outcome on one packet: 'left' when it
 * did not answer, 'same' when it gave the same segment and the general path saw nothing odd,
 * else what differs.
 */
function compare(packet: Packet, general: DecodeOutcome, addresses: AddressCache): 'left' | 'same' | string {
  const plain = plainTcpSegment(packet, addresses);
  if (plain === null) return 'left';
  if (general.kind !== 'tcp') return `frame ${packet.frame}: the general decoders found ${general.kind}`;
  if (general.anomalies.length > 0) return `frame ${packet.frame}: the general decoders noted ${general.anomalies.map((a) => a.code).join(', ')}`;
  const a = JSON.stringify(plainData(plain));
  const b = JSON.stringify(plainData(general.segment));
  return a === b ? 'same' : `frame ${packet.frame}: ${a} differs from ${b}`;
}

function captureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...captureFiles(path));
    else if (/\.(pcap|pcapng|cap)(\.gz)?$/.test(name)) out.push(path);
  }
  return out;
}

describe('the one-pass TCP path on real captures', () => {
  const dirs = [join(ROOT, 'samples'), join(ROOT, 'test/fixtures'), ...(SHARED_CORPUS.present ? [SHARED_CORPUS.dir] : [])];
  const files = dirs.flatMap(captureFiles);

  it('gives the general decoders\' segment whenever it answers, and answers for nearly every TCP packet', async () => {
    let tcp = 0;
    let answered = 0;
    let samplesTcp = 0;
    let samplesAnswered = 0;
    const differences: string[] = [];
    for (const file of files) {
      const general = new PacketDecoder();
      const addresses = new AddressCache();
      const isSample = file.startsWith(join(ROOT, 'samples'));
      // Some fixtures are damaged on purpose: what could be read is compared.
      await readCapture(file, (packet) => {
        const outcome = general.decodeByLayers(packet);
        const result = compare(packet, outcome, addresses);
        if (outcome.kind === 'tcp') {
          tcp++;
          if (isSample) samplesTcp++;
        }
        if (result === 'same') {
          answered++;
          if (isSample) samplesAnswered++;
        } else if (result !== 'left') differences.push(`${file}: ${result}`);
      }).catch(() => undefined);
    }
    expect(differences).toEqual([]);
    expect(files.length).toBeGreaterThan(20);
    // Every TCP packet of the samples is an ordinary one (Ethernet or cooked, no tags, no fragments).
    expect(samplesTcp).toBeGreaterThan(100);
    expect(samplesAnswered).toBe(samplesTcp);
    expect(answered / tcp).toBeGreaterThan(0.9);
  });
});

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.nat({ max: 0xffffffff });

const tcpOptions: fc.Arbitrary<TcpOptionsSpec> = fc.record(
  {
    mss: u16,
    windowScale: fc.integer({ min: 0, max: 14 }),
    sackPermitted: fc.boolean(),
    sack: fc.array(fc.tuple(u32, u32), { maxLength: 1 }),
    timestamp: fc.tuple(u32, u32),
    raw: fc.uint8Array({ maxLength: 6 }),
  },
  { requiredKeys: [] },
);

interface FrameSpec {
  readonly link: LinkKind;
  readonly vlans: readonly number[];
  readonly ipv6: boolean;
  readonly ipv4Options: Uint8Array | null;
  readonly fragment: boolean;
  readonly extension: boolean;
  readonly options: TcpOptionsSpec;
  readonly payload: Uint8Array;
  readonly ports: readonly [number, number];
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly padToMinimum: boolean;
}

const frameSpec: fc.Arbitrary<FrameSpec> = fc.record({
  link: fc.constantFrom<LinkKind>('ethernet', 'ethernet', 'sll', 'sll2', 'null', 'raw'),
  vlans: fc.oneof(fc.constant([]), fc.constant([]), fc.array(fc.integer({ min: 0, max: 0xfff }), { minLength: 1, maxLength: 2 })),
  ipv6: fc.boolean(),
  ipv4Options: fc.oneof(fc.constant(null), fc.constant(null), fc.uint8Array({ minLength: 1, maxLength: 12 })),
  fragment: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
  extension: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
  options: fc.oneof(fc.constant({}), tcpOptions),
  payload: fc.uint8Array({ maxLength: 64 }),
  ports: fc.tuple(u16, u16),
  seq: u32,
  ack: u32,
  flags: fc.integer({ min: 0, max: 0x1ff }),
  padToMinimum: fc.boolean(),
});

function build(spec: FrameSpec): { linkType: number; bytes: Uint8Array } {
  const segment = buildTcp({
    src: spec.ipv6 ? '2001:db8::1' : '10.0.0.1',
    dst: spec.ipv6 ? '2001:db8::2' : '10.0.0.2',
    srcPort: spec.ports[0],
    dstPort: spec.ports[1],
    seq: spec.seq,
    ack: spec.ack,
    flags: spec.flags,
    options: spec.options,
    payload: spec.payload,
  });
  const extensions: Ipv6ExtensionHeader[] = [];
  if (spec.extension) extensions.push({ type: 'destination' });
  if (spec.fragment) extensions.push({ type: 'fragment', offset8: 0, moreFragments: true, id: 0x1234 });
  const ip = spec.ipv6
    ? buildIpv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: IpProto.TCP, payload: segment, extensionHeaders: extensions })
    : buildIpv4({
        src: '10.0.0.1',
        dst: '10.0.0.2',
        protocol: IpProto.TCP,
        payload: segment,
        ...(spec.ipv4Options !== null ? { options: spec.ipv4Options } : {}),
        ...(spec.fragment ? { fragment: { offset8: 0, moreFragments: true } } : {}),
      });
  return wrapIp({ link: spec.link, vlans: spec.vlans, padToMinimum: spec.padToMinimum }, ip);
}

/** A change to a built frame: none, cut at some length, or one byte set to a value. */
const damage = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }) },
);

describe('the one-pass TCP path on generated frames', () => {
  it('agrees with the general decoders on whole, cut and damaged frames, and answers every ordinary whole one', () => {
    let ordinary = 0;
    fc.assert(
      fc.property(frameSpec, damage, fc.boolean(), (spec, change, shortSnap) => {
        const built = build(spec);
        let bytes = built.bytes;
        if (change.kind === 'cut') bytes = bytes.subarray(0, change.at % (bytes.length + 1));
        if (change.kind === 'byte') {
          bytes = new Uint8Array(bytes);
          bytes[change.at % bytes.length] = change.value;
        }
        // A frame cut by the snap length has a longer original length: IP lengths past the frame are then no anomaly.
        const packet: Packet = {
          frame: 7,
          time: { sec: 1_700_000_000, nsec: 250 },
          linkType: built.linkType,
          interfaceId: 0,
          bytes,
          capturedLength: bytes.length,
          originalLength: shortSnap ? bytes.length + 100 : bytes.length,
        };
        const result = compare(packet, new PacketDecoder().decodeByLayers(packet), new AddressCache());
        if (result !== 'same' && result !== 'left') expect.fail(result);
        const isOrdinary =
          change.kind === 'none' &&
          (spec.link === 'ethernet' || spec.link === 'sll' || spec.link === 'sll2') &&
          (spec.link !== 'ethernet' || spec.vlans.length === 0) &&
          !spec.fragment &&
          !(spec.ipv6 && spec.extension) &&
          (spec.options.raw === undefined || spec.options.raw.length === 0);
        if (isOrdinary) {
          ordinary++;
          expect(result).toBe('same');
        }
      }),
      { numRuns: 3000 },
    );
    expect(ordinary).toBeGreaterThan(200);
  });
});

describe('the one-pass TCP path leaves to the general decoders', () => {
  const segment = buildTcp({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 40000, dstPort: 443, payload: Uint8Array.of(22, 3, 3) });
  const ip = buildIpv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: IpProto.TCP, payload: segment });
  const packetOf = (linkType: number, bytes: Uint8Array): Packet => ({ frame: 1, time: { sec: 0, nsec: 0 }, linkType, interfaceId: 0, bytes, capturedLength: bytes.length, originalLength: bytes.length });

  it('a cooked capture of a netlink socket, whatever its protocol field says', () => {
    for (const [linkType, bytes] of [
      [113, buildSll({ payload: ip, protocol: EtherType.IPV4, arphrd: 824 })],
      [276, buildSll2({ payload: ip, protocol: EtherType.IPV4, arphrd: 824 })],
    ] as const) {
      const packet = packetOf(linkType, bytes);
      expect(plainTcpSegment(packet, new AddressCache())).toBeNull();
      expect(new PacketDecoder().decodeByLayers(packet).kind).toBe('other');
      // The same frame from another device is an ordinary one.
      const ordinary = packetOf(linkType, linkType === 113 ? buildSll({ payload: ip, protocol: EtherType.IPV4 }) : buildSll2({ payload: ip, protocol: EtherType.IPV4 }));
      expect(compare(ordinary, new PacketDecoder().decodeByLayers(ordinary), new AddressCache())).toBe('same');
    }
  });
});
