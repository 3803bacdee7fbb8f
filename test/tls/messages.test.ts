import { createDiffieHellmanGroup, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Decoded } from '../../src/util/decoded.js';
import { classifyAlertLength, decodeAlert } from '../../src/tls/alert.js';
import { decodeChangeCipherSpec } from '../../src/tls/change-cipher-spec.js';
import { decodeCertificateStatus } from '../../src/tls/handshake/certificate-status.js';
import { decodeCertificateVerify } from '../../src/tls/handshake/certificate-verify.js';
import { decodeClientKeyExchange } from '../../src/tls/handshake/client-key-exchange.js';
import { decodeEncryptedExtensions } from '../../src/tls/handshake/encrypted-extensions.js';
import { decodeFinished } from '../../src/tls/handshake/finished.js';
import { decodeHelloRequest } from '../../src/tls/handshake/hello-request.js';
import { decodeKeyUpdate } from '../../src/tls/handshake/key-update.js';
import { decodeNewSessionTicket } from '../../src/tls/handshake/new-session-ticket.js';
import { decodeServerHelloDone } from '../../src/tls/handshake/server-hello-done.js';
import { bitLength, decodeServerKeyExchange, keyExchangeKind, type KeyExchangeKind } from '../../src/tls/handshake/server-key-exchange.js';
import { cipherSuiteInfo } from '../../src/tls/registry/names.js';
import { concat, ext, fill, hex, strictPrefixes, u16, u32, vec16, vec24, vec8 } from '../x509/helpers.js';

function value<T>(d: Decoded<T>): T {
  if (!d.ok) throw new Error(`${d.issue.code}: ${d.issue.message}`);
  return d.value;
}
function code<T>(d: Decoded<T>): string {
  return d.ok ? 'ok' : d.issue.code;
}

// Real key material: a P-256 public point and an RFC 3526 2048-bit MODP group.
const p256Point = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
const uncompressedP256 = concat([4], Buffer.from(p256Point.x ?? '', 'base64url'), Buffer.from(p256Point.y ?? '', 'base64url'));
const modp = createDiffieHellmanGroup('modp14');
modp.generateKeys();
const dhP = new Uint8Array(modp.getPrime());
const dhG = new Uint8Array(modp.getGenerator());
const dhYs = new Uint8Array(modp.getPublicKey());

// RFC 8422 §5.4: curve_type named_curve(3), secp256r1(23), point<1..255>; then a TLS 1.2 signature (ecdsa_secp256r1_sha256).
const skeEcdhe = concat([3], u16(23), vec8(uncompressedP256), u16(0x0403), vec16(fill(71)));
const skeDhe = concat(vec16(dhP), vec16(dhG), vec16(dhYs), u16(0x0804), vec16(fill(256)));
const skeDhe11 = concat(vec16(dhP), vec16(dhG), vec16(dhYs), vec16(fill(256)));
const skePsk = concat(vec16(Buffer.from('hint')));
const skeEcdhePsk = concat(vec16(Buffer.from('h')), [3], u16(29), vec8(fill(32)));
const skeDhAnon = concat(vec16(dhP), vec16(dhG), vec16(dhYs));
const skeRsaExport = concat(vec16(fill(64, 0xc1)), vec16([1, 0, 1]), vec16(fill(64)));

