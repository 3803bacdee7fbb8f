/**
 * Certificate summaries: the facts about one X.509 certificate (RFC 5280) that explain a
 * TLS handshake — who it names, who issued it, whether it was valid when captured, what
 * it may be used for — read with the small DER reader (names and key byte for byte; validity
 * and extensions by `certificate-reader.ts` when the certificate is plain DER), and with
 * `@peculiar/x509` for any certificate that reader leaves to it. Never throws: a certificate
 * that does not parse yields a summary with `parseError` and the fingerprints of its bytes.
 */
import { createHash, X509Certificate as NodeX509Certificate } from 'node:crypto';
import type { Timestamp } from '../util/time.js';
import { decodeDistinguishedName, type DistinguishedName } from './distinguished-name.js';
import { DER, decodeOid, readDer, readDerChildren, toHex } from './der.js';
import { EXTENDED_KEY_USAGES, HASH_ALGORITHMS, KEY_USAGE_NAMES, SIGNATURE_ALGORITHMS } from './oids.js';
import type * as X509 from '@peculiar/x509';
import { x509Library } from './peculiar.js';
import { summarizePublicKey, type PublicKeySummary } from './public-key.js';
import { readCertificateContents, type CertificateContents } from './certificate-reader.js';
import { locateTbsParts, type AlgorithmIdentifier } from './tbs.js';

/** Validity of a certificate at the capture time. */
type ValidityAtCapture = 'valid' | 'expired' | 'not-yet-valid' | 'unknown';

/** Subject alternative names by kind (RFC 5280 §4.2.1.6). */
interface SubjectAltNames {
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly uri: readonly string[];
  readonly email: readonly string[];
  /** Names of other kinds (directoryName, otherName, registeredID, …), counted only. */
  readonly other: number;
  /** Names not listed because of `maxSubjectAltNames`. */
  readonly omitted: number;
}

/** What a summary says about one certificate. All strings; no views into the input. */
export interface CertificateSummary {
  /** SHA-256 of the DER, lower-case hex (the cache key and the usual fingerprint). */
  readonly sha256: string;
  /** SHA-1 of the DER, lower-case hex (what older tools and Java keytool show). */
  readonly sha1: string;
  /** Size of the DER in bytes. */
  readonly length: number;
  /** One sentence saying why the certificate did not parse, or null. */
  readonly parseError: string | null;
  /** Subject DN in RFC 4514 order (`CN=…, O=…, C=…`); `(not decodable)` when it cannot be read. */
  readonly subject: string;
  /** Issuer DN, same format. */
  readonly issuer: string;
  /** The subject's most specific CN, or null. */
  readonly subjectCommonName: string | null;
  /** Serial number, lower-case hex without the DER sign byte. */
  readonly serial: string | null;
  /** ISO-8601 UTC, e.g. `2025-01-01T00:00:00.000Z`. */
  readonly notBefore: string | null;
  readonly notAfter: string | null;
  /** Validity at the capture time; `unknown` without a capture time or dates. */
  readonly validAtCapture: ValidityAtCapture;
  /** Whole days from the capture time to notAfter (negative once expired); null when unknown. */
  readonly daysToExpiry: number | null;
  readonly subjectAltNames: SubjectAltNames;
  readonly publicKey: PublicKeySummary | null;
  /** Signature algorithm name (`sha256WithRSAEncryption`, `ecdsa-with-SHA256`, `RSASSA-PSS/SHA-256`) or dotted OID. */
  readonly signatureAlgorithm: string | null;
  /** Signed with MD2/MD4/MD5/SHA-1 (including RSASSA-PSS over SHA-1). */
  readonly weakSignature: boolean;
  /** Key usage bit names, or null when the extension is absent (no restriction). */
  readonly keyUsage: readonly string[] | null;
  /** Extended key usage names (OIDs when unknown), or null when the extension is absent. */
  readonly extendedKeyUsage: readonly string[] | null;
  /**
   * Why the certificate may serve any purpose: `no-extension` (no EKU extension: RFC 5280
   * places no restriction), `anyExtendedKeyUsage` (listed; note OpenSSL does not accept it
   * alone for TLS client/server purposes), or null when the EKU list restricts it.
   */
  readonly ekuAnyPurpose: 'no-extension' | 'anyExtendedKeyUsage' | null;
  /** serverAuth is allowed (listed, or any purpose). */
  readonly hasServerAuth: boolean;
  /** clientAuth is allowed (listed, or any purpose): what mutual TLS servers check. */
  readonly hasClientAuth: boolean;
  /** Basic constraints, or null when the extension is absent. */
  readonly basicConstraints: { readonly ca: boolean; readonly pathLen: number | null } | null;
  /** Issuer and subject are the same name. */
  readonly selfIssued: boolean;
  /** Self-issued and its signature verifies with its own key (a root); null when it could not be checked. */
  readonly selfSigned: boolean | null;
  /** Problems met while summarizing a certificate that did parse (an extension that did not decode, a bad name). */
  readonly issues: readonly string[];
}

