/**
 * Known-answer tests: the TLS 1.3 key schedule and record protection against RFC 8448 §3
 * (Simple 1-RTT Handshake, TLS_AES_128_GCM_SHA256), HKDF against RFC 5869 and Node's own
 * HKDF, and the TLS PRFs against the vectors published on the IETF TLS list (SHA-256,
 * SHA-384) and the TLS 1.0/1.1 MD5/SHA-1 vector.
 */
import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  deriveSecret,
  emptyHash,
  hkdfExpand,
  hkdfExpandLabel,
  hkdfExtract,
  nextTrafficSecret,
  trafficKeys,
} from '../../src/decrypt/tls13-key-schedule.js';
import { keyBlock, prf } from '../../src/decrypt/tls12-prf.js';
import { openTls13Record, perRecordNonce } from '../../src/decrypt/record-protection.js';
import type { AeadKeys } from '../../src/decrypt/record-protection.js';
import { decryptableSuite } from '../../src/decrypt/suite-params.js';
import type { AeadSuite } from '../../src/decrypt/suite-params.js';
import { hex, toHex } from './helpers.js';

/** RFC 8448 §3 values ({server}/{client} lines of the Simple 1-RTT Handshake). */
const R = {
  ecdhe: '8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d',
  earlySecret: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
  derivedEarly: '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba',
  handshakeSecret: '1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac',
  helloHash: '860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8',
  clientHs: 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21',
  serverHs: 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38',
  derivedHs: '43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4',
  master: '18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919',
  finishedHash: '9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13',
  clientAp: '9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5',
  serverAp: 'a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643',
  exporter: 'fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50',
  serverHsKey: '3fce516009c21727d0f2e4e86ee403bc',
  serverHsIv: '5d313eb2671276ee13000b30',
  clientHsKey: 'dbfaa693d1762c5b666af5d950258d01',
  clientHsIv: '5bd3c71b836e0b76bb73265f',
  clientApKey: '17422dda596ed5d9acd890e3c63f5051',
  clientApIv: '5b78923dee08579033e523d9',
  serverApKey: '9f02283b6c9c07efc26bb9f2ac92e356',
  serverApIv: 'cf782b88dd83549aadf1e984',
  serverFinishedKey: '008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8',
  /** {client} Finished under the client handshake keys, sequence 0 (record body). */
  clientFinishedRecord: '75ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f38f80338ac98fc46deb384bd1caeacab6867d726c40546',
  /** {client} 50 bytes 00..31 under the client application keys, sequence 0. */
  clientDataRecord: 'a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5b46b395bd54a9a20441e2b62974e1f5a6292a2977014bd1e3deae63aeebb21694915e4',
  /** {server} the same 50 bytes under the server application keys, sequence 1 (after the NewSessionTicket). */
  serverDataRecord: '2e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36e30efaf97d90e6dffc602dcb501a59a8fcc49c4bf2e5f0a21c0047c2abf332540dd032e167c2955d',
  /** close_notify records: client sequence 1, server sequence 2. */
  clientAlertRecord: 'c9872760655666b74d7ff1153efd6db6d0b0e3',
  serverAlertRecord: 'b58fd67166ebf599d24720cfbe7efa7a8864a9',
};

const AES128: AeadSuite = (() => {
  const s = decryptableSuite(0x1301, 0x0304, true);
  if ('unsupported' in s || s.protection.kind !== 'aead') throw new Error('TLS_AES_128_GCM_SHA256 must be supported');
  return s.protection;
})();

function keysFrom(secret: string): AeadKeys {
  return { suite: AES128, ...trafficKeys('sha256', hex(secret), 16, 12) };
}

const data50 = Uint8Array.from({ length: 50 }, (_, i) => i);

