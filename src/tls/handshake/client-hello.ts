/**
 * ClientHello, RFC 8446 §4.1.2 (RFC 5246 §7.4.1.2).
 *
 *   struct {
 *       ProtocolVersion legacy_version;                     // 0x0303 for TLS 1.2 and 1.3
 *       Random random;                                      // 32 bytes
 *       opaque legacy_session_id<0..32>;
 *       CipherSuite cipher_suites<2..2^16-2>;
 *       opaque legacy_compression_methods<1..2^8-1>;
 *       Extension extensions<8..2^16-1>;                    // absent in some TLS ≤ 1.2 hellos
 *   } ClientHello;
 */
import { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import { decodeExtensions, ExtensionType } from '../extensions/index.js';
import type { CertificateAuthorityName, Extension, ExtensionValue } from '../extensions/types.js';
import { readU16s, readU8s } from '../extensions/read-lists.js';
import { mapNumbers } from '../../util/stable-lists.js';

/** What an ECH extension in a ClientHello shows without keys. */
interface EchOffer {
  /** 0 outer, 1 inner; null when the extension did not decode. */
  readonly echType: number | null;
  readonly configId: number | null;
  readonly kdfId: number | null;
  readonly aeadId: number | null;
}

/** A decoded ClientHello (TLS format or SSLv2-compatible). Absent extensions are `null` (or `false` for flags). */
export interface ClientHello {
  /** True when it arrived as an SSLv2-format CLIENT-HELLO (RFC 5246 app. E.2). */
  readonly isSslv2Format: boolean;
  readonly legacyVersion: number;
  /** 32-byte Random (view); for an SSLv2 hello, the challenge (16..32 bytes). */
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  /** Cipher suites in wire order; SSLv2 cipher kinds that map to no TLS suite are kept as values ≥ 0x10000. */
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: readonly number[];
  /** Whether an extension block was present at all (it may be absent in TLS ≤ 1.2). */
  readonly extensionsPresent: boolean;
  /** Extensions in wire order. */
  readonly extensions: readonly Extension[];
  /** First host_name in server_name. */
  readonly sni: string | null;
  readonly supportedVersions: readonly number[] | null;
  readonly supportedGroups: readonly number[] | null;
  readonly signatureAlgorithms: readonly number[] | null;
  readonly signatureAlgorithmsCert: readonly number[] | null;
  /** ALPN protocol names (latin-1), and the raw bytes for fingerprints. */
  readonly alpn: readonly string[] | null;
  readonly alpnRaw: readonly Uint8Array[] | null;
  readonly keyShareGroups: readonly number[] | null;
  readonly pskKeyExchangeModes: readonly number[] | null;
  readonly preSharedKey: { readonly identities: number; readonly binders: number } | null;
  readonly earlyData: boolean;
  /** status_request status_type (1 = OCSP), or null. */
  readonly statusRequest: number | null;
  readonly extendedMasterSecret: boolean;
  /** renegotiation_info extension present (the SCSV 0x00ff is in cipherSuites). */
  readonly renegotiationInfo: boolean;
  /** session_ticket extension: the ticket's length (0 = asking for one), or null. */
  readonly sessionTicket: number | null;
  readonly encryptThenMac: boolean;
  readonly recordSizeLimit: number | null;
  readonly postHandshakeAuth: boolean;
  readonly compressCertificate: readonly number[] | null;
  readonly ech: EchOffer | null;
  /** padding extension length, or null. */
  readonly padding: number | null;
  readonly ecPointFormats: readonly number[] | null;
  /** certificate_authorities names, or null when absent or kept raw. */
  readonly certificateAuthorities: readonly CertificateAuthorityName[] | null;
}

/** The decoded value of the first extension of `type` when it has the expected kind. */
export function extensionValue<K extends ExtensionValue['kind']>(extensions: readonly Extension[], type: number, kind: K): Extract<ExtensionValue, { kind: K }> | undefined {
  return valueOf(extensions.find((e) => e.type === type), kind);
}

/** The decoded value of `ext` when it has the expected kind. */
/** The groups of a key_share offer, packed whichever tier of V8 runs this (util/stable-lists.ts). */
function keyShareGroups(entries: readonly { readonly group: number }[] | undefined): number[] | null {
  return entries === undefined ? null : mapNumbers(entries, (e) => e.group);
}

function valueOf<K extends ExtensionValue['kind']>(ext: Extension | undefined, kind: K): Extract<ExtensionValue, { kind: K }> | undefined {
  const v = ext?.decoded;
  return v !== undefined && v.kind === kind ? (v as Extract<ExtensionValue, { kind: K }>) : undefined;
}

/** The first extension of each type a ClientHello's fields are read from (a later duplicate carries its own issue). */
interface HelloExtensions {
  serverName: Extension | undefined;
  alpn: Extension | undefined;
  preSharedKey: Extension | undefined;
  statusRequest: Extension | undefined;
  sessionTicket: Extension | undefined;
  encryptedClientHello: Extension | undefined;
  padding: Extension | undefined;
  supportedVersions: Extension | undefined;
  supportedGroups: Extension | undefined;
  signatureAlgorithms: Extension | undefined;
  signatureAlgorithmsCert: Extension | undefined;
  keyShare: Extension | undefined;
  pskKeyExchangeModes: Extension | undefined;
  earlyData: Extension | undefined;
  extendedMasterSecret: Extension | undefined;
  renegotiationInfo: Extension | undefined;
  encryptThenMac: Extension | undefined;
  recordSizeLimit: Extension | undefined;
  postHandshakeAuth: Extension | undefined;
  compressCertificate: Extension | undefined;
  ecPointFormats: Extension | undefined;
  certificateAuthorities: Extension | undefined;
}

/**
 * One pass over the block into one object with every field from the start (one shape for every
 * hello): no map per hello, and this runs for every ClientHello.
 */
function helloExtensions(extensions: readonly Extension[]): HelloExtensions {
  const x: HelloExtensions = {
    serverName: undefined,
    alpn: undefined,
    preSharedKey: undefined,
    statusRequest: undefined,
    sessionTicket: undefined,
    encryptedClientHello: undefined,
    padding: undefined,
    supportedVersions: undefined,
    supportedGroups: undefined,
    signatureAlgorithms: undefined,
    signatureAlgorithmsCert: undefined,
    keyShare: undefined,
    pskKeyExchangeModes: undefined,
    earlyData: undefined,
    extendedMasterSecret: undefined,
    renegotiationInfo: undefined,
    encryptThenMac: undefined,
    recordSizeLimit: undefined,
    postHandshakeAuth: undefined,
    compressCertificate: undefined,
    ecPointFormats: undefined,
    certificateAuthorities: undefined,
  };
  for (const e of extensions) {
    switch (e.type) {
      case ExtensionType.serverName:
        x.serverName ??= e;
        break;
      case ExtensionType.alpn:
        x.alpn ??= e;
        break;
      case ExtensionType.preSharedKey:
        x.preSharedKey ??= e;
        break;
      case ExtensionType.statusRequest:
        x.statusRequest ??= e;
        break;
      case ExtensionType.sessionTicket:
        x.sessionTicket ??= e;
        break;
      case ExtensionType.encryptedClientHello:
        x.encryptedClientHello ??= e;
        break;
      case ExtensionType.padding:
        x.padding ??= e;
        break;
      case ExtensionType.supportedVersions:
        x.supportedVersions ??= e;
        break;
      case ExtensionType.supportedGroups:
        x.supportedGroups ??= e;
        break;
      case ExtensionType.signatureAlgorithms:
        x.signatureAlgorithms ??= e;
        break;
      case ExtensionType.signatureAlgorithmsCert:
        x.signatureAlgorithmsCert ??= e;
        break;
      case ExtensionType.keyShare:
        x.keyShare ??= e;
        break;
      case ExtensionType.pskKeyExchangeModes:
        x.pskKeyExchangeModes ??= e;
        break;
      case ExtensionType.earlyData:
        x.earlyData ??= e;
        break;
      case ExtensionType.extendedMasterSecret:
        x.extendedMasterSecret ??= e;
        break;
      case ExtensionType.renegotiationInfo:
        x.renegotiationInfo ??= e;
        break;
      case ExtensionType.encryptThenMac:
        x.encryptThenMac ??= e;
        break;
      case ExtensionType.recordSizeLimit:
        x.recordSizeLimit ??= e;
        break;
      case ExtensionType.postHandshakeAuth:
        x.postHandshakeAuth ??= e;
        break;
      case ExtensionType.compressCertificate:
        x.compressCertificate ??= e;
        break;
      case ExtensionType.ecPointFormats:
        x.ecPointFormats ??= e;
        break;
      case ExtensionType.certificateAuthorities:
        x.certificateAuthorities ??= e;
        break;
    }
  }
  return x;
}

/** Builds a ClientHello with the convenience fields derived from its extensions. */
export function buildClientHello(base: {
  isSslv2Format: boolean;
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: readonly number[];
  compressionMethods: readonly number[];
  extensionsPresent: boolean;
  extensions: readonly Extension[];
}): ClientHello {
  const x = helloExtensions(base.extensions);
  const sniList = valueOf(x.serverName, 'server_name');
  const sni = sniList?.names.find((n) => n.nameType === 0)?.name ?? null;
  const alpn = valueOf(x.alpn, 'alpn');
  const psk = valueOf(x.preSharedKey, 'pre_shared_key_offer');
  const status = valueOf(x.statusRequest, 'status_request');
  const ticket = valueOf(x.sessionTicket, 'session_ticket');
  const echValue = valueOf(x.encryptedClientHello, 'ech_client_hello');
  // Fields listed one by one rather than spread: a spread followed by 25 more properties makes a slow
  // dictionary-mode object, and this runs for every ClientHello.
  return {
    isSslv2Format: base.isSslv2Format,
    legacyVersion: base.legacyVersion,
    random: base.random,
    sessionId: base.sessionId,
    cipherSuites: base.cipherSuites,
    compressionMethods: base.compressionMethods,
    extensionsPresent: base.extensionsPresent,
    extensions: base.extensions,
    sni,
    supportedVersions: valueOf(x.supportedVersions, 'supported_versions')?.versions ?? null,
    supportedGroups: valueOf(x.supportedGroups, 'supported_groups')?.groups ?? null,
    signatureAlgorithms: valueOf(x.signatureAlgorithms, 'signature_algorithms')?.schemes ?? null,
    signatureAlgorithmsCert: valueOf(x.signatureAlgorithmsCert, 'signature_algorithms')?.schemes ?? null,
    alpn: alpn?.protocols ?? null,
    alpnRaw: alpn?.raw ?? null,
    keyShareGroups: keyShareGroups(valueOf(x.keyShare, 'key_share_offer')?.entries),
    pskKeyExchangeModes: valueOf(x.pskKeyExchangeModes, 'psk_key_exchange_modes')?.modes ?? null,
    preSharedKey: psk === undefined ? null : { identities: psk.identities, binders: psk.binders },
    earlyData: x.earlyData !== undefined,
    statusRequest: status?.statusType ?? null,
    extendedMasterSecret: x.extendedMasterSecret !== undefined,
    renegotiationInfo: x.renegotiationInfo !== undefined,
    sessionTicket: ticket?.ticketLength ?? null,
    encryptThenMac: x.encryptThenMac !== undefined,
    recordSizeLimit: valueOf(x.recordSizeLimit, 'record_size_limit')?.limit ?? null,
    postHandshakeAuth: x.postHandshakeAuth !== undefined,
    compressCertificate: valueOf(x.compressCertificate, 'compress_certificate')?.algorithms ?? null,
    ech:
      x.encryptedClientHello === undefined
        ? null
        : {
            echType: echValue?.echType ?? null,
            configId: echValue?.configId ?? null,
            kdfId: echValue?.kdfId ?? null,
            aeadId: echValue?.aeadId ?? null,
          },
    padding: x.padding === undefined ? null : x.padding.length,
    ecPointFormats: valueOf(x.ecPointFormats, 'ec_point_formats')?.formats ?? null,
    certificateAuthorities: valueOf(x.certificateAuthorities, 'certificate_authorities')?.names ?? null,
  };
}

/** Decodes a ClientHello handshake body (after the 4-byte handshake header). */
export function decodeClientHello(body: Uint8Array): Decoded<ClientHello> {
  const r = new ByteReader(body);
  const legacyVersion = r.u16();
  const random = r.bytesView(32);
  if (legacyVersion === undefined || random === undefined) {
    return fail('tls.handshake.client_hello.truncated', 'ClientHello ends before its version and random.', r.position);
  }
  const sessionId = r.vec8();
  if (sessionId === undefined) return fail('tls.handshake.client_hello.truncated', 'ClientHello legacy_session_id is truncated.', r.position);
  if (sessionId.remaining > 32) {
    return fail('tls.handshake.client_hello.bad_session_id', `ClientHello legacy_session_id is ${sessionId.remaining} bytes (at most 32).`, r.position);
  }
  const suites = r.vec16();
  const cipherSuites = suites === undefined ? undefined : readU16s(suites);
  if (cipherSuites === undefined) return fail('tls.handshake.client_hello.truncated', 'ClientHello cipher_suites is truncated or odd-sized.', r.position);
  const compression = r.vec8();
  if (compression === undefined) return fail('tls.handshake.client_hello.truncated', 'ClientHello legacy_compression_methods is truncated.', r.position);
  let extensionsPresent = false;
  let extensions: Extension[] = [];
  if (!r.empty()) {
    extensionsPresent = true;
    const block = r.vec16();
    if (block === undefined) return fail('tls.handshake.client_hello.truncated', 'ClientHello extensions are truncated.', r.position);
    const decoded = decodeExtensions(block, 'client_hello');
    if (!decoded.ok) return decoded;
    extensions = decoded.value;
    if (!r.empty()) {
      return fail('tls.handshake.client_hello.trailing_bytes', `ClientHello has ${r.remaining} bytes after its extensions.`, r.position);
    }
  }
  return ok(
    buildClientHello({
      isSslv2Format: false,
      legacyVersion,
      random,
      sessionId: sessionId.rest(),
      cipherSuites,
      compressionMethods: readU8s(compression),
      extensionsPresent,
      extensions,
    }),
  );
}