/** Options of {@link summarizeCertificate}. */
export interface SummaryOptions {
  /** SANs listed per kind (default 256); the rest are counted in `omitted`. */
  readonly maxSubjectAltNames?: number;
}

/** Default of `maxSubjectAltNames`: big multi-domain certificates have a few hundred names. */
export const DEFAULT_MAX_SUBJECT_ALT_NAMES = 256;

const NOT_DECODABLE = '(not decodable)';
const CN_OID = '2.5.4.3';
const DAY_MS = 86_400_000;

/** The part of a summary that does not depend on the capture time (what the cache keeps). */
export interface CertificateFacts {
  readonly summary: CertificateSummary;
  readonly notBeforeMs: number | null;
  readonly notAfterMs: number | null;
}

function fingerprint(algorithm: 'sha256' | 'sha1', der: Uint8Array): string {
  return createHash(algorithm).update(der).digest('hex');
}

function commonName(dn: DistinguishedName): string | null {
  // The most specific CN: RDNs are in wire order, most specific last.
  for (let i = dn.rdns.length - 1; i >= 0; i--) {
    const cn = dn.rdns[i]?.find((a) => a.oid === CN_OID);
    if (cn !== undefined) return cn.value;
  }
  return null;
}

function serialHex(serial: Uint8Array): string {
  // DER INTEGERs carry a 0x00 sign byte before a high bit; certificate tools omit it.
  const second = serial[1];
  const bytes = serial[0] === 0 && second !== undefined && (second & 0x80) !== 0 ? serial.subarray(1) : serial;
  return toHex(bytes);
}

function pssHashName(params: AlgorithmIdentifier['parameters']): { name: string; weak: boolean } {
  // RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] HashAlgorithm DEFAULT sha1, … } (RFC 4055 §3.1)
  if (params === null || params.tag !== DER.SEQUENCE) return { name: 'SHA-1', weak: true };
  const first = readDerChildren(params.value).elements[0];
  if (first?.tag !== 0xa0) return { name: 'SHA-1', weak: true };
  const alg = readDer(first.value);
  const oidEl = alg?.tag === DER.SEQUENCE ? readDerChildren(alg.value).elements[0] : undefined;
  const oid = oidEl?.tag === DER.OID ? decodeOid(oidEl.value) : undefined;
  if (oid === undefined) return { name: 'unknown', weak: false };
  return HASH_ALGORITHMS.get(oid) ?? { name: oid, weak: false };
}

function signatureAlgorithmOf(alg: AlgorithmIdentifier | null): { name: string | null; weak: boolean } {
  if (alg === null) return { name: null, weak: false };
  const known = SIGNATURE_ALGORITHMS.get(alg.oid);
  if (known === undefined) return { name: alg.oid, weak: false };
  if (known.name === 'RSASSA-PSS') {
    const hash = pssHashName(alg.parameters);
    return { name: `RSASSA-PSS/${hash.name}`, weak: hash.weak };
  }
  return known;
}

