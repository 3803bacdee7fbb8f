/**
 * Analysis-level views of the handshake messages: the facts rules and reports use, with
 * wire codes kept as numbers. Built from the TLS layer's decoded messages by
 * `handshake-info-from.ts`, so the rest of the analysis does not depend on decoder details.
 */

export interface ClientHelloInfo {
  readonly legacyVersion: number;
  /** Versions offered, in the client's order: supported_versions when present (GREASE kept), else legacy_version alone. */
  readonly versions: readonly number[];
  readonly supportedVersionsExtension: boolean;
  /** Cipher suites in wire order (GREASE kept; renderers drop it). */
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: readonly number[];
  /** Extension types in wire order. */
  readonly extensions: readonly number[];
  readonly sni: string | null;
  readonly alpn: readonly string[];
  readonly supportedGroups: readonly number[];
  readonly keyShareGroups: readonly number[];
  readonly signatureAlgorithms: readonly number[];
  readonly sessionIdLength: number;
  /** Session id as lower-case hex (empty string when none); TLS 1.2 resumption echoes it. */
  readonly sessionId: string;
  /** A non-empty session_ticket extension (resumption attempt). */
  readonly sessionTicketOffered: boolean;
  readonly pskOffered: boolean;
  readonly earlyData: boolean;
  readonly postHandshakeAuth: boolean;
  /** Distinguished names from the certificate_authorities extension. */
  readonly certificateAuthorities: readonly string[];
  readonly echOffered: boolean;
  /** TLS_EMPTY_RENEGOTIATION_INFO_SCSV or the renegotiation_info extension. */
  readonly secureRenegotiation: boolean;
  /** TLS_FALLBACK_SCSV (RFC 7507). */
  readonly fallbackScsv: boolean;
  readonly sslv2Format: boolean;
  /** Client random, lower-case hex (matches a key log's CLIENT_RANDOM). */
  readonly random: string;
  /** Null for an SSLv2-format ClientHello, which JA3 does not cover. */
  readonly ja3: string | null;
  readonly ja3Hash: string | null;
  readonly ja4: string;
  readonly ja4r: string;
  /** Problems found while decoding (extension trailing bytes, duplicates, …). */
  readonly issues: readonly string[];
}

export interface ServerHelloInfo {
  readonly legacyVersion: number;
  /** The negotiated version: supported_versions when present, else legacy_version. */
  readonly version: number;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  readonly extensions: readonly number[];
  readonly sessionId: string;
  readonly alpn: string | null;
  readonly keyShareGroup: number | null;
  readonly pskSelected: boolean;
  readonly extendedMasterSecret: boolean;
  readonly secureRenegotiation: boolean;
  readonly isHelloRetryRequest: boolean;
  readonly hrrGroup: number | null;
  /** TLS 1.3 downgrade sentinel in the server random (RFC 8446 §4.1.3). */
  readonly downgradeSentinel: 'tls12' | 'tls11' | null;
  readonly random: string;
  readonly ja3s: string;
  readonly ja3sHash: string;
  readonly issues: readonly string[];
}

export interface CertificateRequestInfo {
  readonly tls13: boolean;
  /** TLS ≤ 1.2 ClientCertificateType codes (1 rsa_sign, 2 dss_sign, 64 ecdsa_sign, …). */
  readonly certificateTypes: readonly number[];
  readonly signatureAlgorithms: readonly number[];
  /** TLS 1.3 signature_algorithms_cert when the request carries it (JSSE derives the key types it asks for from it); else null. */
  readonly signatureAlgorithmsCert: readonly number[] | null;
  /** The CAs whose certificates the server accepts, as distinguished names (empty = any). */
  readonly certificateAuthorities: readonly string[];
  /**
   * Why the TLS 1.3 certificate_authorities extension could not be read ("the
   * certificate_authorities list is empty", which RFC 8446 forbids), or null when it is absent or
   * well formed. Java clients refuse such a request with decode_error.
   */
  readonly badCertificateAuthorities: string | null;
}

export interface KeyExchangeInfo {
  /** From the cipher suite: ECDHE, DHE, RSA, PSK, … (TLS 1.3: the key_share group decides). */
  readonly method: string;
  readonly group: number | null;
  /** Size of the DH prime in bits (DHE). */
  readonly dhBits: number | null;
  /** Signature scheme of the ServerKeyExchange signature (TLS 1.2). */
  readonly signatureScheme: number | null;
}
