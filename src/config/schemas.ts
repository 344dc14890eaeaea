// Config schemas (docs/contract.md "Config"). Every object is strict: an unknown key is an error that names its
// path, because a silently ignored typo ("temprature") costs a whole generation run. Each is built on
// first use, not at import (lazy-schema.ts, issue 27): the same schema, the same errors.
import type { z } from 'zod';
import { firstHeaderProblem } from '../core/header-problem.ts';
import { MAX_TIMEOUT_SECONDS } from '../core/limits.ts';
import { PROVIDER_TYPES, type ProviderType } from '../core/types.ts';
import { DIALECT_NAMES, type DialectName } from '../core/dialects/server-dialect.ts';
import { normaliseApiKey } from './api-key-text.ts';
import { closestName } from './closest-name.ts';
import { maskCredentialValues } from './masked-record.ts';
import { caFileProblem, nodeAddressProblem, REDIS_STORE_MODES, redisNodeProblem, redisStoreTargetProblems } from './redis-store-target.ts';
import { RedisStoreUrl, redisUrlProblem } from './redis-store-url.ts';
import { SecretReference, type SecretValue, resolveSecretRef } from './secret-ref.ts';
import { lazySchema } from './lazy-schema.ts';

const OPENAI_COMPATIBLE_NOTE = 'vLLM, NIM, TGI, OpenRouter and other OpenAI-compatible servers use "openai"';
const quotedList = (names: Iterable<string>): string => [...names].map((name) => `"${name}"`).join(', ');
const VALID_PROVIDER_TYPES = quotedList(PROVIDER_TYPES);

export const providerTypeSchema = lazySchema((z) =>
  z.string().transform((value, ctx): ProviderType => {
    const lowered = value.trim().toLowerCase();
    if ((PROVIDER_TYPES as readonly string[]).includes(lowered)) return lowered as ProviderType;
    // `providerType: vllm` names a server dialect: say where it goes instead.
    const asDialect = (DIALECT_NAMES as readonly string[]).includes(lowered) ? `; set providerType "openai" and dialect "${lowered}"` : '';
    ctx.addIssue({
      code: 'custom',
      message: `unknown provider type "${value}"; valid values are ${VALID_PROVIDER_TYPES} (${OPENAI_COMPATIBLE_NOTE})${asDialect}`,
    });
    return z.NEVER;
  }),
);

/** A provider's `dialect` (docs/compatible-servers.md): case-insensitive, stored lower-case. */
const dialectSchema = lazySchema((z) =>
  z.string().transform((value, ctx): DialectName => {
    const lowered = value.trim().toLowerCase();
    if ((DIALECT_NAMES as readonly string[]).includes(lowered)) return lowered as DialectName;
    const guess = closestName(lowered, DIALECT_NAMES);
    ctx.addIssue({
      code: 'custom',
      message: `unknown dialect "${value}"; ${guess ? `did you mean "${guess}"? ` : ''}valid values are ${quotedList(DIALECT_NAMES)}`,
    });
    return z.NEVER;
  }),
);

const jsonObject = lazySchema((z) => z.record(z.string(), z.unknown()));

/** An `apiKey` as written (a string) or as parsed before (a `SecretReference`); prints `***`. */
const secretReference = lazySchema((z) =>
  z
    .union([z.string(), z.instanceof(SecretReference)])
    .transform((value) => (typeof value === 'string' ? new SecretReference(value) : value)),
);

/** A string map whose credential-named values print as `***` (`masked-record.ts`). */
const maskedStringRecord = lazySchema((z) => z.record(z.string(), z.string()).transform(maskCredentialValues));

/**
 * Why an endpoint cannot be used, or undefined. The URL itself is never quoted: it may carry a
 * password, which is exactly one of the things refused here.
 */
function endpointProblem(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined; // z.url() has already reported it
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `endpoint must be an http or https URL, not "${url.protocol}"`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'endpoint must not hold credentials ("user:password@"); put the key in apiKey, or a credential header in extraHeaders';
  }
  return undefined;
}

