// Judges one captured request body against its provider's API definition. Keys the caller put in
// `extra_body` are flattened into the body unvalidated (docs/contract.md "Provider translation"): one the definition does not
// declare is a vendor pass-through (vLLM's `chat_template_kwargs`, …) and is listed, not counted;
// a problem inside a declared key the user set is the user's value sent as given, listed too.
import { anthropicMessageProblems } from './anthropic-message-rules.ts';
import type { CapturedBody } from './capture-bodies.ts';
import { converseTurnProblems } from './converse-turn-rules.ts';
import { invokeModelProblems } from './invoke-model-parameters.ts';
import type { OpenApiValidator } from './openapi-validator.ts';
import type { SmithyValidator } from './smithy-validator.ts';

export interface Validators {
  openai: OpenApiValidator;
  anthropic: OpenApiValidator;
  bedrock: SmithyValidator;
}

export interface PassThrough {
  key: string;
  reason: string;
}

export interface Verdict {
  /** What the body was checked against. */
  against: string;
  violations: string[];
  passThrough: PassThrough[];
}

function topLevelKey(problem: string): string | undefined {
  const match = /^\$\.([^.[\s:]+)/.exec(problem) ?? /^\$: .*\(([^)]+)\)$/.exec(problem);
  return match?.[1];
}

function judgeOpenApi(validator: OpenApiValidator, component: string, captured: CapturedBody, label: string): Verdict {
  const declared = validator.propertyNames(component);
  const body = { ...(captured.body as Record<string, unknown>) };
  const passThrough: PassThrough[] = [];
  for (const key of captured.extraBodyKeys) {
    if (key in body && !declared.has(key)) {
      passThrough.push({
        key,
        reason: `extra_body key not declared by ${component} in the ${label} definition (vendor extension, sent unvalidated per docs/contract.md "Provider translation")`,
      });
      delete body[key];
    }
  }
  const violations: string[] = [];
  for (const problem of validator.validate(component, body)) {
    const key = topLevelKey(problem);
    if (key !== undefined && captured.extraBodyKeys.has(key))
      passThrough.push({
        key,
        reason: `the caller's extra_body value, sent as given (docs/contract.md "Provider translation"): ${problem}`,
      });
    else violations.push(problem);
  }
  return { against: `${label} ${component}`, violations, passThrough };
}

export function judgeRequest(captured: CapturedBody, validators: Validators): Verdict {
  const path = captured.path.split('?')[0];
  if (captured.provider === 'openai') {
    const component = path.endsWith('/embeddings') ? 'CreateEmbeddingRequest' : 'CreateChatCompletionRequest';
    return judgeOpenApi(validators.openai, component, captured, 'OpenAI OpenAPI');
  }
  if (captured.provider === 'anthropic') {
    const verdict = judgeOpenApi(validators.anthropic, 'CreateMessageParams', captured, 'Anthropic OpenAPI');
    const thinkingFromCaller = captured.extraBodyKeys.has('thinking') && captured.extraBodyKeys.has('max_tokens');
    for (const problem of anthropicMessageProblems(captured.body)) {
      // Budget and max_tokens both chosen by the caller through extra_body: theirs, listed.
      if (problem.startsWith('$.thinking') && thinkingFromCaller)
        verdict.passThrough.push({ key: 'thinking', reason: `the caller's extra_body values: ${problem}` });
      else verdict.violations.push(problem);
    }
    return { ...verdict, against: `${verdict.against} + message rules` };
  }
  if (path.endsWith('/converse')) {
    const violations = [
      ...validators.bedrock.validate('com.amazonaws.bedrockruntime#ConverseRequest', captured.body),
      ...converseTurnProblems(captured.body),
    ];
    return { against: 'Bedrock Smithy ConverseRequest + turn rules', violations, passThrough: [] };
  }
  const modelId = decodeURIComponent(/\/model\/([^/]+)\/invoke$/.exec(path)?.[1] ?? captured.model);
  const passThrough: PassThrough[] = [];
  const violations: string[] = [];
  for (const problem of invokeModelProblems(modelId, captured.body)) {
    const key = topLevelKey(problem);
    if (key !== undefined && captured.extraBodyKeys.has(key))
      passThrough.push({
        key,
        reason: `the caller's extra_body value, sent as given (docs/contract.md "Provider translation"): ${problem}`,
      });
    else violations.push(problem);
  }
  return { against: `Bedrock InvokeModel parameters (${modelId})`, violations, passThrough };
}
