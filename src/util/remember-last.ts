/**
 * A loader remembered for its last arguments: every capture of a run (and every file a worker
 * thread takes) asks for the same key logs, Java logs and trust stores, which are read once.
 * A load that fails is not kept, so the next caller gets the same error afresh.
 */
export function rememberLast<Args extends readonly unknown[], R>(load: (...args: Args) => Promise<R>): (...args: Args) => Promise<R> {
  let last: { readonly key: string; readonly result: Promise<R> } | null = null;
  return (...args: Args): Promise<R> => {
    const key = JSON.stringify(args);
    if (last !== null && last.key === key) return last.result;
    const result = load(...args);
    const entry = { key, result };
    last = entry;
    result.catch(() => {
      if (last === entry) last = null;
    });
    return result;
  };
}
