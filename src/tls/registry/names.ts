/**
 * Names for TLS wire codes, built once from the generated registries.
 *
 * Raw codes stay in the data; these functions give names at the edge (STYLE practice 4):
 * an IANA name, `GREASE(0x0a0a)` for RFC 8701 values, or `unknown(0x1234)` — never a bare "Unknown".
 */
import { ALERT_ROWS } from './alerts.js';
import { CIPHER_SUITE_ROWS, type CipherSuiteRow } from './cipher-suites.js';
import { EXTENSION_ROWS } from './extensions.js';
import { GROUP_ROWS } from './groups.js';
import { HANDSHAKE_TYPE_ROWS } from './handshake-types.js';
import { SIGNATURE_SCHEME_ROWS } from './signature-schemes.js';
import { VERSION_ROWS } from './versions.js';

export type { CipherSuiteRow } from './cipher-suites.js';

/** `0x0a0a` style, four lower-case hex digits. */
function hex16(n: number): string {
  return `0x${(n & 0xffff).toString(16).padStart(4, '0')}`;
}

/** RFC 8701 GREASE: both bytes equal and the low nibble of each is 0xa (0x0a0a, 0x1a1a … 0xfafa). */
export function isGrease(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffff && (n & 0x0f0f) === 0x0a0a && n >> 8 === (n & 0xff);
}

function unknown16(n: number): string {
  return `unknown(${hex16(n)})`;
}

function grease(n: number): string {
  return `GREASE(${hex16(n)})`;
}

/**
 * A registry indexed by its code (the codes are 8- or 16-bit): a 16-bit slot per code holding
 * the entry's position + 1 (0: none), so a lookup is two loads, not a hash. A typed array is
 * allocated zeroed in one step; an array of 65,536 values (most tables reach 0xff.. codes) had
 * to be filled at every start-up, several milliseconds per table.
 */
interface CodeTable<T> {
  readonly slots: Uint16Array;
  readonly values: readonly T[];
}

function codeTable<T>(rows: Iterable<readonly [number, T]>): CodeTable<T> {
  const slots = new Uint16Array(0x10000);
  const values: T[] = [];
  // The first row wins: a later duplicate (e.g. the legacy padding code) must not rename the IANA value.
  for (const [v, value] of rows) {
    if (Number.isInteger(v) && v >= 0 && v <= 0xffff && slots[v] === 0) {
      values.push(value);
      slots[v] = values.length;
    }
  }
  return { slots, values };
}

function table(rows: readonly (readonly [number, string])[], skipGrease: boolean): CodeTable<string> {
  return codeTable(rows.filter(([v]) => !(skipGrease && isGrease(v))));
}

/** The entry of a wire code, or undefined (also for values that are not 16-bit integers). */
function lookup<T>(t: CodeTable<T>, n: number): T | undefined {
  const slot = t.slots[n];
  return slot === undefined || slot === 0 ? undefined : t.values[slot - 1];
}

const cipherSuites = codeTable(CIPHER_SUITE_ROWS.map((row) => [row.code, row] as const));
const alerts = table(ALERT_ROWS, false);
const extensions = table(EXTENSION_ROWS, true);
const groups = table(GROUP_ROWS, true);
const handshakeTypes = table(HANDSHAKE_TYPE_ROWS, false);
const signatureSchemes = table(SIGNATURE_SCHEME_ROWS, true);
const versionShort = table(VERSION_ROWS, false);

/** Properties of a cipher suite (key exchange, authentication, cipher, mode, key bits, MAC, PRF), or undefined when unregistered. */
export function cipherSuiteInfo(n: number): CipherSuiteRow | undefined {
  return lookup(cipherSuites, n);
}

/** IANA cipher suite name, e.g. `TLS_AES_128_GCM_SHA256`; SSLv2 cipher kinds (≥ 0x10000) as `SSL2(0x010080)`. */
export function cipherSuiteName(n: number): string {
  if (isGrease(n)) return grease(n);
  const row = lookup(cipherSuites, n);
  if (row !== undefined) return row.name;
  if (n > 0xffff && n <= 0xffffff) return sslv2CipherKindName(n);
  return unknown16(n);
}

/** SSLv2 CIPHER-KINDs (RFC 6101 app. E / draft-hickman-netscape-ssl-00). */
const SSL2_CIPHER_KINDS = new Map<number, string>([
  [0x010080, 'SSL2_RC4_128_WITH_MD5'],
  [0x020080, 'SSL2_RC4_128_EXPORT40_WITH_MD5'],
  [0x030080, 'SSL2_RC2_128_CBC_WITH_MD5'],
  [0x040080, 'SSL2_RC2_128_CBC_EXPORT40_WITH_MD5'],
  [0x050080, 'SSL2_IDEA_128_CBC_WITH_MD5'],
  [0x060040, 'SSL2_DES_64_CBC_WITH_MD5'],
  [0x0700c0, 'SSL2_DES_192_EDE3_CBC_WITH_MD5'],
]);

