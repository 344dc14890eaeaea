// What the three adapters share: identity, the leases on the shared SDK client and admission, and
// running one call through the retry executor with the call's runtime.
import type { ModelConfig, ResolvedProvider } from '../../config/schemas.ts';
import { ConfigError } from '../../core/errors.ts';
import { type CallOptions, type Runtime, resolveRuntime } from '../../core/model-client.ts';
import type { ClientFactoryArgs } from '../../config/client-factory.ts';
import type { ProviderType } from '../../core/types.ts';
import type { AdmissionSnapshot } from '../../core/admission-snapshot.ts';
import type { AdmissionDemand, Admission, AdmissionDomain } from '../admission/admission.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';
import { ClientClosedReason, InFlightCalls } from './in-flight-calls.ts';
import { executeWithRetries, type ObserveHeaders } from '../retry/retry-executor.ts';
import type { PoolLease } from './shared-resource-pool.ts';

export interface AttemptContext {
  runtime: Runtime;
  retriesMade: number;
  /** Hand admission the response headers (rate-limit buckets), on success and on error. */
  observe: ObserveHeaders;
  /** The call's signal: the caller's abort or close(). Hand it to the attempt, never `options.signal`. */
  signal: AbortSignal;
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
  readonly #admission: PoolLease<Admission>;
  readonly #calls = new InFlightCalls();
  #closed = false;

  constructor(args: ClientFactoryArgs, sdk: PoolLease<Sdk>, admission: PoolLease<Admission>) {
    this.provider = args.provider;
    this.model = args.model;
    this.providerName = args.provider.name;
    this.modelAlias = args.model.alias;
    this.subject = { providerName: args.provider.name, modelAlias: args.model.alias };
    this.#runtime = args.runtime;
    this.#sdk = sdk;
    this.#admission = admission;
  }

  protected get sdk(): Sdk {
    if (this.#closed) throw this.#closedError('is closed');
    return this.#sdk.value;
  }

  /** What admission knows about this alias's (provider, model), per domain. */
  admissionSnapshot(): AdmissionSnapshot[] {
    return this.#admission.value.snapshot();
  }

  protected async run<T>(
    domain: AdmissionDomain,
    options: CallOptions | undefined,
    demand: AdmissionDemand,
    attempt: (context: AttemptContext) => Promise<T>,
  ): Promise<T> {
    if (this.#closed) throw this.#closedError('is closed');
    const runtime = resolveRuntime(this.#runtime, options?.runtime);
    const call = this.#calls.start(options?.signal);
    try {
      return await executeWithRetries((retriesMade, observe) => attempt({ runtime, retriesMade, observe, signal: call.signal }), {
        runtime,
        admission: this.#admission.value,
        domain,
        demand: { ...demand, modelAlias: this.modelAlias },
        signal: call.signal,
        stopped: () => this.#closed,
        observer: options?.observer,
      });
    } catch (error) {
      if (error instanceof ClientClosedReason) throw this.#closedError('was closed while the call was in progress');
      throw error;
    } finally {
      call.end();
    }
  }

  /** Aborts every call in flight or waiting (admission, backoff) before the SDK client is released. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#calls.abortAll();
    await Promise.all([this.#sdk.release(), this.#admission.release()]);
  }

  // One class for every call a closed client stops, before or during the call (engine-rules).
  #closedError(state: string): ConfigError {
    return new ConfigError(`The model client for alias '${this.modelAlias}' (provider '${this.providerName}') ${state}`, {
      providerName: this.providerName,
      modelAlias: this.modelAlias,
      solution: 'Close the registry only after its calls have settled; create a new registry to make more calls.',
    });
  }
}
