/**
 * The terms `--fail-on` accepts, and the check that turns a typo into a usage error: an unknown
 * term would never match, and a CI job would stay green forever.
 */
import { FINDING_CODES } from '../analysis/rules/index.js';
import type { Severity, Status } from '../analysis/verdict-types.js';

/** Severities: a finding of that severity or worse matches. */
export const FAIL_ON_SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** Statuses a connection can fail on (ok and not-tls are not failures). */
export const FAIL_ON_STATUSES: readonly Status[] = ['failed', 'incomplete'];

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The known term nearest to `term`, or null when none is near enough to be the one meant. */
function closestTerm(term: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(term.toLowerCase(), k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  // Beyond a third of the word, a suggestion is a guess rather than a correction.
  return bestDistance <= Math.max(2, Math.floor(term.length / 3)) ? best : null;
}

/** Null when `term` is a finding code, a severity or a status; else the usage error to print. */
export function failOnTermError(term: string): string | null {
  const known: readonly string[] = [...FINDING_CODES, ...FAIL_ON_SEVERITIES, ...FAIL_ON_STATUSES];
  if (known.includes(term)) return null;
  const near = closestTerm(term, known);
  const suggestion = near !== null ? `; did you mean '${near}'?` : '; --fail-on takes finding codes (listed in docs/diagnoses.md), error, warning, info, failed or incomplete.';
  return `Unknown finding code '${term}' in --fail-on${suggestion}`;
}
