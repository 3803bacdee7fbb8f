/**
 * Which TLS implementation is each side? Read from what a stack writes the same way every time:
 * the ClientHello's cipher-suite order, the order and set of its extensions, its groups and
 * signature schemes, the ServerHello's extension order, and TLS 1.3 record padding.
 *
 * Each signature below was taken from real handshakes (the project's own OpenSSL/Node and JSSE
 * fixtures, and the third-party captures of Zeek, Suricata and FoxIO: OpenJDK 25, Chrome,
 * Firefox, Go, wolfSSL, OpenSSL 1.0–3.x servers) and is listed with its origin in
 * docs/stacks.md. A stack is named only when a signature matches; otherwise the answer is null,
 * and advice that depends on the stack is phrased conditionally.
 */
import { isGrease } from '../tls/registry/names.js';
import { ListsCache } from '../util/clearing-cache.js';
import type { ClientHelloInfo, ServerHelloInfo } from './handshake-info.js';

/** Stable identifiers of the stacks this module tells apart. */
export type StackName = 'java' | 'openssl' | 'nodejs' | 'curl' | 'go' | 'schannel' | 'chromium' | 'firefox' | 'safari';

type StackConfidence = 'high' | 'medium' | 'low';

export interface StackIdentity {
  readonly name: StackName;
  /** For people: "Java 13–23 (JSSE)", "Node.js (OpenSSL)". */
  readonly label: string;
  readonly confidence: StackConfidence;
  /** The observations the name rests on, in words. */
  readonly basis: readonly string[];
}

/** RFC 6066 / RFC 6961 / RFC 8446 extension codes the signatures use. */
const EXT = {
  serverName: 0,
  statusRequest: 5,
  supportedGroups: 10,
  ecPointFormats: 11,
  signatureAlgorithms: 13,
  alpn: 16,
  statusRequestV2: 17,
  signedCertificateTimestamp: 18,
  encryptThenMac: 22,
  extendedMasterSecret: 23,
  recordSizeLimit: 28,
  delegatedCredentials: 34,
  sessionTicket: 35,
  signatureAlgorithmsCert: 50,
  applicationSettings: 17513,
  applicationSettingsNew: 17613,
  renegotiationInfo: 0xff01,
} as const;

const TLS13_SUITES = new Set([0x1301, 0x1302, 0x1303, 0x1304, 0x1305]);
/** TLS_RSA_WITH_AES_* (static RSA key exchange): JDK 24 disabled them by default. */
const STATIC_RSA_AES = new Set([0x002f, 0x0035, 0x003c, 0x003d, 0x009c, 0x009d]);

/**
 * Node.js's default cipher list after its TLS 1.3 suites (`tls.DEFAULT_CIPHERS`): ECDHE-RSA
 * before ECDHE-ECDSA, AES-128 first — unlike OpenSSL's own default, which starts with AES-256.
 */
const NODE_TLS12_PREFIX = [0xc02f, 0xc02b, 0xc030, 0xc02c, 0x009e, 0xc027, 0x0067, 0xc028, 0x006b];
/** OpenSSL's default order (1.0.2 to 3.x) after the TLS 1.3 suites. */
const OPENSSL_TLS12_PREFIX = [0xc02c, 0xc030, 0x009f, 0xcca9, 0xcca8, 0xccaa, 0xc02b, 0xc02f, 0x009e];
/** Windows SChannel (.NET, PowerShell, Windows services) after its TLS 1.3 suites. */
const SCHANNEL_TLS12_PREFIX = [0xc02c, 0xc02b, 0xc030, 0xc02f, 0x009f, 0x009e, 0xc024, 0xc023, 0xc028, 0xc027];
/** Firefox (NSS): TLS 1.3 suites with ChaCha20 second, then ECDSA-first AES-128. */
const FIREFOX_PREFIX = [0x1301, 0x1303, 0x1302, 0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc02c, 0xc030];

function startsWith(list: readonly number[], prefix: readonly number[]): boolean {
  return prefix.every((v, i) => list[i] === v);
}

/** `list` without GREASE values and without the TLS 1.3 suites at its head. */
function afterTls13Suites(suites: readonly number[]): number[] {
  const real = suites.filter((s) => !isGrease(s));
  let i = 0;
  while (i < real.length && TLS13_SUITES.has(real[i] ?? -1)) i++;
  return real.slice(i);
}