export const modelProviderSchema = lazySchema((z) =>
  z
    .strictObject({
      name: z.string().min(1, 'provider name must not be empty'),
      endpoint: z
        .url({ message: 'endpoint must be an absolute http(s) URL, e.g. "https://api.openai.com/v1"' })
        .transform((url) => url.replace(/\/+$/, '')),
      providerType: providerTypeSchema.default('openai'),
      /** Secret reference: an environment variable name, else the key itself. */
      apiKey: secretReference.optional(),
      region: z.string().min(1).optional(),
      extraBody: jsonObject.optional(),
      extraHeaders: maskedStringRecord.optional(),
      /** Largest success body accepted, in bytes (default DEFAULT_MAX_RESPONSE_BYTES, 64 MiB). */
      maxResponseBytes: z.int().min(1024, 'maxResponseBytes must be at least 1024').optional(),
      /** Which OpenAI-compatible server this is (default "openai"); providerType "openai" only. */
      dialect: dialectSchema.optional(),
    })
    .superRefine((provider, ctx) => {
      const endpoint = endpointProblem(provider.endpoint);
      if (endpoint) ctx.addIssue({ code: 'custom', path: ['endpoint'], message: `provider "${provider.name}": ${endpoint}` });
      if (provider.dialect !== undefined && provider.providerType !== 'openai') {
        const problem = `dialect applies to OpenAI-compatible servers (providerType "openai"), not "${provider.providerType}"; remove it`;
        ctx.addIssue({ code: 'custom', path: ['dialect'], message: `provider "${provider.name}": ${problem}` });
      }
      const header = firstHeaderProblem(provider.extraHeaders);
      if (header) ctx.addIssue({ code: 'custom', path: ['extraHeaders'], message: `provider "${provider.name}": ${header}` });
    }),
);
export type ModelProviderInput = z.input<typeof modelProviderSchema>;
export type ModelProvider = z.output<typeof modelProviderSchema>;

export interface UniformDistribution {
  distributionType: 'uniform';
  params: { low: number; high: number };
}
export interface ManualDistribution {
  distributionType: 'manual';
  params: { values: number[]; weights?: number[] };
}
export type Distribution = UniformDistribution | ManualDistribution;

const uniformDistributionSchema = lazySchema((z) =>
  z.strictObject({
    distributionType: z.literal('uniform'),
    params: z
      .strictObject({ low: z.number(), high: z.number() })
      .refine((p) => p.low < p.high, { message: 'low must be less than high', path: ['low'] }),
  }),
);

const manualDistributionSchema = lazySchema((z) =>
  z.strictObject({
    distributionType: z.literal('manual'),
    params: z
      .strictObject({
        values: z.array(z.number()).min(1, 'values must hold at least one number'),
        weights: z.array(z.number().min(0, 'weights must not be negative')).optional(),
      })
      .superRefine((p, ctx) => {
        if (!p.weights) return;
        if (p.weights.length !== p.values.length) {
          ctx.addIssue({
            code: 'custom',
            path: ['weights'],
            message: `weights must have the same length as values (${p.weights.length} weights, ${p.values.length} values)`,
          });
          return;
        }
        if (p.weights.reduce((a, b) => a + b, 0) <= 0) {
          ctx.addIssue({ code: 'custom', path: ['weights'], message: 'weights must sum to a non-zero value' });
        }
      })
      .transform((p) => {
        if (!p.weights) return p;
        const sum = p.weights.reduce((a, b) => a + b, 0);
        return { values: p.values, weights: p.weights.map((w) => w / sum) };
      }),
  }),
);

const distributionSchema = lazySchema((z) =>
  z.discriminatedUnion('distributionType', [uniformDistributionSchema, manualDistributionSchema]),
);

function boundedParam(z: typeof import('zod').z, name: string, min: number, max: number) {
  const message = `${name} defined in model config must be between ${min.toFixed(1)} and ${max.toFixed(1)}`;
  return z.union([z.number(), distributionSchema]).superRefine((value, ctx) => {
    if (typeof value === 'number') {
      if (value < min || value > max) ctx.addIssue({ code: 'custom', message });
      return;
    }
    if (value.distributionType === 'uniform') {
      if (value.params.low < min || value.params.high > max) ctx.addIssue({ code: 'custom', message });
    } else if (value.params.values.some((v) => v < min || v > max)) {
      ctx.addIssue({ code: 'custom', message });
    }
  });
}

