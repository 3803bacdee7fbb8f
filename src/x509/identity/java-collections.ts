/**
 * The iteration order of the Java collections the key managers walk: the order decides which
 * alias wins when several qualify, so it is emulated exactly (OpenJDK 17 `java.util`).
 *
 * - `String.hashCode`: s[0]·31^(n-1) + … + s[n-1] over UTF-16 code units, in 32-bit arithmetic.
 * - `HashMap` (SunX509's `credentialsMap`): capacity 16, doubled when the size exceeds 3/4 of it;
 *   bucket = (h ^ h>>>16) & (capacity-1); iteration by bucket, then insertion order (a resize
 *   splits buckets without reordering). Buckets of eight or more entries become trees, whose
 *   order this does not follow: with String keys it takes thousands of colliding aliases.
 * - `Hashtable` (`JavaKeyStore` and `JceKeyStore` entries): capacity 11, rehashed to 2n+1 once
 *   the count reaches 3/4 of it; bucket = (h & 0x7fffffff) % capacity; new entries go to the
 *   head of their bucket, a rehash walks the old buckets from the last and re-inserts at the
 *   head; enumeration runs from the last bucket to the first.
 */

/** Java's `String.hashCode` as a signed 32-bit integer. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** The order a `HashMap<String, …>` filled with `items` under their `keyOf` (in this order, no duplicate keys) iterates them. */
export function hashMapOrder<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  let capacity = 16;
  while (items.length > capacity * 0.75) capacity *= 2;
  const buckets = new Map<number, T[]>();
  for (const item of items) {
    const h = javaStringHash(keyOf(item));
    const index = (h ^ (h >>> 16)) & (capacity - 1);
    const bucket = buckets.get(index);
    if (bucket === undefined) buckets.set(index, [item]);
    else bucket.push(item);
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, bucket]) => bucket);
}

/** The order a `Hashtable<String, …>` filled with `items` under their `keyOf` (in this order, no duplicate keys) enumerates them. */
export function hashtableOrder<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  let table: T[][] = Array.from({ length: 11 }, () => []);
  let count = 0;
  const indexOf = (item: T, capacity: number): number => (javaStringHash(keyOf(item)) & 0x7fffffff) % capacity;
  for (const item of items) {
    if (count >= Math.floor(table.length * 0.75)) {
      const next: T[][] = Array.from({ length: table.length * 2 + 1 }, () => []);
      for (const bucket of [...table].reverse()) {
        for (const moved of bucket) next[indexOf(moved, next.length)]?.unshift(moved);
      }
      table = next;
    }
    table[indexOf(item, table.length)]?.unshift(item);
    count++;
  }
  return [...table].reverse().flatMap((bucket) => bucket);
}
