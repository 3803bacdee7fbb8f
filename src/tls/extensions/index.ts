/**
 * Extension block decoding (RFC 8446 §4.2), shared by every message that carries extensions.
 *
 *   struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; } Extension;
 *   Extension extensions<0..2^16-1>;
 *
 * Unknown extensions are kept raw and never fatal. A known extension must consume its bytes
 * exactly; when it does not, the extension carries an `issue` (`tls.ext.trailing_bytes`,
 * `tls.ext.truncated`) and the message still decodes. A repeated type gets `tls.ext.duplicate`.
 */
import { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded, type DecodeIssue } from '../../util/decoded.js';
import { extensionName } from '../registry/names.js';
import { u16At } from '../../util/wire-read.js';
import { decodeAlpn } from './alpn.js';
import { decodeCompressCertificate } from './compress-certificate.js';
import { decodeCookie } from './cookie.js';
import { decodeEarlyData } from './early-data.js';
import { decodeEcPointFormats } from './ec-point-formats.js';
import { decodeEmpty } from './empty.js';
import { decodeEncryptedClientHello } from './encrypted-client-hello.js';
import { decodeHeartbeat } from './heartbeat.js';
import { decodeKeyShare } from './key-share.js';
import { decodeMaxFragmentLength } from './max-fragment-length.js';
import { decodePadding } from './padding.js';
import { decodePreSharedKey } from './pre-shared-key.js';
import { decodePskKeyExchangeModes } from './psk-key-exchange-modes.js';
import { decodeRecordSizeLimit } from './record-size-limit.js';
import { decodeRenegotiationInfo } from './renegotiation-info.js';
import { decodeServerName } from './server-name.js';
import { decodeSessionTicket } from './session-ticket.js';
import { decodeSignatureAlgorithms } from './signature-algorithms.js';
import { decodeStatusRequest } from './status-request.js';
import { decodeSupportedGroups } from './supported-groups.js';
import { decodeSupportedVersions } from './supported-versions.js';
import { decodeCertificateAuthoritiesExtension } from './certificate-authorities-value.js';
import type { Extension, ExtensionContext, ExtensionValue } from './types.js';

export type { Extension, ExtensionContext } from './types.js';

/** Extension type codes this module decodes or refers to. */
export const ExtensionType = {
  serverName: 0x0000,
  maxFragmentLength: 0x0001,
  statusRequest: 0x0005,
  supportedGroups: 0x000a,
  ecPointFormats: 0x000b,
  signatureAlgorithms: 0x000d,
  heartbeat: 0x000f,
  alpn: 0x0010,
  padding: 0x0015,
  encryptThenMac: 0x0016,
  extendedMasterSecret: 0x0017,
  compressCertificate: 0x001b,
  recordSizeLimit: 0x001c,
  sessionTicket: 0x0023,
  preSharedKey: 0x0029,
  earlyData: 0x002a,
  supportedVersions: 0x002b,
  cookie: 0x002c,
  pskKeyExchangeModes: 0x002d,
  certificateAuthorities: 0x002f,
  postHandshakeAuth: 0x0031,
  signatureAlgorithmsCert: 0x0032,
  keyShare: 0x0033,
  encryptedClientHello: 0xfe0d,
  renegotiationInfo: 0xff01,
} as const;

type ExtensionDecoder = (r: ByteReader, context: ExtensionContext) => Decoded<ExtensionValue> | undefined;

/** Decoders by type; `undefined` from a decoder means "kept raw in this context". */
const DECODERS = new Map<number, ExtensionDecoder>([
  [ExtensionType.serverName, decodeServerName],
  [ExtensionType.maxFragmentLength, decodeMaxFragmentLength],
  [ExtensionType.statusRequest, decodeStatusRequest],
  [ExtensionType.supportedGroups, decodeSupportedGroups],
  [ExtensionType.ecPointFormats, decodeEcPointFormats],
  [ExtensionType.signatureAlgorithms, decodeSignatureAlgorithms],
  [ExtensionType.heartbeat, decodeHeartbeat],
  [ExtensionType.alpn, decodeAlpn],
  [ExtensionType.padding, decodePadding],
  [ExtensionType.encryptThenMac, decodeEmpty],
  [ExtensionType.extendedMasterSecret, decodeEmpty],
  [ExtensionType.compressCertificate, decodeCompressCertificate],
  [ExtensionType.recordSizeLimit, decodeRecordSizeLimit],
  [ExtensionType.sessionTicket, decodeSessionTicket],
  [ExtensionType.preSharedKey, decodePreSharedKey],
  [ExtensionType.earlyData, decodeEarlyData],
  [ExtensionType.supportedVersions, decodeSupportedVersions],
  [ExtensionType.cookie, decodeCookie],
  [ExtensionType.pskKeyExchangeModes, decodePskKeyExchangeModes],
  [ExtensionType.certificateAuthorities, decodeCertificateAuthoritiesExtension],
  [ExtensionType.postHandshakeAuth, decodeEmpty],
  [ExtensionType.signatureAlgorithmsCert, decodeSignatureAlgorithms],
  [ExtensionType.keyShare, decodeKeyShare],
  // Only the ClientHello form of ECH is decoded; retry configs and the HRR confirmation stay raw.
  [ExtensionType.encryptedClientHello, (r, c) => (c === 'client_hello' ? decodeEncryptedClientHello(r) : undefined)],
  [ExtensionType.renegotiationInfo, decodeRenegotiationInfo],
]);

