// SDK clients and admissions are shared by every ModelClient of the same provider (or provider and
// model): the registry creates one ModelClient per alias, but sockets and rate-limit state belong
// to the endpoint. Entries are reference-counted and disposed when the last user closes.

export interface PoolLease<T> {
  readonly value: T;
  /** Idempotent; disposes the shared value when no other lease holds it. */
  release(): Promise<void>;
}

interface Entry<T> {
  value: Promise<T>;
  refs: number;
  dispose: (value: T) => void | Promise<void>;
}

export class SharedResourcePool<T> {
  readonly #entries = new Map<string, Entry<T>>();

  get size(): number {
    return this.#entries.size;
  }

  /**
   * `create` runs only for the first user of `key`; `onShare` runs for every later one
   * (e.g. to widen a socket pool).
   */
  async acquire(
    key: string,
    create: () => T | Promise<T>,
    dispose: (value: T) => void | Promise<void>,
    onShare?: (value: T) => void,
  ): Promise<PoolLease<T>> {
    const existing = this.#entries.get(key);
    const entry: Entry<T> = existing ?? { value: Promise.resolve().then(create), refs: 0, dispose };
    if (!existing) this.#entries.set(key, entry);
    entry.refs += 1;
    let value: T;
    try {
      value = await entry.value;
    } catch (error) {
      entry.refs -= 1;
      // A failed creation is forgotten so that the next caller tries again.
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
      throw error;
    }
    if (existing) onShare?.(value);
    let released = false;
    return {
      value,
      release: async () => {
        if (released) return;
        released = true;
        entry.refs -= 1;
        if (entry.refs > 0) return;
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
        await entry.dispose(value);
      },
    };
  }
}
