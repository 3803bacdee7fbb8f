import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ByteReader } from '../../src/util/byte-reader.js';
import { decodeExtensions, type ExtensionContext } from '../../src/tls/extensions/index.js';
import { decodeClientHello } from '../../src/tls/handshake/client-hello.js';
import { decodeServerHello, HELLO_RETRY_REQUEST_RANDOM } from '../../src/tls/handshake/server-hello.js';
import { decodeSslv2ClientHello } from '../../src/tls/handshake/sslv2-client-hello.js';
import { ja3, ja3s } from '../../src/tls/fingerprints/ja3.js';
import { alpnExtension, encodeClientHello, encodeServerHello, ext, extensionsBlock, hex, sniExtension, u16, u16list, vec16, vec8, type RawExtension } from './hello-encoder.js';

/** Zeek tls1.2.pcap: a TLS 1.2 ClientHello (no SNI) and its ServerHello (TLS_RSA_WITH_RC4_128_MD5). */
const ZEEK_TLS12_CH = hex(
  '030350e731d038d05540f1aa6d49b553450b82a4e09e47f3dd1fee79a65bccd704900000a0c030c02cc028c024c014c00ac022c02100a3009f006b006a0039003800880087c032c02ec02ac026c00fc005009d003d00350084c012c008c01cc01b00160013c00dc003000ac02fc02bc027c023c013c009c01fc01e00a2009e0067004000330032009a009900450044c031c02dc029c025c00ec004009c003c002f009600410007c011c007c00cc002000500040015001200090014001100080006000300ff020100006f000b000403000102000a00340032000e000d0019000b000c00180009000a00160017000800060007001400150004000500120013000100020003000f0010001100230000000d002200200601060206030501050205030401040204030301030203030201020202030101000f000101',
);
const ZEEK_TLS12_SH = hex(
  '030352c1f4efa702f42726055d7c63834b4eb00e3646be7abb0e79bf0f8570838d5820fa283db6334ef9973bf89aaa913c784c3d4fd57a954864a5aef82a01aae807cf0004000005ff01000100',
);
/** FoxIO tls-handshake.pcapng: a HelloRetryRequest asking for secp256r1. */
const FOXIO_HRR = hex(
  '0303cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c20f2ae74a36b070777bc9d86ea69b37a1bea722aa41de7069fff1dd8ecc78c7d2a130200000c002b00020304003300020017',
);

/** A TLS 1.3 ClientHello with most decoded extensions. */
const RICH_EXTENSIONS: RawExtension[] = [
  ext(0x0a0a, []),
  sniExtension('example.com'),
  ext(0x0017, []),
  ext(0xff01, [0]),
  ext(0x000a, vec16(u16list([0x1a1a, 0x001d, 0x0017]))),
  ext(0x000b, vec8([0])),
  ext(0x0023, [1, 2, 3]),
  alpnExtension(['h2', 'http/1.1']),
  ext(0x0005, [1, 0, 0, 0, 0]),
  ext(0x000d, vec16(u16list([0x0403, 0x0804]))),
  ext(0x0032, vec16(u16list([0x0401]))),
  ext(0x0033, vec16([...u16(0x001d), ...vec16(new Uint8Array(32))])),
  ext(0x002d, vec8([1])),
  ext(0x002b, vec8(u16list([0x2a2a, 0x0304, 0x0303]))),
  ext(0x001b, vec8(u16list([2]))),
  ext(0x001c, u16(0x4001)),
  ext(0x0016, []),
  ext(0x0031, []),
  ext(0x002a, []),
  ext(0xfe0d, [0, ...u16(1), ...u16(1), 0x42, ...vec16([1, 2, 3]), ...vec16([4, 5, 6, 7])]),
  ext(0x4469, [0, 3, 2, 0x68, 0x32]),
  ext(0x0029, [...vec16([...vec16([9, 9, 9]), 0, 0, 0, 1]), ...vec16(vec8(new Uint8Array(32)))]),
  ext(0x0015, [0, 0, 0, 0]),
];

function rich(): Uint8Array {
  return encodeClientHello({ version: 0x0303, random: new Uint8Array(32).fill(7), sessionId: new Uint8Array(32).fill(1), cipherSuites: [0x3a3a, 0x1301, 0x1302, 0xc02f, 0x00ff], compression: [0], extensions: RICH_EXTENSIONS });
}

