/**
 * Certificate message, in two variants chosen by the negotiated version (never by trial parsing).
 *
 * TLS 1.0–1.2 (RFC 5246 §7.4.2; SSL 3.0 is the same):
 *   opaque ASN.1Cert<1..2^24-1>;
 *   struct {
 *       ASN.1Cert certificate_list<0..2^24-1>;
 *   } Certificate;
 *
 * TLS 1.3 (RFC 8446 §4.4.2):
 *   struct {
 *       select (certificate_type) {
 *           case RawPublicKey: opaque ASN1_subjectPublicKeyInfo<1..2^24-1>;  // RFC 7250
 *           case X509:         opaque cert_data<1..2^24-1>;
 *       };
 *       Extension extensions<0..2^16-1>;
 *   } CertificateEntry;
 *   struct {
 *       opaque certificate_request_context<0..2^8-1>;
 *       CertificateEntry certificate_list<0..2^24-1>;
 *   } Certificate;
 *
 * An empty certificate_list is the client's "I have no certificate for you" in mutual TLS
 * (RFC 5246 §7.4.6, RFC 8446 §4.4.2.4); it is reported as `isEmpty`, not as an error.
 */
import { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded, type DecodeIssue } from '../../util/decoded.js';
import { decodeExtensions } from '../extensions/index.js';
import type { Extension } from '../extensions/types.js';
import { TLS_DEFAULTS } from '../defaults.js';


/** Options of {@link decodeCertificate}. */
export interface CertificateOptions {
  /**
   * Certificates kept per message (default 32). Entries past it are length-checked and
   * skipped, not kept; the message then carries a `tls.handshake.certificate.too_many` issue.
   */
  readonly maxCertificatesPerChain?: number;
}

/** Decoding context: the negotiated protocol decides the variant. */
export interface CertificateContext {
  /** True when TLS 1.3 was negotiated (supported_versions in the ServerHello). */
  readonly tls13: boolean;
}

/** One certificate of a TLS ≤ 1.2 chain. */
interface CertificateEntry12 {
  /** DER of the certificate (a view into the message body). */
  readonly der: Uint8Array;
  /** Offset of the DER within the message body. */
  readonly offset: number;
}

/** One CertificateEntry of a TLS 1.3 chain. */
interface CertificateEntry13 extends CertificateEntry12 {
  /** The entry's extensions (status_request with an OCSP response, signed_certificate_timestamp, …). */
  readonly extensions: readonly Extension[];
  /** The raw extensions block (contents of the vector), kept when the block did not decode. */
  readonly extensionsRaw: Uint8Array;
  /** Why the extensions block did not decode, when it did not; the certificate itself is still kept. */
  readonly extensionsIssue: DecodeIssue | null;
}

interface CertificateCommon {
  /** True when certificate_list is empty: no certificate was sent. */
  readonly isEmpty: boolean;
  /** Entries in certificate_list, including any past `maxCertificatesPerChain`. */
  readonly totalEntries: number;
  /** Problems that did not stop decoding (e.g. too many certificates). */
  readonly issues: readonly DecodeIssue[];
}

/** TLS ≤ 1.2 Certificate. */
interface Certificate12 extends CertificateCommon {
  readonly variant: 'tls12';
  readonly entries: readonly CertificateEntry12[];
}

/** TLS 1.3 Certificate. */
interface Certificate13 extends CertificateCommon {
  readonly variant: 'tls13';
  /** certificate_request_context: empty in the server's Certificate, echoes the CertificateRequest's in the client's. */
  readonly requestContext: Uint8Array;
  readonly entries: readonly CertificateEntry13[];
}

/** A decoded Certificate message. */
export type CertificateMessage = Certificate12 | Certificate13;

const P = 'tls.handshake.certificate';

/** The DER of each certificate in the message, leaf first. */
export function certificateDerList(message: CertificateMessage): Uint8Array[] {
  return message.entries.map((e) => e.der);
}

/** Decodes a Certificate message body (the bytes after the 4-byte handshake header). */
export function decodeCertificate(body: Uint8Array, ctx: CertificateContext, options: CertificateOptions = {}): Decoded<CertificateMessage> {
  const max = Math.max(0, options.maxCertificatesPerChain ?? TLS_DEFAULTS.maxCertificatesPerChain);
  const r = new ByteReader(body);
  let requestContext: Uint8Array | undefined;
  if (ctx.tls13) {
    const context = r.vec8();
    if (context === undefined) return fail(`${P}.truncated`, 'The certificate_request_context is truncated.', r.position);
    requestContext = context.rest();
  }
  const listStart = r.position;
  const list = r.vec24();
  if (list === undefined) return fail(`${P}.truncated`, 'The certificate_list is truncated.', listStart);
  if (!r.empty()) return fail(`${P}.trailing_bytes`, `${r.remaining} bytes follow the certificate_list.`, r.position);

  const entries12: CertificateEntry12[] = [];
  const entries13: CertificateEntry13[] = [];
  const issues: DecodeIssue[] = [];
  let total = 0;
  // Each pass consumes at least 3 bytes (5 in TLS 1.3), so the loop ends within the list.
  while (!list.empty()) {
    const at = list.position;
    const cert = list.vec24();
    if (cert === undefined) return fail(`${P}.truncated`, `Certificate ${total + 1} runs past the end of the certificate_list.`, at);
    if (cert.empty()) return fail(`${P}.empty_entry`, `Certificate ${total + 1} is empty (minimum length is 1).`, at);
    const offset = cert.position;
    const der = cert.rest();
    let exts: ByteReader | undefined;
    if (ctx.tls13) {
      exts = list.vec16();
      if (exts === undefined) return fail(`${P}.truncated`, `The extensions of certificate ${total + 1} are truncated.`, list.position);
    }
    total++;
    if (total > max) {
      if (total === max + 1) {
        issues.push({
          code: `${P}.too_many`,
          message: `The chain has more than ${max} certificates (maxCertificatesPerChain); the rest are skipped.`,
          offset: at,
        });
      }
      continue;
    }
    if (exts === undefined) {
      entries12.push({ der, offset });
    } else {
      const extensionsRaw = exts.peekRest();
      const decoded = decodeExtensions(exts, 'certificate');
      entries13.push(
        decoded.ok
          ? { der, offset, extensions: decoded.value, extensionsRaw, extensionsIssue: null }
          : { der, offset, extensions: [], extensionsRaw, extensionsIssue: decoded.issue },
      );
    }
  }
  if (ctx.tls13) {
    return ok({ variant: 'tls13', requestContext: requestContext ?? new Uint8Array(0), entries: entries13, isEmpty: total === 0, totalEntries: total, issues });
  }
  return ok({ variant: 'tls12', entries: entries12, isEmpty: total === 0, totalEntries: total, issues });
}