/**
 * One extension of a block. Its data is a view made when asked for: almost nothing asks (the
 * decoded value is what is read), and a view per extension, ~15 per ClientHello, cost more than
 * most extensions' decoding. The view covers the same bytes as one made at once would.
 */
class BlockExtension implements Extension {
  readonly #bytes: Uint8Array;
  readonly #start: number;

  constructor(
    readonly type: number,
    bytes: Uint8Array,
    start: number,
    readonly length: number,
    readonly decoded: ExtensionValue | undefined,
    readonly issue: DecodeIssue | undefined,
  ) {
    this.#bytes = bytes;
    this.#start = start;
  }

  get data(): Uint8Array {
    return this.#bytes.subarray(this.#start, this.#start + this.length);
  }

  /** The same extension with another issue (a duplicate's). */
  withIssue(issue: DecodeIssue): BlockExtension {
    return new BlockExtension(this.type, this.#bytes, this.#start, this.length, this.decoded, issue);
  }
}

/**
 * Decodes one extension's data, `bytes[start..end)`, in its context. Unknown types give an
 * extension with only raw data. The decoder reads the data in place (no view of its own), so
 * the offsets it reports are made relative to the data again here.
 */
function decodeExtension(type: number, bytes: Uint8Array, start: number, end: number, context: ExtensionContext): BlockExtension {
  const length = end - start;
  const decoder = DECODERS.get(type);
  if (decoder === undefined) return new BlockExtension(type, bytes, start, length, undefined, undefined);
  const r = new ByteReader(bytes, start, end);
  const result = decoder(r, context);
  if (result === undefined) return new BlockExtension(type, bytes, start, length, undefined, undefined);
  if (!result.ok) return new BlockExtension(type, bytes, start, length, undefined, relativeTo(result.issue, start));
  if (!r.empty()) {
    const issue: DecodeIssue = {
      code: 'tls.ext.trailing_bytes',
      message: `${extensionName(type)} has ${r.remaining} bytes after its value.`,
      offset: r.position - start,
    };
    return new BlockExtension(type, bytes, start, length, result.value, issue);
  }
  return new BlockExtension(type, bytes, start, length, result.value, undefined);
}

/** An issue whose offset counts from `start` of the bytes it was read in. */
function relativeTo(issue: DecodeIssue, start: number): DecodeIssue {
  return issue.offset === undefined ? issue : { code: issue.code, message: issue.message, offset: issue.offset - start };
}

/**
 * Types seen in the block being decoded, one bit each: set as the block is read and cleared
 * before it returns (blocks are decoded one at a time, never one inside another). Not a Set: a
 * long-lived Set, cleared and grown for every message, allocates each new table in the old
 * generation, which then fills with garbage only a full collection frees.
 */
const seenTypes = new Uint8Array(65_536 / 8);

function forgetSeen(extensions: readonly Extension[]): void {
  // Clearing a whole byte is right: every bit set in it belongs to this block.
  for (const e of extensions) seenTypes[e.type >> 3] = 0;
}

/**
 * Decodes an extension block. `reader` holds the contents of the `extensions<0..2^16-1>` vector
 * (after its 2-byte length) and is consumed whole. Fails only when the list itself is malformed
 * (an extension header or length runs past the end); problems inside one extension ride on it as `issue`.
 */
export function decodeExtensions(reader: ByteReader, context: ExtensionContext): Decoded<Extension[]> {
  const out: Extension[] = [];
  const seen = seenTypes;
  // Headers are read in place: a reader and a view per extension cost more than its decoding.
  const bytes = reader.bytes;
  const end = reader.position + reader.remaining;
  let at = reader.position;
  while (at < end) {
    const type = u16At(bytes, at, end);
    const length = u16At(bytes, at + 2, end);
    if (type === undefined || length === undefined || at + 4 + length > end) {
      forgetSeen(out);
      return fail('tls.ext.truncated', 'An extension header or its data runs past the end of the extension list.', at);
    }
    const ext = decodeExtension(type, bytes, at + 4, at + 4 + length, context);
    const bit = 1 << (type & 7);
    if (((seen[type >> 3] as number) & bit) !== 0) {
      // RFC 8446 §4.2: "There MUST NOT be more than one extension of the same type in a given extension block."
      out.push(ext.withIssue({ code: 'tls.ext.duplicate', message: `${extensionName(type)} appears more than once.`, offset: at }));
    } else {
      seen[type >> 3] = (seen[type >> 3] as number) | bit;
      out.push(ext);
    }
    at += 4 + length;
  }
  reader.skip(end - reader.position);
  forgetSeen(out);
  return ok(out);
}
