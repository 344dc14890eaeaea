// A config schema built on first use (issue 27, cold start). zod and the schemas were about 110 ms
// of the package's import; now importing the package loads neither, and the first validation
// (createModelRegistry, parseConfig, a schema's own parse) builds what it needs, synchronously.
//
// The schema is exported as it always was (same name, same zod type, same methods: `parse`,
// `safeParse`, `shape`, `options`, composition into other schemas): a Proxy that forwards every
// operation to the zod schema, built the first time any of them is used. Validation, its issues
// and so every config error read exactly as before (test/config).
import type { z } from 'zod';
import { lazyPackage } from '../core/lazy-package.ts';

type Zod = typeof z;

const zod = lazyPackage<typeof import('zod')>('zod');

export function lazySchema<T extends object>(build: (z: Zod) => T): T {
  let built: T | undefined;
  const schema = (): T => (built ??= build(zod().z));
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(schema(), key),
    set: (_, key, value) => Reflect.set(schema(), key, value),
    has: (_, key) => Reflect.has(schema(), key),
    ownKeys: () => Reflect.ownKeys(schema()),
    getOwnPropertyDescriptor: (target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(schema(), key);
      // A Proxy may report a property as non-configurable only if its target has it so too.
      if (descriptor && !descriptor.configurable && !Reflect.getOwnPropertyDescriptor(target, key)) {
        Reflect.defineProperty(target, key, descriptor);
      }
      return descriptor;
    },
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(schema(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(schema(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(schema()),
  });
}
