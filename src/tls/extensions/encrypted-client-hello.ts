/**
 * encrypted_client_hello (0xfe0d), draft-ietf-tls-esni §5 (ClientHello only; other contexts stay raw).
 *
 *   enum { outer(0), inner(1) } ECHClientHelloType;
 *   struct {
 *      ECHClientHelloType type;
 *      select (ECHClientHello.type) {
 *          case outer: HpkeSymmetricCipherSuite cipher_suite;   // uint16 kdf_id, uint16 aead_id
 *                      uint8 config_id;
 *                      opaque enc<0..2^16-1>;
 *                      opaque payload<1..2^16-1>;
 *          case inner: Empty;
 *      };
 *   } ECHClientHello;
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import type { ExtensionValue } from './types.js';

/** Decodes a ClientHello's ECH extension: outer (cipher suite, config id, sizes) or inner. */
export function decodeEncryptedClientHello(r: ByteReader): Decoded<ExtensionValue> {
  const echType = r.u8();
  if (echType === undefined) return fail('tls.ext.truncated', 'encrypted_client_hello type is missing.', r.position);
  if (echType !== 0) {
    r.rest();
    return ok({ kind: 'ech_client_hello', echType, kdfId: null, aeadId: null, configId: null, encLength: null, payloadLength: null });
  }
  const kdfId = r.u16();
  const aeadId = r.u16();
  const configId = r.u8();
  const enc = r.vec16();
  const payload = enc === undefined ? undefined : r.vec16();
  if (kdfId === undefined || aeadId === undefined || configId === undefined || enc === undefined || payload === undefined) {
    return fail('tls.ext.truncated', 'encrypted_client_hello outer is truncated.', r.position);
  }
  return ok({ kind: 'ech_client_hello', echType, kdfId, aeadId, configId, encLength: enc.remaining, payloadLength: payload.remaining });
}
