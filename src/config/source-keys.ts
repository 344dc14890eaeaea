// The source system's config keys (../shared/reference/source-system.md §1, Data Designer's
// snake_case YAML) and the key of ours each one becomes. One table per object kind; a key not in
// its table is an unknown key, named with its path, exactly as in our own shape.

/** Object kinds of the source shape; `free` objects (extra_body, headers, env) are passed through. */
export type SourceKind =
  | 'root'
  | 'provider'
  | 'model'
  | 'inference'
  | 'distribution'
  | 'uniformParams'
  | 'manualParams'
  | 'tool'
  | 'mcpStdio'
  | 'mcpRemote'
  | 'free';

export interface KeySpec {
  /** Our key. */
  to: string;
  /** The kind of the value (each element for lists); absent for scalars. */
  kind?: SourceKind;
  list?: boolean;
  /** null is the source's "unset": the key is dropped, our default applies. */
  nullable?: boolean;
}

export const SOURCE_KEYS: Record<Exclude<SourceKind, 'free'>, Record<string, KeySpec>> = {
  root: {
    providers: { to: 'providers', kind: 'provider', list: true },
    model_configs: { to: 'models', kind: 'model', list: true },
    tool_configs: { to: 'tools', kind: 'tool', list: true },
    mcp_providers: { to: 'mcpServers', list: true }, // kind chosen per entry (stdio or remote)
    // LEGACY `ModelProviderRegistry.default`: the provider of models that name none.
    default: { to: 'default', nullable: true },
  },
  provider: {
    name: { to: 'name' },
    endpoint: { to: 'endpoint' },
    provider_type: { to: 'providerType' },
    api_key: { to: 'apiKey', nullable: true },
    extra_body: { to: 'extraBody', kind: 'free', nullable: true },
    extra_headers: { to: 'extraHeaders', kind: 'free', nullable: true },
  },
  model: {
    alias: { to: 'alias' },
    model: { to: 'model' },
    inference_parameters: { to: 'inferenceParameters', kind: 'inference' },
    provider: { to: 'provider', nullable: true },
    skip_health_check: { to: 'skipHealthCheck' },
  },
  inference: {
    generation_type: { to: 'generationType' },
    max_parallel_requests: { to: 'maxParallelRequests' },
    timeout: { to: 'timeoutSeconds', nullable: true },
    extra_body: { to: 'extraBody', kind: 'free', nullable: true },
    temperature: { to: 'temperature', kind: 'distribution', nullable: true },
    top_p: { to: 'topP', kind: 'distribution', nullable: true },
    max_tokens: { to: 'maxTokens', nullable: true },
    encoding_format: { to: 'encodingFormat' },
    dimensions: { to: 'dimensions', nullable: true },
  },
  distribution: {
    distribution_type: { to: 'distributionType' },
    params: { to: 'params' }, // kind chosen by distribution_type
  },
  uniformParams: { low: { to: 'low' }, high: { to: 'high' } },
  manualParams: { values: { to: 'values' }, weights: { to: 'weights', nullable: true } },
  tool: {
    tool_alias: { to: 'toolAlias' },
    providers: { to: 'providers' },
    allow_tools: { to: 'allowTools', nullable: true },
    max_tool_call_turns: { to: 'maxToolCallTurns' },
    timeout_sec: { to: 'timeoutSeconds', nullable: true },
  },
  mcpStdio: {
    name: { to: 'name' },
    provider_type: { to: 'transport' },
    command: { to: 'command' },
    args: { to: 'args' },
    env: { to: 'env', kind: 'free', nullable: true },
  },
  mcpRemote: {
    name: { to: 'name' },
    provider_type: { to: 'transport' },
    endpoint: { to: 'url' },
    api_key: { to: 'apiKey', nullable: true },
  },
};

/**
 * Top-level keys only the source shape has: any of them makes a file a source-shape config.
 * (A Data Designer builder file's other sections — columns and the like — are not model-layer
 * config: they are unknown keys here, named with their path.)
 */
export const SOURCE_ONLY_ROOT_KEYS = ['model_configs', 'tool_configs', 'mcp_providers', 'default'] as const;

/** Provider keys only the source shape has (a providers-only file, like model_providers.yaml). */
export const SOURCE_ONLY_PROVIDER_KEYS = ['provider_type', 'api_key', 'extra_body', 'extra_headers'] as const;

/** Provider keys only our shape has. */
export const OUR_ONLY_PROVIDER_KEYS = ['providerType', 'apiKey', 'extraBody', 'extraHeaders', 'region', 'maxResponseBytes'] as const;

/** The source's remote MCP default transport; this layer speaks only streamable_http remotely. */
export const SOURCE_REMOTE_MCP_DEFAULT = 'sse';
