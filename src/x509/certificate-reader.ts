/**
 * Reads what a certificate summary takes from `@peculiar/x509` (validity, subject alternative
 * names, key usage, extended key usage, basic constraints) with the small DER reader, for
 * certificates in plain DER that the library would read the same way.
 *
 * Why: loading the library costs ~85–110 ms (its dependencies are many small modules, some
 * of which build ASN.1 schemas when they load), more than the whole analysis of a capture of
 * a hundred handshakes; every capture with a TLS 1.2 certificate paid it. The library stays
 * the reader of everything else: `readCertificateContents` returns null for any certificate
 * that is not plainly well formed, or that holds something the library reads its own way
 * (an otherName or directoryName among the names, a non-DER boolean, an INTEGER too long for
 * a number, a time outside the two fixed DER forms…), and the caller then asks the library.
 * A property test checks that both give the same facts whenever this reader answers.
 *
 * The library builds every extension it knows when the first one is asked for, and one that
 * does not decode fails them all; so the extensions it knows are checked here too, as far as
 * its parsing of them goes, even those the summary does not show.
 *
 * RFC 5280 §4.1 (Certificate, TBSCertificate, Validity, Extensions) and §4.2.1 (the extensions).
 */
import { DER, decodeOid, readDer, readDerChildren, type DerElement } from './der.js';

/** One subject alternative name as the library lists it: its type (`dns`, `email`, `ip`, `url`, `id`) and text. */
interface AltName {
  readonly type: string;
  readonly value: string;
}

/** What a summary reads from a certificate beyond its names, serial, key and signature algorithm. */
export interface CertificateContents {
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The subjectAltName extension's names, or null when the certificate has none. */
  readonly subjectAltNames: readonly AltName[] | null;
  /** Key usage bits (bit n of the BIT STRING, n = 0 for digitalSignature, as 1 << n), or null without the extension. */
  readonly keyUsage: number | null;
  /** Extended key usage OIDs, dotted, or null without the extension. */
  readonly extendedKeyUsage: readonly string[] | null;
  readonly basicConstraints: { readonly ca: boolean; readonly pathLength: number | undefined } | null;
}

const OID_SUBJECT_ALT_NAME = '2.5.29.17';
const OID_KEY_USAGE = '2.5.29.15';
const OID_EXTENDED_KEY_USAGE = '2.5.29.37';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
const OID_AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
const OID_CRL_DISTRIBUTION_POINTS = '2.5.29.31';
const OID_AUTHORITY_INFO_ACCESS = '1.3.6.1.5.5.7.1.1';
const OID_ISSUER_ALT_NAME = '2.5.29.18';
const OID_CERTIFICATE_POLICIES = '2.5.29.32';

/** The children of a constructed element when they fill it exactly, else undefined. */
function childrenOf(e: DerElement): DerElement[] | undefined {
  if (!e.constructed) return undefined;
  const { elements, complete } = readDerChildren(e.value);
  return complete ? elements : undefined;
}

/** The one element that fills `bytes` exactly (an extension value, the DER itself), else undefined. */
function soleElement(bytes: Uint8Array): DerElement | undefined {
  const e = readDer(bytes);
  return e !== undefined && e.end === bytes.length ? e : undefined;
}

/** An OBJECT IDENTIFIER element's dotted form, when every arc is a number the library reads alike. */
function oidOf(e: DerElement | undefined): string | undefined {
  if (e === undefined || e.tag !== DER.OID) return undefined;
  const oid = decodeOid(e.value);
  return oid === undefined || !smallArcs(oid) ? undefined : oid;
}

/** Every arc of a dotted OID below 2^31: larger ones the library's ASN.1 layer may write another way. */
function smallArcs(oid: string): boolean {
  return oid.split('.').every((arc) => arc.length < 10 || (arc.length === 10 && Number(arc) <= 0x7fffffff));
}

