/**
 * X.509 certificate summaries for the analysis and reports.
 */
export {
  atCaptureTime,
  certificateFacts,
  chainOrder,
  DEFAULT_MAX_SUBJECT_ALT_NAMES,
  sha256Hex,
  summarizeCertificate,
  type CertificateFacts,
  type CertificateSummary,
  type ChainLink,
  type ChainOrder,
  type SubjectAltNames,
  type SummaryOptions,
  type ValidityAtCapture,
} from './certificate-summary.js';
export { CertificateCache, DEFAULT_CERTIFICATE_CACHE_ENTRIES, type CertificateCacheOptions } from './certificate-cache.js';
export { summarizePublicKey, type PublicKeySummary } from './public-key.js';
export { decodeDistinguishedName, formatDistinguishedName, type DistinguishedName } from './distinguished-name.js';