describe('decodeServerKeyExchange', () => {
  it('ECDHE with a TLS 1.2 signature: group, point length, scheme', () => {
    expect(value(decodeServerKeyExchange(skeEcdhe, { kx: 'ECDHE', tls12: true }))).toEqual({
      kx: 'ECDHE',
      params: { kind: 'ecdhe', curveType: 3, group: 23, publicLength: 65 },
      pskIdentityHintLength: null,
      signature: { scheme: 0x0403, length: 71 },
      opaque: false,
      rawLength: skeEcdhe.length,
    });
  });

  it('DHE: prime size in bits is the group size, generator, Ys length', () => {
    const v = value(decodeServerKeyExchange(skeDhe, { kx: 'DHE', tls12: true }));
    expect(v.params?.kind).toBe('dhe');
    if (v.params?.kind !== 'dhe') return;
    expect(v.params.primeBits).toBe(2048);
    expect(v.params.generator).toBe(2);
    expect(v.params.publicLength).toBe(dhYs.length);
    expect(v.signature).toEqual({ scheme: 0x0804, length: 256 });
  });

  it('TLS ≤ 1.1 signatures carry no algorithm', () => {
    expect(value(decodeServerKeyExchange(skeDhe11, { kx: 'DHE', tls12: false })).signature).toEqual({ scheme: null, length: 256 });
  });

  it('PSK, ECDHE_PSK, DH_anon and RSA_EXPORT variants', () => {
    expect(value(decodeServerKeyExchange(skePsk, { kx: 'PSK', tls12: true }))).toMatchObject({ params: null, pskIdentityHintLength: 4, signature: null });
    expect(value(decodeServerKeyExchange(skeEcdhePsk, { kx: 'ECDHE_PSK', tls12: true }))).toMatchObject({ params: { group: 29, publicLength: 32 }, pskIdentityHintLength: 1, signature: null });
    expect(value(decodeServerKeyExchange(skeDhAnon, { kx: 'DH_anon', tls12: true }))).toMatchObject({ params: { kind: 'dhe', primeBits: 2048 }, signature: null });
    expect(value(decodeServerKeyExchange(skeRsaExport, { kx: 'RSA_EXPORT', tls12: false }))).toMatchObject({ params: { kind: 'rsa', modulusBits: 512 }, signature: { scheme: null, length: 64 } });
  });

  it('keeps SRP and unknown kinds opaque', () => {
    expect(value(decodeServerKeyExchange(fill(10), { kx: 'SRP', tls12: true }))).toMatchObject({ opaque: true, rawLength: 10 });
  });

  it.each([
    ['explicit curve', concat([1], fill(10)), 'ECDHE', 'tls.handshake.server_key_exchange.explicit_curve'],
    ['empty point', concat([3], u16(23), vec8()), 'ECDHE', 'tls.handshake.server_key_exchange.empty_point'],
    ['empty dh_p', concat(vec16(), vec16([2]), vec16([5])), 'DHE', 'tls.handshake.server_key_exchange.empty_value'],
    ['trailing bytes', concat(skeEcdhe, [0]), 'ECDHE', 'tls.handshake.server_key_exchange.trailing_bytes'],
  ] as const)('rejects %s', (_, body, kx, want) => {
    expect(code(decodeServerKeyExchange(body, { kx, tls12: true }))).toBe(want);
  });

  it('fails on every strict prefix', () => {
    const cases: [Uint8Array, KeyExchangeKind, boolean][] = [
      [skeEcdhe, 'ECDHE', true],
      [skeDhe, 'DHE', true],
      [skeDhe11, 'DHE', false],
      [skePsk, 'PSK', true],
      [skeEcdhePsk, 'ECDHE_PSK', true],
      [skeDhAnon, 'DH_anon', true],
      [skeRsaExport, 'RSA_EXPORT', false],
    ];
    for (const [body, kx, tls12] of cases) for (const p of strictPrefixes(body)) expect(decodeServerKeyExchange(p, { kx, tls12 }).ok).toBe(false);
  });

  it('maps cipher suites to key exchange kinds through the registry', () => {
    expect(keyExchangeKind(cipherSuiteInfo(0xc02f))).toBe('ECDHE'); // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    expect(keyExchangeKind(cipherSuiteInfo(0x009e))).toBe('DHE'); // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
    expect(keyExchangeKind(cipherSuiteInfo(0x009c))).toBe('RSA'); // TLS_RSA_WITH_AES_128_GCM_SHA256
    expect(keyExchangeKind(cipherSuiteInfo(0x00a8))).toBe('PSK'); // TLS_PSK_WITH_AES_128_GCM_SHA256
    expect(keyExchangeKind(cipherSuiteInfo(0x00aa))).toBe('DHE_PSK');
    expect(keyExchangeKind(cipherSuiteInfo(0x00ac))).toBe('RSA_PSK');
    expect(keyExchangeKind(cipherSuiteInfo(0xc035))).toBe('ECDHE_PSK');
    expect(keyExchangeKind(cipherSuiteInfo(0x0034))).toBe('DH_anon'); // TLS_DH_anon_WITH_AES_128_CBC_SHA
    expect(keyExchangeKind(cipherSuiteInfo(0xc018))).toBe('ECDH_anon');
    expect(keyExchangeKind(cipherSuiteInfo(0x0003))).toBe('RSA_EXPORT');
    expect(keyExchangeKind(cipherSuiteInfo(0x1301))).toBe('other');
    expect(keyExchangeKind(undefined)).toBe('other');
  });

  it('bitLength counts significant bits', () => {
    expect(bitLength(hex('00'))).toBe(0);
    expect(bitLength(hex('0001'))).toBe(1);
    expect(bitLength(hex('00ff00'))).toBe(16);
    expect(bitLength(hex('80000000'))).toBe(32);
  });
});