describe('decodeClientHello', () => {
  it('decodes a real TLS 1.2 ClientHello', () => {
    const d = decodeClientHello(ZEEK_TLS12_CH);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    const h = d.value;
    expect(h.legacyVersion).toBe(0x0303);
    expect(h.sessionId.length).toBe(0);
    expect(h.cipherSuites.length).toBe(80);
    expect(h.cipherSuites.at(-1)).toBe(0x00ff);
    expect(h.compressionMethods).toEqual([1, 0]);
    expect(h.extensions.map((e) => e.type)).toEqual([11, 10, 35, 13, 15]);
    expect(h.sni).toBeNull();
    expect(h.ecPointFormats).toEqual([0, 1, 2]);
    expect(h.supportedGroups?.length).toBe(25);
    expect(h.signatureAlgorithms?.[0]).toBe(0x0601);
    expect(h.sessionTicket).toBe(0);
    expect(h.extensions.every((e) => e.issue === undefined)).toBe(true);
    expect(ja3(h)?.hash).toBe('bd9c99b3a0f752c3ab8b052a79e9de3e');
  });

  it('fills every convenience field from its extension', () => {
    const d = decodeClientHello(rich());
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    const h = d.value;
    expect(h).toMatchObject({
      isSslv2Format: false,
      extensionsPresent: true,
      sni: 'example.com',
      supportedVersions: [0x2a2a, 0x0304, 0x0303],
      supportedGroups: [0x1a1a, 0x001d, 0x0017],
      signatureAlgorithms: [0x0403, 0x0804],
      signatureAlgorithmsCert: [0x0401],
      alpn: ['h2', 'http/1.1'],
      keyShareGroups: [0x001d],
      pskKeyExchangeModes: [1],
      preSharedKey: { identities: 1, binders: 1 },
      earlyData: true,
      statusRequest: 1,
      extendedMasterSecret: true,
      renegotiationInfo: true,
      sessionTicket: 3,
      encryptThenMac: true,
      recordSizeLimit: 0x4001,
      postHandshakeAuth: true,
      compressCertificate: [2],
      ech: { echType: 0, kdfId: 1, aeadId: 1, configId: 0x42 },
      padding: 4,
      ecPointFormats: [0],
    });
    expect(Buffer.from(h.alpnRaw?.[0] ?? []).toString()).toBe('h2');
    expect(h.extensions.every((e) => e.issue === undefined)).toBe(true);
    // Unknown (0x4469) and GREASE extensions are kept, undecoded.
    expect(h.extensions.find((e) => e.type === 0x4469)).toMatchObject({ length: 5 });
    expect(h.extensions.find((e) => e.type === 0x4469)?.decoded).toBeUndefined();
  });

  it('decodes certificate_authorities names', () => {
    const name = [0x30, 0x0d, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x02, 0x43, 0x41];
    const body = encodeClientHello({ version: 0x0303, random: new Uint8Array(32), sessionId: new Uint8Array(0), cipherSuites: [0x1301], compression: [0], extensions: [ext(0x002f, vec16(vec16(name)))] });
    const d = decodeClientHello(body);
    expect(d.ok && d.value.certificateAuthorities?.map((n) => n.text)).toEqual(['CN=CA']);
  });

  it('flags duplicate, trailing and truncated extensions without failing the hello', () => {
    const body = encodeClientHello({
      version: 0x0303,
      random: new Uint8Array(32),
      sessionId: new Uint8Array(0),
      cipherSuites: [0x1301],
      compression: [0],
      extensions: [sniExtension('a'), sniExtension('b'), ext(0x0017, [0]), ext(0x000a, [0, 4, 0, 0x1d]), ext(0x002b, [5, 3, 4]), ext(0x000d, [0, 2, 4, 3, 9])],
    });
    const d = decodeClientHello(body);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.extensions.map((e) => e.issue?.code)).toEqual([undefined, 'tls.ext.duplicate', 'tls.ext.trailing_bytes', 'tls.ext.truncated', 'tls.ext.truncated', 'tls.ext.trailing_bytes']);
    // A duplicate's offset is in the message body; a problem inside an extension's at its place in the extension's data.
    expect(d.value.extensions.map((e) => e.issue?.offset)).toEqual([undefined, 53, 0, 0, 0, 4]);
    expect(d.value.sni).toBe('a');
  });

  it('fails on a malformed extension list, trailing bytes and bad fixed fields', () => {
    const good = rich();
    expect(decodeClientHello(Uint8Array.from([...good, 0])).ok).toBe(false);
    const noExt = encodeClientHello({ version: 0x0303, random: new Uint8Array(32), sessionId: new Uint8Array(0), cipherSuites: [1], compression: [0], extensions: null });
    expect(decodeClientHello(Uint8Array.from([...noExt, 0, 4, 0, 0, 0, 9])).ok).toBe(false);
    const longSession = encodeClientHello({ version: 0x0303, random: new Uint8Array(32), sessionId: new Uint8Array(33), cipherSuites: [1], compression: [0], extensions: null });
    const r = decodeClientHello(longSession);
    expect(r.ok ? null : r.issue.code).toBe('tls.handshake.client_hello.bad_session_id');
  });

  it('every strict prefix fails, except the one that ends before the extension block', () => {
    for (const body of [rich(), ZEEK_TLS12_CH]) {
      const r = new ByteReader(body);
      r.skip(34);
      r.vec8();
      r.vec16();
      r.vec8();
      const extStart = r.position;
      for (let n = 0; n < body.length; n++) {
        const d = decodeClientHello(body.subarray(0, n));
        if (n === extStart) {
          expect(d.ok && !d.value.extensionsPresent).toBe(true);
        } else {
          expect(d.ok, `prefix ${n}`).toBe(false);
        }
      }
    }
  });

  it('round-trips generated hellos', () => {
    const extArb = fc.record({ type: fc.integer({ min: 0x5000, max: 0x5fff }), data: fc.uint8Array({ maxLength: 20 }) });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 32 }),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 50 }),
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 5 }),
        fc.option(fc.uniqueArray(extArb, { selector: (e) => e.type, maxLength: 8 }), { nil: null }),
        fc.option(fc.stringMatching(/^[a-z0-9.-]{1,40}$/), { nil: null }),
        (version, random, sessionId, cipherSuites, compression, unknown, host) => {
          const extensions = unknown === null ? null : [...(host === null ? [] : [sniExtension(host)]), ...unknown.map((e) => ext(e.type, e.data))];
          const d = decodeClientHello(encodeClientHello({ version, random, sessionId, cipherSuites, compression, extensions }));
          expect(d.ok).toBe(true);
          if (!d.ok) return;
          expect(d.value.legacyVersion).toBe(version);
          expect(Array.from(d.value.random)).toEqual(Array.from(random));
          expect(Array.from(d.value.sessionId)).toEqual(Array.from(sessionId));
          expect(d.value.cipherSuites).toEqual(cipherSuites);
          expect(d.value.compressionMethods).toEqual(compression);
          expect(d.value.extensionsPresent).toBe(extensions !== null);
          expect(d.value.extensions.map((e) => [e.type, Array.from(e.data)])).toEqual((extensions ?? []).map((e) => [e.type, Array.from(e.data)]));
          expect(d.value.sni).toBe(extensions === null ? null : host);
        },
      ),
    );
  });
});

