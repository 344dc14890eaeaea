// Anthropic Messages, with the envelope `{"type":"error","error":{type,message},"request_id"}`
// and the rejections of api.anthropic.com that a translation bug would trigger (wire-corpus/anthropic).
import {
  answerText,
  applyStopSequences,
  countTokens,
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
} from './provider-protocol.ts';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const BLOCK_TYPES = ['text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking', 'search_result'];

type Block = Record<string, unknown> & { type: string };

function blocksOf(content: unknown): Block[] {
  if (!Array.isArray(content)) return [];
  return content.filter((b): b is Block => isRecord(b) && typeof b.type === 'string');
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return blocksOf(content)
    .map((block) => {
      if (block.type === 'text' && typeof block.text === 'string') return block.text;
      if (block.type === 'tool_result') return textOf(block.content);
      return '';
    })
    .join('');
}

/** Input tokens as `usage.input_tokens` reports them: the system prompt and every message's text. */
function inputTokensOf(body: Record<string, unknown>): number {
  const systemText = typeof body.system === 'string' ? body.system : textOf(body.system);
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return countTokens(systemText) + messages.reduce((sum: number, m) => sum + (isRecord(m) ? countTokens(textOf(m.content)) : 0), 0);
}

function thinkingEnabled(body: Record<string, unknown>): boolean {
  return isRecord(body.thinking) && (body.thinking.type === 'enabled' || body.thinking.type === 'adaptive');
}

function validate(body: Record<string, unknown>): string | undefined {
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (body.max_tokens === undefined) return 'max_tokens: Field required';
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1)
    return 'max_tokens: Input should be a valid integer greater than or equal to 1';
  if (body.temperature !== undefined && (typeof body.temperature !== 'number' || body.temperature < 0 || body.temperature > 1)) {
    return 'temperature: Input should be less than or equal to 1';
  }
  if (body.system !== undefined && typeof body.system !== 'string' && !Array.isArray(body.system)) {
    return 'system: Input should be a valid string or a list of text blocks';
  }
  if (body.stop_sequences !== undefined && !Array.isArray(body.stop_sequences)) return 'stop_sequences: Input should be a valid list';
  const messages = body.messages;
  if (messages === undefined) return 'messages: Field required';
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: List should have at least 1 item after validation, not 0';

  const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
  const toolNames = tools.map((t) => t.name);
  const choice = isRecord(body.tool_choice) ? body.tool_choice : undefined;
  if (choice && choice.type !== 'auto' && choice.type !== 'none' && tools.length === 0) {
    return 'tool_choice: tool_choice may only be specified while providing tools.';
  }
  if (choice?.type === 'tool' && !toolNames.includes(choice.name))
    return `tool_choice.name: Tool '${String(choice.name)}' not found in provided tools`;
  if (thinkingEnabled(body)) {
    if (choice && (choice.type === 'any' || choice.type === 'tool')) return 'Thinking may not be enabled when tool_choice forces tool use.';
    const budget = (body.thinking as Record<string, unknown>).budget_tokens;
    if ((body.thinking as Record<string, unknown>).type === 'enabled') {
      if (typeof budget !== 'number' || budget < 1024)
        return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
      if (budget >= (body.max_tokens as number))
        return '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size';
    }
  }

  let usesTools = false;
  for (const [i, message] of messages.entries()) {
    if (!isRecord(message)) return `messages.${i}: Input should be a valid dictionary`;
    if (message.role !== 'user' && message.role !== 'assistant') {
      return message.role === 'system'
        ? 'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.'
        : `messages.${i}.role: Input should be 'user' or 'assistant'`;
    }
    const isFinalAssistant = i === messages.length - 1 && message.role === 'assistant';
    if (typeof message.content === 'string') {
      if (message.content === '' && !isFinalAssistant)
        return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
      continue;
    }
    if (!Array.isArray(message.content)) return `messages.${i}.content: Input should be a valid string or list`;
    if (message.content.length === 0 && !isFinalAssistant)
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    for (const [j, block] of message.content.entries()) {
      if (!isRecord(block) || typeof block.type !== 'string' || !BLOCK_TYPES.includes(block.type)) {
        return `messages.${i}.content.${j}: Input tag '${isRecord(block) ? String(block.type) : typeof block}' found using 'type' does not match any of the expected tags: ${BLOCK_TYPES.map((t) => `'${t}'`).join(', ')}`;
      }
      if (block.type === 'text' && (typeof block.text !== 'string' || block.text === ''))
        return 'messages: text content blocks must be non-empty';
      if (block.type === 'tool_use' || block.type === 'tool_result') usesTools = true;
    }
    const blocks = blocksOf(message.content);
    // tool_result blocks must answer the tool_use blocks of the message right before.
    const previous = i > 0 && isRecord(messages[i - 1]) ? blocksOf((messages[i - 1] as Record<string, unknown>).content) : [];
    const offered = previous.filter((b) => b.type === 'tool_use').map((b) => b.id);
    for (const [j, block] of blocks.entries()) {
      if (block.type === 'tool_result' && !offered.includes(block.tool_use_id)) {
        return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
    }
    // … and every tool_use must be answered in the message right after.
    const uses = blocks.filter((b) => b.type === 'tool_use').map((b) => String(b.id));
    if (uses.length > 0) {
      const next = isRecord(messages[i + 1]) ? blocksOf((messages[i + 1] as Record<string, unknown>).content) : [];
      const answered = next.filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id));
      const missing = uses.filter((id) => !answered.includes(id));
      if (missing.length > 0) {
        return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
      if (
        thinkingEnabled(body) &&
        i === lastAssistantIndex(messages) &&
        blocks[0]?.type !== 'thinking' &&
        blocks[0]?.type !== 'redacted_thinking'
      ) {
        return `messages.${i}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${blocks[0]?.type}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`;
      }
    }
  }
  if (usesTools && tools.length === 0) return 'Requests which include `tool_use` or `tool_result` blocks must define tools.';
  return undefined;
}

