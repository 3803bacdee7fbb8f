/**
 * CertificateRequest: the server asks for a client certificate (mutual TLS).
 * Three variants, chosen by the negotiated version.
 *
 * TLS 1.2 (RFC 5246 §7.4.4):
 *   struct {
 *       ClientCertificateType certificate_types<1..2^8-1>;
 *       SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
 *       DistinguishedName certificate_authorities<0..2^16-1>;
 *   } CertificateRequest;
 *
 * SSL 3.0, TLS 1.0, TLS 1.1 (RFC 4346 §7.4.4): the same without supported_signature_algorithms.
 *
 * TLS 1.3 (RFC 8446 §4.3.2):
 *   struct {
 *       opaque certificate_request_context<0..2^8-1>;
 *       Extension extensions<2..2^16-1>;
 *   } CertificateRequest;
 *   signature_algorithms is mandatory; certificate_authorities, oid_filters,
 *   signature_algorithms_cert and status_request are optional.
 *
 *   opaque DistinguishedName<1..2^16-1>;   // DER X.501 Name
 */
import { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded, type DecodeIssue } from '../../util/decoded.js';
import { decodeCertificateAuthorities, readDistinguishedNames, type CertificateAuthorityName } from '../extensions/certificate-authorities.js';
import { decodeExtensions } from '../extensions/index.js';
import { readU8s } from '../extensions/read-lists.js';
import type { Extension } from '../extensions/types.js';

/** Decoding context: the negotiated protocol version (0x0300 SSL 3.0 … 0x0304 TLS 1.3; 0x7fNN TLS 1.3 drafts). */
export interface CertificateRequestContext {
  readonly version: number;
}

interface CertificateRequestCommon {
  /** ClientCertificateType codes (1 rsa_sign, 2 dss_sign, 64 ecdsa_sign, …); empty in TLS 1.3. */
  readonly certificateTypes: readonly number[];
  /** Signature schemes the server accepts (the field in TLS 1.2, the extension in TLS 1.3); empty before TLS 1.2. */
  readonly signatureAlgorithms: readonly number[];
  /** CAs the server accepts client certificates from; empty = any (the server did not say). */
  readonly certificateAuthorities: readonly CertificateAuthorityName[];
  /** Problems that did not stop decoding (an empty list where the RFC sets a minimum, a missing mandatory extension). */
  readonly issues: readonly DecodeIssue[];
}

/** SSL 3.0 – TLS 1.1 CertificateRequest (no signature algorithms field). */
interface CertificateRequestLegacy extends CertificateRequestCommon {
  readonly variant: 'tls10';
}

/** TLS 1.2 CertificateRequest. */
interface CertificateRequest12 extends CertificateRequestCommon {
  readonly variant: 'tls12';
}

/** TLS 1.3 CertificateRequest. */
interface CertificateRequest13 extends CertificateRequestCommon {
  readonly variant: 'tls13';
  readonly requestContext: Uint8Array;
  readonly extensions: readonly Extension[];
  /** signature_algorithms_cert, when sent. */
  readonly signatureAlgorithmsCert: readonly number[] | null;
  /** Why a certificate_authorities extension sent could not be read ("the certificate_authorities list is empty"), or null. */
  readonly certificateAuthoritiesProblem: string | null;
}

/** A decoded CertificateRequest. */
export type CertificateRequest = CertificateRequestLegacy | CertificateRequest12 | CertificateRequest13;

const P = 'tls.handshake.certificate_request';

/** True for TLS 1.3 and its drafts (0x7f00 + n). */
function isTls13Version(version: number): boolean {
  return version === 0x0304 || version >> 8 === 0x7f;
}

/** Decodes a CertificateRequest body for the negotiated version. */
export function decodeCertificateRequest(body: Uint8Array, ctx: CertificateRequestContext): Decoded<CertificateRequest> {
  return isTls13Version(ctx.version) ? decodeTls13(body) : decodeLegacy(body, ctx.version >= 0x0303);
}

