/**
 * ClientKeyExchange (TLS ≤ 1.2). Its shape depends on the cipher suite's key exchange.
 *
 * RFC 5246 §7.4.7:
 *   struct { ProtocolVersion client_version; opaque random[46]; } PreMasterSecret;
 *   struct { public-key-encrypted PreMasterSecret pre_master_secret; } EncryptedPreMasterSecret;
 *     // TLS: opaque<0..2^16-1> (a 2-byte length); SSL 3.0 (RFC 6101 §5.6.7): no length, the rest of the body
 *   struct { select (PublicValueEncoding) { case implicit: struct {}; case explicit: opaque dh_Yc<1..2^16-1>; } } ClientDiffieHellmanPublic;
 * RFC 8422 §5.7:
 *   struct { select (PublicValueEncoding) { case implicit: struct {}; case explicit: ECPoint ecdh_Yc; } } ClientECDiffieHellmanPublic;
 *   struct { opaque point<1..2^8-1>; } ECPoint;
 * RFC 4279 §2-4 / RFC 5489: opaque psk_identity<0..2^16-1>, then
 *   PSK: nothing · DHE_PSK: ClientDiffieHellmanPublic · RSA_PSK: EncryptedPreMasterSecret · ECDHE_PSK: ECPoint.
 *
 * An empty body with a static DH/ECDH suite is the "implicit" encoding (client certificate carries the key).
 */
import { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import type { KeyExchangeKind } from './server-key-exchange.js';

/** Decoding context. */
export interface ClientKeyExchangeContext {
  readonly kx: KeyExchangeKind;
  /** SSL 3.0: the RSA-encrypted premaster secret has no length prefix. */
  readonly ssl3?: boolean;
}

/** A decoded ClientKeyExchange. */
export interface ClientKeyExchange {
  readonly kx: KeyExchangeKind;
  /** RSA: length of the encrypted premaster secret (= the server's RSA key size in bytes). */
  readonly encryptedPremasterLength: number | null;
  /** DHE/ECDHE: length of the client's public value (0 = implicit, with static DH/ECDH). */
  readonly publicValueLength: number | null;
  /** PSK kinds: length of psk_identity. */
  readonly pskIdentityLength: number | null;
  /** True when the kind is not decoded (SRP, unknown): only `rawLength` is meaningful. */
  readonly opaque: boolean;
  readonly rawLength: number;
}

const P = 'tls.handshake.client_key_exchange';

/** Decodes a ClientKeyExchange body for the cipher suite's key exchange. */
export function decodeClientKeyExchange(body: Uint8Array, ctx: ClientKeyExchangeContext): Decoded<ClientKeyExchange> {
  const r = new ByteReader(body);
  const kx = ctx.kx;
  const base = { kx, encryptedPremasterLength: null, publicValueLength: null, pskIdentityLength: null, opaque: false, rawLength: body.length };
  let pskIdentityLength: number | null = null;
  if (kx === 'PSK' || kx === 'DHE_PSK' || kx === 'ECDHE_PSK' || kx === 'RSA_PSK') {
    const id = r.vec16();
    if (id === undefined) return fail(`${P}.truncated`, 'psk_identity is truncated.', 0);
    pskIdentityLength = id.remaining;
  }
  let result: ClientKeyExchange;
  switch (kx) {
    case 'RSA':
    case 'RSA_EXPORT':
    case 'RSA_PSK': {
      if (ctx.ssl3 === true && kx !== 'RSA_PSK') {
        result = { ...base, encryptedPremasterLength: r.rest().length };
        break;
      }
      const at = r.position;
      const enc = r.vec16();
      if (enc === undefined) return fail(`${P}.truncated`, 'The encrypted premaster secret is truncated.', at);
      result = { ...base, pskIdentityLength, encryptedPremasterLength: enc.remaining };
      break;
    }
    case 'DHE':
    case 'DHE_PSK':
    case 'DH_anon':
    case 'DH': {
      if (kx === 'DH' && r.empty()) {
        result = { ...base, publicValueLength: 0 };
        break;
      }
      const at = r.position;
      const yc = r.vec16();
      if (yc === undefined) return fail(`${P}.truncated`, 'dh_Yc is truncated.', at);
      if (yc.empty()) return fail(`${P}.empty_value`, 'dh_Yc is empty (minimum length is 1).', at);
      result = { ...base, pskIdentityLength, publicValueLength: yc.remaining };
      break;
    }
    case 'ECDHE':
    case 'ECDHE_PSK':
    case 'ECDH_anon':
    case 'ECDH': {
      if (kx === 'ECDH' && r.empty()) {
        result = { ...base, publicValueLength: 0 };
        break;
      }
      const at = r.position;
      const point = r.vec8();
      if (point === undefined) return fail(`${P}.truncated`, 'ecdh_Yc is truncated.', at);
      if (point.empty()) return fail(`${P}.empty_point`, 'ecdh_Yc is empty (minimum length is 1).', at);
      result = { ...base, pskIdentityLength, publicValueLength: point.remaining };
      break;
    }
    case 'PSK':
      result = { ...base, pskIdentityLength };
      break;
    default:
      return ok({ ...base, opaque: true });
  }
  if (!r.empty()) return fail(`${P}.trailing_bytes`, `${r.remaining} bytes follow the ClientKeyExchange.`, r.position);
  return ok(result);
}
