// One admission throttle per (provider, model), shared by every alias that points at that model;
// its cap is the smallest maxParallelRequests among them. The run's `admission.policy` picks the
// implementation when the first alias registers.
import type { AdmissionConfig, ModelConfig, ResolvedProvider } from '../config/schemas.ts';
import { silentLogger, type Logger } from '../core/logger.ts';
import type { RequestThrottle } from './admission.ts';
import type { AdmissionContext } from './admission-context.ts';
import { AimdThrottle } from './aimd-admission.ts';
import { CapacityAdmission } from './capacity-admission.ts';
import { type PoolLease, SharedResourcePool } from './shared-resource-pool.ts';

interface SharedThrottle {
  throttle: RequestThrottle & { clampCap(cap: number): void };
  context: AdmissionContext;
}

const throttles = new SharedResourcePool<SharedThrottle>();

export interface ThrottleArgs {
  provider: ResolvedProvider;
  model: ModelConfig;
  admission?: AdmissionConfig;
  logger?: Logger;
}

export async function acquireThrottle({ provider, model, admission, logger }: ThrottleArgs): Promise<PoolLease<RequestThrottle>> {
  const cap = model.inferenceParameters.maxParallelRequests;
  const policy = admission?.policy ?? 'capacity';
  // The admission settings are part of the key: two registries of one process with different
  // settings (the capacity benchmark runs both policies side by side) must not share state.
  const key = JSON.stringify([provider.providerType, provider.name, provider.endpoint, model.model, policy, admission?.queueTimeoutSeconds, admission?.aimd]);
  const lease = await throttles.acquire(
    key,
    () => {
      const context: AdmissionContext = {
        provider: provider.name,
        model: model.model,
        aliases: [model.alias],
        logger: logger ?? silentLogger,
        ...(admission?.queueTimeoutSeconds !== undefined ? { queueTimeoutMs: admission.queueTimeoutSeconds * 1000 } : {}),
      };
      const throttle =
        admission?.policy === 'aimd'
          ? new AimdThrottle(cap, context, {
              decreaseFactor: admission.aimd.decreaseFactor,
              additiveIncrease: admission.aimd.additiveIncrease,
              successesUntilIncrease: admission.aimd.successesUntilIncrease,
              cooldownMs: admission.aimd.cooldownSeconds * 1000,
            })
          : new CapacityAdmission(cap, context);
      return { throttle, context };
    },
    () => {},
    (shared) => {
      if (!shared.context.aliases.includes(model.alias)) shared.context.aliases.push(model.alias);
      shared.throttle.clampCap(cap);
    },
  );
  return { value: lease.value.throttle, release: () => lease.release() };
}