describe('decodeServerHello', () => {
  it('decodes a real TLS 1.2 ServerHello', () => {
    const d = decodeServerHello(ZEEK_TLS12_SH);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value).toMatchObject({ legacyVersion: 0x0303, version: 0x0303, cipherSuite: 0x0004, compressionMethod: 0, isHelloRetryRequest: false, renegotiationInfo: true, selectedVersion: null, downgradeSentinel: null });
    expect(d.value.sessionId.length).toBe(32);
    expect(ja3s(d.value).hash).toBe('c253ec3ad88e42f8da4032682892f9a0');
  });

  it('recognises a real HelloRetryRequest', () => {
    const d = decodeServerHello(FOXIO_HRR);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value).toMatchObject({ isHelloRetryRequest: true, hrrSelectedGroup: 0x0017, selectedVersion: 0x0304, version: 0x0304, cipherSuite: 0x1302, keyShareGroup: null });
  });

  it('decodes TLS 1.3 ServerHello extensions and the downgrade sentinel', () => {
    const random = new Uint8Array(32);
    random.set([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01], 24);
    const body = encodeServerHello({
      version: 0x0303,
      random,
      sessionId: new Uint8Array(32),
      cipherSuite: 0x1301,
      compression: 0,
      extensions: [ext(0x002b, u16(0x0304)), ext(0x0033, [...u16(0x001d), ...vec16(new Uint8Array(32))]), ext(0x0029, u16(0)), alpnExtension(['h2']), ext(0x0000, []), ext(0x0017, []), ext(0x001c, u16(0x4001))],
    });
    const d = decodeServerHello(body);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value).toMatchObject({ version: 0x0304, keyShareGroup: 0x001d, pskSelectedIdentity: 0, alpn: 'h2', serverNameAck: true, extendedMasterSecret: true, recordSizeLimit: 0x4001, downgradeSentinel: 'tls12' });
    random[31] = 0;
    const d11 = decodeServerHello(encodeServerHello({ version: 0x0302, random, sessionId: new Uint8Array(0), cipherSuite: 0x002f, compression: 0, extensions: null }));
    expect(d11.ok && d11.value.downgradeSentinel).toBe('tls11');
  });

  it('every strict prefix fails, except the one that ends before the extension block', () => {
    for (const body of [ZEEK_TLS12_SH, FOXIO_HRR]) {
      const extStart = 2 + 32 + 1 + (body[34] as number) + 3;
      for (let n = 0; n < body.length; n++) {
        const d = decodeServerHello(body.subarray(0, n));
        expect(d.ok, `prefix ${n}`).toBe(n === extStart);
      }
    }
  });

  it('has the RFC 8446 HelloRetryRequest random', () => {
    expect(Buffer.from(HELLO_RETRY_REQUEST_RANDOM).toString('hex')).toBe('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c');
  });
});

