/**
 * Trust stores (PEM, DER, directories, PKCS#12, Java JKS/JCEKS) and offline chain verification.
 */
export type {
  LoadedTrustStore,
  StoreIntegrity,
  TrustCertificate,
  TrustProblem,
  TrustPurpose,
  TrustReason,
  TrustResult,
  TrustSetup,
  TrustStoreFormat,
  TrustVerdict,
} from './types.js';
export { TRUST_REASONS } from './types.js';
export {
  DEFAULT_MAX_DIRECTORY_FILES,
  DEFAULT_MAX_TRUST_FILE_BYTES,
  describeTrustStore,
  loadTrustSetup,
  loadTrustSetupCached,
  loadTrustStore,
  readTrustStore,
  storeNames,
  type TrustLoadOptions,
  type TrustRequest,
} from './load.js';
export { DEFAULT_MAX_KDF_ITERATIONS, DEFAULT_MAX_STORE_ENTRIES, type StoreLimits } from './raw-store.js';
export { readCertificateFile, type CertificateFileContents } from './pem.js';
export { readPkcs12 } from './pkcs12.js';
export { readJks, jksDigest, JKS_MAGIC, JCEKS_MAGIC } from './jks.js';
export { DEFAULT_MAX_PATH_LENGTH, DEFAULT_MAX_SIGNATURE_CHECKS, notChecked, verifyChain, type VerifyOptions } from './verify.js';
