/**
 * Identity key stores (PKCS#12, JKS, JCEKS) and the emulation of Java's client key managers:
 * which alias a JSSE client sends for a CertificateRequest, and why each other entry is not sent.
 */
export type { IdentityEntry, IdentityEvaluation, IdentityReason, IdentityRequest, IdentityStore } from './types.js';
export { loadIdentityStore, readIdentityStore } from './read.js';
export { evaluateIdentity, normalizeName } from './key-managers.js';
export { jsseClientKeyTypes } from './key-types.js';
export { aliasEntry, loadIdentitySetup, loadIdentitySetupCached } from './setup.js';
export type { IdentityRequestOptions, IdentitySetup, IdentitySide, LoadedIdentitySetup } from './setup.js';
export { checkStore, STORE_PROBLEM_CODES, type StoreCheck, type StoreRole } from './store-check.js';