const ckeRsa = concat(vec16(fill(256)));
const ckeEcdhe = concat(vec8(uncompressedP256));
const ckeDhe = concat(vec16(dhYs));
const ckePsk = concat(vec16(Buffer.from('client-1')));
const ckeRsaPsk = concat(vec16(Buffer.from('id')), vec16(fill(128)));
const ckeEcdhePsk = concat(vec16(Buffer.from('id')), vec8(fill(32)));

describe('decodeClientKeyExchange', () => {
  it('reads the length of the encrypted premaster or public value per key exchange', () => {
    expect(value(decodeClientKeyExchange(ckeRsa, { kx: 'RSA' })).encryptedPremasterLength).toBe(256);
    expect(value(decodeClientKeyExchange(ckeEcdhe, { kx: 'ECDHE' })).publicValueLength).toBe(65);
    expect(value(decodeClientKeyExchange(ckeDhe, { kx: 'DHE' })).publicValueLength).toBe(dhYs.length);
    expect(value(decodeClientKeyExchange(ckePsk, { kx: 'PSK' })).pskIdentityLength).toBe(8);
    expect(value(decodeClientKeyExchange(ckeRsaPsk, { kx: 'RSA_PSK' }))).toMatchObject({ pskIdentityLength: 2, encryptedPremasterLength: 128 });
    expect(value(decodeClientKeyExchange(ckeEcdhePsk, { kx: 'ECDHE_PSK' }))).toMatchObject({ pskIdentityLength: 2, publicValueLength: 32 });
  });

  it('SSL 3.0 RSA has no length prefix; static ECDH may be implicit', () => {
    expect(value(decodeClientKeyExchange(fill(128), { kx: 'RSA', ssl3: true })).encryptedPremasterLength).toBe(128);
    expect(value(decodeClientKeyExchange(new Uint8Array(0), { kx: 'ECDH' })).publicValueLength).toBe(0);
  });

  it('rejects an empty public value and trailing bytes', () => {
    expect(code(decodeClientKeyExchange(vec8(), { kx: 'ECDHE' }))).toBe('tls.handshake.client_key_exchange.empty_point');
    expect(code(decodeClientKeyExchange(concat(ckeRsa, [1]), { kx: 'RSA' }))).toBe('tls.handshake.client_key_exchange.trailing_bytes');
  });

  it('fails on every strict prefix', () => {
    const cases: [Uint8Array, KeyExchangeKind][] = [
      [ckeRsa, 'RSA'],
      [ckeEcdhe, 'ECDHE'],
      [ckeDhe, 'DHE'],
      [ckePsk, 'PSK'],
      [ckeRsaPsk, 'RSA_PSK'],
      [ckeEcdhePsk, 'ECDHE_PSK'],
    ];
    for (const [body, kx] of cases) for (const p of strictPrefixes(body)) expect(decodeClientKeyExchange(p, { kx }).ok).toBe(false);
  });
});

const cv13 = concat(u16(0x0804), vec16(fill(256)));
const cv11 = concat(vec16(fill(36)));

describe('decodeCertificateVerify', () => {
  it('TLS 1.2/1.3: scheme and signature length; ≤ 1.1: signature only', () => {
    expect(value(decodeCertificateVerify(cv13, { hasScheme: true }))).toEqual({ scheme: 0x0804, signatureLength: 256 });
    expect(value(decodeCertificateVerify(cv11, { hasScheme: false }))).toEqual({ scheme: null, signatureLength: 36 });
    expect(code(decodeCertificateVerify(concat(cv13, [0]), { hasScheme: true }))).toBe('tls.handshake.certificate_verify.trailing_bytes');
  });
  it('fails on every strict prefix', () => {
    for (const p of strictPrefixes(cv13)) expect(decodeCertificateVerify(p, { hasScheme: true }).ok).toBe(false);
    for (const p of strictPrefixes(cv11)) expect(decodeCertificateVerify(p, { hasScheme: false }).ok).toBe(false);
  });
});

const nst12 = concat(u32(7200), vec16(fill(192)));
// early_data (42) in a ticket carries max_early_data_size (uint32).
const nst13 = concat(u32(86400), u32(0xdeadbeef), vec8([0, 0, 0, 1]), vec16(fill(180)), vec16(ext(42, u32(16384))));

