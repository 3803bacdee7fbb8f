/**
 * Values several rules derive from the same input (a chain's views, its problems, how its
 * certificate was refused): the verdict hands every rule one input object before it makes the
 * next, so remembering the last input's value lets the rules share one computation per
 * connection without a field of the input for each.
 */
import type { RuleInput } from './types.js';

/** `derive`, computed once for each successive input it is asked about. */
export function sharedPerInput<T>(derive: (input: RuleInput) => T): (input: RuleInput) => T {
  let last: { readonly input: RuleInput; readonly value: T } | null = null;
  return (input: RuleInput): T => {
    if (last === null || last.input !== input) last = { input, value: derive(input) };
    return last.value;
  };
}