const maxParallelRequests = lazySchema((z) => z.int().min(1, 'maxParallelRequests must be at least 1').default(4));
// Node's timers hold at most 2^31 − 1 ms; a longer deadline would fire after 1 ms (docs/contract.md "Retries, timeouts, admission").
const timeoutSeconds = lazySchema((z) =>
  z
    .number()
    .min(1, 'timeoutSeconds must be at least 1')
    .max(MAX_TIMEOUT_SECONDS, `timeoutSeconds must be at most ${MAX_TIMEOUT_SECONDS} (about 24.8 days, the longest a Node timer can hold)`)
    .optional(),
);

export const chatInferenceParamsSchema = lazySchema((z) =>
  z.strictObject({
    generationType: z.literal('chat-completion').default('chat-completion'),
    temperature: boundedParam(z, 'temperature', 0, 2).optional(),
    topP: boundedParam(z, 'topP', 0, 1).optional(),
    maxTokens: z.int().min(1, 'maxTokens must be at least 1').optional(),
    maxParallelRequests,
    timeoutSeconds,
    extraBody: jsonObject.optional(),
  }),
);
export type ChatInferenceParams = z.output<typeof chatInferenceParamsSchema>;

export const embeddingInferenceParamsSchema = lazySchema((z) =>
  z.strictObject({
    generationType: z.literal('embedding').default('embedding'),
    encodingFormat: z.enum(['float', 'base64']).default('float'),
    dimensions: z.int().min(1).optional(),
    maxParallelRequests,
    timeoutSeconds,
    extraBody: jsonObject.optional(),
  }),
);
export type EmbeddingInferenceParams = z.output<typeof embeddingInferenceParamsSchema>;

export type InferenceParams = ChatInferenceParams | EmbeddingInferenceParams;

// A plain object is routed by `generationType`, or by embedding-only keys when that is absent
// (the source system's coercion rule), so `{dimensions: 256}` needs no discriminator.
export const inferenceParamsSchema = lazySchema((z) =>
  z.preprocess(
    (raw) => {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
      const obj = raw as Record<string, unknown>;
      if (obj.generationType !== undefined) return obj;
      const embedding = 'encodingFormat' in obj || 'dimensions' in obj;
      return { ...obj, generationType: embedding ? 'embedding' : 'chat-completion' };
    },
    z.discriminatedUnion('generationType', [chatInferenceParamsSchema, embeddingInferenceParamsSchema], {
      error: (issue) =>
        issue.code === 'invalid_union'
          ? 'generationType must be "chat-completion" or "embedding" (image generation is not supported by this layer yet)'
          : undefined,
    }),
  ),
);

export const modelConfigSchema = lazySchema((z) =>
  z.strictObject({
    alias: z.string().min(1, 'alias must not be empty'),
    model: z.string().min(1, 'model must not be empty'),
    provider: z.string().min(1, 'provider must name a configured provider'),
    inferenceParameters: inferenceParamsSchema.default({ generationType: 'chat-completion', maxParallelRequests: 4 }),
    skipHealthCheck: z.boolean().default(false),
  }),
);
export type ModelConfigInput = z.input<typeof modelConfigSchema>;
export type ModelConfig = z.output<typeof modelConfigSchema>;

export const mcpServerSchema = lazySchema((z) =>
  z.discriminatedUnion('transport', [
    z.strictObject({
      name: z.string().min(1),
      transport: z.literal('stdio'),
      command: z.string().min(1),
      args: z.array(z.string()).default([]),
      env: maskedStringRecord.optional(),
    }),
    z.strictObject({
      name: z.string().min(1),
      transport: z.literal('streamable_http'),
      url: z.url(),
      apiKey: secretReference.optional(),
    }),
  ]),
);
export type McpServerConfig = z.output<typeof mcpServerSchema>;

