/**
 * Distinguished names as people read them.
 *
 * RFC 5280 §4.1.2.4 (the DER this reads):
 *   Name ::= CHOICE { rdnSequence RDNSequence }
 *   RDNSequence ::= SEQUENCE OF RelativeDistinguishedName
 *   RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
 *   AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }
 *
 * Format (one format, used for TLS CA lists and certificate subjects/issuers alike):
 * RFC 4514 string order and escaping — the LAST RDN of the sequence comes first,
 * so a subject reads `CN=Corp Issuing CA 2, O=Example Corp, C=US`, as Java's
 * `X500Principal`/keytool and `openssl x509 -nameopt RFC2253` show it. RDNs are
 * joined with ", " (Java's and the common visual form; RFC 4514 itself uses a bare
 * ","), attributes of a multi-valued RDN with "+" in encoded order. Known
 * attribute types use short names (RFC 4514 §3 table plus OpenSSL's names such as
 * `emailAddress`, `serialNumber`); other types appear in dotted form with the value
 * as `#` + upper-case hex of its DER (RFC 4514 §2.4), as OpenSSL's RFC2253 mode does.
 * Known types whose value is not a string type are shown the same `#hex` way.
 * Values keep non-ASCII characters; `, + " \ < > ;` are escaped with a backslash,
 * as are a leading `#` or space and a trailing space; control characters become `\XX`.
 */
import type { DecodeIssue } from '../util/decoded.js';
import { u16At, u32At } from '../util/wire-read.js';
import { DER, decodeOid, readDer, readDerChildren } from './der.js';

/** One attribute of an RDN. */
interface DnAttribute {
  /** Dotted OID of the attribute type. */
  readonly oid: string;
  /** Short name (`CN`, `O`, …) when the type is known. */
  readonly name?: string;
  /** The value as displayed (unescaped), or `#HEX` of its DER when `isHex`. */
  readonly value: string;
  /** True when the value is not a decodable string and `value` is `#` + hex of its DER. */
  readonly isHex: boolean;
}

/** A decoded distinguished name. */
export interface DistinguishedName {
  /** RFC 4514-style text (see the module comment), or `#HEX` of the input when it is not a Name. */
  readonly text: string;
  /** RDNs in encoded (wire) order, each a list of attributes. Empty when the Name did not decode. */
  readonly rdns: readonly (readonly DnAttribute[])[];
  /** Why the text is (partly) a hex fallback, when it is. */
  readonly issue?: DecodeIssue;
}

/** Short names for attribute types (RFC 4514 §3, RFC 4519, and OpenSSL's `obj_mac.h`). */
const ATTRIBUTE_NAMES: ReadonlyMap<string, string> = new Map([
  ['2.5.4.3', 'CN'],
  ['2.5.4.4', 'SN'],
  ['2.5.4.5', 'serialNumber'],
  ['2.5.4.6', 'C'],
  ['2.5.4.7', 'L'],
  ['2.5.4.8', 'ST'],
  ['2.5.4.9', 'STREET'],
  ['2.5.4.10', 'O'],
  ['2.5.4.11', 'OU'],
  ['2.5.4.12', 'title'],
  ['2.5.4.13', 'description'],
  ['2.5.4.15', 'businessCategory'],
  ['2.5.4.17', 'postalCode'],
  ['2.5.4.41', 'name'],
  ['2.5.4.42', 'GN'],
  ['2.5.4.43', 'initials'],
  ['2.5.4.44', 'generationQualifier'],
  ['2.5.4.46', 'dnQualifier'],
  ['2.5.4.65', 'pseudonym'],
  ['2.5.4.97', 'organizationIdentifier'],
  ['0.9.2342.19200300.100.1.1', 'UID'],
  ['0.9.2342.19200300.100.1.25', 'DC'],
  ['1.2.840.113549.1.9.1', 'emailAddress'],
  ['1.3.6.1.4.1.311.60.2.1.1', 'jurisdictionL'],
  ['1.3.6.1.4.1.311.60.2.1.2', 'jurisdictionST'],
  ['1.3.6.1.4.1.311.60.2.1.3', 'jurisdictionC'],
]);

const utf8 = new TextDecoder('utf-8', { fatal: true });

function upperHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** BMPString text; undefined for an odd byte count. */
function utf16be(bytes: Uint8Array): string | undefined {
  let s = '';
  for (let i = 0; i < bytes.length; i += 2) {
    const unit = u16At(bytes, i);
    if (unit === undefined) return undefined;
    s += String.fromCharCode(unit);
  }
  return s;
}

/** UniversalString text; undefined for a byte count that is not a multiple of 4, or a value that is no code point. */
function utf32be(bytes: Uint8Array): string | undefined {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4) {
    const cp = u32At(bytes, i);
    if (cp === undefined || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
    s += String.fromCodePoint(cp);
  }
  return s;
}

/** The string carried by a directory-string-like DER element, or undefined when it is not one. */
function stringValue(tag: number, value: Uint8Array): string | undefined {
  switch (tag) {
    case DER.UTF8_STRING:
      try {
        return utf8.decode(value);
      } catch {
        return undefined;
      }
    case DER.PRINTABLE_STRING:
    case DER.IA5_STRING:
    case DER.NUMERIC_STRING:
    case DER.VISIBLE_STRING:
    // T.61 in theory; in practice CAs put Latin-1 there, and that is how OpenSSL shows it.
    case DER.TELETEX_STRING:
      return latin1(value);
    case DER.BMP_STRING:
      return utf16be(value);
    case DER.UNIVERSAL_STRING:
      return utf32be(value);
    default:
      return undefined;
  }
}

