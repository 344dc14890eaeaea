// What the three adapters share: identity, the leases on the shared SDK client and throttle, and
// running one call through the retry executor with the call's runtime.
import type { ModelConfig, ResolvedProvider } from '../config/schemas.ts';
import { ConfigError } from '../core/errors.ts';
import { type CallOptions, type ClientFactoryArgs, type Runtime, resolveRuntime } from '../core/model-client.ts';
import type { ProviderType } from '../core/types.ts';
import type { AdmissionSnapshot } from '../core/admission-snapshot.ts';
import type { AdmissionDemand, RequestThrottle, ThrottleDomain } from './admission.ts';
import type { ErrorSubject } from './failure-classification.ts';
import { executeWithRetries, type ObserveHeaders } from './retry-executor.ts';
import type { PoolLease } from './shared-resource-pool.ts';

export interface AttemptContext {
  runtime: Runtime;
  retriesMade: number;
  /** Hand admission the response headers (rate-limit buckets), on success and on error. */
  observe: ObserveHeaders;
}

export abstract class SdkModelClientBase<Sdk> {
  readonly engine = 'v2' as const;
  abstract readonly providerType: ProviderType;
  readonly providerName: string;
  readonly modelAlias: string;
  protected readonly provider: ResolvedProvider;
  protected readonly model: ModelConfig;
  protected readonly subject: ErrorSubject;
  readonly #runtime: Partial<Runtime> | undefined;
  readonly #sdk: PoolLease<Sdk>;
  readonly #throttle: PoolLease<RequestThrottle>;
  #closed = false;

  constructor(args: ClientFactoryArgs, sdk: PoolLease<Sdk>, throttle: PoolLease<RequestThrottle>) {
    this.provider = args.provider;
    this.model = args.model;
    this.providerName = args.provider.name;
    this.modelAlias = args.model.alias;
    this.subject = { providerName: args.provider.name, modelAlias: args.model.alias };
    this.#runtime = args.runtime;
    this.#sdk = sdk;
    this.#throttle = throttle;
  }

  protected get sdk(): Sdk {
    if (this.#closed) {
      throw new ConfigError(`The v2 client for model '${this.modelAlias}' is closed`, {
        solution: 'Create a new model registry; a closed one cannot make calls.',
      });
    }
    return this.#sdk.value;
  }

  /** What admission knows about this alias's (provider, model), per domain. */
  admissionSnapshot(): AdmissionSnapshot[] {
    return this.#throttle.value.snapshot();
  }

  protected run<T>(
    domain: ThrottleDomain,
    options: CallOptions | undefined,
    demand: AdmissionDemand,
    attempt: (context: AttemptContext) => Promise<T>,
  ): Promise<T> {
    const runtime = resolveRuntime(this.#runtime, options?.runtime);
    return executeWithRetries((retriesMade, observe) => attempt({ runtime, retriesMade, observe }), {
      runtime,
      throttle: this.#throttle.value,
      domain,
      demand: { ...demand, modelAlias: this.modelAlias },
      signal: options?.signal,
      stopped: () => this.#closed,
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.#sdk.release(), this.#throttle.release()]);
  }
}
