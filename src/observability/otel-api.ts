// The OpenTelemetry API (about 45 modules), loaded with the first registry or facade rather than
// with the package (issue 27, cold start). Spans and metrics are made synchronously around each
// call, hence a synchronous load (core/lazy-package.ts). The API keeps its registered providers
// on a process global, so this is the same API a host registers its SDK through.
import { lazyPackage } from '../core/lazy-package.ts';

export const otelApi = lazyPackage<typeof import('@opentelemetry/api')>('@opentelemetry/api');