describe('TLS 1.3 key schedule: RFC 8448 §3', () => {
  it('derives every secret of the simple 1-RTT handshake', () => {
    const early = hkdfExtract('sha256', new Uint8Array(0), new Uint8Array(32));
    expect(toHex(early)).toBe(R.earlySecret);
    const derived = deriveSecret('sha256', early, 'derived', emptyHash('sha256'));
    expect(toHex(derived)).toBe(R.derivedEarly);
    const hs = hkdfExtract('sha256', derived, hex(R.ecdhe));
    expect(toHex(hs)).toBe(R.handshakeSecret);
    expect(toHex(deriveSecret('sha256', hs, 'c hs traffic', hex(R.helloHash)))).toBe(R.clientHs);
    expect(toHex(deriveSecret('sha256', hs, 's hs traffic', hex(R.helloHash)))).toBe(R.serverHs);
    const derivedHs = deriveSecret('sha256', hs, 'derived', emptyHash('sha256'));
    expect(toHex(derivedHs)).toBe(R.derivedHs);
    const master = hkdfExtract('sha256', derivedHs, new Uint8Array(32));
    expect(toHex(master)).toBe(R.master);
    expect(toHex(deriveSecret('sha256', master, 'c ap traffic', hex(R.finishedHash)))).toBe(R.clientAp);
    expect(toHex(deriveSecret('sha256', master, 's ap traffic', hex(R.finishedHash)))).toBe(R.serverAp);
    expect(toHex(deriveSecret('sha256', master, 'exp master', hex(R.finishedHash)))).toBe(R.exporter);
  });

  it('derives the traffic keys and IVs of both directions and phases', () => {
    const pairs: [string, string, string][] = [
      [R.serverHs, R.serverHsKey, R.serverHsIv],
      [R.clientHs, R.clientHsKey, R.clientHsIv],
      [R.clientAp, R.clientApKey, R.clientApIv],
      [R.serverAp, R.serverApKey, R.serverApIv],
    ];
    for (const [secret, key, iv] of pairs) {
      const k = trafficKeys('sha256', hex(secret), 16, 12);
      expect(toHex(k.key)).toBe(key);
      expect(toHex(k.iv)).toBe(iv);
    }
    expect(toHex(hkdfExpandLabel('sha256', hex(R.serverHs), 'finished', new Uint8Array(0), 32))).toBe(R.serverFinishedKey);
  });

  it('opens the RFC 8448 records: client Finished, application data both ways, close_notify both ways', () => {
    const header = (length: number) => ({ contentType: 23, version: 0x0303, length });
    const fin = openTls13Record(keysFrom(R.clientHs), 0, header(0x35), hex(R.clientFinishedRecord));
    expect(fin.ok && fin.contentType).toBe(22);
    if (fin.ok) expect([fin.plaintext[0], fin.plaintext.length]).toEqual([20, 36]);
    const cdata = openTls13Record(keysFrom(R.clientAp), 0, header(0x43), hex(R.clientDataRecord));
    expect(cdata).toEqual({ ok: true, contentType: 23, plaintext: data50 });
    const sdata = openTls13Record(keysFrom(R.serverAp), 1, header(0x43), hex(R.serverDataRecord));
    expect(sdata).toEqual({ ok: true, contentType: 23, plaintext: data50 });
    expect(openTls13Record(keysFrom(R.clientAp), 1, header(0x13), hex(R.clientAlertRecord))).toEqual({ ok: true, contentType: 21, plaintext: Uint8Array.of(1, 0) });
    expect(openTls13Record(keysFrom(R.serverAp), 2, header(0x13), hex(R.serverAlertRecord))).toEqual({ ok: true, contentType: 21, plaintext: Uint8Array.of(1, 0) });
  });

  it('fails, with a reason, under the wrong sequence number, header or keys', () => {
    const h = { contentType: 23, version: 0x0303, length: 0x13 };
    expect(openTls13Record(keysFrom(R.clientAp), 0, h, hex(R.clientAlertRecord))).toEqual({ ok: false, reason: 'the authentication tag does not verify' });
    expect(openTls13Record(keysFrom(R.clientAp), 1, { ...h, length: 0x14 }, hex(R.clientAlertRecord)).ok).toBe(false);
    expect(openTls13Record(keysFrom(R.serverAp), 1, h, hex(R.clientAlertRecord)).ok).toBe(false);
    expect(openTls13Record(keysFrom(R.clientAp), 1, h, new Uint8Array(10)).ok).toBe(false);
  });

  it('builds the per-record nonce as IV xor the 64-bit sequence number', () => {
    expect(toHex(perRecordNonce(hex('000000000000000000000000'), 0x0102030405))).toBe('000000000000000102030405');
    expect(toHex(perRecordNonce(hex(R.clientApIv), 1))).toBe('5b78923dee08579033e523d8');
  });

  it('KeyUpdate: the next secret is HKDF-Expand-Label(secret, "traffic upd", "", Hash.length)', () => {
    const next = nextTrafficSecret('sha256', hex(R.clientAp));
    expect(toHex(next)).toBe(toHex(hkdfExpandLabel('sha256', hex(R.clientAp), 'traffic upd', new Uint8Array(0), 32)));
    expect(next.length).toBe(32);
    expect(toHex(next)).not.toBe(R.clientAp);
    expect(nextTrafficSecret('sha384', new Uint8Array(48)).length).toBe(48);
  });
});

