/**
 * Where TLS starts: the first bytes of a stream sniffed as a TLS record header or an SSLv2-format
 * hello (client or server), from the header alone. The record stream uses the same predicates
 * when it checks the header it is about to read.
 */
import { u16At, u8At } from '../util/wire-read.js';
import { TLS_DEFAULTS } from './defaults.js';
import { ContentType } from './registry/content-types.js';

const HEADER_LENGTH = 5;
const CONTENT_CCS = ContentType.changeCipherSpec;
const CONTENT_HEARTBEAT = ContentType.heartbeat;

/** SSLv2 fixed ClientHello fields after the 2-byte length: msg_type, version, three uint16 lengths. */
const SSLV2_MIN_HELLO = 9;

/** Whether 5 header bytes start a plausible SSLv2-format ClientHello (RFC 5246 app. E.2). */
export function isSslv2HelloHeader(b0: number, b1: number, b2: number, b3: number, b4: number): boolean {
  if ((b0 & 0x80) === 0) return false;
  const length = ((b0 & 0x7f) << 8) | b1;
  if (length < SSLV2_MIN_HELLO || b2 !== 1) return false;
  return (b3 === 0x00 && b4 === 0x02) || (b3 === 0x03 && b4 <= 0x04);
}

/** SSLv2 SERVER-HELLO fixed fields after the 2-byte length (see handshake/sslv2-server-hello.ts). */
const SSLV2_MIN_SERVER_HELLO = 11;

/**
 * Whether 5 header bytes start a plausible SSLv2 SERVER-HELLO: 2-byte header, MSG-SERVER-HELLO
 * (4), then SESSION-ID-HIT 0 with CERTIFICATE-TYPE X.509 (1), or a hit (1) with any type. A
 * SERVER-HELLO is never padded, so the 3-byte header (for padded records) does not carry one.
 */
export function isSslv2ServerHelloHeader(b0: number, b1: number, b2: number, b3: number, b4: number): boolean {
  if ((b0 & 0x80) === 0) return false;
  const length = ((b0 & 0x7f) << 8) | b1;
  return length >= SSLV2_MIN_SERVER_HELLO && b2 === 4 && ((b3 === 0 && b4 === 1) || b3 === 1);
}

/** Whether a record header is acceptable as the very first TLS record of a stream. */
export function isFirstRecordHeader(type: number, major: number, minor: number, length: number, max: number): boolean {
  return type >= CONTENT_CCS && type <= CONTENT_HEARTBEAT && major === 3 && minor <= 4 && length >= 1 && length <= max;
}

/**
 * Sniffs the first bytes of a stream: a TLS record header, an SSLv2-format ClientHello, neither,
 * or too few bytes to say. Decided on the header alone (5 bytes), so it costs nothing per flow.
 * A first record longer than `maxRecordLength` is not TLS, as the record stream would refuse it.
 */
export function looksLikeTlsStart(bytes: Uint8Array, maxRecordLength: number = TLS_DEFAULTS.maxRecordLength): 'tls' | 'sslv2' | 'no' | 'need-more' {
  const n = bytes.length;
  const b0 = u8At(bytes, 0);
  if (b0 === undefined) return 'need-more';
  if ((b0 & 0x80) !== 0) {
    if (n < HEADER_LENGTH) {
      // Early rejection on the bytes present keeps plaintext protocols from waiting.
      // CLIENT-HELLO (1) with a version 0x0002 or 0x03xx, or an SSL 2.0 server's SERVER-HELLO (4).
      if (n >= 3 && bytes[2] !== 1 && bytes[2] !== 4) return 'no';
      if (n >= 4 && bytes[2] === 1 && bytes[3] !== 0 && bytes[3] !== 3) return 'no';
      return 'need-more';
    }
    const [b1, b2, b3, b4] = [u8At(bytes, 1), u8At(bytes, 2), u8At(bytes, 3), u8At(bytes, 4)];
    if (b1 === undefined || b2 === undefined || b3 === undefined || b4 === undefined) return 'need-more';
    return isSslv2HelloHeader(b0, b1, b2, b3, b4) || isSslv2ServerHelloHeader(b0, b1, b2, b3, b4) ? 'sslv2' : 'no';
  }
  if (b0 < CONTENT_CCS || b0 > CONTENT_HEARTBEAT) return 'no';
  if (n >= 2 && bytes[1] !== 3) return 'no';
  const minor = u8At(bytes, 2);
  if (minor !== undefined && minor > 4) return 'no';
  const length = u16At(bytes, 3);
  if (minor === undefined || length === undefined) return 'need-more';
  return isFirstRecordHeader(b0, 3, minor, length, maxRecordLength) ? 'tls' : 'no';
}