function isoOrNull(d: Date): { iso: string | null; ms: number | null } {
  const ms = d.getTime();
  return Number.isFinite(ms) ? { iso: d.toISOString(), ms } : { iso: null, ms: null };
}

function emptySans(): SubjectAltNames {
  return { dns: [], ip: [], uri: [], email: [], other: 0, omitted: 0 };
}

function namesEqualText(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  return norm(a) === norm(b);
}

function selfSignature(der: Uint8Array): boolean | null {
  try {
    const cert = new NodeX509Certificate(der);
    return cert.verify(cert.publicKey);
  } catch {
    return null;
  }
}

function describeError(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const firstLine = (text.split('\n')[0] ?? '').trim().slice(0, 160);
  return `The certificate does not parse as X.509 DER${firstLine.length > 0 ? ` (${firstLine.replace(/\.$/, '')})` : ''}.`;
}

/**
 * The contents as `@peculiar/x509` reads them, with the problems it met in the extensions;
 * or why the certificate does not parse at all. Used when `readCertificateContents` leaves a
 * certificate to the library; exported so tests can hold the two readers side by side.
 */
export function libraryContents(der: Uint8Array): { contents: CertificateContents; issues: string[] } | { error: unknown } {
  const x509 = x509Library();
  let cert: X509.X509Certificate;
  let notBefore: Date;
  let notAfter: Date;
  try {
    // A private copy: the library keeps its input, and `der` may view a large capture buffer.
    cert = new x509.X509Certificate(Uint8Array.from(der));
    notBefore = cert.notBefore;
    notAfter = cert.notAfter;
  } catch (error) {
    return { error };
  }
  const issues: string[] = [];
  const extension = <T>(what: string, read: () => T): T | null => {
    try {
      return read();
    } catch (e) {
      issues.push(`The ${what} extension does not decode (${e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)}).`);
      return null;
    }
  };
  const san = extension('subjectAltName', () => cert.getExtension(x509.SubjectAlternativeNameExtension));
  const subjectAltNames = san === null ? null : (extension('subjectAltName', () => san.names.items) ?? []).map((item) => ({ type: item.type, value: item.value }));
  const ku = extension('keyUsage', () => cert.getExtension(x509.KeyUsagesExtension));
  const eku = extension('extendedKeyUsage', () => cert.getExtension(x509.ExtendedKeyUsageExtension));
  const bc = extension('basicConstraints', () => cert.getExtension(x509.BasicConstraintsExtension));
  return {
    contents: {
      notBefore,
      notAfter,
      subjectAltNames,
      keyUsage: ku === null ? null : ku.usages,
      // Array.from: the library's list is an Array subclass, which `map` would preserve.
      extendedKeyUsage: eku === null ? null : Array.from(eku.usages, (oid) => String(oid)),
      basicConstraints: bc === null ? null : { ca: bc.ca, pathLength: bc.pathLength },
    },
    issues,
  };
}