describe('HKDF (RFC 5869)', () => {
  it('test case 1', () => {
    const prk = hkdfExtract('sha256', hex('000102030405060708090a0b0c'), new Uint8Array(22).fill(0x0b));
    expect(toHex(prk)).toBe('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
    expect(toHex(hkdfExpand('sha256', prk, hex('f0f1f2f3f4f5f6f7f8f9'), 42))).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  });

  it('agrees with Node hkdfSync (extract then expand) for both hashes and many lengths', () => {
    for (const hash of ['sha256', 'sha384'] as const) {
      for (const length of [1, 12, 16, 32, 48, 49, 97, 255]) {
        const ikm = Uint8Array.from({ length: 40 }, (_, i) => (i * 7 + length) & 0xff);
        const salt = Uint8Array.from({ length: 13 }, (_, i) => i);
        const info = Uint8Array.from({ length: 9 }, (_, i) => 0xf0 + i);
        const ours = hkdfExpand(hash, hkdfExtract(hash, salt, ikm), info, length);
        expect(toHex(ours)).toBe(toHex(new Uint8Array(hkdfSync(hash, ikm, salt, info, length))));
      }
    }
  });
});

describe('TLS PRF', () => {
  it('TLS 1.2 P_SHA256 (IETF TLS list vector)', () => {
    expect(toHex(prf('sha256', hex('9bbe436ba940f017b17652849a71db35'), 'test label', hex('a0ba9f936cda311827a6f796ffd5198c'), 100))).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
    );
  });

  it('TLS 1.2 P_SHA384 (IETF TLS list vector)', () => {
    expect(toHex(prf('sha384', hex('b80b733d6ceefcdc71566ea48e5567df'), 'test label', hex('cd665cf6a8447dd6ff8b27555edb7465'), 148))).toBe(
      '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f',
    );
  });

  it('TLS 1.0/1.1 MD5 xor SHA-1 ("PRF Testvector")', () => {
    expect(toHex(prf('md5sha1', new Uint8Array(48).fill(0xab), 'PRF Testvector', new Uint8Array(64).fill(0xcd), 104))).toBe(
      'd3d4d1e349b5d515044666d51de32bab258cb521b6b053463e354832fd976754443bcf9a296519bc289abcbc1187e4ebd31e602353776c408aafb74cbc85eff69255f9788faa184cbb957a9819d84a5d7eb006eb459d3ae8de9810454b8b2d8f1afbc655a8c9a013',
    );
  });

  it('splits the key block in RFC 5246 §6.3 order', () => {
    const master = new Uint8Array(48).fill(7);
    const cr = new Uint8Array(32).fill(1);
    const sr = new Uint8Array(32).fill(2);
    const whole = prf('sha256', master, 'key expansion', new Uint8Array([...sr, ...cr]), 2 * (20 + 16 + 4));
    const b = keyBlock('sha256', master, cr, sr, { macKey: 20, encKey: 16, fixedIv: 4 });
    expect(toHex(new Uint8Array([...b.clientMacKey, ...b.serverMacKey, ...b.clientKey, ...b.serverKey, ...b.clientIv, ...b.serverIv]))).toBe(toHex(whole));
    expect([b.clientMacKey.length, b.serverKey.length, b.serverIv.length]).toEqual([20, 16, 4]);
  });
});
