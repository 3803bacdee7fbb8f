/**
 * Locates the parts of a certificate that summaries need as exact bytes, with the
 * small DER reader (no re-encoding, so names compare byte for byte).
 *
 * RFC 5280 §4.1:
 *   Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
 *   TBSCertificate ::= SEQUENCE {
 *       version [0] EXPLICIT Version DEFAULT v1, serialNumber INTEGER, signature AlgorithmIdentifier,
 *       issuer Name, validity Validity, subject Name, subjectPublicKeyInfo SubjectPublicKeyInfo,
 *       issuerUniqueID [1] IMPLICIT OPTIONAL, subjectUniqueID [2] IMPLICIT OPTIONAL, extensions [3] EXPLICIT OPTIONAL }
 *   AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
 *   SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
 */
import { DER, decodeOid, readDer, readDerChildren, type DerElement } from './der.js';

/** An AlgorithmIdentifier: OID and the DER of its parameters (null when absent). */
export interface AlgorithmIdentifier {
  readonly oid: string;
  readonly parameters: DerElement | null;
}

/** The located parts; all byte fields are views into the input. */
export interface TbsParts {
  readonly serial: Uint8Array;
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  readonly spki: Uint8Array;
  /** The outer signatureAlgorithm (what the issuer signed with). */
  readonly signatureAlgorithm: AlgorithmIdentifier | null;
}

/** Reads an AlgorithmIdentifier element, or null when it is not one. */
export function readAlgorithmIdentifier(e: DerElement | undefined): AlgorithmIdentifier | null {
  if (e === undefined || e.tag !== DER.SEQUENCE) return null;
  const parts = readDerChildren(e.value).elements;
  const oidEl = parts[0];
  if (oidEl === undefined || oidEl.tag !== DER.OID) return null;
  const oid = decodeOid(oidEl.value);
  if (oid === undefined) return null;
  return { oid, parameters: parts[1] ?? null };
}

/** Finds serial, issuer, subject and SPKI in DER certificate bytes, or undefined when the layout does not match. */
export function locateTbsParts(der: Uint8Array): TbsParts | undefined {
  const cert = readDer(der);
  if (cert === undefined || cert.tag !== DER.SEQUENCE) return undefined;
  const outer = readDerChildren(cert.value).elements;
  const tbs = outer[0];
  if (tbs === undefined || tbs.tag !== DER.SEQUENCE) return undefined;
  const fields = readDerChildren(tbs.value).elements;
  // Skip the optional explicit [0] version.
  const start = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serial = fields[start];
  const issuer = fields[start + 2];
  const subject = fields[start + 4];
  const spki = fields[start + 5];
  if (serial?.tag !== DER.INTEGER || issuer?.tag !== DER.SEQUENCE || subject?.tag !== DER.SEQUENCE || spki?.tag !== DER.SEQUENCE) return undefined;
  return {
    serial: serial.value,
    issuer: issuer.tlv,
    subject: subject.tlv,
    spki: spki.tlv,
    signatureAlgorithm: readAlgorithmIdentifier(outer[1]),
  };
}