/** Whether `order` lists the `expected` extensions in that relative order (others may sit between). */
function inRelativeOrder(order: readonly number[], expected: readonly number[]): boolean {
  let at = -1;
  for (const code of expected) {
    const next = order.indexOf(code);
    if (next <= at) return false;
    at = next;
  }
  return true;
}

/**
 * JSSE (SunJSSE) writes its extensions in the order of its `SSLExtension` enum and is the only
 * common stack that offers status_request_v2 (RFC 6961); the version range follows from what
 * its defaults gained or lost: ChaCha20 in JDK 12, session_ticket in JDK 13, static-RSA suites
 * disabled in JDK 24.
 */
function javaClient(ch: ClientHelloInfo): StackIdentity | null {
  const ext = ch.extensions;
  if (!ext.includes(EXT.statusRequestV2)) return javaTls13OnlyClient(ch);
  const basis = ['offers status_request_v2 (only JSSE does by default)'];
  const javaOrder = inRelativeOrder(ext, [EXT.statusRequest, EXT.supportedGroups, EXT.ecPointFormats, EXT.statusRequestV2, EXT.extendedMasterSecret]);
  if (javaOrder) basis.push('extensions in JSSE order (status_request, supported_groups, ec_point_formats, status_request_v2, extended_master_secret)');
  const ffdhe = ch.supportedGroups.some((g) => g >= 256 && g <= 260);
  if (ffdhe) basis.push('offers the ffdhe groups');
  if (ext.includes(EXT.signatureAlgorithmsCert)) basis.push('sends signature_algorithms_cert');
  const tls13 = ch.versions.includes(0x0304);
  let range: string | null;
  if (!tls13) range = '8';
  else {
    const chacha = ch.cipherSuites.includes(0x1303);
    const tickets = ext.includes(EXT.sessionTicket);
    const staticRsa = ch.cipherSuites.some((s) => STATIC_RSA_AES.has(s));
    if (!chacha) range = '11';
    else if (!tickets) range = '12';
    else range = staticRsa ? '13–23' : '24+';
    basis.push(`defaults of Java ${range} (${chacha ? 'ChaCha20' : 'no ChaCha20'}, ${tickets ? 'session_ticket' : 'no session_ticket'}, ${staticRsa ? 'static-RSA suites' : 'no static-RSA suites'})`);
  }
  const label = range === '8' ? 'Java 8 or a JDK with TLS 1.3 disabled (JSSE)' : `Java ${range} (JSSE)`;
  return { name: 'java', label, confidence: javaOrder ? 'high' : 'medium', basis };
}

/** JSSE's default named groups (JDK 11+), in its order: x25519, secp256r1, secp384r1, secp521r1, x448, then the ffdhe groups. */
const JSSE_GROUPS = [29, 23, 24, 25, 30, 256, 257, 258, 259, 260];
/** JSSE's TLS 1.3 suites: AES-256 first, unlike OpenSSL, Go and the browsers. */
const JSSE_TLS13_SUITES = [0x1302, 0x1301];

/**
 * A JSSE client limited to TLS 1.3 (jdk.tls.client.protocols=TLSv1.3) writes no TLS 1.2
 * extension, status_request_v2 included; its groups, suite order and signature_algorithms_cert
 * still say JSSE.
 */
function javaTls13OnlyClient(ch: ClientHelloInfo): StackIdentity | null {
  const suites = ch.cipherSuites.filter((s) => !isGrease(s));
  if (!startsWith(ch.supportedGroups, JSSE_GROUPS) || !startsWith(suites, JSSE_TLS13_SUITES) || !ch.extensions.includes(EXT.signatureAlgorithmsCert)) return null;
  if (ch.versions.some((v) => v !== 0x0304 && !isGrease(v))) return null;
  const chacha = suites.includes(0x1303);
  return {
    name: 'java',
    label: `Java ${chacha ? '12+' : '11+'} (JSSE, TLS 1.3 only)`,
    confidence: 'high',
    basis: [
      "JSSE's default groups in its order (x25519, secp256r1, secp384r1, secp521r1, x448, ffdhe2048…8192)",
      "JSSE's TLS 1.3 suite order (TLS_AES_256_GCM_SHA384 first)",
      'sends signature_algorithms_cert',
      `offers TLS 1.3 only, so no TLS 1.2 extension (status_request_v2 among them)${chacha ? '; ChaCha20 (JDK 12+)' : ''}`,
    ],
  };
}