describe('decodeNewSessionTicket', () => {
  it('TLS 1.2: lifetime hint and ticket length', () => {
    expect(value(decodeNewSessionTicket(nst12, { tls13: false }))).toEqual({ variant: 'tls12', lifetimeHint: 7200, ticketLength: 192 });
  });
  it('TLS 1.3: lifetime, age_add, nonce, ticket length, early_data limit', () => {
    const v = value(decodeNewSessionTicket(nst13, { tls13: true }));
    expect(v).toMatchObject({ variant: 'tls13', lifetime: 86400, ageAdd: 0xdeadbeef, ticketLength: 180, maxEarlyDataSize: 16384, issues: [] });
    expect(v.variant === 'tls13' && Array.from(v.nonce)).toEqual([0, 0, 0, 1]);
  });
  it('notes a lifetime over 7 days and an empty ticket', () => {
    const v = value(decodeNewSessionTicket(concat(u32(604801), u32(0), vec8(), vec16(), vec16()), { tls13: true }));
    expect(v.variant === 'tls13' && v.issues.map((i) => i.code)).toEqual(['tls.handshake.new_session_ticket.lifetime_too_long', 'tls.handshake.new_session_ticket.empty_ticket']);
  });
  it('fails on every strict prefix', () => {
    for (const p of strictPrefixes(nst12)) expect(decodeNewSessionTicket(p, { tls13: false }).ok).toBe(false);
    for (const p of strictPrefixes(nst13)) expect(decodeNewSessionTicket(p, { tls13: true }).ok).toBe(false);
  });
});

// ALPN "h2" (16) and an empty server_name acknowledgement (0).
const ee = vec16(ext(16, vec16(vec8(Buffer.from('h2')))), ext(0));

describe('small messages', () => {
  it('EncryptedExtensions decodes its extensions', () => {
    const v = value(decodeEncryptedExtensions(ee));
    expect(v.extensions.map((e) => e.type)).toEqual([16, 0]);
    const alpn = v.extensions[0]?.decoded;
    expect(alpn?.kind === 'alpn' ? alpn.protocols : []).toEqual(['h2']);
    for (const p of strictPrefixes(ee)) expect(decodeEncryptedExtensions(p).ok).toBe(false);
    expect(code(decodeEncryptedExtensions(concat(ee, [0])))).toBe('tls.handshake.encrypted_extensions.trailing_bytes');
  });

  it('Finished: verify_data length checked against the version', () => {
    expect(value(decodeFinished(fill(12), { version: 0x0303 }))).toMatchObject({ verifyDataLength: 12, issue: null });
    expect(value(decodeFinished(fill(48), { version: 0x0304 })).issue).toBeNull();
    expect(value(decodeFinished(fill(36), { version: 0x0300 })).issue).toBeNull();
    expect(value(decodeFinished(fill(40), { version: 0x0303 })).issue?.code).toBe('tls.handshake.finished.unexpected_length');
    expect(value(decodeFinished(fill(5))).issue).toBeNull();
  });

  it('KeyUpdate: request_update 0 or 1, exactly one byte', () => {
    expect(value(decodeKeyUpdate(hex('00')))).toEqual({ requestUpdate: 0 });
    expect(value(decodeKeyUpdate(hex('01')))).toEqual({ requestUpdate: 1 });
    expect(code(decodeKeyUpdate(hex('02')))).toBe('tls.handshake.key_update.bad_value');
    expect(code(decodeKeyUpdate(hex('')))).toBe('tls.handshake.key_update.truncated');
    expect(code(decodeKeyUpdate(hex('0100')))).toBe('tls.handshake.key_update.trailing_bytes');
  });

  it('HelloRequest and ServerHelloDone must be empty', () => {
    expect(decodeHelloRequest(hex('')).ok).toBe(true);
    expect(code(decodeHelloRequest(hex('00')))).toBe('tls.handshake.hello_request.not_empty');
    expect(decodeServerHelloDone(hex('')).ok).toBe(true);
    expect(code(decodeServerHelloDone(hex('0000')))).toBe('tls.handshake.server_hello_done.not_empty');
  });

  it('CertificateStatus: ocsp and ocsp_multi', () => {
    const ocsp = concat([1], vec24(fill(300, 0x30)));
    expect(value(decodeCertificateStatus(ocsp))).toMatchObject({ statusType: 1, responseLengths: [300] });
    for (const p of strictPrefixes(ocsp)) expect(decodeCertificateStatus(p).ok).toBe(false);
    const multi = concat([2], vec24(vec24(fill(10)), vec24(fill(20))));
    expect(value(decodeCertificateStatus(multi))).toMatchObject({ statusType: 2, responseLengths: [10, 20] });
    expect(value(decodeCertificateStatus(multi)).ocspResponse?.length).toBe(10);
    for (const p of strictPrefixes(multi)) expect(decodeCertificateStatus(p).ok).toBe(false);
    expect(code(decodeCertificateStatus(concat([1], vec24())))).toBe('tls.handshake.certificate_status.empty_response');
  });
});

