import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/index.js';
import { PacketDecoder } from '../../src/decode/index.js';
import { SHARED_CORPUS } from '../conformance/corpus.js';

const { dir: corpus, manifestPath, present, skipReason } = SHARED_CORPUS;
if (!present) console.log(`Skipping the capture corpus decode tests: ${skipReason}.`);

interface ManifestConnection {
  readonly expected: { readonly transport: string; readonly client: string; readonly server: string };
}
interface ManifestCapture {
  readonly id: string;
  readonly file?: string;
  readonly packets: string;
  readonly connections: readonly ManifestConnection[];
}

function loadManifest(): readonly ManifestCapture[] {
  return (JSON.parse(readFileSync(manifestPath, 'utf8')) as { captures: ManifestCapture[] }).captures;
}

/** "1.2.3.4:443" or "[2001:db8::1]:443" → [ip, port]. */
function endpoint(text: string): [string, number] {
  const i = text.lastIndexOf(':');
  const host = text.slice(0, i);
  return [host.startsWith('[') ? host.slice(1, -1) : host, Number(text.slice(i + 1))];
}

describe.skipIf(!present)('decoding the capture corpus', () => {
  const captures = present ? loadManifest() : [];
  it.each(captures.map((c) => [c.id, c] as const))('%s', async (_id, capture) => {
    const decoder = new PacketDecoder();
    const endpoints = new Set<string>();
    const kinds = new Map<string, number>();
    const malformed: string[] = [];
    await readCapture(resolve(corpus, capture.file ?? capture.id), (packet) => {
      const o = decoder.decode(packet);
      kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
      if (o.kind === 'malformed') malformed.push(`#${packet.frame}: ${o.anomalies.map((a) => a.message).join('; ')}`);
      if (o.kind === 'tcp') endpoints.add(`tcp ${o.segment.src} ${o.segment.srcPort} ${o.segment.dst} ${o.segment.dstPort}`);
      if (o.kind === 'udp') endpoints.add(`udp ${o.datagram.src} ${o.datagram.srcPort} ${o.datagram.dst} ${o.datagram.dstPort}`);
    });
    const stats = decoder.stats();
    expect(malformed).toEqual([]);
    expect(stats.packets).toBe(Number(capture.packets));
    expect(stats.unsupportedLinkTypes.size).toBe(0);
    const tcpConnections = capture.connections.filter((c) => c.expected.transport === 'tcp').length;
    const udpConnections = capture.connections.length - tcpConnections;
    // Each TLS connection shows at least its ClientHello, and TCP ones usually far more.
    expect(stats.tcp).toBeGreaterThanOrEqual(tcpConnections);
    expect(stats.udp).toBeGreaterThanOrEqual(udpConnections);
    let other = 0;
    for (const n of stats.other.values()) other += n;
    expect(stats.tcp + stats.udp + other + (kinds.get('fragment') ?? 0)).toBe(stats.packets);
    for (const c of capture.connections) {
      const [cip, cport] = endpoint(c.expected.client);
      const [sip, sport] = endpoint(c.expected.server);
      expect(endpoints, `${c.expected.client} → ${c.expected.server}`).toContain(`${c.expected.transport} ${cip} ${cport} ${sip} ${sport}`);
    }
  });
});
