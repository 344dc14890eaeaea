// A package loaded on first use instead of with ours (issue 27, cold start): `import` of the
// package stays cheap, and code that must stay synchronous (config validation in
// createModelRegistry, telemetry around a call) still gets the package synchronously. The package's
// own `import` entry is what is loaded (`require` of an ES module, Node ≥ 22.12): the same instance
// an `import` of it gives, so a host that imports the package too shares it rather than loading it
// twice.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const requireHere = createRequire(import.meta.url);

/** A getter that loads `specifier` the first time it is called and returns the same module after. */
export function lazyPackage<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireHere(fileURLToPath(import.meta.resolve(specifier))) as T);
}
