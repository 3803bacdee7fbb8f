/**
 * X.509 certificate summaries for the analysis and reports.
 */
export {
  chainOrder,
  summarizeCertificate,
  type CertificateSummary,
} from './certificate-summary.js';
export { CertificateCache } from './certificate-cache.js';