/** OpenSSL's extension order: ec_point_formats, supported_groups, then encrypt_then_mac before extended_master_secret. */
function opensslFamilyClient(ch: ClientHelloInfo): StackIdentity | null {
  const ext = ch.extensions;
  const openSslOrder =
    ext.includes(EXT.encryptThenMac) &&
    inRelativeOrder(ext, [EXT.ecPointFormats, EXT.supportedGroups, EXT.encryptThenMac, EXT.extendedMasterSecret, EXT.signatureAlgorithms]);
  if (!openSslOrder || ext.some(isGrease)) return null;
  const basis = ['extensions in OpenSSL order (ec_point_formats, supported_groups, encrypt_then_mac, extended_master_secret, signature_algorithms)'];
  const tls12 = afterTls13Suites(ch.cipherSuites);
  if (startsWith(tls12, NODE_TLS12_PREFIX)) {
    basis.push("Node.js's default cipher order (ECDHE-RSA-AES128-GCM first)");
    return { name: 'nodejs', label: 'Node.js (OpenSSL)', confidence: 'high', basis };
  }
  const openSslDefaults = startsWith(tls12, OPENSSL_TLS12_PREFIX);
  if (openSslDefaults) basis.push("OpenSSL's default cipher order");
  const alpn = ch.alpn.join(',');
  if (openSslDefaults && (alpn === 'h2,http/1.1' || alpn === 'http/1.1')) {
    basis.push(`ALPN ${alpn} with OpenSSL's defaults, as curl sends`);
    return { name: 'curl', label: 'curl (OpenSSL)', confidence: 'low', basis };
  }
  return { name: 'openssl', label: 'OpenSSL', confidence: openSslDefaults ? 'high' : 'medium', basis };
}

/** Go's crypto/tls lists its TLS 1.3 suites last and sends renegotiation_info and SCT early. */
function goClient(ch: ClientHelloInfo): StackIdentity | null {
  const real = ch.cipherSuites.filter((s) => !isGrease(s));
  const tail = real.slice(-3);
  const tls13Last = tail.length === 3 && tail.every((s) => TLS13_SUITES.has(s)) && !TLS13_SUITES.has(real[0] ?? -1);
  if (!tls13Last) return null;
  const goOrder = inRelativeOrder(ch.extensions, [EXT.serverName, EXT.statusRequest, EXT.supportedGroups, EXT.ecPointFormats, EXT.signatureAlgorithms, EXT.renegotiationInfo]);
  if (!goOrder) return null;
  return {
    name: 'go',
    label: 'Go (crypto/tls)',
    confidence: 'high',
    basis: ['TLS 1.3 suites listed last', 'extensions in crypto/tls order (server_name, status_request, supported_groups, ec_point_formats, signature_algorithms, renegotiation_info)'],
  };
}

function browserClient(ch: ClientHelloInfo): StackIdentity | null {
  const ext = ch.extensions;
  const grease = ext.some(isGrease) || ch.cipherSuites.some(isGrease);
  if (grease && (ext.includes(EXT.applicationSettings) || ext.includes(EXT.applicationSettingsNew))) {
    return { name: 'chromium', label: 'Chromium-based browser (Chrome, Edge) or BoringSSL client', confidence: 'high', basis: ['GREASE values', 'offers application_settings (ALPS), a Chromium extension'] };
  }
  if (!grease && startsWith(ch.cipherSuites, FIREFOX_PREFIX) && ext.includes(EXT.recordSizeLimit)) {
    const basis = ["NSS's cipher order (TLS_AES_128_GCM, ChaCha20, TLS_AES_256_GCM, then ECDSA first)", 'offers record_size_limit'];
    if (ext.includes(EXT.delegatedCredentials)) basis.push('offers delegated_credentials');
    return { name: 'firefox', label: 'Firefox (NSS)', confidence: 'high', basis };
  }
  if (grease && ch.cipherSuites.includes(0xc008)) {
    return { name: 'safari', label: 'Safari or another Apple client', confidence: 'low', basis: ['GREASE values without ALPS', 'still offers 3DES-ECDSA (0xc008), as Apple clients do'] };
  }
  return null;
}

function schannelClient(ch: ClientHelloInfo): StackIdentity | null {
  if (!startsWith(afterTls13Suites(ch.cipherSuites), SCHANNEL_TLS12_PREFIX)) return null;
  if (ch.extensions.includes(EXT.encryptThenMac) || ch.extensions.some(isGrease)) return null;
  return { name: 'schannel', label: '.NET / Windows (SChannel)', confidence: 'medium', basis: ["SChannel's cipher order (ECDHE-ECDSA-AES256-GCM, ECDHE-ECDSA-AES128-GCM, then RSA)"] };
}

