/**
 * Every diagnosis rule, in the order findings of equal severity are listed
 * (causes before symptoms). Listed explicitly: importing a rule file has no side effects.
 */
import type { Rule } from './types.js';
import { CLIENT_CERTIFICATE_RULES } from './client-certificate.js';

export const RULES: readonly Rule[] = [...CLIENT_CERTIFICATE_RULES];