/** Summarizes the capture-independent facts of a certificate; never throws. */
export function certificateFacts(der: Uint8Array, options: SummaryOptions = {}): CertificateFacts {
  const sha256 = fingerprint('sha256', der);
  const sha1 = fingerprint('sha1', der);
  const parts = locateTbsParts(der);
  const subjectDn = parts === undefined ? undefined : decodeDistinguishedName(parts.subject);
  const issuerDn = parts === undefined ? undefined : decodeDistinguishedName(parts.issuer);
  const base = {
    sha256,
    sha1,
    length: der.length,
    subject: subjectDn?.text ?? NOT_DECODABLE,
    issuer: issuerDn?.text ?? NOT_DECODABLE,
    subjectCommonName: subjectDn === undefined ? null : commonName(subjectDn),
    serial: parts === undefined ? null : serialHex(parts.serial),
  };

  const read = readCertificateContents(der);
  const found = read === null ? libraryContents(der) : { contents: read, issues: [] };
  if ('error' in found) {
    return {
      summary: {
        ...base,
        parseError: describeError(found.error),
        notBefore: null,
        notAfter: null,
        validAtCapture: 'unknown',
        daysToExpiry: null,
        subjectAltNames: emptySans(),
        publicKey: null,
        signatureAlgorithm: null,
        weakSignature: false,
        keyUsage: null,
        extendedKeyUsage: null,
        ekuAnyPurpose: null,
        hasServerAuth: false,
        hasClientAuth: false,
        basicConstraints: null,
        selfIssued: false,
        selfSigned: null,
        issues: [],
      },
      notBeforeMs: null,
      notAfterMs: null,
    };
  }
  const contents = found.contents;
  const notBefore = isoOrNull(contents.notBefore);
  const notAfter = isoOrNull(contents.notAfter);

  const issues: string[] = [];
  if (subjectDn?.issue !== undefined) issues.push(`Subject: ${subjectDn.issue.message}`);
  if (issuerDn?.issue !== undefined) issues.push(`Issuer: ${issuerDn.issue.message}`);
  if (parts === undefined) issues.push('The certificate layout could not be located byte for byte; names, serial and key are not shown.');
  issues.push(...found.issues);

  const maxSans = Math.max(0, options.maxSubjectAltNames ?? DEFAULT_MAX_SUBJECT_ALT_NAMES);
  const sans = { dns: [] as string[], ip: [] as string[], uri: [] as string[], email: [] as string[], other: 0, omitted: 0 };
  for (const item of contents.subjectAltNames ?? []) {
    const list = item.type === 'dns' ? sans.dns : item.type === 'ip' ? sans.ip : item.type === 'url' ? sans.uri : item.type === 'email' ? sans.email : null;
    if (list === null) sans.other++;
    else if (list.length >= maxSans) sans.omitted++;
    else list.push(item.value);
  }
  const ku = contents.keyUsage;
  const keyUsage = ku === null ? null : KEY_USAGE_NAMES.filter((_, bit) => (ku & (1 << bit)) !== 0);
  const extendedKeyUsage = contents.extendedKeyUsage === null ? null : contents.extendedKeyUsage.map((oid) => EXTENDED_KEY_USAGES.get(oid) ?? oid);
  let basicConstraints: CertificateSummary['basicConstraints'] = null;
  const bc = contents.basicConstraints;
  if (bc !== null) {
    const pathLen = bc.pathLength ?? null;
    // RFC 5280 allows 0..MAX only. OpenSSL marks a negative one invalid and reads it as 0 (no CA
    // below); doing the same keeps a hostile value from loosening the chain check or printing "-1".
    if (pathLen !== null && pathLen < 0) issues.push(`The basicConstraints pathLenConstraint is negative (${pathLen}), which RFC 5280 does not allow; it is read as 0.`);
    basicConstraints = { ca: bc.ca, pathLen: pathLen === null ? null : Math.max(0, pathLen) };
  }

  const ekuAnyPurpose = extendedKeyUsage === null ? 'no-extension' : extendedKeyUsage.includes('anyExtendedKeyUsage') ? 'anyExtendedKeyUsage' : null;
  const signature = signatureAlgorithmOf(parts?.signatureAlgorithm ?? null);
  const selfIssued = parts !== undefined && subjectDn !== undefined && issuerDn !== undefined && (Buffer.compare(Buffer.from(parts.subject), Buffer.from(parts.issuer)) === 0 || namesEqualText(subjectDn.text, issuerDn.text));

  return {
    summary: {
      ...base,
      parseError: null,
      notBefore: notBefore.iso,
      notAfter: notAfter.iso,
      validAtCapture: 'unknown',
      daysToExpiry: null,
      subjectAltNames: sans,
      publicKey: parts === undefined ? null : summarizePublicKey(parts.spki),
      signatureAlgorithm: signature.name,
      weakSignature: signature.weak,
      keyUsage,
      extendedKeyUsage,
      ekuAnyPurpose,
      hasServerAuth: ekuAnyPurpose !== null || extendedKeyUsage?.includes('serverAuth') === true,
      hasClientAuth: ekuAnyPurpose !== null || extendedKeyUsage?.includes('clientAuth') === true,
      basicConstraints,
      selfIssued,
      selfSigned: selfIssued ? selfSignature(der) : false,
      issues,
    },
    notBeforeMs: notBefore.ms,
    notAfterMs: notAfter.ms,
  };
}

