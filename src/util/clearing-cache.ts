/**
 * A bounded memo for values that recur across connections (one client's fingerprints, one
 * server's CA list, the same offered suites): once it holds `max` entries it forgets them all
 * and starts again. Cheaper than an exact LRU and as good while the working set is small; a
 * capture with more distinct values than `max` loses only the saving, never correctness.
 */
export class ClearingCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    if (this.map.size >= this.max) this.map.clear();
    this.map.set(key, value);
  }

  /** The remembered value, or `compute(key)`, remembered. */
  getOrCompute(key: K, compute: (key: K) => V): V {
    const known = this.map.get(key);
    if (known !== undefined) return known;
    const value = compute(key);
    this.set(key, value);
    return value;
  }

  clear(): void {
    this.map.clear();
  }
}

/**
 * An exact string key of a prefix and lists of 16-bit values (one char per value), the lists'
 * lengths first so that the concatenation cannot be read two ways; null when it could not be
 * exact (a value outside 0..0xffff: hand-built input) or small (more than `maxValues` values in
 * all), and the caller then computes without its cache.
 */
export function listsKey(prefix: string, lists: readonly (readonly number[])[], maxValues = Infinity): string | null {
  let total = 0;
  for (const list of lists) {
    total += list.length;
    if (total > maxValues) return null;
    for (const v of list) if ((v & 0xffff) !== v) return null;
  }
  let key = prefix;
  for (const list of lists) key += String.fromCharCode(list.length);
  for (const list of lists) key += String.fromCharCode(...list);
  return key;
}
