// One AIMD throttle per (provider, model), shared by every alias that points at that model; its
// cap is the smallest maxParallelRequests among them (SPEC §7).
import type { ModelConfig, ResolvedProvider } from '../config/schemas.ts';
import { AimdThrottle } from './adaptive-throttle.ts';
import { type PoolLease, SharedResourcePool } from './shared-resource-pool.ts';

const throttles = new SharedResourcePool<AimdThrottle>();

export function acquireThrottle(provider: ResolvedProvider, model: ModelConfig): Promise<PoolLease<AimdThrottle>> {
  const cap = model.inferenceParameters.maxParallelRequests;
  const key = JSON.stringify([provider.providerType, provider.name, provider.endpoint, model.model]);
  return throttles.acquire(
    key,
    () => new AimdThrottle(cap),
    () => {},
    (shared) => shared.clampCap(cap),
  );
}
