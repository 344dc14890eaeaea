// OpenAI Chat Completions and Embeddings, with the envelopes and rejections of api.openai.com
// (wire-corpus/openai): `{"error": {message, type, param, code}}`.
import {
  answerText,
  applyStopSequences,
  countTokens,
  embeddingVector,
  float32Base64,
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

const ERROR_TYPES: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'permission_error', code: null },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  408: { type: 'timeout', code: null },
  409: { type: 'conflict', code: null },
  422: { type: 'invalid_request_error', code: null },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
  500: { type: 'server_error', code: null },
  502: { type: 'server_error', code: null },
  503: { type: 'server_error', code: null },
};

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];

// A fixed creation time: the answer must not depend on when it was produced.
const CREATED = 1_735_689_600;

interface Invalid {
  message: string;
  param?: string | null;
  code?: string | null;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part): part is { text: string } => isRecord(part) && typeof part.text === 'string')
    .map((part) => part.text)
    .join('');
}

function validateMessages(messages: unknown): Invalid | undefined {
  if (messages === undefined)
    return { message: "Missing required parameter: 'messages'.", param: 'messages', code: 'missing_required_parameter' };
  if (!Array.isArray(messages))
    return { message: "Invalid type for 'messages': expected an array of objects.", param: 'messages', code: 'invalid_type' };
  if (messages.length === 0)
    return {
      message: "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      param: 'messages',
      code: 'empty_array',
    };
  // Tool-call ids the most recent assistant turn opened and no tool message has answered yet.
  let open: string[] = [];
  for (const [i, message] of messages.entries()) {
    if (!isRecord(message) || typeof message.role !== 'string') {
      return {
        message: `Invalid type for 'messages[${i}]': expected an object with a 'role'.`,
        param: `messages[${i}]`,
        code: 'invalid_type',
      };
    }
    if (!ROLES.includes(message.role)) {
      return {
        message: `Invalid value: '${message.role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        param: `messages[${i}].role`,
        code: 'invalid_value',
      };
    }
    if (message.role === 'tool') {
      const id = message.tool_call_id;
      if (typeof id !== 'string' || !open.includes(id)) {
        return {
          message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          param: `messages.[${i}].role`,
        };
      }
      open = open.filter((openId) => openId !== id);
      continue;
    }
    if (open.length > 0) {
      return {
        message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${open.join(', ')}`,
        param: 'messages',
      };
    }
    if (message.role === 'assistant' && Array.isArray(message.tool_calls)) {
      open = message.tool_calls.map((call) => (isRecord(call) && typeof call.id === 'string' ? call.id : ''));
    }
  }
  if (open.length > 0) {
    return {
      message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${open.join(', ')}`,
      param: 'messages',
    };
  }
  return undefined;
}

/** Prompt tokens as `usage.prompt_tokens` reports them: every message's text. */
function promptTokensOf(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  return messages.reduce((sum: number, m) => sum + (isRecord(m) ? countTokens(contentText(m.content)) : 0), 0);
}

/** Input tokens of an embeddings request, as its `usage.prompt_tokens`. */
function embeddingTokensOf(input: unknown): number {
  const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? input : [];
  return texts.reduce((sum: number, text) => sum + (typeof text === 'string' ? countTokens(text) : 0), 0);
}

function toolNames(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  return tools
    .map((tool) => (isRecord(tool) && isRecord(tool.function) ? tool.function.name : undefined))
    .filter((name): name is string => typeof name === 'string');
}

/** The tool a forcing `tool_choice` selects; `undefined` when the model may answer in text. */
function forcedTool(body: Record<string, unknown>): string | undefined {
  const choice = body.tool_choice;
  if (choice === 'required') return toolNames(body.tools)[0];
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string') return choice.function.name;
  return undefined;
}

function validateChat(body: Record<string, unknown>): Invalid | undefined {
  if (typeof body.model !== 'string' || body.model === '') {
    return { message: 'you must provide a model parameter', param: null };
  }
  const messagesProblem = validateMessages(body.messages);
  if (messagesProblem) return messagesProblem;
  for (const key of ['max_tokens', 'max_completion_tokens', 'n'] as const) {
    const value = body[key];
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < 1)) {
      return {
        message: `Invalid '${key}': integer below minimum value. Expected a value >= 1, but got ${JSON.stringify(value)} instead.`,
        param: key,
        code: 'integer_below_min_value',
      };
    }
  }
  if (typeof body.n === 'number' && body.n > 128) {
    return {
      message: `Invalid 'n': integer above maximum value. Expected a value <= 128, but got ${body.n} instead.`,
      param: 'n',
      code: 'integer_above_max_value',
    };
  }
  if (body.temperature !== undefined && (typeof body.temperature !== 'number' || body.temperature < 0 || body.temperature > 2)) {
    return {
      message: `Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got ${JSON.stringify(body.temperature)} instead.`,
      param: 'temperature',
      code: 'decimal_above_max_value',
    };
  }
  const names = toolNames(body.tools);
  if (body.tool_choice !== undefined && body.tool_choice !== 'none' && body.tool_choice !== 'auto' && names.length === 0) {
    return { message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", param: 'tool_choice' };
  }
  const forced = forcedTool(body);
  if (isRecord(body.tool_choice) && forced !== undefined && !names.includes(forced)) {
    return { message: `Invalid 'tool_choice': function '${forced}' was not found in 'tools'.`, param: 'tool_choice' };
  }
  return undefined;
}

function chatAnswer(body: Record<string, unknown>, context: AnswerContext): FakeReply {
  const messages = body.messages as Record<string, unknown>[];
  const seed = contentText(messages[messages.length - 1].content);
  const promptTokens = promptTokensOf(messages);
  const maxTokens = (body.max_completion_tokens ?? body.max_tokens) as number | undefined;
  const stops = typeof body.stop === 'string' ? [body.stop] : Array.isArray(body.stop) ? (body.stop as string[]) : [];
  const forced = forcedTool(body);
  const n = typeof body.n === 'number' ? body.n : 1;
  let completionTokens = 0;
  const choices = Array.from({ length: n }, (_, index) => {
    const choiceSeed = index === 0 ? seed : `${seed}#${index}`;
    if (forced !== undefined) {
      const tool = (body.tools as { function: { name: string; parameters?: unknown } }[]).find((t) => t.function.name === forced);
      const args = JSON.stringify(valueForSchema(tool?.function.parameters, `${choiceSeed}:${forced}`));
      completionTokens += countTokens(args);
      return {
        index,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: `call_${shortHash(`${choiceSeed}:${forced}`)}`, type: 'function', function: { name: forced, arguments: args } },
          ],
          refusal: null,
          annotations: [],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      };
    }
    const format = isRecord(body.response_format) ? body.response_format : undefined;
    let text = answerText(choiceSeed);
    if (format?.type === 'json_object') text = JSON.stringify({ answer: text });
    if (format?.type === 'json_schema' && isRecord(format.json_schema))
      text = JSON.stringify(valueForSchema(format.json_schema.schema, choiceSeed));
    let finish = 'stop';
    text = applyStopSequences(text, stops).text;
    if (maxTokens !== undefined) {
      const cut = truncateToTokens(text, maxTokens);
      text = cut.text;
      if (cut.truncated) finish = 'length';
    }
    completionTokens += countTokens(text);
    return {
      index,
      message: { role: 'assistant', content: text, refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: finish,
    };
  });
  return jsonReply(
    200,
    {
      id: `chatcmpl-${shortHash(`${body.model}:${seed}`)}`,
      object: 'chat.completion',
      created: CREATED,
      model: body.model,
      choices,
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_fakeprovider',
    },
    { 'x-request-id': `req_${context.requestNumber}` },
  );
}

