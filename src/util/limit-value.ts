/** A limit option as given, or its default when it is not a finite number of zero or more (0 means "none" where a stage allows it). */
export function nonNegative(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
}