/**
 * Certificates longer than this are left to the library. Its BER layer stops at 10,000 nodes
 * per parse (asn1js `maxNodes`, counting what it parses inside OCTET and BIT STRINGs too), and
 * every node takes at least two bytes of its own, so no parse of a certificate this size can
 * reach that cap. Real certificates are 0.5–5 KB; one listing thousands of names is larger.
 */
const MAX_READ_BYTES = 20_000;

/** Nesting of an ANY value followed before it is left to the library. */
const MAX_ANY_DEPTH = 8;

/**
 * Whether an ANY value (algorithm parameters, a name's attribute value, a policy qualifier)
 * holds only elements the library's BER layer takes as they are: the universal types below
 * with contents it accepts, context-specific elements, and constructed ones made of these.
 * It refuses some others (a universal tag 0, a BIT STRING with 8 unused bits…), which fails
 * the whole certificate there: anything else is left to it.
 */
function plainValue(e: DerElement, depth = 0): boolean {
  if (depth > MAX_ANY_DEPTH) return false;
  const constructedOk = (): boolean => {
    const inner = childrenOf(e);
    return inner !== undefined && inner.every((c) => plainValue(c, depth + 1));
  };
  if (e.tagClass === 2) return e.constructed ? constructedOk() : true;
  if (e.tagClass !== 0) return false;
  switch (e.tag) {
    case DER.SEQUENCE:
    case DER.SET:
      return constructedOk();
    case DER.BOOLEAN:
      return e.value.length === 1;
    case DER.INTEGER:
      return e.value.length >= 1;
    case DER.BIT_STRING:
      return bitStringOk(e);
    case DER.NULL:
      return e.value.length === 0;
    case DER.OID:
      return oidOf(e) !== undefined;
    case DER.OCTET_STRING:
    case DER.UTF8_STRING:
    case DER.PRINTABLE_STRING:
    case DER.IA5_STRING:
    case DER.TELETEX_STRING:
    case DER.NUMERIC_STRING:
    case DER.VISIBLE_STRING:
      return true;
    case DER.BMP_STRING:
      return e.value.length % 2 === 0;
    case DER.UNIVERSAL_STRING:
      return e.value.length % 4 === 0;
    default:
      return false;
  }
}

/** A primitive BIT STRING whose unused-bits count is 0–7 (0 when it holds no bits). */
function bitStringOk(e: DerElement): boolean {
  const unused = e.value[0];
  return e.tag === DER.BIT_STRING && unused !== undefined && unused <= 7 && (e.value.length > 1 || unused === 0);
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }. */
function isAlgorithmIdentifier(e: DerElement | undefined): boolean {
  if (e === undefined || e.tag !== DER.SEQUENCE) return false;
  const parts = childrenOf(e);
  if (parts === undefined || parts.length < 1 || parts.length > 2 || oidOf(parts[0]) === undefined) return false;
  const parameters = parts[1];
  return parameters === undefined || plainValue(parameters);
}

/** Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value ANY }. */
function isName(e: DerElement | undefined): boolean {
  if (e === undefined || e.tag !== DER.SEQUENCE) return false;
  const rdns = childrenOf(e);
  if (rdns === undefined) return false;
  for (const rdn of rdns) {
    const attributes = rdn.tag === DER.SET ? childrenOf(rdn) : undefined;
    if (attributes === undefined || attributes.length === 0) return false;
    for (const attribute of attributes) {
      const pair = attribute.tag === DER.SEQUENCE ? childrenOf(attribute) : undefined;
      if (pair === undefined || pair.length !== 2 || oidOf(pair[0]) === undefined || !plainValue(pair[1] as DerElement)) return false;
    }
  }
  return true;
}

/** The digits of a time, as numbers, or undefined when a byte is no digit. */
function digits(bytes: Uint8Array, from: number, count: number): number | undefined {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const b = bytes[i] as number;
    if (b < 0x30 || b > 0x39) return undefined;
    n = n * 10 + (b - 0x30);
  }
  return n;
}

/**
 * A Validity time in one of the two forms RFC 5280 §4.1.2.5 allows (`YYMMDDHHMMSSZ`, years 50–99
 * in the 1900s; `YYYYMMDDHHMMSSZ`), with every field in range; anything else is left to the library.
 */
