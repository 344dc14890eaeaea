// SDK clients and throttles are shared by every ModelClient of the same provider (or provider and
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
    let entry = this.#entries.get(key);
    if (entry) {
      entry.refs += 1;
      const shared = entry;
      const value = await shared.value.catch((error: unknown) => {
        shared.refs -= 1;
        throw error;
      });
      onShare?.(value);
    } else {
      entry = { value: Promise.resolve().then(create), refs: 1, dispose };
      this.#entries.set(key, entry);
      const created = entry;
      // A failed creation is forgotten so the next caller retries it.
      created.value.catch(() => {
        if (this.#entries.get(key) === created) this.#entries.delete(key);
      });
    }
    const value = await entry.value;
    const held = entry;
    let released = false;
    return {
      value,
      release: async () => {
        if (released) return;
        released = true;
        held.refs -= 1;
        if (held.refs > 0) return;
        if (this.#entries.get(key) === held) this.#entries.delete(key);
        await held.dispose(value);
      },
    };
  }
}
