// Bedrock Runtime: Converse for chat, InvokeModel for Titan and Cohere embeddings. Errors are a
// `{"message"}` body with the exception name in `x-amzn-errortype` (wire-corpus/bedrock).
import {
  answerText,
  applyStopSequences,
  countTokens,
  embeddingVector,
  sha256,
  shortHash,
  truncateToTokens,
  valueForSchema,
} from './deterministic-answers.ts';
import {
  headerValue,
  isRecord,
  jsonReply,
  type AnswerContext,
  type ErrorOptions,
  type FakeReply,
  type FakeRequest,
  type ProviderProtocol,
  type RouteMatch,
} from './provider-protocol.ts';

const ERROR_TYPES: Record<number, string> = {
  400: 'ValidationException',
  401: 'UnrecognizedClientException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException',
  424: 'ModelErrorException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

const BLOCK_KEYS = [
  'text',
  'image',
  'document',
  'video',
  'toolUse',
  'toolResult',
  'reasoningContent',
  'cachePoint',
  'guardContent',
  'citationsContent',
];
const COHERE_INPUT_TYPES = ['search_document', 'search_query', 'classification', 'clustering', 'image'];
const TITAN_DIMENSIONS = [256, 512, 1024];

type Block = Record<string, unknown>;

function blocksOf(message: unknown): Block[] {
  return isRecord(message) && Array.isArray(message.content) ? message.content.filter(isRecord) : [];
}

function textOf(blocks: Block[]): string {
  return blocks
    .map((block) => {
      if (typeof block.text === 'string') return block.text;
      if (isRecord(block.toolResult) && Array.isArray(block.toolResult.content)) {
        return block.toolResult.content.map((c) => (isRecord(c) && typeof c.text === 'string' ? c.text : JSON.stringify(c))).join('');
      }
      return '';
    })
    .join('');
}

/** Input tokens as Converse `usage.inputTokens` reports them: the system blocks and every message's text. */
function converseInputTokensOf(body: Record<string, unknown>): number {
  const system = Array.isArray(body.system) ? body.system.filter(isRecord) : [];
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return countTokens(textOf(system)) + messages.reduce((sum: number, m) => sum + countTokens(textOf(blocksOf(m))), 0);
}

/** Input tokens of a Titan or Cohere embeddings body, as its token-count header. */
function invokeInputTokensOf(body: Record<string, unknown>): number {
  if (typeof body.inputText === 'string') return countTokens(body.inputText);
  const texts = Array.isArray(body.texts) ? body.texts : [];
  return texts.reduce((sum: number, text) => sum + (typeof text === 'string' ? countTokens(text) : 0), 0);
}

function reasoningEnabled(body: Record<string, unknown>): boolean {
  const extra = isRecord(body.additionalModelRequestFields) ? body.additionalModelRequestFields : {};
  return (
    (isRecord(extra.thinking) && extra.thinking.type === 'enabled') ||
    isRecord(extra.reasoning_config) ||
    typeof extra.reasoning_effort === 'string'
  );
}

function constraint(value: unknown, path: string, rule: string): string {
  return `1 validation error detected: Value '${JSON.stringify(value)}' at '${path}' failed to satisfy constraint: ${rule}`;
}

function validateConverse(body: Record<string, unknown>): string | undefined {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  }
  if (body.system !== undefined && (!Array.isArray(body.system) || body.system.some((b) => !isRecord(b)))) {
    return constraint(body.system, 'system', 'Member must be a list of SystemContentBlock');
  }
  const config = body.inferenceConfig;
  if (config !== undefined) {
    if (!isRecord(config)) return constraint(config, 'inferenceConfig', 'Member must be an object');
    if (config.maxTokens !== undefined && (!Number.isInteger(config.maxTokens) || (config.maxTokens as number) < 1)) {
      return constraint(config.maxTokens, 'inferenceConfig.maxTokens', 'Member must have value greater than or equal to 1');
    }
    if (config.temperature !== undefined && (typeof config.temperature !== 'number' || config.temperature < 0 || config.temperature > 1)) {
      return constraint(config.temperature, 'inferenceConfig.temperature', 'Member must have value less than or equal to 1');
    }
    if (config.topP !== undefined && (typeof config.topP !== 'number' || config.topP < 0 || config.topP > 1)) {
      return constraint(config.topP, 'inferenceConfig.topP', 'Member must have value less than or equal to 1');
    }
    if (config.stopSequences !== undefined && !Array.isArray(config.stopSequences)) {
      return constraint(config.stopSequences, 'inferenceConfig.stopSequences', 'Member must be a list');
    }
  }
  const toolConfig = body.toolConfig;
  if (toolConfig !== undefined) {
    if (!isRecord(toolConfig) || !Array.isArray(toolConfig.tools) || toolConfig.tools.length === 0) {
      return constraint(
        isRecord(toolConfig) ? toolConfig.tools : toolConfig,
        'toolConfig.tools',
        'Member must have length greater than or equal to 1',
      );
    }
    const names = toolConfig.tools.map((t) => (isRecord(t) && isRecord(t.toolSpec) ? t.toolSpec.name : undefined));
    const choice = toolConfig.toolChoice;
    if (isRecord(choice) && isRecord(choice.tool) && !names.includes(choice.tool.name)) {
      return `The tool ${String(choice.tool.name)} named in toolChoice is not defined in toolConfig.tools.`;
    }
  }

  let usesTools = false;
  for (const [i, message] of messages.entries()) {
    if (!isRecord(message) || (message.role !== 'user' && message.role !== 'assistant')) {
      return constraint(
        isRecord(message) ? message.role : message,
        `messages.${i}.member.role`,
        'Member must satisfy enum value set: [user, assistant]',
      );
    }
    if (i === 0 && message.role !== 'user') {
      return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
    }
    if (i > 0 && (messages[i - 1] as Record<string, unknown>).role === message.role) {
      return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
    }
    if (!Array.isArray(message.content))
      return constraint(message.content, `messages.${i}.member.content`, 'Member must be a list of ContentBlock');
    for (const [j, block] of message.content.entries()) {
      const keys = isRecord(block) ? Object.keys(block).filter((k) => BLOCK_KEYS.includes(k)) : [];
      if (keys.length !== 1) {
        return `The content block at messages.${i}.content.${j} must set exactly one of ${BLOCK_KEYS.join(', ')}.`;
      }
      if (keys[0] === 'toolUse' || keys[0] === 'toolResult') usesTools = true;
      if (keys[0] === 'text' && (typeof (block as Block).text !== 'string' || (block as Block).text === '')) {
        return `The text field in the ContentBlock object at messages.${i}.content.${j} is blank. Add text to the text field, and try again.`;
      }
    }
    const blocks = blocksOf(message);
    if (message.role === 'user') {
      const results = blocks.filter((b) => isRecord(b.toolResult)).length;
      const uses = i > 0 ? blocksOf(messages[i - 1]).filter((b) => isRecord(b.toolUse)).length : 0;
      if (results > uses) {
        return `The number of toolResult blocks at messages.${i}.content exceeds the number of toolUse blocks of previous turn.`;
      }
    } else {
      const uses = blocks.filter((b) => isRecord(b.toolUse)).map((b) => String((b.toolUse as Block).toolUseId));
      const next = messages[i + 1];
      if (uses.length > 0 && next !== undefined) {
        const answered = blocksOf(next)
          .filter((b) => isRecord(b.toolResult))
          .map((b) => String((b.toolResult as Block).toolUseId));
        const missing = uses.filter((id) => !answered.includes(id));
        if (missing.length > 0) {
          return `Expected toolResult blocks at messages.${i + 1}.content for the following Ids: ${missing.join(', ')}`;
        }
        if (reasoningEnabled(body) && i === messages.length - 2 && !isRecord(blocks[0]?.reasoningContent)) {
          return `The model returned the following errors: messages.${i}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${Object.keys(blocks[0] ?? {})[0]}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block.`;
        }
      }
    }
  }
  if (usesTools && toolConfig === undefined)
    return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
  return undefined;
}