describe('decodeAlert', () => {
  it('decodes a 2-byte alert', () => {
    expect(value(decodeAlert(hex('0230')))).toEqual({ level: 2, description: 48, following: [], issues: [] });
    expect(value(decodeAlert(hex('0100')))).toMatchObject({ level: 1, description: 0 });
  });
  it('keeps an unknown level with an issue', () => {
    expect(value(decodeAlert(hex('0728'))).issues.map((i) => i.code)).toEqual(['tls.alert.bad_level']);
  });
  it('decodes alerts coalesced in one record', () => {
    const v = value(decodeAlert(hex('01000228')));
    expect(v).toMatchObject({ level: 1, description: 0, following: [{ level: 2, description: 40 }] });
    expect(v.issues.map((i) => i.code)).toEqual(['tls.alert.coalesced']);
  });
  it('reads every pair of a coalesced record, and a record cut inside a pair is not an alert', () => {
    const pair = fc.tuple(fc.constantFrom(1, 2), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.array(pair, { minLength: 1, maxLength: 8 }), (pairs) => {
        const body = Uint8Array.from(pairs.flat());
        const [first, ...rest] = pairs.map(([level, description]) => ({ level, description }));
        expect(value(decodeAlert(body))).toMatchObject({ ...first, following: rest });
        for (let n = 1; n < body.length; n += 2) expect(code(decodeAlert(body.subarray(0, n)))).toBe('tls.alert.malformed');
      }),
    );
  });
  it('says which other lengths are plausibly encrypted and which are garbage', () => {
    expect(code(decodeAlert(fill(26)))).toBe('tls.alert.encrypted'); // AES-GCM: 8 nonce + 2 + 16 tag
    expect(code(decodeAlert(fill(18)))).toBe('tls.alert.encrypted'); // ChaCha20-Poly1305: 2 + 16
    expect(code(decodeAlert(fill(3)))).toBe('tls.alert.malformed');
    expect(code(decodeAlert(hex('0930')))).toBe('ok');
    expect(code(decodeAlert(hex('09300930')))).toBe('tls.alert.malformed');
    expect(code(decodeAlert(hex('')))).toBe('tls.alert.malformed');
    expect(classifyAlertLength(2)).toBe('plaintext');
    expect(classifyAlertLength(32)).toBe('encrypted');
    expect(classifyAlertLength(1)).toBe('garbage');
  });
});

describe('decodeChangeCipherSpec', () => {
  it('accepts exactly the byte 1', () => {
    expect(value(decodeChangeCipherSpec(hex('01')))).toEqual({ type: 1 });
    expect(code(decodeChangeCipherSpec(hex('')))).toBe('tls.ccs.empty');
    expect(code(decodeChangeCipherSpec(hex('02')))).toBe('tls.ccs.bad_value');
    expect(code(decodeChangeCipherSpec(hex('0101')))).toBe('tls.ccs.bad_length');
  });
});

describe('every decoder, random and mutated bytes', () => {
  const kinds: KeyExchangeKind[] = ['ECDHE', 'DHE', 'RSA', 'RSA_EXPORT', 'PSK', 'DHE_PSK', 'ECDHE_PSK', 'RSA_PSK', 'DH_anon', 'ECDH_anon', 'DH', 'ECDH', 'SRP', 'other'];
  const all = (b: Uint8Array, kx: KeyExchangeKind, flag: boolean, version: number): void => {
    decodeServerKeyExchange(b, { kx, tls12: flag });
    decodeClientKeyExchange(b, { kx, ssl3: flag });
    decodeCertificateVerify(b, { hasScheme: flag });
    decodeNewSessionTicket(b, { tls13: flag });
    decodeFinished(b, { version });
    decodeEncryptedExtensions(b);
    decodeKeyUpdate(b);
    decodeHelloRequest(b);
    decodeServerHelloDone(b);
    decodeCertificateStatus(b);
    decodeAlert(b);
    decodeChangeCipherSpec(b);
  };

  it('never throw on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.constantFrom(...kinds), fc.boolean(), fc.constantFrom(0x0300, 0x0301, 0x0303, 0x0304, 0x7f17), (b, kx, flag, version) => {
        expect(() => all(b, kx, flag, version)).not.toThrow();
      }),
      { numRuns: 3000 },
    );
  });

  it('never throw on mutated valid messages', () => {
    const valid = [skeEcdhe, skeDhe, skeEcdhePsk, ckeRsa, ckeEcdhe, cv13, nst12, nst13, ee];
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.constantFrom(...kinds), fc.boolean(), (src, edits, kx, flag) => {
        const b = Uint8Array.from(src);
        for (const [i, v] of edits) b[i % b.length] = v;
        expect(() => all(b, kx, flag, 0x0303)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});
