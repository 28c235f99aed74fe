/** Bounded parallel work, without I/O of its own: the feeds fetch pages with it, the executor runs strategies with it */

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Maps with at most `limit` calls in flight; results keep the input order. `fn` should not throw */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

/**
 * Runs calls one after the other per key: a call for a key starts once the calls before it for that key have settled
 * (resolved or thrown); calls for other keys run beside it. In one process only
 */
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const call = before.then(fn, fn);
    const tail = call.catch(() => undefined);
    this.tails.set(key, tail);
    // The last call for a key forgets it once it has settled, so the map holds only keys with calls pending
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return call;
  }
}
