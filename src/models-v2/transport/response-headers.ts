// The response headers the SDKs read (`get`, `has`, `entries` …), served straight from the
// lower-cased record undici's request API returns, instead of building a fetch `Headers` per
// response. Read-only: nothing downstream writes response headers. Values of a repeated header
// are joined with ", " and iteration is sorted by name, as fetch's `Headers` does. The record is
// a private field so a logger that walks own properties (the SDKs' debug formatter) sees nothing.
import type { IncomingHttpHeaders } from 'node:http';

const UPPER_CASE = /[A-Z]/;

export class ResponseHeaders implements Iterable<[string, string]> {
  readonly #record: IncomingHttpHeaders;

  constructor(record: IncomingHttpHeaders) {
    this.#record = record;
  }

  get(name: string): string | null {
    const record = this.#record;
    // Own properties only: the record is a plain object (`constructor`, `__proto__` are no headers).
    let value = Object.hasOwn(record, name) ? record[name] : undefined;
    // The SDKs and our readers ask in lower case: only a miss spelt otherwise pays for toLowerCase().
    if (value === undefined && UPPER_CASE.test(name)) {
      const key = name.toLowerCase();
      value = Object.hasOwn(record, key) ? record[key] : undefined;
    }
    if (value === undefined) return null;
    return typeof value === 'string' ? value : value.join(', ');
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  getSetCookie(): string[] {
    const value = this.#record['set-cookie'];
    return value === undefined ? [] : Array.isArray(value) ? [...value] : [value];
  }

  entries(): IterableIterator<[string, string]> {
    return this.#pairs().values();
  }

  keys(): IterableIterator<string> {
    return this.#pairs()
      .map(([name]) => name)
      .values();
  }

  values(): IterableIterator<string> {
    return this.#pairs()
      .map(([, value]) => value)
      .values();
  }

  forEach(callback: (value: string, name: string, headers: ResponseHeaders) => void): void {
    for (const [name, value] of this.#pairs()) callback(value, name, this);
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  // The SDKs iterate every response once (to find its request id): read straight from the
  // record, whose names are undici's lower-cased own keys.
  #pairs(): [string, string][] {
    const record = this.#record;
    const pairs: [string, string][] = [];
    for (const name of Object.keys(record).sort()) {
      const value = record[name];
      if (value !== undefined) pairs.push([name, typeof value === 'string' ? value : value.join(', ')]);
    }
    return pairs;
  }

  get [Symbol.toStringTag](): string {
    return 'Headers';
  }
}
