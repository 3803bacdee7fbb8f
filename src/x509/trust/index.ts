/**
 * Trust stores (PEM, DER, directories, PKCS#12, Java JKS/JCEKS) and offline chain verification.
 */
export type {
  LoadedTrustStore,
  TrustPurpose,
  TrustReason,
  TrustResult,
  TrustSetup,
} from './types.js';
export {
  describeTrustStore,
  loadTrustSetup,
  loadTrustSetupCached,
  loadTrustStore,
  readTrustStore,
  storeNames,
  type TrustRequest,
} from './load.js';
export { readCertificateFile } from './pem.js';
export { jksDigest, JKS_MAGIC, JCEKS_MAGIC } from './jks.js';
export { notChecked, verifyChain, type VerifyOptions } from './verify.js';