function timeOf(e: DerElement | undefined): Date | undefined {
  if (e === undefined) return undefined;
  const v = e.value;
  let year: number | undefined;
  let at: number;
  if (e.tag === DER.UTC_TIME && v.length === 13) {
    const yy = digits(v, 0, 2);
    year = yy === undefined ? undefined : yy >= 50 ? 1900 + yy : 2000 + yy;
    at = 2;
  } else if (e.tag === DER.GENERALIZED_TIME && v.length === 15) {
    year = digits(v, 0, 4);
    at = 4;
  } else {
    return undefined;
  }
  const month = digits(v, at, 2);
  const day = digits(v, at + 2, 2);
  const hour = digits(v, at + 4, 2);
  const minute = digits(v, at + 6, 2);
  const second = digits(v, at + 8, 2);
  if (year === undefined || year < 100 || month === undefined || day === undefined || hour === undefined || minute === undefined || second === undefined) return undefined;
  if (v[at + 10] !== 0x5a /* Z */ || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // A day past the month's end (30 February) would roll over: leave it to the library.
  return date.getUTCDate() === day ? date : undefined;
}

/** The bytes as text one character per byte, for ASCII only (what an IA5String holds). */
function asciiText(bytes: Uint8Array): string | undefined {
  for (const b of bytes) if (b > 0x7f) return undefined;
  return String.fromCharCode(...bytes);
}

/** IPv6 text the way the library writes it: lower-case groups, the longest run of two or more zero groups as `::`. */
function ipv6Text(b: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push((((b[i] as number) << 8) | (b[i + 1] as number)).toString(16));
  let bestStart = -1;
  let bestLength = 0;
  let runStart = -1;
  let runLength = 0;
  for (let i = 0; i <= parts.length; i++) {
    if (i < parts.length && parts[i] === '0') {
      if (runStart === -1) runStart = i;
      runLength++;
      continue;
    }
    if (runLength > bestLength) {
      bestStart = runStart;
      bestLength = runLength;
    }
    runStart = -1;
    runLength = 0;
  }
  if (bestLength < 2) return parts.join(':');
  return `${parts.slice(0, bestStart).join(':')}::${parts.slice(bestStart + bestLength).join(':')}`;
}

/**
 * One GeneralName (RFC 5280 §4.2.1.6) of the kinds read here: rfc822Name, dNSName, URI,
 * iPAddress (4 or 16 bytes) and registeredID. The others (otherName, directoryName, …) the
 * library reads with rules of its own, some of which fail: left to it.
 */
function generalName(e: DerElement): AltName | undefined {
  switch (e.tag) {
    case 0x81:
    case 0x82:
    case 0x86: {
      const value = asciiText(e.value);
      if (value === undefined) return undefined;
      return { type: e.tag === 0x81 ? 'email' : e.tag === 0x82 ? 'dns' : 'url', value };
    }
    case 0x87:
      if (e.value.length === 4) return { type: 'ip', value: Array.from(e.value).join('.') };
      if (e.value.length === 16) return { type: 'ip', value: ipv6Text(e.value) };
      return undefined;
    case 0x88: {
      // registeredID, IMPLICIT OBJECT IDENTIFIER.
      const oid = decodeOid(e.value);
      return oid === undefined || !smallArcs(oid) ? undefined : { type: 'id', value: oid };
    }
    default:
      return undefined;
  }
}

/** A SEQUENCE OF elements each read by `read`, or undefined when it is none or one does not read. */
function sequenceOf<T>(e: DerElement | undefined, read: (item: DerElement) => T | undefined): T[] | undefined {
  if (e === undefined || e.tag !== DER.SEQUENCE) return undefined;
  const items = childrenOf(e);
  if (items === undefined) return undefined;
  const out: T[] = [];
  for (const item of items) {
    const value = read(item);
    if (value === undefined) return undefined;
    out.push(value);
  }
  return out;
}

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName, all of the kinds read here (the library also takes none). */
function generalNames(e: DerElement | undefined): AltName[] | undefined {
  return sequenceOf(e, generalName);
}

/** KeyUsage ::= BIT STRING (at most 16 bits): bit n as 1 << n, the unused trailing bits dropped. */
function keyUsageBits(e: DerElement | undefined): number | undefined {
  // No octets at all: the library reads no number (NaN) from them; left to it.
  if (e === undefined || !bitStringOk(e) || e.value.length < 2 || e.value.length > 3) return undefined;
  const unused = e.value[0] as number;
  const octets = e.value.length - 1;
  let bits = 0;
  for (let n = 0; n < octets * 8 - unused; n++) {
    if (((e.value[1 + (n >> 3)] as number) & (0x80 >> (n & 7))) !== 0) bits |= 1 << n;
  }
  return bits;
}

/** ExtKeyUsageSyntax ::= SEQUENCE OF KeyPurposeId (OIDs). */
function keyPurposes(e: DerElement | undefined): string[] | undefined {
  return sequenceOf(e, oidOf);
}

/** A DER BOOLEAN (one byte, 0x00 or 0xff). */
function booleanOf(e: DerElement): boolean | undefined {
  if (e.tag !== DER.BOOLEAN || e.value.length !== 1) return undefined;
  return e.value[0] === 0xff ? true : e.value[0] === 0 ? false : undefined;
}

/** A minimal DER INTEGER of 1 to 4 bytes, as a signed number. */
function smallInteger(e: DerElement): number | undefined {
  const v = e.value;
  if (e.tag !== DER.INTEGER || v.length < 1 || v.length > 4) return undefined;
  const first = v[0] as number;
  const second = v[1];
  if (second !== undefined && ((first === 0 && (second & 0x80) === 0) || (first === 0xff && (second & 0x80) !== 0))) return undefined;
  let n = 0;
  for (const b of v) n = n * 256 + b;
  // Two's complement: a set top bit makes it negative.
  return (first & 0x80) !== 0 ? n - 2 ** (8 * v.length) : n;
}

/** BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }. */
function basicConstraintsOf(e: DerElement | undefined): CertificateContents['basicConstraints'] | undefined {
  if (e === undefined || e.tag !== DER.SEQUENCE) return undefined;
  const parts = childrenOf(e);
  if (parts === undefined || parts.length > 2) return undefined;
  let ca = false;
  let pathLength: number | undefined;
  let i = 0;
  const first = parts[0];
  if (first !== undefined && first.tag === DER.BOOLEAN) {
    const value = booleanOf(first);
    if (value === undefined) return undefined;
    ca = value;
    i = 1;
  }
  const rest = parts[i];
  if (rest !== undefined) {
    pathLength = smallInteger(rest);
    if (pathLength === undefined || i + 1 !== parts.length) return undefined;
  }
  return { ca, pathLength };
}

/** A directoryName GeneralName: [4] EXPLICIT Name. */
function isDirectoryName(e: DerElement): boolean {
  const inner = e.tag === 0xa4 ? childrenOf(e) : undefined;
  return inner !== undefined && inner.length === 1 && isName(inner[0]);
}

/** The parts' tags in `allowed` order, each at most once. */
function taggedInOrder(parts: readonly DerElement[], allowed: readonly number[]): boolean {
  let next = 0;
  for (const part of parts) {
    const at = allowed.indexOf(part.tag, next);
    if (at < 0) return false;
    next = at + 1;
  }
  return true;
}

/** AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0], authorityCertIssuer [1] GeneralNames, authorityCertSerialNumber [2] }, each optional. */
function authorityKeyIdentifierOk(e: DerElement): boolean {
  const parts = e.tag === DER.SEQUENCE ? childrenOf(e) : undefined;
  if (parts === undefined || !taggedInOrder(parts, [0x80, 0xa1, 0x82])) return false;
  const issuer = parts.find((p) => p.tag === 0xa1);
  // The library keeps these names as parsed ASN.1 (it builds no GeneralName of them): a directoryName is fine here.
  return issuer === undefined || (childrenOf(issuer)?.every((n) => generalName(n) !== undefined || isDirectoryName(n)) ?? false);
}

/** AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE { accessMethod OID, accessLocation GeneralName }. */
function authorityInfoAccessOk(e: DerElement): boolean {
  const items = e.tag === DER.SEQUENCE ? childrenOf(e) : undefined;
  if (items === undefined || items.length === 0) return false;
  return items.every((item) => {
    const pair = item.tag === DER.SEQUENCE ? childrenOf(item) : undefined;
    return pair !== undefined && pair.length === 2 && oidOf(pair[0]) !== undefined && generalName(pair[1] as DerElement) !== undefined;
  });
}

/** CRLDistributionPoints ::= SEQUENCE SIZE (1..MAX) OF DistributionPoint: only a distributionPoint [0] holding a fullName [0] of names read here. */
function distributionPointsOk(e: DerElement): boolean {
  const points = e.tag === DER.SEQUENCE ? childrenOf(e) : undefined;
  if (points === undefined || points.length === 0) return false;
  return points.every((point) => {
    const parts = point.tag === DER.SEQUENCE ? childrenOf(point) : undefined;
    if (parts === undefined || parts.length !== 1 || parts[0]?.tag !== 0xa0) return false;
    const name = childrenOf(parts[0]);
    if (name === undefined || name.length !== 1 || name[0]?.tag !== 0xa0) return false;
    const full = childrenOf(name[0]);
    return full !== undefined && full.length > 0 && full.every((n) => generalName(n) !== undefined);
  });
}

/** CertificatePolicies ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE { policyIdentifier OID, policyQualifiers SEQUENCE OF SEQUENCE { OID, ANY } OPTIONAL }. */
function policiesOk(e: DerElement): boolean {
  const policies = e.tag === DER.SEQUENCE ? childrenOf(e) : undefined;
  if (policies === undefined || policies.length === 0) return false;
  return policies.every((policy) => {
    const parts = policy.tag === DER.SEQUENCE ? childrenOf(policy) : undefined;
    if (parts === undefined || parts.length < 1 || parts.length > 2 || oidOf(parts[0]) === undefined) return false;
    const qualifiers = parts[1];
    if (qualifiers === undefined) return true;
    const list = qualifiers.tag === DER.SEQUENCE ? childrenOf(qualifiers) : undefined;
    return (
      list !== undefined &&
      list.length > 0 &&
      list.every((q) => {
        const pair = q.tag === DER.SEQUENCE ? childrenOf(q) : undefined;
        return pair !== undefined && pair.length === 2 && oidOf(pair[0]) !== undefined && plainValue(pair[1] as DerElement);
      })
    );
  });
}

/**
 * The extensions the library builds but the summary does not show, each with its check as far
 * as the library's parsing of it goes (its shape, and any GeneralName in it). The library keeps
 * any extension not here, nor read above, as bytes.
 */
const OTHER_LIBRARY_EXTENSIONS: ReadonlyMap<string, (e: DerElement) => boolean> = new Map([
  [OID_SUBJECT_KEY_IDENTIFIER, (e: DerElement) => e.tag === DER.OCTET_STRING],
  [OID_AUTHORITY_KEY_IDENTIFIER, authorityKeyIdentifierOk],
  [OID_ISSUER_ALT_NAME, (e: DerElement) => generalNames(e) !== undefined],
  [OID_AUTHORITY_INFO_ACCESS, authorityInfoAccessOk],
  [OID_CRL_DISTRIBUTION_POINTS, distributionPointsOk],
  [OID_CERTIFICATE_POLICIES, policiesOk],
]);

/** The contents, or null when the certificate is to be read by the library instead. */
export function readCertificateContents(der: Uint8Array): CertificateContents | null {
  if (der.length > MAX_READ_BYTES) return null;
  const cert = soleElement(der);
  const outer = cert?.tag === DER.SEQUENCE ? childrenOf(cert) : undefined;
  if (outer === undefined || outer.length !== 3) return null;
  const [tbs, signatureAlgorithm, signature] = outer as [DerElement, DerElement, DerElement];
  if (tbs.tag !== DER.SEQUENCE || !isAlgorithmIdentifier(signatureAlgorithm) || !bitStringOk(signature)) return null;
  const fields = childrenOf(tbs);
  if (fields === undefined) return null;
  let i = 0;
  if (fields[0]?.tag === 0xa0) {
    const version = childrenOf(fields[0]);
    if (version === undefined || version.length !== 1 || version[0]?.tag !== DER.INTEGER || version[0].value.length !== 1) return null;
    i = 1;
  }
  const [serial, tbsSignature, issuer, validity, subject, spki] = fields.slice(i, i + 6);
  if (serial?.tag !== DER.INTEGER || serial.value.length === 0) return null;
  if (!isAlgorithmIdentifier(tbsSignature) || !isName(issuer) || !isName(subject)) return null;
  const times = validity?.tag === DER.SEQUENCE ? childrenOf(validity) : undefined;
  if (times === undefined || times.length !== 2) return null;
  const notBefore = timeOf(times[0]);
  const notAfter = timeOf(times[1]);
  if (notBefore === undefined || notAfter === undefined) return null;
  const key = spki?.tag === DER.SEQUENCE ? childrenOf(spki) : undefined;
  if (key === undefined || key.length !== 2 || !isAlgorithmIdentifier(key[0]) || key[1] === undefined || !bitStringOk(key[1])) return null;
  // Only extensions may follow (issuer and subject unique IDs, of version 2, are left to the library).
  const tail = fields.slice(i + 6);
  if (tail.length > 1 || (tail.length === 1 && tail[0]?.tag !== 0xa3)) return null;

  const contents = { notBefore, notAfter, subjectAltNames: null as AltName[] | null, keyUsage: null as number | null, extendedKeyUsage: null as string[] | null, basicConstraints: null as CertificateContents['basicConstraints'] };
  const wrapper = tail[0];
  if (wrapper === undefined) return contents;
  const list = childrenOf(wrapper);
  const extensions = list !== undefined && list.length === 1 && list[0]?.tag === DER.SEQUENCE ? childrenOf(list[0]) : undefined;
  if (extensions === undefined) return null;
  const seen = new Set<string>();
  for (const extension of extensions) {
    const parts = extension.tag === DER.SEQUENCE ? childrenOf(extension) : undefined;
    if (parts === undefined || parts.length < 2 || parts.length > 3) return null;
    const oid = oidOf(parts[0]);
    const critical = parts.length === 3 ? booleanOf(parts[1] as DerElement) : false;
    const wrapped = parts[parts.length - 1] as DerElement;
    if (oid === undefined || critical === undefined || wrapped.tag !== DER.OCTET_STRING) return null;
    // The library answers with the first extension of a type; a repeated one is left to it.
    if (seen.has(oid)) return null;
    seen.add(oid);
    const value = soleElement(wrapped.value);
    switch (oid) {
      case OID_SUBJECT_ALT_NAME: {
        const names = generalNames(value);
        if (names === undefined) return null;
        contents.subjectAltNames = names;
        break;
      }
      case OID_KEY_USAGE: {
        const bits = keyUsageBits(value);
        if (bits === undefined) return null;
        contents.keyUsage = bits;
        break;
      }
      case OID_EXTENDED_KEY_USAGE: {
        const oids = keyPurposes(value);
        if (oids === undefined) return null;
        contents.extendedKeyUsage = oids;
        break;
      }
      case OID_BASIC_CONSTRAINTS: {
        const constraints = basicConstraintsOf(value);
        if (constraints === undefined) return null;
        contents.basicConstraints = constraints;
        break;
      }
      default: {
        // An extension the library does not know may hold anything (it keeps the bytes); one it knows must parse.
        const check = OTHER_LIBRARY_EXTENSIONS.get(oid);
        if (check !== undefined && (value === undefined || !check(value))) return null;
      }
    }
  }
  return contents;
}