function lastAssistantIndex(messages: unknown[]): number {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (isRecord(messages[i]) && (messages[i] as Record<string, unknown>).role === 'assistant') return i;
  }
  return -1;
}

function answer(body: Record<string, unknown>, context: AnswerContext): FakeReply {
  const messages = body.messages as Record<string, unknown>[];
  const seed = textOf(messages[messages.length - 1].content);
  const inputTokens = inputTokensOf(body);
  const content: Record<string, unknown>[] = [];
  let outputTokens = 0;
  let stopReason = 'end_turn';
  let stopSequence: string | null = null;

  if (thinkingEnabled(body)) {
    const thinking = answerText(`thinking:${seed}`);
    outputTokens += countTokens(thinking);
    content.push({ type: 'thinking', thinking, signature: sha256(`signature:${seed}`).toString('base64') });
  }
  const choice = isRecord(body.tool_choice) ? body.tool_choice : undefined;
  const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
  const forced = choice?.type === 'tool' ? tools.find((t) => t.name === choice.name) : choice?.type === 'any' ? tools[0] : undefined;
  if (forced) {
    const input = valueForSchema(forced.input_schema, `${seed}:${String(forced.name)}`);
    outputTokens += countTokens(JSON.stringify(input));
    content.push({ type: 'tool_use', id: `toolu_${shortHash(`${seed}:${String(forced.name)}`)}`, name: forced.name, input });
    stopReason = 'tool_use';
  } else {
    const stopped = applyStopSequences(answerText(seed), (body.stop_sequences as string[] | undefined) ?? []);
    let text = stopped.text;
    if (stopped.stoppedBy !== undefined) {
      stopReason = 'stop_sequence';
      stopSequence = stopped.stoppedBy;
    }
    const cut = truncateToTokens(text, Math.max(0, (body.max_tokens as number) - outputTokens));
    if (cut.truncated) {
      text = cut.text;
      stopReason = 'max_tokens';
      stopSequence = null;
    }
    outputTokens += countTokens(text);
    if (text !== '') content.push({ type: 'text', text });
  }
  return jsonReply(
    200,
    {
      id: `msg_${shortHash(`${body.model}:${seed}`)}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content,
      stop_reason: stopReason,
      stop_sequence: stopSequence,
      usage: {
        input_tokens: inputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: outputTokens,
        service_tier: 'standard',
      },
    },
    { 'request-id': `req_${context.requestNumber}` },
  );
}

export const anthropicProtocol: ProviderProtocol = {
  provider: 'anthropic',

  match(method, pathname) {
    return method === 'POST' && pathname === '/v1/messages' ? { operation: 'chat' } : undefined;
  },

  authorize(request: FakeRequest) {
    // The SDK's `authToken` sends a bearer token instead of x-api-key; both are accepted upstream.
    if (headerValue(request.headers, 'x-api-key')) return undefined;
    if (/^Bearer\s+\S/.test(headerValue(request.headers, 'authorization') ?? '')) return undefined;
    return this.error(401, 'x-api-key header is required');
  },

  answer(_route, request, context) {
    if (!headerValue(request.headers, 'anthropic-version')) return this.error(400, 'anthropic-version: header is required');
    if (!isRecord(request.body)) return this.error(400, 'There was an issue with your request body: it is not valid JSON.');
    const problem = validate(request.body);
    if (problem) return this.error(400, problem);
    return answer(request.body, context);
  },

  tokenCost(_route, request) {
    if (!isRecord(request.body)) return 0;
    const maxTokens = request.body.max_tokens;
    return inputTokensOf(request.body) + (typeof maxTokens === 'number' && maxTokens > 0 ? maxTokens : 0);
  },

  error(status, message, options: ErrorOptions = {}) {
    const headers: Record<string, string> = {};
    if (options.retryAfter !== undefined) headers['retry-after'] = options.retryAfter;
    return jsonReply(
      status,
      { type: 'error', error: { type: options.type ?? ERROR_TYPES[status] ?? 'api_error', message }, request_id: `req_fake_${status}` },
      headers,
    );
  },
};