describe('decodeSslv2ClientHello', () => {
  it('maps cipher kinds and keeps SSLv2-only kinds', () => {
    const challenge = Array.from({ length: 16 }, (_, i) => i + 1);
    const body = Uint8Array.from([1, 3, 1, 0, 9, 0, 0, 0, 16, 0x01, 0x00, 0x80, 0x00, 0x00, 0x2f, 0x00, 0x00, 0xff, ...challenge]);
    const d = decodeSslv2ClientHello(body);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value).toMatchObject({ isSslv2Format: true, legacyVersion: 0x0301, cipherSuites: [0x010080, 0x002f, 0x00ff], extensionsPresent: false });
    expect(Array.from(d.value.random)).toEqual(challenge);
    expect(ja3(d.value)).toBeNull();
    for (let n = 0; n < body.length; n++) expect(decodeSslv2ClientHello(body.subarray(0, n)).ok).toBe(false);
    expect(decodeSslv2ClientHello(Uint8Array.from([...body, 0])).ok).toBe(false);
  });
});

describe('robustness', () => {
  const contexts: ExtensionContext[] = ['client_hello', 'server_hello', 'hello_retry_request', 'encrypted_extensions', 'certificate_request', 'certificate', 'new_session_ticket'];

  it('random bytes never throw in any decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        decodeClientHello(bytes);
        decodeServerHello(bytes);
        decodeSslv2ClientHello(bytes);
        for (const c of contexts) decodeExtensions(new ByteReader(bytes), c);
      }),
      { numRuns: 1000 },
    );
  });

  it('random extension data of every known type never throws in any context', () => {
    const known = [0, 1, 5, 10, 11, 13, 15, 16, 21, 22, 23, 27, 28, 35, 41, 42, 43, 44, 45, 47, 49, 50, 51, 0xfe0d, 0xff01];
    fc.assert(
      fc.property(fc.constantFrom(...known), fc.uint8Array({ maxLength: 60 }), fc.constantFrom(...contexts), (type, data, context) => {
        const block = extensionsBlock([ext(type, data)]);
        const d = decodeExtensions(new ByteReader(Uint8Array.from(block.slice(2))), context);
        expect(d.ok).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('flags exactly the repeated types of each block, whatever blocks (whole or cut short) came before', () => {
    const types = fc.constantFrom(0, 7, 8, 15, 16, 0x0a0a, 0xfe0d, 0xffff);
    const block = fc.record({ types: fc.array(types, { maxLength: 12 }), cut: fc.nat(3) });
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 6 }), fc.constantFrom(...contexts), (blocks, context) => {
        for (const b of blocks) {
          const bytes = Uint8Array.from(extensionsBlock(b.types.map((t) => ext(t, []))).slice(2));
          const d = decodeExtensions(new ByteReader(bytes.subarray(0, Math.max(0, bytes.length - b.cut))), context);
          if (!d.ok) continue;
          const seen = new Set<number>();
          const expected = d.value.map((e) => {
            const repeated = seen.has(e.type);
            seen.add(e.type);
            return repeated;
          });
          expect(d.value.map((e) => e.issue?.code === 'tls.ext.duplicate')).toEqual(expected);
          expect(d.value.map((e) => e.type)).toEqual(b.cut === 0 ? b.types : d.value.map((e) => e.type));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('mutated real hellos never throw', () => {
    const samples = [rich(), ZEEK_TLS12_CH, ZEEK_TLS12_SH, FOXIO_HRR];
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (sample, edits) => {
        const b = sample.slice();
        for (const [at, v] of edits) b[at % b.length] = v;
        decodeClientHello(b);
        decodeServerHello(b);
      }),
      { numRuns: 1000 },
    );
  });
});
