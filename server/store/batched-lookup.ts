/**
 * Lookups by key that arrive together share one query: every `load` made in the same turn of
 * the event loop is answered by one `fetch` of all their (distinct) keys, run on the next turn.
 * Nothing is cached: a lookup always reads the database after it was asked, so it sees every
 * write committed before it. Under load this turns hundreds of `SELECT … WHERE id = ?` into a
 * few `SELECT … WHERE id IN (…)`; alone, it costs one `setImmediate`.
 */
export class BatchedLookup<K, V> {
  private waiting = new Map<K, { resolve(v: V | undefined): void; reject(err: unknown): void }[]>();
  private scheduled = false;

  /** `fetch` answers the rows it found, by key; at most `maxKeys` keys go into one query. */
  constructor(
    private readonly fetch: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxKeys = 500,
  ) {}

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const callers = this.waiting.get(key);
      if (callers) callers.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.run());
      }
    });
  }

  private run(): void {
    this.scheduled = false;
    const batch = this.waiting;
    this.waiting = new Map();
    const keys = [...batch.keys()];
    for (let i = 0; i < keys.length; i += this.maxKeys) {
      const chunk = keys.slice(i, i + this.maxKeys);
      this.fetch(chunk).then(
        (found) => {
          for (const key of chunk) for (const c of batch.get(key)!) c.resolve(found.get(key));
        },
        (err: unknown) => {
          for (const key of chunk) for (const c of batch.get(key)!) c.reject(err);
        },
      );
    }
  }
}

/** One lookup per owner (a Ctx, a database): created on first use, kept as long as the owner lives. */
export function perOwner<O extends object, T>(make: (owner: O) => T): (owner: O) => T {
  const made = new WeakMap<O, T>();
  return (owner) => {
    let value = made.get(owner);
    if (value === undefined) {
      value = make(owner);
      made.set(owner, value);
    }
    return value;
  };
}
