import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeCapture } from '../../src/analyze.js';
import { clientHelloInfo } from '../../src/analysis/handshake-info-from.js';
import type { ClientHelloInfo } from '../../src/analysis/handshake-info.js';
import { identifyClientStack, identifyServerStack } from '../../src/analysis/stack-identification.js';
import { decodeClientHello } from '../../src/tls/handshake/client-hello.js';
import { CAPTURES_DIR, HAVE_CAPTURES } from '../conformance/manifest.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));

/** A ClientHello record (hex, as a JDK wrote it on the wire) decoded into what the analysis keeps. */
function helloFromRecordHex(file: string): ClientHelloInfo {
  const record = Buffer.from(readFileSync(join(HERE, 'hellos', file), 'utf8').trim(), 'hex');
  const decoded = decodeClientHello(new Uint8Array(record.subarray(9, 5 + record.readUInt16BE(3))));
  if (!decoded.ok) throw new Error(decoded.issue.message);
  return clientHelloInfo(decoded.value);
}

/** The first handshake of every connection of a capture that has a ClientHello. */
async function handshakesOf(path: string) {
  return (await analyzeCapture(path)).connections.flatMap((c) => c.handshakes.slice(0, 1)).filter((h) => h.clientHello !== null);
}

describe('client stack identification', () => {
  it('names OpenJDK 17 (recorded from `java` on this machine) as Java 13–23 with high confidence', () => {
    const stack = identifyClientStack(helloFromRecordHex('openjdk-17-client-hello.hex'));
    expect(stack?.name).toBe('java');
    expect(stack?.label).toBe('Java 13–23 (JSSE)');
    expect(stack?.confidence).toBe('high');
    expect(stack?.basis.join(' ')).toContain('status_request_v2');
  });

  it('tells the Java version range from the defaults it offers', () => {
    const jdk17 = helloFromRecordHex('openjdk-17-client-hello.hex');
    const noChacha = { ...jdk17, cipherSuites: jdk17.cipherSuites.filter((s) => s !== 0x1303), extensions: jdk17.extensions.filter((e) => e !== 35) };
    expect(identifyClientStack(noChacha)?.label).toBe('Java 11 (JSSE)');
    const noStaticRsa = { ...jdk17, cipherSuites: jdk17.cipherSuites.filter((s) => ![0x2f, 0x35, 0x3c, 0x3d, 0x9c, 0x9d].includes(s)) };
    expect(identifyClientStack(noStaticRsa)?.label).toBe('Java 24+ (JSSE)');
    const tls12Only = { ...jdk17, versions: [0x0303] };
    expect(identifyClientStack(tls12Only)?.label).toMatch(/^Java 8/);
  });

  it('names the Node.js clients of the bundled samples, and no sample client as Java', async () => {
    const handshakes = await handshakesOf(join(SAMPLES, 'interleaved-five-connections.pcapng'));
    expect(handshakes.length).toBeGreaterThan(0);
    for (const h of handshakes) expect(identifyClientStack(h.clientHello)?.name).toBe('nodejs');
  });

  it('returns null for a hello that matches no signature', () => {
    const jdk17 = helloFromRecordHex('openjdk-17-client-hello.hex');
    const bare = { ...jdk17, extensions: [0, 10, 13], cipherSuites: [0x1301, 0x002f], alpn: [] };
    expect(identifyClientStack(bare)).toBeNull();
  });
});

// Third-party captures: who wrote each one is known from its origin (file name and the project's notes).
const THIRD_PARTY: readonly { readonly file: string; readonly name: string | null }[] = [
  { file: 'zeek/tls__openjdk-25.0.2-zeek.org.pcap', name: 'java' },
  { file: 'zeek/tls__chrome-1250-tls-x25519-kyber.pcap', name: 'chromium' },
  { file: 'zeek/tls__tls-1.2-stream-keylog.pcap', name: 'firefox' },
  { file: 'zeek/tls__google-cert-repeat.pcap', name: 'openssl' },
  { file: 'zeek/tls__tls13_wolfssl.pcap', name: null },
];

describe.skipIf(!HAVE_CAPTURES)('client stack identification on third-party captures', () => {
  if (!HAVE_CAPTURES) console.log(`skipped: ${CAPTURES_DIR} is absent`);
  for (const { file, name } of THIRD_PARTY) {
    it(`${file}: ${name ?? 'not named'}`, async () => {
      const handshakes = await handshakesOf(join(CAPTURES_DIR, file));
      expect(handshakes.length).toBeGreaterThan(0);
      for (const h of handshakes) expect(identifyClientStack(h.clientHello)?.name ?? null).toBe(name);
    });
  }

  it('the OpenJDK 25 client is Java 24+', async () => {
    const [h] = await handshakesOf(join(CAPTURES_DIR, 'zeek/tls__openjdk-25.0.2-zeek.org.pcap'));
    expect(identifyClientStack(h?.clientHello ?? null)?.label).toBe('Java 24+ (JSSE)');
  });
});

describe('server stack identification', () => {
  it('names the OpenSSL (Node.js) TLS 1.2 servers of the samples by their ServerHello order', async () => {
    const [h] = await handshakesOf(join(SAMPLES, 'tls12-mtls-ok-rsa-server.pcap'));
    expect(identifyServerStack(h?.serverHello ?? null, { tls13RecordPadding: null })?.name).toBe('openssl');
  });

  it('names a server whose TLS 1.3 records carry 16 bytes of padding as Java, whatever its ServerHello', async () => {
    const [h] = await handshakesOf(join(SAMPLES, 'tls13-mtls-ok.pcapng'));
    const sh = h?.serverHello ?? null;
    expect(identifyServerStack(sh, { tls13RecordPadding: null })).toBeNull();
    expect(identifyServerStack(sh, { tls13RecordPadding: 16 })?.name).toBe('java');
  });
});