function sslv2CipherKindName(n: number): string {
  return SSL2_CIPHER_KINDS.get(n) ?? `unknown(0x${n.toString(16).padStart(6, '0')})`;
}

/** Alert description name, e.g. `handshake_failure`; unknown as `unknown(109)`. */
export function alertName(n: number): string {
  return lookup(alerts, n) ?? `unknown(${n})`;
}

/** Extension type name, e.g. `server_name`. */
export function extensionName(n: number): string {
  if (isGrease(n)) return grease(n);
  return lookup(extensions, n) ?? unknown16(n);
}

/** Supported group name, e.g. `x25519`, `X25519MLKEM768`. */
export function groupName(n: number): string {
  if (isGrease(n)) return grease(n);
  return lookup(groups, n) ?? unknown16(n);
}

/** Handshake message type name, e.g. `client_hello`; unknown as `unknown(99)`. */
export function handshakeTypeName(n: number): string {
  return lookup(handshakeTypes, n) ?? `unknown(${n})`;
}

const HASH_NAMES = ['none', 'md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
const SIG_NAMES = ['anonymous', 'rsa', 'dsa', 'ecdsa'] as const;

/**
 * Signature scheme name. TLS 1.3 SignatureScheme names from the registry (`rsa_pss_rsae_sha256`, `rsa_pkcs1_sha256`);
 * other TLS 1.2 (hash, signature) pairs (RFC 5246 §7.4.1.4.1) as `sha224_ecdsa`, `sha256_dsa`.
 */
export function signatureSchemeName(n: number): string {
  if (isGrease(n)) return grease(n);
  const known = lookup(signatureSchemes, n);
  if (known !== undefined) return known;
  const hash = HASH_NAMES[n >> 8];
  const sig = SIG_NAMES[n & 0xff];
  if (n >= 0 && n <= 0xffff && hash !== undefined && sig !== undefined) return `${hash}_${sig}`;
  return unknown16(n);
}

/** Facebook and Google TLS 1.3 experiment codes as Wireshark names them. */
const EXPERIMENT_VERSIONS: readonly (readonly [number, string])[] = [
  [0xfb17, 'TLS 1.3 (Facebook draft 23)'],
  [0xfb1a, 'TLS 1.3 (Facebook draft 26)'],
  [0x7e01, 'TLS 1.3 (Google experiment 1)'],
  [0x7e02, 'TLS 1.3 (Google experiment 2)'],
  [0x7e03, 'TLS 1.3 (Google experiment 3)'],
  [0x7e04, 'TLS 1.3 (Google experiment 4)'],
  [0x7e05, 'TLS 1.3 (Google experiment 5)'],
  [0x7e06, 'TLS 1.3 (Google experiment 6)'],
];

const VERSION_DISPLAY = codeTable<string>([
  [0x0002, 'SSL 2.0'],
  [0x0300, 'SSL 3.0'],
  [0x0301, 'TLS 1.0'],
  [0x0302, 'TLS 1.1'],
  [0x0303, 'TLS 1.2'],
  [0x0304, 'TLS 1.3'],
  [0xfeff, 'DTLS 1.0'],
  [0xfefd, 'DTLS 1.2'],
  [0xfefc, 'DTLS 1.3'],
  ...EXPERIMENT_VERSIONS,
]);

/** Protocol version for people: `TLS 1.2`, `SSL 3.0`, `TLS 1.3 draft 28` (0x7f1c), `DTLS 1.2`; GREASE and unknown codes marked. */
export function versionName(n: number): string {
  if (isGrease(n)) return grease(n);
  const known = lookup(VERSION_DISPLAY, n);
  if (known !== undefined) return known;
  if (n >> 8 === 0x7f) return `TLS 1.3 draft ${n & 0xff}`;
  return unknown16(n);
}

/** Protocol version in Zeek's short form (`TLSv12`, `TLSv13-draft28`, `DTLSv12`, `SSLv3`), as ssl.log and the conformance manifest spell it. */
export function versionShortName(n: number): string {
  if (isGrease(n)) return grease(n);
  const known = lookup(versionShort, n);
  if (known !== undefined) return known;
  if (n >> 8 === 0x7f) return `TLSv13-draft${n & 0xff}`;
  return unknown16(n);
}
