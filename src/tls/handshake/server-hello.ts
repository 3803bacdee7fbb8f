/**
 * ServerHello and HelloRetryRequest, RFC 8446 §4.1.3-4 (RFC 5246 §7.4.1.3).
 *
 *   struct {
 *       ProtocolVersion legacy_version;                     // 0x0303 in TLS 1.3
 *       Random random;                                      // 32 bytes; SHA-256("HelloRetryRequest") for an HRR
 *       opaque legacy_session_id_echo<0..32>;
 *       CipherSuite cipher_suite;
 *       uint8 legacy_compression_method;
 *       Extension extensions<6..2^16-1>;                    // absent in some TLS ≤ 1.2 hellos
 *   } ServerHello;
 *
 * TLS 1.3 drafts before -22 (version 0x7f00 + n, n < 22) had no session id echo and no compression method:
 *   struct { ProtocolVersion version; Random random; CipherSuite cipher_suite; Extension extensions<0..2^16-1>; } ServerHello;
 */
import { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import { decodeExtensions, ExtensionType } from '../extensions/index.js';
import type { Extension } from '../extensions/types.js';
import { extensionValue } from './client-hello.js';

/** SHA-256("HelloRetryRequest"), RFC 8446 §4.1.3. */
export const HELLO_RETRY_REQUEST_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
  0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/** "DOWNGRD" (RFC 8446 §4.1.3): the first 7 of the last 8 random bytes of a downgrading TLS 1.3 server. */
const DOWNGRADE_PREFIX = [0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44];

/** A decoded ServerHello (or HelloRetryRequest). Absent extensions are `null` (or `false` for flags). */
export interface ServerHello {
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  readonly extensionsPresent: boolean;
  readonly extensions: readonly Extension[];
  /** supported_versions selected_version, or null. */
  readonly selectedVersion: number | null;
  /** The negotiated version: selectedVersion when present, else legacyVersion. */
  readonly version: number;
  readonly isHelloRetryRequest: boolean;
  /** key_share selected_group of a HelloRetryRequest. */
  readonly hrrSelectedGroup: number | null;
  /** key_share group of a ServerHello. */
  readonly keyShareGroup: number | null;
  readonly pskSelectedIdentity: number | null;
  /** The ALPN protocol selected (latin-1), or null. */
  readonly alpn: string | null;
  readonly alpnRaw: Uint8Array | null;
  readonly serverNameAck: boolean;
  readonly renegotiationInfo: boolean;
  readonly extendedMasterSecret: boolean;
  readonly sessionTicket: boolean;
  readonly ecPointFormats: readonly number[] | null;
  readonly encryptThenMac: boolean;
  readonly recordSizeLimit: number | null;
  readonly statusRequest: boolean;
  /** HRR cookie length, or null. */
  readonly cookieLength: number | null;
  /** RFC 8446 §4.1.3 downgrade sentinel in the last 8 random bytes: "DOWNGRD\x01" (TLS 1.2) or "\x00" (TLS ≤ 1.1). */
  readonly downgradeSentinel: 'tls12' | 'tls11' | null;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sentinel(random: Uint8Array): 'tls12' | 'tls11' | null {
  const tail = random.subarray(24);
  for (let i = 0; i < 7; i++) if (tail[i] !== DOWNGRADE_PREFIX[i]) return null;
  if (tail[7] === 1) return 'tls12';
  if (tail[7] === 0) return 'tls11';
  return null;
}

/** Decodes a ServerHello handshake body; a HelloRetryRequest (magic random) decodes its extensions in the HRR context. */
export function decodeServerHello(body: Uint8Array): Decoded<ServerHello> {
  const r = new ByteReader(body);
  const legacyVersion = r.u16();
  const random = r.bytesView(32);
  if (legacyVersion === undefined || random === undefined) {
    return fail('tls.handshake.server_hello.truncated', 'ServerHello ends before its version and random.', r.position);
  }
  const earlyDraft = legacyVersion >> 8 === 0x7f && (legacyVersion & 0xff) < 22;
  const sessionId = earlyDraft ? new ByteReader(new Uint8Array(0)) : r.vec8();
  if (sessionId === undefined) return fail('tls.handshake.server_hello.truncated', 'ServerHello legacy_session_id_echo is truncated.', r.position);
  if (sessionId.remaining > 32) {
    return fail('tls.handshake.server_hello.bad_session_id', `ServerHello legacy_session_id_echo is ${sessionId.remaining} bytes (at most 32).`, r.position);
  }
  const cipherSuite = r.u16();
  const compressionMethod = earlyDraft ? 0 : r.u8();
  if (cipherSuite === undefined || compressionMethod === undefined) {
    return fail('tls.handshake.server_hello.truncated', 'ServerHello ends before its cipher suite and compression method.', r.position);
  }
  const isHelloRetryRequest = equalBytes(random, HELLO_RETRY_REQUEST_RANDOM);
  let extensionsPresent = false;
  let x: Extension[] = [];
  if (!r.empty()) {
    extensionsPresent = true;
    const block = r.vec16();
    if (block === undefined) return fail('tls.handshake.server_hello.truncated', 'ServerHello extensions are truncated.', r.position);
    const decoded = decodeExtensions(block, isHelloRetryRequest ? 'hello_retry_request' : 'server_hello');
    if (!decoded.ok) return decoded;
    x = decoded.value;
    if (!r.empty()) {
      return fail('tls.handshake.server_hello.trailing_bytes', `ServerHello has ${r.remaining} bytes after its extensions.`, r.position);
    }
  }
  const has = (type: number): boolean => x.some((e) => e.type === type);
  const selectedVersion = extensionValue(x, ExtensionType.supportedVersions, 'selected_version')?.version ?? null;
  const alpn = extensionValue(x, ExtensionType.alpn, 'alpn');
  return ok({
    legacyVersion,
    random,
    sessionId: sessionId.rest(),
    cipherSuite,
    compressionMethod,
    extensionsPresent,
    extensions: x,
    selectedVersion,
    version: selectedVersion ?? legacyVersion,
    isHelloRetryRequest,
    hrrSelectedGroup: extensionValue(x, ExtensionType.keyShare, 'key_share_hrr')?.selectedGroup ?? null,
    keyShareGroup: extensionValue(x, ExtensionType.keyShare, 'key_share_server')?.group ?? null,
    pskSelectedIdentity: extensionValue(x, ExtensionType.preSharedKey, 'pre_shared_key_selected')?.selectedIdentity ?? null,
    alpn: alpn?.protocols[0] ?? null,
    alpnRaw: alpn?.raw[0] ?? null,
    serverNameAck: has(ExtensionType.serverName),
    renegotiationInfo: has(ExtensionType.renegotiationInfo),
    extendedMasterSecret: has(ExtensionType.extendedMasterSecret),
    sessionTicket: has(ExtensionType.sessionTicket),
    ecPointFormats: extensionValue(x, ExtensionType.ecPointFormats, 'ec_point_formats')?.formats ?? null,
    encryptThenMac: has(ExtensionType.encryptThenMac),
    recordSizeLimit: extensionValue(x, ExtensionType.recordSizeLimit, 'record_size_limit')?.limit ?? null,
    statusRequest: has(ExtensionType.statusRequest),
    cookieLength: extensionValue(x, ExtensionType.cookie, 'cookie')?.length ?? null,
    downgradeSentinel: isHelloRetryRequest ? null : sentinel(random),
  });
}