function converseAnswer(modelId: string, body: Record<string, unknown>, context: AnswerContext): FakeReply {
  const messages = body.messages as Record<string, unknown>[];
  const seed = textOf(blocksOf(messages[messages.length - 1]));
  const inputTokens = converseInputTokensOf(body);
  const config = isRecord(body.inferenceConfig) ? body.inferenceConfig : {};
  const content: Block[] = [];
  let outputTokens = 0;
  let stopReason = 'end_turn';

  if (reasoningEnabled(body)) {
    const text = answerText(`thinking:${seed}`);
    outputTokens += countTokens(text);
    content.push({ reasoningContent: { reasoningText: { text, signature: sha256(`signature:${seed}`).toString('base64') } } });
  }
  const toolConfig = isRecord(body.toolConfig) ? body.toolConfig : undefined;
  const specs = ((toolConfig?.tools as unknown[] | undefined) ?? []).map((t) => (isRecord(t) && isRecord(t.toolSpec) ? t.toolSpec : {}));
  const choice = isRecord(toolConfig?.toolChoice) ? toolConfig.toolChoice : undefined;
  const forced = isRecord(choice?.tool)
    ? specs.find((s) => s.name === (choice.tool as Block).name)
    : isRecord(choice?.any)
      ? specs[0]
      : undefined;
  if (forced) {
    const schema = isRecord(forced.inputSchema) ? forced.inputSchema.json : undefined;
    const input = valueForSchema(schema, `${seed}:${String(forced.name)}`);
    outputTokens += countTokens(JSON.stringify(input));
    content.push({ toolUse: { toolUseId: `tooluse_${shortHash(`${seed}:${String(forced.name)}`, 22)}`, name: forced.name, input } });
    stopReason = 'tool_use';
  } else {
    const stopped = applyStopSequences(answerText(seed), (config.stopSequences as string[] | undefined) ?? []);
    let text = stopped.text;
    if (stopped.stoppedBy !== undefined) stopReason = 'stop_sequence';
    if (typeof config.maxTokens === 'number') {
      const cut = truncateToTokens(text, Math.max(0, config.maxTokens - outputTokens));
      if (cut.truncated) {
        text = cut.text;
        stopReason = 'max_tokens';
      }
    }
    outputTokens += countTokens(text);
    if (text !== '') content.push({ text });
  }
  return jsonReply(
    200,
    {
      output: { message: { role: 'assistant', content } },
      stopReason,
      usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
      metrics: { latencyMs: context.latencyMs },
    },
    { 'x-amzn-requestid': requestId(modelId, context) },
  );
}