/**
 * Adds the capture-time facts (validity, days to expiry) to the capture-independent ones.
 * `reuse`, a summary made earlier from the same facts, is returned when its capture-time facts
 * are the same (summaries are read-only; a cache saves a copy per connection this way).
 */
export function atCaptureTime(facts: CertificateFacts, captureTime?: Timestamp, reuse?: CertificateSummary): CertificateSummary {
  const { summary, notBeforeMs, notAfterMs } = facts;
  if (captureTime === undefined || notBeforeMs === null || notAfterMs === null) return summary;
  const at = captureTime.sec * 1000 + captureTime.nsec / 1e6;
  if (!Number.isFinite(at)) return summary;
  // RFC 5280 §4.1.2.5: the validity period includes both notBefore and notAfter.
  const validAtCapture: ValidityAtCapture = at < notBeforeMs ? 'not-yet-valid' : at > notAfterMs ? 'expired' : 'valid';
  const daysToExpiry = Math.floor((notAfterMs - at) / DAY_MS);
  if (reuse !== undefined && reuse.validAtCapture === validAtCapture && reuse.daysToExpiry === daysToExpiry) return reuse;
  return { ...summary, validAtCapture, daysToExpiry };
}

/** Summarizes one DER certificate as of the capture time; never throws. */
export function summarizeCertificate(der: Uint8Array, captureTime?: Timestamp, options: SummaryOptions = {}): CertificateSummary {
  return atCaptureTime(certificateFacts(der, options), captureTime);
}

/** One link of a chain: certificate `index` and the one after it. */
interface ChainLink {
  readonly index: number;
  /** The certificate's issuer equals the next certificate's subject; null when either did not parse. */
  readonly issuerMatchesNext: boolean | null;
}

/** Whether a chain as sent is in issuing order (leaf first, each followed by its issuer). */
export interface ChainOrder {
  /** Every link matches (vacuously true for 0 or 1 certificates). */
  readonly ordered: boolean;
  readonly links: readonly ChainLink[];
  /** Indexes whose issuer is not the next certificate's subject. */
  readonly brokenLinks: readonly number[];
  /** The last certificate is self-issued (the sender included the root). */
  readonly endsWithSelfIssued: boolean;
}

/**
 * Checks the order of a chain as sent (RFC 8446 §4.4.2: each certificate SHOULD directly
 * certify the one preceding it). Names compare case-insensitively with white space collapsed.
 */
export function chainOrder(summaries: readonly CertificateSummary[]): ChainOrder {
  const links: ChainLink[] = [];
  const brokenLinks: number[] = [];
  for (let i = 0; i + 1 < summaries.length; i++) {
    const a = summaries[i] as CertificateSummary;
    const b = summaries[i + 1] as CertificateSummary;
    const known = a.issuer !== NOT_DECODABLE && b.subject !== NOT_DECODABLE;
    const match = known ? namesEqualText(a.issuer, b.subject) : null;
    links.push({ index: i, issuerMatchesNext: match });
    if (match !== true) brokenLinks.push(i);
  }
  const last = summaries[summaries.length - 1];
  return { ordered: brokenLinks.length === 0, links, brokenLinks, endsWithSelfIssued: last?.selfIssued ?? false };
}
