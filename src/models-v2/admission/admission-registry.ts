// One admission per (provider, model), shared by every alias that points at that model;
// its cap is the smallest maxParallelRequests among them. The run's `admission.policy` picks the
// implementation when the first alias registers.
// With `admission.store` redis, the capacity policy keeps its shared state in Redis; each
// registry (a worker) then has its own admission and its own store connection (two registries of
// one process act as two workers), and the snapshot shows the store.
import type { AdmissionConfig, ModelConfig, ResolvedProvider } from '../../config/schemas.ts';
import { silentLogger, type Logger } from '../../core/logger.ts';
import { redactSecrets } from '../../core/secrets.ts';
import type { Admission, AdmissionSnapshot } from './admission.ts';
import { type AdmissionStore, localAdmissionStore, unusableStore } from './store/admission-store.ts';
import type { AdmissionContext } from './admission-context.ts';
import { AimdAdmission } from './aimd-admission.ts';
import { CapacityAdmission } from './capacity-admission.ts';
import { type PoolLease, SharedResourcePool } from '../client/shared-resource-pool.ts';

interface SharedAdmission {
  admission: Admission & { clampCap(cap: number): void };
  context: AdmissionContext;
  releaseStore(): Promise<void>;
}

/** Every snapshot entry names the store (type, connected or on its fallback, masked URL). */
function withStoreSnapshot<T extends Admission>(admission: T, store: AdmissionStore): T {
  const snapshot = admission.snapshot.bind(admission);
  admission.snapshot = (now?: number): AdmissionSnapshot[] => snapshot(now).map((entry) => ({ ...entry, store: store.status() }));
  return admission;
}

const admissions = new SharedResourcePool<SharedAdmission>();
const stores = new SharedResourcePool<AdmissionStore>();
/** One id per admission config object, i.e. per registry: shared stores are per worker. */
const registryIds = new WeakMap<AdmissionConfig, number>();
let nextRegistryId = 0;

function registryIdOf(admission: AdmissionConfig): number {
  let id = registryIds.get(admission);
  if (id === undefined) {
    id = nextRegistryId++;
    registryIds.set(admission, id);
  }
  return id;
}

interface StoreLease {
  store: AdmissionStore;
  release(): Promise<void>;
}

async function acquireStore(admission: AdmissionConfig | undefined, logger: Logger): Promise<StoreLease> {
  const config = admission?.store;
  if (!admission || !config || config.type !== 'redis' || admission.policy !== 'capacity') {
    return { store: localAdmissionStore, release: async () => {} };
  }
  const lease = await stores.acquire(
    `redis:${registryIdOf(admission)}`,
    async () => {
      // Loaded only when a run asks for the Redis store: node-redis stays out of every other run.
      try {
        const { createRedisAdmissionStore } = await import('./store/redis-admission-store.ts');
        const { url, keyPrefix, mode, nodes, nodeAddressMap, tls } = config;
        return await createRedisAdmissionStore({ url, keyPrefix, mode, nodes, nodeAddressMap, tls, logger });
      } catch (error) {
        // No call fails because of the store: one that cannot even be created leaves admission local.
        const reason = redactSecrets(error instanceof Error ? error.message : String(error));
        logger.warn(`admission store: Redis at ${config.url} cannot be used (${reason}); this worker admits on its own`);
        return unusableStore(String(config.url));
      }
    },
    (store) => store.close(),
  );
  return { store: lease.value, release: () => lease.release() };
}

export interface AdmissionArgs {
  provider: ResolvedProvider;
  model: ModelConfig;
  admission?: AdmissionConfig;
  logger?: Logger;
}

export async function acquireAdmission({ provider, model, admission, logger }: AdmissionArgs): Promise<PoolLease<Admission>> {
  const cap = model.inferenceParameters.maxParallelRequests;
  const policy = admission?.policy ?? 'capacity';
  // The admission settings are part of the key: two registries of one process with different
  // settings (the capacity benchmark runs both policies side by side) must not share state.
  const shared = admission?.store?.type === 'redis' && policy === 'capacity';
  const key = JSON.stringify([
    provider.providerType,
    provider.name,
    provider.endpoint,
    model.model,
    policy,
    admission?.queueTimeoutSeconds,
    admission?.aimd,
    ...(shared && admission ? [`registry ${registryIdOf(admission)}`] : []),
  ]);
  let storeLease: StoreLease | undefined;
  const lease = await admissions.acquire(
    key,
    async () => {
      storeLease = await acquireStore(admission, logger ?? silentLogger);
      const store = storeLease.store;
      const context: AdmissionContext = {
        provider: provider.name,
        model: model.model,
        aliases: [model.alias],
        logger: logger ?? silentLogger,
        ...(admission?.queueTimeoutSeconds !== undefined ? { queueTimeoutMs: admission.queueTimeoutSeconds * 1000 } : {}),
      };
      const policyAdmission =
        admission?.policy === 'aimd'
          ? new AimdAdmission(cap, context, {
              decreaseFactor: admission.aimd.decreaseFactor,
              additiveIncrease: admission.aimd.additiveIncrease,
              successesUntilIncrease: admission.aimd.successesUntilIncrease,
              cooldownMs: admission.aimd.cooldownSeconds * 1000,
            })
          : new CapacityAdmission(cap, context, (domain) =>
              store.domain(
                { providerType: provider.providerType, endpoint: provider.endpoint ?? provider.name, model: model.model, domain },
                cap,
              ),
            );
      return { admission: withStoreSnapshot(policyAdmission, store), context, releaseStore: storeLease.release };
    },
    (shared) => shared.releaseStore(),
    (shared) => {
      if (!shared.context.aliases.includes(model.alias)) shared.context.aliases.push(model.alias);
      shared.admission.clampCap(cap);
    },
  );
  return { value: lease.value.admission, release: () => lease.release() };
}
