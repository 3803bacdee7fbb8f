/**
 * STARTTLS: TLS that begins after a plaintext exchange. The upgrade protocol is named
 * from the plaintext each side sent before the first TLS record.
 *
 * Each recogniser looks only at the first bytes of the plaintext (bounded by the caller),
 * so a non-TLS flow costs a few string comparisons and nothing more.
 */
import { TLS_DEFAULTS } from '../defaults.js';
import { ContentType } from '../registry/content-types.js';
import { u16At, u8At } from '../../util/wire-read.js';

/** How TLS began after plaintext: a protocol's STARTTLS, or an HTTP CONNECT tunnel through a proxy (RFC 9110 §9.3.6). */
export type StarttlsProtocol = 'smtp' | 'imap' | 'pop3' | 'ftp' | 'ldap' | 'xmpp' | 'postgresql' | 'mysql' | 'irc' | 'nntp' | 'http-connect' | 'unknown';

const ascii = new TextDecoder('latin1');

function head(bytes: Uint8Array, n = 512): string {
  return ascii.decode(bytes.subarray(0, Math.min(bytes.length, n)));
}

/** PostgreSQL SSLRequest: int32 length 8, int32 code 80877103 (0x04d2162f). */
function isPostgresSslRequest(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 8 && b[4] === 0x04 && b[5] === 0xd2 && b[6] === 0x16 && b[7] === 0x2f;
}

/** MySQL: the server greeting is packet 0 with protocol version 10; the client's SSLRequest is a 32-byte packet 1. */
function isMysqlGreeting(b: Uint8Array): boolean {
  return b.length >= 5 && b[3] === 0 && b[4] === 10;
}

/** LDAP StartTLS: the extended request OID 1.3.6.1.4.1.1466.20037 appears in the client's plaintext. */
const LDAP_STARTTLS_OID = '1.3.6.1.4.1.1466.20037';

/**
 * Names the protocol that upgraded to TLS, from the plaintext the client and the server
 * sent before TLS began. Returns 'unknown' when nothing matches.
 */
export function identifyStarttls(clientPlain: Uint8Array, serverPlain: Uint8Array): StarttlsProtocol {
  if (isPostgresSslRequest(clientPlain)) return 'postgresql';
  const c = head(clientPlain, 4096);
  const s = head(serverPlain, 4096);
  // A proxy tunnel: the client asks for host:port, the proxy answers 2xx, TLS goes through it.
  if (c.startsWith('CONNECT ') && /^HTTP\/1\.[01] 2\d\d/.test(s)) return 'http-connect';
  const cu = c.toUpperCase();
  if (c.includes(LDAP_STARTTLS_OID)) return 'ldap';
  if (/<starttls[\s/>]/i.test(c) || s.includes('<stream:stream')) return 'xmpp';
  if (/^(220|250)[ -]/m.test(s) && /^(EHLO|HELO)\b/m.test(cu)) return 'smtp';
  if (/^\S+ STARTTLS\r?$/m.test(cu) && /^\* OK/m.test(s)) return 'imap';
  if (/^STLS\r?$/m.test(cu) && s.startsWith('+OK')) return 'pop3';
  if (/^AUTH (TLS|SSL)\r?$/m.test(cu) && /^220[ -]/m.test(s)) return 'ftp';
  if (/^STARTTLS\r?$/m.test(cu) && / 670 /.test(s)) return 'irc';
  if (/^STARTTLS\r?$/m.test(cu) && /^382 /m.test(s)) return 'nntp';
  if (isMysqlGreeting(serverPlain)) return 'mysql';
  if (/^\S+ STARTTLS/m.test(cu)) return 'imap';
  return 'unknown';
}

/** Protocols whose connections do not turn into TLS in practice, recognised from their first bytes. */
export type PlainProtocol = 'http' | 'ssh';

/**
 * First bytes that mark a connection which will not upgrade to TLS: an HTTP/1.x request with any
 * common method but CONNECT (RFC 2817's `Upgrade: TLS/1.0` is not used; a CONNECT tunnel does
 * carry TLS, found as STARTTLS `unknown`), and an SSH identification string (RFC 4253 §4.2).
 * Methods are case-sensitive (RFC 9110 §9.1) and followed by one space.
 */
const PLAIN_STARTS: readonly { readonly bytes: Uint8Array; readonly protocol: PlainProtocol }[] = [
  ...['GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE'].map((m) => ({ bytes: new TextEncoder().encode(`${m} `), protocol: 'http' as const })),
  { bytes: new TextEncoder().encode('SSH-'), protocol: 'ssh' },
];

/**
 * Whether the first bytes of one direction show a protocol that does not turn into TLS:
 * its name, null when they do not, 'need-more' when they are too few to say (a prefix of a
 * recognised start, e.g. `GE`). Looks at 8 bytes at most.
 */
export function plainProtocolOf(first: Uint8Array): PlainProtocol | null | 'need-more' {
  let maybe = false;
  for (const start of PLAIN_STARTS) {
    const want = start.bytes;
    const n = Math.min(first.length, want.length);
    let i = 0;
    while (i < n && first[i] === want[i]) i++;
    if (i < n) continue;
    if (n === want.length) return start.protocol;
    maybe = true;
  }
  return maybe ? 'need-more' : null;
}

/** Bytes `plainProtocolOf` may need to decide. */
export const PLAIN_PROTOCOL_PREFIX = 8;

/**
 * Finds where a TLS handshake record carrying the given handshake type starts in plaintext
 * that may precede it: `16 03 0x LL LL tt`, with a plausible length (at most `maxRecordLength`,
 * the record stream's limit). Returns -1 when absent. `from` lets a caller resume a scan
 * without re-reading bytes.
 */
export function findHandshakeRecordStart(bytes: Uint8Array, handshakeType: number, from = 0, maxRecordLength: number = TLS_DEFAULTS.maxRecordLength): number {
  for (let i = Math.max(0, from); i + 6 <= bytes.length; i++) {
    if (bytes[i] !== ContentType.handshake || bytes[i + 1] !== 0x03) continue;
    const minor = u8At(bytes, i + 2);
    const length = u16At(bytes, i + 3);
    if (minor === undefined || minor > 0x04 || length === undefined || length < 4 || length > maxRecordLength) continue;
    if (bytes[i + 5] !== handshakeType) continue;
    return i;
  }
  return -1;
}
