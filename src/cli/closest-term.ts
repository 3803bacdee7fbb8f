/** "Did you mean": the known word nearest to a mistyped one. */

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
function editDistance(a: string, b: string): number {
  // Indexes stay inside the rows this function builds (lengths a.length + 1 and b.length + 1): the casts read no input bytes.
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
export function closestTerm(term: string, known: readonly string[]): string | null {
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