function requestId(modelId: string, context: AnswerContext): string {
  const hex = shortHash(`${modelId}:${context.requestNumber}`, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function malformed(detail: string): string {
  return `Malformed input request: ${detail}, please reformat your input and try again.`;
}

function invokeAnswer(modelId: string, body: Record<string, unknown>, context: AnswerContext, protocol: ProviderProtocol): FakeReply {
  const headers = (tokens: number): Record<string, string> => ({
    'x-amzn-requestid': requestId(modelId, context),
    'x-amzn-bedrock-input-token-count': String(tokens),
    'x-amzn-bedrock-invocation-latency': String(context.latencyMs),
  });
  if (modelId.includes('amazon.titan-embed')) {
    if (typeof body.inputText !== 'string') return protocol.error(400, malformed('#: required key [inputText] not found'));
    if (body.inputText === '') return protocol.error(400, malformed('#/inputText: expected minLength: 1, actual: 0'));
    if (body.dimensions !== undefined && !TITAN_DIMENSIONS.includes(body.dimensions as number)) {
      return protocol.error(400, malformed(`#/dimensions: ${JSON.stringify(body.dimensions)} is not a valid enum value`));
    }
    const dimensions = typeof body.dimensions === 'number' ? body.dimensions : context.embeddingDimensions;
    const vector = embeddingVector(body.inputText, dimensions);
    const tokens = invokeInputTokensOf(body);
    return jsonReply(200, { embedding: vector, embeddingsByType: { float: vector }, inputTextTokenCount: tokens }, headers(tokens));
  }
  if (modelId.includes('cohere.embed')) {
    const texts = body.texts;
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string'))
      return protocol.error(400, malformed('#: required key [texts] not found'));
    if (texts.length > 96) return protocol.error(400, malformed(`#/texts: expected maximum item count: 96, found: ${texts.length}`));
    if (body.input_type === undefined) return protocol.error(400, malformed('#: required key [input_type] not found'));
    if (!COHERE_INPUT_TYPES.includes(body.input_type as string)) {
      return protocol.error(400, malformed(`#/input_type: ${JSON.stringify(body.input_type)} is not a valid enum value`));
    }
    const vectors = (texts as string[]).map((text) => embeddingVector(text, context.embeddingDimensions));
    const tokens = invokeInputTokensOf(body);
    const byType = modelId.includes('embed-v4');
    return jsonReply(
      200,
      {
        id: shortHash(`${modelId}:${JSON.stringify(texts)}`, 32),
        texts: (texts as string[]).map((t) => t.toLowerCase()),
        embeddings: byType ? { float: vectors } : vectors,
        response_type: byType ? 'embeddings_by_type' : 'embeddings_floats',
      },
      headers(tokens),
    );
  }
  return protocol.error(400, 'The provided model identifier is invalid.');
}

export const bedrockProtocol: ProviderProtocol = {
  provider: 'bedrock',

  match(method, pathname) {
    const found = /^\/model\/([^/]+)\/(converse|invoke)$/.exec(pathname);
    if (method !== 'POST' || !found) return undefined;
    let modelId: string;
    try {
      modelId = decodeURIComponent(found[1]);
    } catch {
      return undefined;
    }
    // Which operation an invoke is depends on the body's model family; both answer here.
    return { operation: found[2] === 'converse' ? 'chat' : 'embedding', modelId, action: found[2] };
  },

  authorize(request: FakeRequest) {
    const auth = headerValue(request.headers, 'authorization') ?? '';
    // Bedrock API keys are bearer tokens; everything else is SigV4. Signatures are not verified.
    if (/^Bearer\s+\S/.test(auth) || auth.startsWith('AWS4-HMAC-SHA256 ')) return undefined;
    return this.error(
      401,
      'Missing Authentication Token: sign the request with AWS Signature Version 4 (Authorization: AWS4-HMAC-SHA256 …) or send a Bedrock API key (Authorization: Bearer …).',
    );
  },

  answer(route: RouteMatch, request: FakeRequest, context: AnswerContext): FakeReply {
    const modelId = route.modelId ?? '';
    if (!isRecord(request.body)) return this.error(400, 'The request body is not valid JSON.');
    if (route.action === 'invoke') return invokeAnswer(modelId, request.body, context, this);
    const problem = validateConverse(request.body);
    if (problem) return this.error(400, problem);
    return converseAnswer(modelId, request.body, context);
  },

  tokenCost(route, request) {
    if (!isRecord(request.body)) return 0;
    if (route.action === 'invoke') return invokeInputTokensOf(request.body);
    const config = isRecord(request.body.inferenceConfig) ? request.body.inferenceConfig : {};
    const maxTokens = typeof config.maxTokens === 'number' && config.maxTokens > 0 ? config.maxTokens : 0;
    return converseInputTokensOf(request.body) + maxTokens;
  },

  error(status, message, options: ErrorOptions = {}) {
    const type = options.type ?? ERROR_TYPES[status] ?? 'InternalServerException';
    const headers: Record<string, string> = {
      'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    };
    if (options.retryAfter !== undefined) headers['retry-after'] = options.retryAfter;
    return jsonReply(status, { message }, headers);
  },
};