/**
 * Client stacks remembered by the ClientHello fields the signatures read (suites, extensions,
 * groups, versions, ALPN): a capture repeats a handful of clients, and comparing the lists costs
 * less than the signatures' list walks. Bounded in entries and in the values of one key (a longer
 * hello is identified each time); when full the map is cleared. The identities are read-only and shared.
 */
const MAX_CLIENT_STACK_CACHE = 1024;
const MAX_CLIENT_STACK_CACHE_VALUES = 512;
const clientStacks = new ListsCache<StackIdentity | null>(MAX_CLIENT_STACK_CACHE, MAX_CLIENT_STACK_CACHE_VALUES);

/** The client's stack from its ClientHello, or null when no signature matches. */
export function identifyClientStack(ch: ClientHelloInfo | null): StackIdentity | null {
  if (ch === null || ch.sslv2Format) return null;
  const lists = [ch.cipherSuites, ch.extensions, ch.supportedGroups, ch.versions];
  const known = clientStacks.get(lists, ch.alpn);
  if (known !== undefined) return known;
  const stack = clientStackOf(ch);
  clientStacks.set(lists, ch.alpn, stack);
  return stack;
}

function clientStackOf(ch: ClientHelloInfo): StackIdentity | null {
  return javaClient(ch) ?? goClient(ch) ?? browserClient(ch) ?? opensslFamilyClient(ch) ?? schannelClient(ch);
}

/** What the server side showed beyond its ServerHello. */
export interface ServerEvidence {
  /** Bytes every TLS 1.3 record of the server carries beyond its content, when learned. */
  readonly tls13RecordPadding: number | null;
}

/**
 * The server's stack from its ServerHello and how it pads TLS 1.3 records. A ServerHello has
 * few extensions, so only orders that one family writes are used: OpenSSL puts
 * renegotiation_info first, JSSE last (its enum order); JSSE pads every TLS 1.3 record by 16
 * bytes. A TLS 1.3 ServerHello (supported_versions and key_share, in either order) says too
 * little: BoringSSL and wolfSSL both write key_share first.
 */
export function identifyServerStack(sh: ServerHelloInfo | null, evidence: ServerEvidence): StackIdentity | null {
  if (sh === null || sh.isHelloRetryRequest) return null;
  if (evidence.tls13RecordPadding === JSSE_TLS13_PADDING) {
    return { name: 'java', label: 'Java (JSSE)', confidence: 'high', basis: [`every TLS 1.3 record padded by ${JSSE_TLS13_PADDING} bytes, as JSSE does`] };
  }
  const ext = sh.extensions;
  const last = ext[ext.length - 1];
  if (sh.version !== 0x0304 && ext.length >= 2 && last === EXT.renegotiationInfo) {
    return { name: 'java', label: 'Java (JSSE)', confidence: 'medium', basis: ['ServerHello extensions in JSSE order (renegotiation_info last)'] };
  }
  if (sh.version !== 0x0304 && ext[0] === EXT.renegotiationInfo && ext.includes(EXT.ecPointFormats)) {
    return { name: 'openssl', label: 'OpenSSL or derived (BoringSSL, LibreSSL, Node.js)', confidence: 'medium', basis: ['ServerHello extensions in OpenSSL order (renegotiation_info first, then ec_point_formats)'] };
  }
  return null;
}

/** Both sides' stacks, as the verdict and the report carry them. */
export interface ConnectionStacks {
  readonly client: StackIdentity | null;
  readonly server: StackIdentity | null;
}

/**
 * Both stacks of one handshake: the client's as identified from its ClientHello (once, by the
 * judge), the server's from its ServerHello and the TLS 1.3 record padding the inference learned
 * (null without one: with a key log the sizes are not read).
 */
export function identifyStacks(client: StackIdentity | null, serverHello: ServerHelloInfo | null, serverPadding: number | null): ConnectionStacks {
  return { client, server: identifyServerStack(serverHello, { tls13RecordPadding: serverPadding }) };
}

/** Zero bytes JSSE (OpenJDK 11–25) adds to every TLS 1.3 record it protects. */
export const JSSE_TLS13_PADDING = 16;
