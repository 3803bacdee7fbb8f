/**
 * The terms `--fail-on` accepts, and the check that turns a typo into a usage error: an unknown
 * term would never match, and a CI job would stay green forever.
 */
import { FINDING_CODES } from '../analysis/rules/index.js';
import type { Severity, Status } from '../analysis/verdict-types.js';
import { closestTerm } from './closest-term.js';

/** Severities: a finding of that severity or worse matches. */
export const FAIL_ON_SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** Statuses a connection can fail on (ok and not-tls are not failures). */
export const FAIL_ON_STATUSES: readonly Status[] = ['failed', 'incomplete'];

/** Null when `term` is a finding code, a severity or a status; else the usage error to print. */
export function failOnTermError(term: string): string | null {
  const known: readonly string[] = [...FINDING_CODES, ...FAIL_ON_SEVERITIES, ...FAIL_ON_STATUSES];
  if (known.includes(term)) return null;
  const near = closestTerm(term, known);
  const suggestion = near !== null ? `; did you mean '${near}'?` : '; --fail-on takes finding codes (listed in docs/diagnoses.md), error, warning, info, failed or incomplete.';
  return `Unknown finding code '${term}' in --fail-on${suggestion}`;
}