export const toolConfigSchema = lazySchema((z) =>
  z.strictObject({
    toolAlias: z.string().min(1),
    providers: z.array(z.string().min(1)).min(1, 'providers must name at least one MCP server'),
    allowTools: z.array(z.string()).optional(),
    maxToolCallTurns: z.int().min(0).default(5),
    timeoutSeconds: z
      .number()
      .positive()
      .max(
        MAX_TIMEOUT_SECONDS,
        `timeoutSeconds must be at most ${MAX_TIMEOUT_SECONDS} (about 24.8 days, the longest a Node timer can hold)`,
      )
      .optional(),
  }),
);
export type ToolConfig = z.output<typeof toolConfigSchema>;

/** The source system's AIMD numbers (reference §6.9 `request_admission`); used when `policy: aimd`. */
export const aimdTuningSchema = lazySchema((z) =>
  z.strictObject({
    decreaseFactor: z.number().gt(0, 'decreaseFactor must be above 0').lt(1, 'decreaseFactor must be below 1').default(0.75),
    additiveIncrease: z.int().min(1).default(1),
    successesUntilIncrease: z.int().min(1).default(25),
    cooldownSeconds: z.number().positive().max(60, 'cooldownSeconds can be at most 60').default(2),
  }),
);

/** A Redis URL as written (checked, then masked) or as parsed before (a `RedisStoreUrl`). */
const redisStoreUrl = lazySchema((z) =>
  z
    .union([z.string(), z.instanceof(RedisStoreUrl)], {
      error: (issue) =>
        issue.input === undefined
          ? 'admission.store.url is required when type is "redis" (redis://[user:password@]host[:port][/db])'
          : 'admission.store.url must be a string',
    })
    .transform((value, ctx) => {
      if (value instanceof RedisStoreUrl) return value;
      const problem = redisUrlProblem(value);
      if (problem === undefined) return new RedisStoreUrl(value);
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }),
);

function addProblem(ctx: z.RefinementCtx, problem: string | undefined, path?: number[]): void {
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, ...(path ? { path } : {}) });
}

/**
 * Where admission state lives (docs/engine-rules.md "Shared admission store"): `local` (default,
 * in-process) or `redis`, shared by every worker that names the same URL and key prefix. v2 only:
 * legacy ignores it.
 */
export const admissionStoreSchema = lazySchema((z) =>
  z.discriminatedUnion(
    'type',
    [
      z.strictObject({ type: z.literal('local') }),
      z
        .strictObject({
          type: z.literal('redis'),
          url: redisStoreUrl,
          keyPrefix: z
            .string()
            .min(1, 'keyPrefix must not be empty')
            .regex(/^[^\s{}]+$/, 'keyPrefix must not contain spaces or braces')
            .default('dd:admission'),
          /** `cluster`: url (and nodes) are nodes of a Redis Cluster; default one standalone server (redis-store-target.ts). */
          mode: z.enum(REDIS_STORE_MODES, { error: 'admission.store.mode must be "standalone" or "cluster"' }).default('standalone'),
          nodes: z
            .array(z.string())
            .min(1, 'admission.store.nodes must list at least one host:port (or be left out)')
            .superRefine((nodes, ctx) => nodes.forEach((node, i) => addProblem(ctx, redisNodeProblem(node, i), [i])))
            .optional(),
          /** Cluster: "host:port" a node announces → "host:port" this worker reaches it at (NAT, port forwarding, a proxy). */
          nodeAddressMap: z
            .record(z.string(), z.string())
            .superRefine((map, ctx) => {
              for (const [announced, reachedAt] of Object.entries(map)) addProblem(ctx, nodeAddressProblem(announced, reachedAt));
            })
            .optional(),
          tls: z
            .strictObject({
              caFile: z
                .string()
                .min(1)
                .superRefine((path, ctx) => addProblem(ctx, caFileProblem(path)))
                .optional(),
            })
            .optional(),
        })
        .superRefine((store, ctx) => {
          for (const { path, message } of redisStoreTargetProblems(store)) ctx.addIssue({ code: 'custom', path: [path], message });
        }),
    ],
    { error: (issue) => (issue.code === 'invalid_union' ? 'admission.store.type must be "local" or "redis"' : undefined) },
  ),
);
export type AdmissionStoreConfig = z.output<typeof admissionStoreSchema>;

