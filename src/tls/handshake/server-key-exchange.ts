/**
 * ServerKeyExchange (TLS ≤ 1.2). Its shape depends on the key exchange of the cipher suite,
 * which the caller supplies (`keyExchangeKind(cipherSuiteInfo(suite))`).
 *
 * RFC 5246 §7.4.3:
 *   struct { opaque dh_p<1..2^16-1>; opaque dh_g<1..2^16-1>; opaque dh_Ys<1..2^16-1>; } ServerDHParams;
 *   struct { opaque rsa_modulus<1..2^16-1>; opaque rsa_exponent<1..2^16-1>; } ServerRSAParams;  // RSA_EXPORT, RFC 4346
 *   digitally-signed: TLS 1.2 { SignatureAndHashAlgorithm algorithm; opaque signature<0..2^16-1>; }
 *                     TLS ≤ 1.1 { opaque signature<0..2^16-1>; }
 * RFC 8422 §5.4 (ECDHE):
 *   struct { ECCurveType curve_type; select (curve_type) { case named_curve: NamedCurve namedcurve; }; } ECParameters;
 *   struct { opaque point<1..2^8-1>; } ECPoint;
 *   struct { ECParameters curve_params; ECPoint public; } ServerECDHParams;
 * RFC 4279 §2-3 / RFC 5489 (PSK): opaque psk_identity_hint<0..2^16-1>, then
 *   PSK: nothing · DHE_PSK: ServerDHParams · ECDHE_PSK: ServerECDHParams · RSA_PSK: nothing. No signature.
 * Anonymous (DH_anon, ECDH_anon): the params, no signature.
 *
 * select (KeyExchangeAlgorithm) {
 *     case dhe_dss, dhe_rsa: ServerDHParams params; digitally-signed signed_params;
 *     case ec_diffie_hellman: ServerECDHParams params; Signature signed_params;
 *     case dh_anon: ServerDHParams params;
 *     case rsa (export): ServerRSAParams params; digitally-signed signed_params;
 *     case psk: opaque psk_identity_hint<0..2^16-1>; …
 * } ServerKeyExchange;
 */
import { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';

/**
 * The key exchange of a TLS ≤ 1.2 cipher suite, as far as the handshake messages' shape goes.
 * `DH`/`ECDH` are the static (certificate-keyed) forms, which send no ServerKeyExchange.
 */
export type KeyExchangeKind =
  | 'ECDHE'
  | 'DHE'
  | 'RSA'
  | 'RSA_EXPORT'
  | 'PSK'
  | 'DHE_PSK'
  | 'ECDHE_PSK'
  | 'RSA_PSK'
  | 'DH_anon'
  | 'ECDH_anon'
  | 'DH'
  | 'ECDH'
  | 'SRP'
  | 'other';

/** Maps a cipher suite registry row (`kx`, `auth`, `export`) to the message shape it implies. */
export function keyExchangeKind(row: { readonly kx: string; readonly auth: string; readonly export?: boolean } | undefined): KeyExchangeKind {
  if (row === undefined) return 'other';
  const psk = row.auth === 'PSK';
  switch (row.kx) {
    case 'ECDHE':
      return psk ? 'ECDHE_PSK' : 'ECDHE';
    case 'DHE':
      return psk ? 'DHE_PSK' : 'DHE';
    case 'DH':
      return row.auth === 'NULL' ? 'DH_anon' : 'DH';
    case 'ECDH':
      return row.auth === 'NULL' ? 'ECDH_anon' : 'ECDH';
    case 'RSA':
      return psk ? 'RSA_PSK' : row.export === true ? 'RSA_EXPORT' : 'RSA';
    case 'PSK':
      return 'PSK';
    case 'SRP':
      return 'SRP';
    default:
      return 'other';
  }
}

/** Decoding context. */
export interface ServerKeyExchangeContext {
  readonly kx: KeyExchangeKind;
  /** TLS 1.2: the signature is preceded by its SignatureAndHashAlgorithm. */
  readonly tls12: boolean;
}

/** The server's signature over the parameters. */
interface KeyExchangeSignature {
  /** SignatureAndHashAlgorithm as a 16-bit SignatureScheme code (TLS 1.2), or null (TLS ≤ 1.1: implied by the certificate). */
  readonly scheme: number | null;
  readonly length: number;
}

/** ECDHE parameters (RFC 8422 §5.4). */
interface EcdheParams {
  readonly kind: 'ecdhe';
  /** ECCurveType: 3 named_curve; 1 explicit_prime and 2 explicit_char2 are deprecated and not decoded further. */
  readonly curveType: number;
  /** NamedGroup code when curveType is named_curve, else null. */
  readonly group: number | null;
  /** Length of the server's public point in bytes (65 for uncompressed P-256, 32 for X25519). */
  readonly publicLength: number;
}

/** Finite-field DHE parameters (RFC 5246 §7.4.3). */
interface DheParams {
  readonly kind: 'dhe';
  /** Size of the prime p in bits (leading zero bits not counted): the DH group size. */
  readonly primeBits: number;
  readonly primeLength: number;
  /** The generator when it fits in 48 bits (it is 2 or 5 in practice), else null. */
  readonly generator: number | null;
  readonly generatorLength: number;
  readonly publicLength: number;
  /** The prime, as a view (to recognise well-known groups such as RFC 7919's or RFC 3526's). */
  readonly prime: Uint8Array;
}

/** Temporary RSA key of an RSA_EXPORT suite (RFC 4346 §7.4.3). */
interface RsaParams {
  readonly kind: 'rsa';
  readonly modulusBits: number;
  readonly exponentLength: number;
}

/** A decoded ServerKeyExchange. */
export interface ServerKeyExchange {
  readonly kx: KeyExchangeKind;
  /** The key exchange parameters, or null for PSK/RSA_PSK (identity hint only) and undecoded kinds. */
  readonly params: EcdheParams | DheParams | RsaParams | null;
  /** psk_identity_hint length, for PSK kinds; null otherwise. */
  readonly pskIdentityHintLength: number | null;
  /** The signature, or null for PSK and anonymous kinds. */
  readonly signature: KeyExchangeSignature | null;
  /** True when the kind is not decoded (SRP, static DH/ECDH, unknown): only `rawLength` is meaningful. */
  readonly opaque: boolean;
  readonly rawLength: number;
}

const P = 'tls.handshake.server_key_exchange';

/** Bit length of a big-endian unsigned integer. */
export function bitLength(bytes: Uint8Array): number {
  for (const [i, b] of bytes.entries()) {
    if (b !== 0) return (bytes.length - i - 1) * 8 + (32 - Math.clz32(b));
  }
  return 0;
}

function smallInteger(bytes: Uint8Array): number | null {
  let v = 0;
  let significant = 0;
  for (const b of bytes) {
    if (significant > 0 || b !== 0) significant++;
    if (significant > 6) return null;
    v = v * 256 + b;
  }
  return v;
}

function readEcdhe(r: ByteReader): Decoded<EcdheParams> {
  const curveType = r.u8();
  if (curveType === undefined) return fail(`${P}.truncated`, 'ECParameters curve_type is missing.', r.position);
  if (curveType !== 3) {
    // explicit_prime/explicit_char2 (RFC 4492) are deprecated by RFC 8422; their layout is long and unused.
    return fail(`${P}.explicit_curve`, `ECParameters curve_type ${curveType} is not named_curve(3); explicit curves are not decoded.`, r.position - 1);
  }
  const group = r.u16();
  if (group === undefined) return fail(`${P}.truncated`, 'ECParameters namedcurve is truncated.', r.position);
  const at = r.position;
  const point = r.vec8();
  if (point === undefined) return fail(`${P}.truncated`, 'The ECDHE public point is truncated.', at);
  if (point.empty()) return fail(`${P}.empty_point`, 'The ECDHE public point is empty (minimum length is 1).', at);
  return ok({ kind: 'ecdhe', curveType, group, publicLength: point.remaining });
}

function readNonEmpty16(r: ByteReader, what: string): Decoded<Uint8Array> {
  const at = r.position;
  const v = r.vec16();
  if (v === undefined) return fail(`${P}.truncated`, `${what} is truncated.`, at);
  if (v.empty()) return fail(`${P}.empty_value`, `${what} is empty (minimum length is 1).`, at);
  return ok(v.rest());
}

function readDhe(r: ByteReader): Decoded<DheParams> {
  const p = readNonEmpty16(r, 'dh_p');
  if (!p.ok) return p;
  const g = readNonEmpty16(r, 'dh_g');
  if (!g.ok) return g;
  const ys = readNonEmpty16(r, 'dh_Ys');
  if (!ys.ok) return ys;
  return ok({
    kind: 'dhe',
    primeBits: bitLength(p.value),
    primeLength: p.value.length,
    generator: smallInteger(g.value),
    generatorLength: g.value.length,
    publicLength: ys.value.length,
    prime: p.value,
  });
}

function readRsa(r: ByteReader): Decoded<RsaParams> {
  const n = readNonEmpty16(r, 'rsa_modulus');
  if (!n.ok) return n;
  const e = readNonEmpty16(r, 'rsa_exponent');
  if (!e.ok) return e;
  return ok({ kind: 'rsa', modulusBits: bitLength(n.value), exponentLength: e.value.length });
}

function readSignature(r: ByteReader, tls12: boolean): Decoded<KeyExchangeSignature> {
  let scheme: number | null = null;
  if (tls12) {
    const s = r.u16();
    if (s === undefined) return fail(`${P}.truncated`, 'The signature algorithm is truncated.', r.position);
    scheme = s;
  }
  const at = r.position;
  const sig = r.vec16();
  if (sig === undefined) return fail(`${P}.truncated`, 'The signature is truncated.', at);
  return ok({ scheme, length: sig.remaining });
}

/** Decodes a ServerKeyExchange body for the cipher suite's key exchange. */
export function decodeServerKeyExchange(body: Uint8Array, ctx: ServerKeyExchangeContext): Decoded<ServerKeyExchange> {
  const r = new ByteReader(body);
  const kx = ctx.kx;
  let pskIdentityHintLength: number | null = null;
  if (kx === 'PSK' || kx === 'DHE_PSK' || kx === 'ECDHE_PSK' || kx === 'RSA_PSK') {
    const hint = r.vec16();
    if (hint === undefined) return fail(`${P}.truncated`, 'psk_identity_hint is truncated.', 0);
    pskIdentityHintLength = hint.remaining;
  }

  let params: EcdheParams | DheParams | RsaParams | null = null;
  let signed = false;
  switch (kx) {
    case 'ECDHE':
    case 'ECDHE_PSK':
    case 'ECDH_anon': {
      const d = readEcdhe(r);
      if (!d.ok) return d;
      params = d.value;
      signed = kx === 'ECDHE';
      break;
    }
    case 'DHE':
    case 'DHE_PSK':
    case 'DH_anon': {
      const d = readDhe(r);
      if (!d.ok) return d;
      params = d.value;
      signed = kx === 'DHE';
      break;
    }
    case 'RSA':
    case 'RSA_EXPORT': {
      // A plain RSA suite has no ServerKeyExchange; one that sends it anyway can only mean export RSA params.
      const d = readRsa(r);
      if (!d.ok) return d;
      params = d.value;
      signed = true;
      break;
    }
    case 'PSK':
    case 'RSA_PSK':
      break;
    default:
      return ok({ kx, params: null, pskIdentityHintLength: null, signature: null, opaque: true, rawLength: body.length });
  }

  let signature: KeyExchangeSignature | null = null;
  if (signed) {
    const s = readSignature(r, ctx.tls12);
    if (!s.ok) return s;
    signature = s.value;
  }
  if (!r.empty()) return fail(`${P}.trailing_bytes`, `${r.remaining} bytes follow the ServerKeyExchange.`, r.position);
  return ok({ kx, params, pskIdentityHintLength, signature, opaque: false, rawLength: body.length });
}