function validateEmbeddings(body: Record<string, unknown>): Invalid | undefined {
  if (typeof body.model !== 'string' || body.model === '') return { message: 'you must provide a model parameter', param: null };
  const input = body.input;
  const texts = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(texts) || texts.length === 0 || texts.some((t) => typeof t !== 'string')) {
    return {
      message: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
      param: null,
    };
  }
  if (texts.length > 2048) return { message: `'$.input' is too long: ${texts.length} items > 2048`, param: 'input' };
  if (body.encoding_format !== undefined && body.encoding_format !== 'float' && body.encoding_format !== 'base64') {
    return {
      message: `Invalid value: '${String(body.encoding_format)}'. Supported values are: 'float' and 'base64'.`,
      param: 'encoding_format',
      code: 'invalid_value',
    };
  }
  if (body.dimensions !== undefined && (!Number.isInteger(body.dimensions) || (body.dimensions as number) < 1)) {
    return {
      message: `Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got ${JSON.stringify(body.dimensions)} instead.`,
      param: 'dimensions',
      code: 'integer_below_min_value',
    };
  }
  return undefined;
}

function embeddingsAnswer(body: Record<string, unknown>, context: AnswerContext): FakeReply {
  const texts = typeof body.input === 'string' ? [body.input] : (body.input as string[]);
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : context.embeddingDimensions;
  const base64 = body.encoding_format === 'base64';
  const tokens = embeddingTokensOf(texts);
  return jsonReply(
    200,
    {
      object: 'list',
      data: texts.map((text, index) => {
        const vector = embeddingVector(text, dimensions);
        return { object: 'embedding', index, embedding: base64 ? float32Base64(vector) : vector };
      }),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
    { 'x-request-id': `req_${context.requestNumber}` },
  );
}

export const openaiProtocol: ProviderProtocol = {
  provider: 'openai',

  match(method, pathname) {
    if (method !== 'POST') return undefined;
    // Endpoints are configured with or without the `/v1` prefix (vLLM, NIM and others vary).
    const path = pathname.replace(/^\/v1(?=\/)/, '');
    if (path === '/chat/completions') return { operation: 'chat' };
    if (path === '/embeddings') return { operation: 'embedding' };
    return undefined;
  },

  authorize(request) {
    const auth = headerValue(request.headers, 'authorization');
    if (auth && /^Bearer\s+\S/.test(auth)) return undefined;
    return this.error(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
      { code: null },
    );
  },

  answer(route: RouteMatch, request: FakeRequest, context: AnswerContext): FakeReply {
    if (!isRecord(request.body)) {
      return this.error(
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
      );
    }
    const body = request.body;
    const problem = route.operation === 'chat' ? validateChat(body) : validateEmbeddings(body);
    if (problem) return this.error(400, problem.message, { param: problem.param ?? null, code: problem.code ?? null });
    return route.operation === 'chat' ? chatAnswer(body, context) : embeddingsAnswer(body, context);
  },

  tokenCost(route, request) {
    if (!isRecord(request.body)) return 0;
    const body = request.body;
    if (route.operation === 'embedding') return embeddingTokensOf(body.input);
    // Every choice may use the whole output allowance.
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    const n = typeof body.n === 'number' && body.n > 0 ? body.n : 1;
    return promptTokensOf(body.messages) + (typeof maxTokens === 'number' && maxTokens > 0 ? maxTokens * n : 0);
  },

  error(status, message, options: ErrorOptions = {}) {
    const defaults = ERROR_TYPES[status] ?? { type: 'api_error', code: null };
    const headers: Record<string, string> = {};
    if (options.retryAfter !== undefined) headers['retry-after'] = options.retryAfter;
    return jsonReply(
      status,
      {
        error: {
          message,
          type: options.type ?? defaults.type,
          param: options.param ?? null,
          code: options.code !== undefined ? options.code : defaults.code,
        },
      },
      headers,
    );
  },
};