/** v2 admission before every attempt (docs/engine-rules.md "Admission"); legacy keeps its fixed limit. */
export const admissionConfigSchema = lazySchema((z) =>
  z
    .strictObject({
      /** Where the admission state lives; `redis` shares it across worker processes (v2 only). */
      store: admissionStoreSchema.default({ type: 'local' }),
      /** `capacity` (default) seeks the provider's capacity; `aimd` is the source system's policy. */
      policy: z.enum(['capacity', 'aimd']).default('capacity'),
      /** How long an attempt may wait to be admitted; unset waits as long as it takes. */
      queueTimeoutSeconds: z
        .number()
        .positive()
        .max(2_147_483, 'queueTimeoutSeconds can be at most 2147483 (a Node timer holds no more)')
        .optional(),
      aimd: aimdTuningSchema.prefault({}),
    })
    .refine((admission) => admission.store.type === 'local' || admission.policy === 'capacity', {
      path: ['store'],
      message:
        'admission.store "redis" shares the capacity policy\'s state; ' +
        'policy "aimd" keeps its own in-process (set policy: capacity, or store: { type: "local" })',
    }),
);
export type AdmissionConfig = z.output<typeof admissionConfigSchema>;

export const dataDesignerConfigSchema = lazySchema((z) =>
  z
    .strictObject({
      providers: z.array(modelProviderSchema).min(1, 'at least one provider is required'),
      models: z.array(modelConfigSchema).default([]),
      tools: z.array(toolConfigSchema).default([]),
      mcpServers: z.array(mcpServerSchema).default([]),
      admission: admissionConfigSchema.prefault({}),
    })
    .superRefine((config, ctx) => {
      const duplicates = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);
      for (const name of new Set(duplicates(config.providers.map((p) => p.name)))) {
        ctx.addIssue({ code: 'custom', path: ['providers'], message: `duplicate provider name "${name}"` });
      }
      for (const alias of new Set(duplicates(config.models.map((m) => m.alias)))) {
        ctx.addIssue({ code: 'custom', path: ['models'], message: `duplicate model alias "${alias}"` });
      }
      const providerNames = new Set(config.providers.map((p) => p.name));
      config.models.forEach((model, i) => {
        if (!providerNames.has(model.provider)) {
          ctx.addIssue({
            code: 'custom',
            path: ['models', i, 'provider'],
            message: `unknown provider "${model.provider}"; configured providers: ${quotedList(providerNames)}`,
          });
        }
      });
      const serverNames = new Set(config.mcpServers.map((s) => s.name));
      config.tools.forEach((tool, i) => {
        tool.providers.forEach((server, j) => {
          if (!serverNames.has(server)) {
            ctx.addIssue({
              code: 'custom',
              path: ['tools', i, 'providers', j],
              message: `unknown MCP server "${server}"; configured servers: ${quotedList(serverNames) || '(none)'}`,
            });
          }
        });
      });
    }),
);
export type DataDesignerConfigInput = z.input<typeof dataDesignerConfigSchema>;
export type DataDesignerConfig = z.output<typeof dataDesignerConfigSchema>;

/** A provider with its secret reference resolved; the key prints as `***`. */
export interface ResolvedProvider extends Omit<ModelProvider, 'apiKey'> {
  apiKey?: SecretValue;
  /** Region for Bedrock: explicit, else parsed from the endpoint, else AWS_REGION. */
  region?: string;
}

export function resolveProvider(provider: ModelProvider, env: Record<string, string | undefined> = process.env): ResolvedProvider {
  const { apiKey, ...rest } = provider;
  const resolved: ResolvedProvider = { ...rest, apiKey: normaliseApiKey(resolveSecretRef(apiKey, env), provider.name) };
  if (provider.providerType === 'bedrock') {
    resolved.region =
      provider.region ??
      /bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com/.exec(provider.endpoint)?.[1] ??
      env.AWS_REGION ??
      env.AWS_DEFAULT_REGION;
  }
  return resolved;
}
