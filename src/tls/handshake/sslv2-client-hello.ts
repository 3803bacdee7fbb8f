/**
 * SSLv2-format CLIENT-HELLO, as TLS clients sent it for backward compatibility
 * (RFC 5246 app. E.2, RFC 6101 app. E).
 *
 *   uint8 msg_type;                       // 1
 *   Version version;                      // highest version the client supports
 *   uint16 cipher_spec_length;            // multiple of 3
 *   uint16 session_id_length;             // 0 or 16
 *   uint16 challenge_length;              // 16..32
 *   V2CipherSpec cipher_specs[cipher_spec_length];   // 3 bytes each
 *   opaque session_id[session_id_length];
 *   opaque challenge[challenge_length];
 *
 * The body given here is the message after the 2-byte SSLv2 record length.
 */
import { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import { buildClientHello, type ClientHello } from './client-hello.js';

/** Decodes an SSLv2-format CLIENT-HELLO into the common ClientHello shape (`isSslv2Format: true`, no extensions). */
export function decodeSslv2ClientHello(body: Uint8Array): Decoded<ClientHello> {
  const r = new ByteReader(body);
  const msgType = r.u8();
  const version = r.u16();
  const specLength = r.u16();
  const sessionIdLength = r.u16();
  const challengeLength = r.u16();
  if (msgType === undefined || version === undefined || specLength === undefined || sessionIdLength === undefined || challengeLength === undefined) {
    return fail('tls.handshake.sslv2_client_hello.truncated', 'SSLv2 CLIENT-HELLO ends inside its fixed fields.', r.position);
  }
  if (msgType !== 1) return fail('tls.handshake.sslv2_client_hello.bad_type', `SSLv2 message type ${msgType} is not CLIENT-HELLO.`, 0);
  if (specLength % 3 !== 0) {
    return fail('tls.handshake.sslv2_client_hello.bad_cipher_specs', `SSLv2 cipher_spec_length ${specLength} is not a multiple of 3.`, 3);
  }
  const specs = r.sub(specLength);
  const sessionId = r.bytesView(sessionIdLength);
  const challenge = r.bytesView(challengeLength);
  if (specs === undefined || sessionId === undefined || challenge === undefined) {
    return fail('tls.handshake.sslv2_client_hello.truncated', 'SSLv2 CLIENT-HELLO is shorter than its lengths say.', r.position);
  }
  if (!r.empty()) {
    return fail('tls.handshake.sslv2_client_hello.trailing_bytes', `SSLv2 CLIENT-HELLO has ${r.remaining} bytes after its challenge.`, r.position);
  }
  const cipherSuites: number[] = [];
  for (;;) {
    const hi = specs.u8();
    const lo = specs.u16();
    // specLength is a multiple of 3, so the specs end exactly here.
    if (hi === undefined || lo === undefined) break;
    // A kind with first byte 0 is a TLS cipher suite (RFC 5246 app. E.2); others are SSLv2 kinds.
    cipherSuites.push(hi === 0 ? lo : hi * 0x10000 + lo);
  }
  return ok(
    buildClientHello({
      isSslv2Format: true,
      legacyVersion: version,
      random: challenge,
      sessionId,
      cipherSuites,
      compressionMethods: [0],
      extensionsPresent: false,
      extensions: [],
    }),
  );
}
