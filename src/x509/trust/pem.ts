/**
 * Certificates in PEM (RFC 7468 §5: `-----BEGIN CERTIFICATE-----`, also OpenSSL's
 * `TRUSTED CERTIFICATE` and the old `X509 CERTIFICATE` labels) or as one DER certificate.
 * Other PEM blocks (keys, CRLs) are counted and skipped.
 */
import { readDer, DER } from '../der.js';

/** What a PEM or DER file held. */
export interface CertificateFileContents {
  readonly certificates: readonly Uint8Array[];
  /** PEM blocks that were not certificates (keys, CRLs, requests). */
  readonly otherBlocks: number;
  /** Certificate blocks whose base64 did not decode to a DER SEQUENCE. */
  readonly badBlocks: number;
  readonly format: 'pem' | 'der' | 'unknown';
}

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'TRUSTED CERTIFICATE', 'X509 CERTIFICATE']);
/** PEM blocks read per file at most (the Mozilla bundle holds about 150). */
const MAX_PEM_BLOCKS = 10_000;

/** Does the input look like PEM text (a `-----BEGIN ` line near the start)? */
export function looksLikePem(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 64 * 1024)).toString('latin1').includes('-----BEGIN ');
}

/** Is the input exactly one DER certificate (SEQUENCE { SEQUENCE tbs, … })? */
function looksLikeDerCertificate(bytes: Uint8Array): boolean {
  const outer = readDer(bytes);
  if (outer?.tag !== DER.SEQUENCE || outer.end !== bytes.length) return false;
  return readDer(outer.value)?.tag === DER.SEQUENCE;
}

/** The certificate DER of a PEM certificate block: OpenSSL's TRUSTED form appends trust settings after it. */
function certificatePrefix(der: Uint8Array): Uint8Array | undefined {
  const cert = readDer(der);
  return cert?.tag === DER.SEQUENCE ? der.subarray(0, cert.end) : undefined;
}

/** Reads every certificate of a PEM file, or the one certificate of a DER file; never throws. */
export function readCertificateFile(bytes: Uint8Array): CertificateFileContents {
  if (looksLikePem(bytes)) {
    const text = Buffer.from(bytes).toString('latin1');
    const certificates: Uint8Array[] = [];
    let otherBlocks = 0;
    let badBlocks = 0;
    const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
    let blocks = 0;
    for (let m = re.exec(text); m !== null && blocks < MAX_PEM_BLOCKS; m = re.exec(text), blocks++) {
      const label = m[1] ?? '';
      if (!CERTIFICATE_LABELS.has(label)) {
        otherBlocks++;
        continue;
      }
      // RFC 7468 §2: headers (lines with a colon) may precede the base64 in old files.
      const body = (m[2] ?? '').split(/\r?\n/).filter((line) => !line.includes(':')).join('');
      const der = certificatePrefix(Buffer.from(body.replace(/\s+/g, ''), 'base64'));
      if (der === undefined) badBlocks++;
      else certificates.push(Uint8Array.from(der));
    }
    return { certificates, otherBlocks, badBlocks, format: 'pem' };
  }
  if (looksLikeDerCertificate(bytes)) return { certificates: [Uint8Array.from(bytes)], otherBlocks: 0, badBlocks: 0, format: 'der' };
  return { certificates: [], otherBlocks: 0, badBlocks: 0, format: 'unknown' };
}
