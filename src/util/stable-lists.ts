/**
 * Per-connection lists that keep one hidden class, whether empty or not and whichever tier of
 * V8 made them.
 *
 * V8 gives an array a hidden class per elements kind. `[]`, and `.map` over an empty list, make
 * an array of small integers, while a list holding objects or strings has another class; and
 * `.map` in optimized code makes a "holey" array where the unoptimized builtin makes a packed
 * one. Code optimized while it met one class is thrown away when another arrives ("wrong
 * map") and compiled again: on the bench input, onHandshake was compiled six times. Lists a
 * connection record carries (certificate chains, CA names, alerts, handshakes) are made here.
 */

/** An empty list of small integers, of the class every such list has (a frozen one has its own); shared, so never to be changed. */
export const NO_NUMBERS: readonly number[] = [];

/** An empty list in the elements kind of lists of objects; shared, so never to be changed. */
export const NO_OBJECTS: readonly never[] = objectList<never>();

/** A new empty list in the elements kind of lists of objects. */
export function objectList<T>(): T[] {
  // A list made with one non-number element keeps that elements kind when emptied.
  const list = [undefined] as unknown as T[];
  list.length = 0;
  return list;
}

/** `list.map(f)` for a function that returns objects or strings, in that elements kind even when empty. */
export function mapObjects<T, U>(list: readonly T[], f: (item: T, index: number) => U): U[] {
  const out = objectList<U>();
  for (let i = 0; i < list.length; i++) out.push(f(list[i] as T, i));
  return out;
}

/**
 * `list.map(f)` for a function that returns small integers (type codes), always packed. Only
 * small integers: one double, even an integral one held as a heap number, makes every later list
 * made here a list of doubles (V8 remembers the transition at the allocation site).
 */
export function mapNumbers<T>(list: readonly T[], f: (item: T) => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < list.length; i++) out.push(f(list[i] as T));
  return out;
}
