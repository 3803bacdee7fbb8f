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

/** One remembered value of a {@link ListsCache}, with the key it was found by. */
interface ListsEntry<V> {
  readonly lists: readonly (readonly number[])[];
  readonly names: readonly string[];
  readonly value: V;
}

/**
 * A bounded memo keyed by lists of numbers and of strings (a ClientHello's suites, extensions,
 * groups and ALPN names): found by a numeric hash of the key and confirmed by comparing it whole,
 * so that a look-up builds no key string. It keeps the caller's lists, which must not change
 * afterwards (a decoded ClientHello's never do). A key of more than `maxValues` numbers is not
 * kept (the caller computes each time); once `max` entries are held it forgets them all.
 *
 * Lists shared between callers (a ClientHello shape's, hello-shape.ts) are found by identity
 * first: the very lists an entry was made with, in the same places, are its key without a hash.
 */
export class ListsCache<V> {
  private readonly buckets = new Map<number, ListsEntry<V>[]>();
  /** Entries by their first list, for look-ups with the very same list objects. */
  private byFirstList = new WeakMap<readonly number[], ListsEntry<V>>();
  private count = 0;

  constructor(
    readonly max: number,
    readonly maxValues = Infinity,
  ) {}

  get size(): number {
    return this.count;
  }

  get(lists: readonly (readonly number[])[], names: readonly string[]): V | undefined {
    const first = lists[0];
    const same = first === undefined ? undefined : this.byFirstList.get(first);
    if (same !== undefined && identicalLists(same.lists, lists) && sameStrings(same.names, names)) return same.value;
    const bucket = this.buckets.get(listsHash(lists, names));
    if (bucket === undefined) return undefined;
    for (const entry of bucket) if (sameLists(entry.lists, lists) && sameStrings(entry.names, names)) return entry.value;
    return undefined;
  }

  set(lists: readonly (readonly number[])[], names: readonly string[], value: V): void {
    if (valueCount(lists) > this.maxValues) return;
    if (this.count >= this.max) this.clear();
    const hash = listsHash(lists, names);
    const entry = { lists, names, value };
    const bucket = this.buckets.get(hash);
    if (bucket === undefined) this.buckets.set(hash, [entry]);
    else bucket.push(entry);
    const first = lists[0];
    if (first !== undefined) this.byFirstList.set(first, entry);
    this.count++;
  }

  clear(): void {
    this.buckets.clear();
    this.byFirstList = new WeakMap();
    this.count = 0;
  }
}

/** The same list objects in the same places. */
function identicalLists(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function valueCount(lists: readonly (readonly number[])[]): number {
  let total = 0;
  for (const list of lists) total += list.length;
  return total;
}

const FNV_PRIME = 0x01000193;
/** Where an FNV-1a hash starts. */
export const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a hash `h` carried over one number. */
export function mixNumber(h: number, v: number): number {
  return Math.imul(h ^ v, FNV_PRIME);
}

/** FNV-1a hash `h` carried over a list's length and values (keys made of lists; see hello-shape.ts too). */
export function mixNumbers(h: number, list: readonly number[]): number {
  h = mixNumber(h, list.length);
  for (const v of list) h = mixNumber(h, v);
  return h;
}

/** FNV-1a hash `h` carried over each name's length and characters, the count first. */
export function mixStrings(h: number, names: readonly string[]): number {
  h = mixNumber(h, names.length);
  for (const name of names) {
    h = mixNumber(h, name.length);
    for (let i = 0; i < name.length; i++) h = mixNumber(h, name.charCodeAt(i));
  }
  return h;
}

/** FNV-1a over each list's length and values, then the names. */
function listsHash(lists: readonly (readonly number[])[], names: readonly string[]): number {
  let h = FNV_OFFSET;
  for (const list of lists) h = mixNumbers(h, list);
  return mixStrings(h, names);
}

function sameLists(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameNumbers(a[i] as readonly number[], b[i] as readonly number[])) return false;
  return true;
}

/** The same numbers in the same order. */
export function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The same strings in the same order. */
export function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
