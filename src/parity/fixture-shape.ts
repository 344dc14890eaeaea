// The recorded-traffic contract (docs/contract.md "Fixtures"). Users record staging traffic into this format and
// held-out corpora are written in it, so it only ever grows by optional fields. Production-safe:
// compare loads fixtures in it and shadow mode writes them (src/testing/fixture.ts re-exports it).
import { z } from 'zod';
import { DIALECT_NAMES } from '../core/dialects/server-dialect.ts';
import type { ChatRequest, EmbeddingRequest, ProviderType } from '../core/types.ts';

const exchangeRequestSchema = z.object({
  method: z.string().min(1).default('POST'),
  path: z.string().startsWith('/', 'path must start with "/"'),
  body: z.unknown().optional(),
  /** Key names dropped at any depth of both bodies before comparing. */
  ignore: z.array(z.string()).optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

const exchangeResponseSchema = z.object({
  status: z.int().min(100).max(599),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.unknown().optional(),
});

export const exchangeSchema = z.object({
  request: exchangeRequestSchema,
  response: exchangeResponseSchema,
});
export type Exchange = z.output<typeof exchangeSchema>;

const expectSchema = z.union([
  z.object({
    response: z.record(z.string(), z.unknown()),
    attempts: z.int().min(1).optional(),
    sleeps: z.array(z.number()).optional(),
  }),
  z.object({
    error: z.string().regex(/^[A-Za-z]+Error$/, 'expect.error must be an error class name such as "ModelRateLimitError"'),
    /** 0 for a local refusal: the engine must refuse before any request (no exchanges). */
    attempts: z.int().min(0).optional(),
    sleeps: z.array(z.number()).optional(),
  }),
]);

export const fixtureSchema = z
  .object({
    name: z.string().min(1),
    provider: z.enum(['openai', 'anthropic', 'bedrock']),
    operation: z.enum(['chat', 'embedding']),
    model: z.string().min(1),
    /** The provider's `dialect` the case runs with (docs/compatible-servers.md); unset = "openai". */
    dialect: z.enum(DIALECT_NAMES).optional(),
    source: z.string().optional(),
    notes: z.string().optional(),
    baseUrl: z.url().optional(),
    request: z.record(z.string(), z.unknown()).optional(),
    /**
     * At least one, except for a local refusal: `exchanges: []` with an `expect.error` says the
     * correct outcome is an error raised before any request (issue 18; docs/contract.md "Fixtures" otherwise asks for one).
     */
    exchanges: z.array(exchangeSchema),
    expect: expectSchema.optional(),
    /**
     * How replay matches requests to exchanges (docs/harness.md): `recorded` = in the order written,
     * `content` = by method, path and body whatever the arrival order. Default: `content` when
     * every compared exchange records its request body, else `recorded`.
     */
    replayOrder: z.enum(['recorded', 'content']).optional(),
  })
  .superRefine((fixture, ctx) => {
    if (fixture.exchanges.length > 0) return;
    if (!fixture.expect || !('error' in fixture.expect)) {
      ctx.addIssue({
        code: 'custom',
        path: ['exchanges'],
        message: 'a fixture needs at least one exchange, unless it expects a local refusal (expect.error with no exchanges)',
      });
    } else if (fixture.expect.attempts !== undefined && fixture.expect.attempts !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['expect', 'attempts'],
        message: 'a fixture without exchanges expects a local refusal: attempts must be 0',
      });
    }
  });
export type Fixture = z.output<typeof fixtureSchema>;

/** A fixture whose correct outcome is a refusal before any request: no exchange, an expected error. */
export function expectsNoRequest(fixture: Fixture): boolean {
  return fixture.exchanges.length === 0 && fixture.expect !== undefined && 'error' in fixture.expect;
}

export const DEFAULT_BASE_URLS: Record<ProviderType, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  bedrock: 'https://bedrock-runtime.us-east-1.amazonaws.com',
};

/** The canonical call a fixture makes; without `request`, a single user "Hello" (docs/contract.md "Fixtures"). */
export function fixtureChatRequest(fixture: Fixture): ChatRequest {
  const request = (fixture.request ?? { messages: [{ role: 'user', content: 'Hello' }] }) as Omit<ChatRequest, 'model'>;
  return { ...request, model: fixture.model };
}

export function fixtureEmbeddingRequest(fixture: Fixture): EmbeddingRequest {
  const request = (fixture.request ?? { input: ['Hello'] }) as Omit<EmbeddingRequest, 'model'>;
  return { ...request, model: fixture.model };
}

/**
 * The replay order of a fixture whose compared exchanges are `exchanges`: its own `replayOrder`,
 * else by content when every exchange has a body to match on. Concurrent requests (a Titan batch)
 * arrive in any order, so only content can tell which recorded exchange each one is.
 */
export function replayOrderOf(fixture: Fixture, exchanges: Fixture['exchanges'] = fixture.exchanges): 'recorded' | 'content' {
  if (fixture.replayOrder) return fixture.replayOrder;
  return exchanges.every((exchange) => exchange.request.body !== undefined) ? 'content' : 'recorded';
}

/** Where the engine under test should point: the replay origin plus the recorded base path. */
export function replayEndpoint(fixture: Fixture, replayOrigin: string): string {
  const base = new URL(fixture.baseUrl ?? DEFAULT_BASE_URLS[fixture.provider]);
  return `${replayOrigin}${base.pathname.replace(/\/+$/, '')}`;
}
