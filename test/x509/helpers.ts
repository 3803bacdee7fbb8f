/**
 * Test helpers: real certificates made at test time with @peculiar/x509 over Node's
 * WebCrypto, a tiny DER builder for hand-made names, and TLS vector builders.
 */
import { webcrypto } from 'node:crypto';
import { x509Library } from '../../src/x509/peculiar.js';

const x509 = x509Library();

type Algorithm = webcrypto.Algorithm;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type RsaHashedKeyGenParams = webcrypto.RsaHashedKeyGenParams;
type EcKeyGenParams = webcrypto.EcKeyGenParams;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };

// ---- wire builders -------------------------------------------------------------------

export function concat(...parts: (Uint8Array | readonly number[])[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const u8 = (n: number): number[] => [n & 0xff];
export const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
const u24 = (n: number): number[] => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
export const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
export const vec8 = (...p: (Uint8Array | readonly number[])[]): Uint8Array => {
  const b = concat(...p);
  return concat(u8(b.length), b);
};
export const vec16 = (...p: (Uint8Array | readonly number[])[]): Uint8Array => {
  const b = concat(...p);
  return concat(u16(b.length), b);
};
export const vec24 = (...p: (Uint8Array | readonly number[])[]): Uint8Array => {
  const b = concat(...p);
  return concat(u24(b.length), b);
};
export const fill = (n: number, v = 0xab): Uint8Array => new Uint8Array(n).fill(v);
export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
/** One extension: type + opaque data<0..2^16-1>. */
export const ext = (type: number, ...data: (Uint8Array | readonly number[])[]): Uint8Array => concat(u16(type), vec16(...data));

// ---- DER builder ---------------------------------------------------------------------

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

export function tlv(tag: number, ...content: (Uint8Array | readonly number[])[]): Uint8Array {
  const c = concat(...content);
  return concat([tag], derLength(c.length), c);
}

export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  const first = (arcs[0] ?? 0n) * 40n + (arcs[1] ?? 0n);
  const out: number[] = [];
  for (const arc of [first, ...arcs.slice(2)]) {
    const chunk: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number((v & 0x7fn) | 0x80n));
    out.push(...chunk);
  }
  return tlv(0x06, out);
}

export const utf8String = (s: string): Uint8Array => tlv(0x0c, Buffer.from(s, 'utf8'));
export const printableString = (s: string): Uint8Array => tlv(0x13, Buffer.from(s, 'latin1'));
export const bmpString = (s: string): Uint8Array => tlv(0x1e, Buffer.from(s, 'utf16le').swap16());

/** A DER Name from RDNs in wire order; each RDN is a list of [oid, DER value]. */
export function derName(rdns: readonly (readonly (readonly [string, Uint8Array])[])[]): Uint8Array {
  return tlv(0x30, ...rdns.map((rdn) => tlv(0x31, ...rdn.map(([o, v]) => tlv(0x30, oid(o), v)))));
}

// ---- certificates --------------------------------------------------------------------

type KeyKind = 'rsa2048' | 'p256' | 'p384' | 'ed25519';

function algorithmFor(kind: KeyKind, hash = 'SHA-256'): RsaHashedKeyGenParams | EcKeyGenParams | Algorithm {
  switch (kind) {
    case 'rsa2048':
      return { name: 'RSASSA-PKCS1-v1_5', hash, publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as RsaHashedKeyGenParams;
    case 'p256':
      return { name: 'ECDSA', namedCurve: 'P-256', hash } as EcKeyGenParams;
    case 'p384':
      return { name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384' } as EcKeyGenParams;
    case 'ed25519':
      return { name: 'Ed25519' };
  }
}

async function generateKeys(kind: KeyKind, hash = 'SHA-256'): Promise<{ keys: CryptoKeyPair; alg: Algorithm }> {
  const alg = algorithmFor(kind, hash);
  const keys = (await webcrypto.subtle.generateKey(alg as RsaHashedKeyGenParams, true, ['sign', 'verify'])) as CryptoKeyPair;
  return { keys, alg };
}

export interface Issued {
  readonly cert: InstanceType<typeof x509.X509Certificate>;
  readonly der: Uint8Array;
  readonly keys: CryptoKeyPair;
  readonly alg: Algorithm;
  readonly name: string;
}

export interface IssueOptions {
  /** Name in the library's string syntax, written in wire order (C first → shown last). */
  readonly name: string;
  readonly kind: KeyKind;
  readonly issuer?: Issued;
  readonly hash?: string;
  readonly serial?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly extensions?: InstanceType<typeof x509.Extension>[];
}

/** Makes a certificate: self-signed without `issuer`, else signed by the issuer's key. */
export async function issue(o: IssueOptions): Promise<Issued> {
  const { keys, alg } = await generateKeys(o.kind, o.hash);
  const signer = o.issuer ?? { keys, alg, name: o.name };
  const signingAlgorithm = o.issuer === undefined ? alg : o.issuer.alg;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: o.serial ?? '0badc0de',
    subject: o.name,
    issuer: signer.name,
    notBefore: o.notBefore ?? new Date('2024-01-01T00:00:00Z'),
    notAfter: o.notAfter ?? new Date('2030-01-01T00:00:00Z'),
    signingAlgorithm: o.hash !== undefined && 'hash' in signingAlgorithm ? { ...signingAlgorithm, hash: o.hash } : signingAlgorithm,
    publicKey: keys.publicKey,
    signingKey: signer.keys.privateKey,
    extensions: o.extensions ?? [],
  });
  return { cert, der: new Uint8Array(cert.rawData), keys, alg, name: o.name };
}

export const EKU = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2', any: '2.5.29.37.0' } as const;

/** A three-certificate chain: P-384 root → P-256 intermediate → RSA 2048 leaf with SANs and both EKUs. */
export async function makeChain(): Promise<{ root: Issued; intermediate: Issued; leaf: Issued }> {
  const root = await issue({
    name: 'C=US, O=Example Corp, CN=Example Root CA',
    kind: 'p384',
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const intermediate = await issue({
    name: 'C=US, O=Example Corp, CN=Corp Issuing CA 2',
    kind: 'p256',
    issuer: root,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
  });
  const leaf = await issue({
    name: 'C=US, O=Example Corp, OU=Payments, CN=client.example.com',
    kind: 'rsa2048',
    issuer: intermediate,
    serial: '00e3a1',
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment),
      new x509.ExtendedKeyUsageExtension([EKU.serverAuth, EKU.clientAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'client.example.com' },
        { type: 'dns', value: 'www.example.com' },
        { type: 'ip', value: '192.0.2.7' },
        { type: 'url', value: 'spiffe://example.com/payments' },
        { type: 'email', value: 'ops@example.com' },
      ]),
    ],
  });
  return { root, intermediate, leaf };
}

/** Every strict prefix of `body`. */
export function strictPrefixes(body: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < body.length; i++) out.push(body.subarray(0, i));
  return out;
}