function decodeLegacy(body: Uint8Array, tls12: boolean): Decoded<CertificateRequest> {
  const r = new ByteReader(body);
  const issues: DecodeIssue[] = [];
  const typesAt = r.position;
  const types = r.vec8();
  if (types === undefined) return fail(`${P}.truncated`, 'certificate_types is truncated.', typesAt);
  const certificateTypes = readU8s(types);
  if (certificateTypes.length === 0) issues.push({ code: `${P}.no_certificate_types`, message: 'certificate_types is empty (minimum 1 entry).', offset: typesAt });

  let signatureAlgorithms: number[] = [];
  if (tls12) {
    const at = r.position;
    const algs = r.vec16();
    if (algs === undefined) return fail(`${P}.truncated`, 'supported_signature_algorithms is truncated.', at);
    if (algs.remaining % 2 !== 0) return fail(`${P}.odd_length`, 'supported_signature_algorithms has an odd length.', at);
    signatureAlgorithms = readU16List(algs);
    if (signatureAlgorithms.length === 0) {
      issues.push({ code: `${P}.no_signature_algorithms`, message: 'supported_signature_algorithms is empty (minimum 1 entry).', offset: at });
    }
  }

  const casAt = r.position;
  const cas = r.vec16();
  if (cas === undefined) return fail(`${P}.truncated`, 'certificate_authorities is truncated.', casAt);
  const names = readDistinguishedNames(cas, P);
  if (!names.ok) return names;
  if (!r.empty()) return fail(`${P}.trailing_bytes`, `${r.remaining} bytes follow certificate_authorities.`, r.position);
  // One literal, no spread of a shared base: this runs for every CertificateRequest.
  return ok({ variant: tls12 ? 'tls12' : 'tls10', certificateTypes, signatureAlgorithms, certificateAuthorities: names.value, issues });
}

function readU16List(r: ByteReader): number[] {
  const out: number[] = [];
  for (let v = r.u16(); v !== undefined; v = r.u16()) out.push(v);
  return out;
}

/** The schemes of a signature_algorithms(_cert) extension, decoded by the dispatcher or here from raw data. */
function schemesOf(ext: Extension): number[] | undefined {
  if (ext.decoded?.kind === 'signature_algorithms') return [...ext.decoded.schemes];
  const r = new ByteReader(ext.data);
  const list = r.vec16();
  if (list === undefined || !r.empty() || list.remaining % 2 !== 0) return undefined;
  return readU16List(list);
}

function authoritiesOf(ext: Extension): Decoded<CertificateAuthorityName[]> {
  if (ext.decoded?.kind === 'certificate_authorities') return ok([...ext.decoded.names]);
  const decoded = decodeCertificateAuthorities(new ByteReader(ext.data));
  return decoded.ok ? ok(decoded.value.names) : decoded;
}


function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

const SIGNATURE_ALGORITHMS = 13;
const CERTIFICATE_AUTHORITIES = 47;
const SIGNATURE_ALGORITHMS_CERT = 50;

function decodeTls13(body: Uint8Array): Decoded<CertificateRequest> {
  const r = new ByteReader(body);
  const issues: DecodeIssue[] = [];
  const context = r.vec8();
  if (context === undefined) return fail(`${P}.truncated`, 'certificate_request_context is truncated.', 0);
  const requestContext = context.rest();
  const extAt = r.position;
  const exts = r.vec16();
  if (exts === undefined) return fail(`${P}.truncated`, 'The extensions block is truncated.', extAt);
  if (!r.empty()) return fail(`${P}.trailing_bytes`, `${r.remaining} bytes follow the extensions.`, r.position);
  const decoded = decodeExtensions(exts, 'certificate_request');
  if (!decoded.ok) return decoded;
  const extensions = decoded.value;

  let signatureAlgorithms: number[] = [];
  let signatureAlgorithmsCert: number[] | null = null;
  let certificateAuthorities: CertificateAuthorityName[] = [];
  const sigalgs = extensions.find((e) => e.type === SIGNATURE_ALGORITHMS);
  if (sigalgs === undefined) {
    issues.push({ code: `${P}.missing_signature_algorithms`, message: 'The TLS 1.3 CertificateRequest has no signature_algorithms extension (it is mandatory).' });
  } else {
    const schemes = schemesOf(sigalgs);
    if (schemes === undefined) issues.push({ code: `${P}.bad_signature_algorithms`, message: 'The signature_algorithms extension is malformed.' });
    else signatureAlgorithms = schemes;
  }
  const sigalgsCert = extensions.find((e) => e.type === SIGNATURE_ALGORITHMS_CERT);
  if (sigalgsCert !== undefined) signatureAlgorithmsCert = schemesOf(sigalgsCert) ?? null;
  let certificateAuthoritiesProblem: string | null = null;
  const cas = extensions.find((e) => e.type === CERTIFICATE_AUTHORITIES);
  if (cas !== undefined) {
    const names = authoritiesOf(cas);
    if (!names.ok) {
      certificateAuthoritiesProblem = lowerFirst(names.issue.message).replace(/\.$/, '');
      issues.push({ code: `${P}.bad_certificate_authorities`, message: `The certificate_authorities extension is malformed: ${certificateAuthoritiesProblem}.` });
    } else certificateAuthorities = names.value;
  }
  return ok({
    variant: 'tls13',
    requestContext,
    extensions,
    certificateTypes: [],
    signatureAlgorithms,
    signatureAlgorithmsCert,
    certificateAuthorities,
    certificateAuthoritiesProblem,
    issues,
  });
}
