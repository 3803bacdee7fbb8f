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

/** The order a `HashMap<String, …>` filled with `keys` (in this order, no duplicates) iterates them. */
export function hashMapOrder(keys: readonly string[]): string[] {
  let capacity = 16;
  while (keys.length > capacity * 0.75) capacity *= 2;
  const buckets = new Map<number, string[]>();
  for (const key of keys) {
    const h = javaStringHash(key);
    const index = (h ^ (h >>> 16)) & (capacity - 1);
    const bucket = buckets.get(index);
    if (bucket === undefined) buckets.set(index, [key]);
    else bucket.push(key);
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, bucket]) => bucket);
}

/** The order a `Hashtable<String, …>` filled with `keys` (in this order, no duplicates) enumerates them. */
export function hashtableOrder(keys: readonly string[]): string[] {
  let table: string[][] = Array.from({ length: 11 }, () => []);
  let count = 0;
  const indexOf = (key: string, capacity: number): number => (javaStringHash(key) & 0x7fffffff) % capacity;
  for (const key of keys) {
    if (count >= Math.floor(table.length * 0.75)) {
      const next: string[][] = Array.from({ length: table.length * 2 + 1 }, () => []);
      for (let i = table.length - 1; i >= 0; i--) {
        for (const moved of table[i] ?? []) next[indexOf(moved, next.length)]?.unshift(moved);
      }
      table = next;
    }
    table[indexOf(key, table.length)]?.unshift(key);
    count++;
  }
  const out: string[] = [];
  for (let i = table.length - 1; i >= 0; i--) out.push(...(table[i] ?? []));
  return out;
}
