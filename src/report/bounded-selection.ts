/**
 * Keeps the `limit` best items of a stream under a total order, in memory proportional to
 * `limit` whatever the stream's length: a max-heap whose top is the worst item kept, so a
 * better newcomer replaces it in O(log limit). What is not kept (rejected at once, or pushed
 * out later) is handed to `onDrop`, so the caller can still count it. The result is the same
 * whatever order the items arrive in.
 */
export class BoundedSelection<T> {
  private readonly heap: T[] = [];

  /**
   * @param limit how many items to keep (0 keeps none)
   * @param compare negative when `a` is better (kept first) than `b`; a total order
   * @param onDrop called once for every item not kept in the end
   */
  constructor(
    private readonly limit: number,
    private readonly compare: (a: T, b: T) => number,
    private readonly onDrop: (item: T) => void,
  ) {}

  add(item: T): void {
    const heap = this.heap;
    if (heap.length < this.limit) {
      heap.push(item);
      this.siftUp(heap.length - 1);
      return;
    }
    const worst = heap[0];
    if (worst === undefined || this.compare(item, worst) >= 0) {
      this.onDrop(item);
      return;
    }
    heap[0] = item;
    this.siftDown(0);
    this.onDrop(worst);
  }

  /** Would an item be kept now? `better(worst)` says whether it is better than the worst one kept. */
  admits(better: (worst: T) => boolean): boolean {
    const worst = this.heap[0];
    return this.heap.length < this.limit || (worst !== undefined && better(worst));
  }

  get size(): number {
    return this.heap.length;
  }

  /** The kept items, best first. */
  sorted(): T[] {
    return [...this.heap].sort(this.compare);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const item = heap[i] as T;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as T;
      if (this.compare(item, p) <= 0) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[i] as T;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.compare(heap[right] as T, heap[left] as T) > 0 ? right : left;
      const c = heap[child] as T;
      if (this.compare(c, item) <= 0) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = item;
  }
}