/** Escapes one attribute value for display (RFC 4514 §2.4, plus control characters). */
export function escapeDnValue(value: string): string {
  let out = '';
  const chars = Array.from(value);
  chars.forEach((ch, i) => {
    const code = ch.codePointAt(0) ?? 0;
    if (',+"\\<>;'.includes(ch)) out += `\\${ch}`;
    else if ((i === 0 && (ch === '#' || ch === ' ')) || (i === chars.length - 1 && ch === ' ')) out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += ch;
  });
  return out;
}

function renderAttribute(a: DnAttribute): string {
  return `${a.name ?? a.oid}=${a.isHex ? a.value : escapeDnValue(a.value)}`;
}

/** Renders RDNs (given in wire order) in RFC 4514 order: last RDN first. */
function renderDistinguishedName(rdns: readonly (readonly DnAttribute[])[]): string {
  const parts: string[] = [];
  for (let i = rdns.length - 1; i >= 0; i--) {
    parts.push((rdns[i] ?? []).map(renderAttribute).join('+'));
  }
  return parts.join(', ');
}

function fallback(der: Uint8Array, message: string, offset?: number): DistinguishedName {
  const issue: DecodeIssue =
    offset === undefined ? { code: 'x509.name.malformed', message } : { code: 'x509.name.malformed', message, offset };
  return { text: `#${upperHex(der)}`, rdns: [], issue };
}

/**
 * Decodes a DER `Name` (the whole SEQUENCE, tag 0x30) into text and attributes.
 * Never throws: a Name that does not decode yields `#HEX` of the input and an issue.
 * A string attribute whose bytes do not decode (bad UTF-8, odd-length BMPString)
 * is shown as `#HEX` of its DER, with an issue, while the rest of the name is kept.
 */
export function decodeDistinguishedName(der: Uint8Array): DistinguishedName {
  const seq = readDer(der);
  if (seq === undefined || seq.tag !== DER.SEQUENCE) return fallback(der, 'The distinguished name is not a DER SEQUENCE.', 0);
  if (seq.end !== der.length) return fallback(der, 'The distinguished name has bytes after its SEQUENCE.', seq.end);
  const rdnElements = readDerChildren(seq.value);
  if (!rdnElements.complete) return fallback(der, 'The distinguished name holds a truncated RDN.');
  const rdns: DnAttribute[][] = [];
  let issue: DecodeIssue | undefined;
  for (const rdn of rdnElements.elements) {
    if (rdn.tag !== DER.SET) return fallback(der, 'An RDN of the distinguished name is not a SET.');
    const atvs = readDerChildren(rdn.value);
    if (!atvs.complete || atvs.elements.length === 0) return fallback(der, 'An RDN of the distinguished name is empty or truncated.');
    const attributes: DnAttribute[] = [];
    for (const atv of atvs.elements) {
      if (atv.tag !== DER.SEQUENCE) return fallback(der, 'An attribute of the distinguished name is not a SEQUENCE.');
      const parts = readDerChildren(atv.value);
      const typeEl = parts.elements[0];
      const valueEl = parts.elements[1];
      if (!parts.complete || parts.elements.length !== 2 || typeEl === undefined || valueEl === undefined || typeEl.tag !== DER.OID) {
        return fallback(der, 'An attribute of the distinguished name is not an OID and a value.');
      }
      const oid = decodeOid(typeEl.value);
      if (oid === undefined) return fallback(der, 'An attribute type of the distinguished name is a malformed OID.');
      const name = ATTRIBUTE_NAMES.get(oid);
      const text = name === undefined ? undefined : stringValue(valueEl.tag, valueEl.value);
      if (name !== undefined && text === undefined && isStringTag(valueEl.tag)) {
        issue ??= { code: 'x509.name.bad_string', message: `The ${name} value is not valid for its string type; it is shown as hex.` };
      }
      const value = text ?? `#${upperHex(valueEl.tlv)}`;
      attributes.push(name === undefined ? { oid, value, isHex: true } : { oid, name, value, isHex: text === undefined });
    }
    rdns.push(attributes);
  }
  const text = renderDistinguishedName(rdns);
  return issue === undefined ? { text, rdns } : { text, rdns, issue };
}

function isStringTag(tag: number): boolean {
  return (
    tag === DER.UTF8_STRING ||
    tag === DER.PRINTABLE_STRING ||
    tag === DER.IA5_STRING ||
    tag === DER.NUMERIC_STRING ||
    tag === DER.VISIBLE_STRING ||
    tag === DER.TELETEX_STRING ||
    tag === DER.BMP_STRING ||
    tag === DER.UNIVERSAL_STRING
  );
}

/** Text of a DER Name (see {@link decodeDistinguishedName}). */
export function formatDistinguishedName(der: Uint8Array): string {
  return decodeDistinguishedName(der).text;
}

/**
 * Whether two DER Names denote the same name, for chain and CA-list matching:
 * identical bytes, or the same attributes with values compared case-insensitively
 * after collapsing white space (a simplification of RFC 5280 §7.1 / RFC 4518 matching).
 */
export function distinguishedNamesMatch(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0) {
    return true;
  }
  const da = decodeDistinguishedName(a);
  const db = decodeDistinguishedName(b);
  if (da.issue?.code === 'x509.name.malformed' || db.issue?.code === 'x509.name.malformed') return false;
  return normalizedKey(da) === normalizedKey(db);
}

/** A comparison key for a decoded name (RFC 5280 §7.1-like, simplified). */
function normalizedKey(dn: DistinguishedName): string {
  return dn.rdns
    .map((rdn) =>
      rdn
        .map((a) => `${a.oid}=${a.value.trim().replace(/\s+/g, ' ').toLowerCase()}`)
        .sort()
        .join('+'),
    )
    .join(',');
}
