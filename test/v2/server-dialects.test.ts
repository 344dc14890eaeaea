// Every row of the dialect tables (src/core/dialects) read by v2, one test per row, generated from
// the tables themselves so a row added later is tested too (docs/engine-rules.md "Server dialects").
import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../../src/core/dialects/dialect-table.ts';
import { EVERY_SERVER_ERROR_RULES } from '../../src/core/dialects/every-server-errors.ts';
import { DIALECT_NAMES, type ErrorRule } from '../../src/core/dialects/server-dialect.ts';
import type { ChatRequest } from '../../src/core/types.ts';
import { toOpenAIChatBody } from '../../src/models-v2/openai/request.ts';
import { classifyHttpFailure } from '../../src/models-v2/retry/failure-classification.ts';
import { errorRulesFor } from '../../src/models-v2/retry/server-error-rules.ts';
import { headerLookup } from '../../src/models-v2/transport/header-lookup.ts';

const subject = { providerName: 'prov', modelAlias: 'alias' };

/** A failure that meets exactly the row's conditions; 418 (no status rule) where the row names none. */
function failureFor(rule: ErrorRule) {
  const message = rule.phrases?.[0] ?? 'something went wrong';
  const body = rule.awsType ? { message } : { error: { message, code: rule.code, type: rule.type } };
  const headers: Record<string, string> = rule.awsType ? { 'x-amzn-errortype': `${rule.awsType}:http://internal.amazon.com/coral/` } : {};
  return { status: rule.status ?? 418, header: headerLookup(headers), body, rawBody: JSON.stringify(body) };
}

const rows = [
  ...EVERY_SERVER_ERROR_RULES.map((rule) => ({ dialect: 'every dialect', rule, rules: errorRulesFor(undefined) })),
  ...DIALECT_NAMES.flatMap((name) => DIALECTS[name].errors.map((rule) => ({ dialect: name, rule, rules: errorRulesFor(name) }))),
];

describe('v2 reads every error row of the dialect tables', () => {
  it.each(rows.map((row) => [row.dialect, JSON.stringify({ ...row.rule, source: undefined }), row] as const))(
    '%s: %s',
    (_dialect, _shown, { rule, rules }) => {
      const failure = failureFor(rule);
      expect(classifyHttpFailure(failure, subject, 0, undefined, rules).name).toBe(rule.errorClass);
      // The row is what decides: without the server rows the same failure is another class.
      expect(classifyHttpFailure(failure, subject, 0, undefined, []).name).not.toBe(rule.errorClass);
    },
  );

  it("a dialect's own rows apply only with that dialect (TGI's 424 stays the safe default elsewhere)", () => {
    const tgi = DIALECTS.tgi.errors[0];
    const error = classifyHttpFailure(failureFor(tgi), subject, 0, undefined, errorRulesFor('openai'));
    expect(error.name).toBe('ModelAPIError');
    expect(error.retryable).toBe(false);
  });
});

const FOREIGN_ID = 'call_00_9V0vrf86Pc9aelHCJMZqnJBo';
const KEPT_ID = 'abcDEF123';
const request: ChatRequest = {
  model: 'm',
  messages: [
    { role: 'user', content: 'Weather?' },
    {
      role: 'assistant',
      content: null,
      reasoning_content: 'I should call the tool.',
      tool_calls: [
        { id: FOREIGN_ID, type: 'function', function: { name: 'weather', arguments: '{}' } },
        { id: KEPT_ID, type: 'function', function: { name: 'weather', arguments: '{}' } },
      ],
    },
    { role: 'tool', tool_call_id: FOREIGN_ID, content: 'foggy' },
    { role: 'tool', tool_call_id: KEPT_ID, content: 'sunny' },
  ],
  tools: [],
};

describe('v2 follows the request rules of every dialect', () => {
  it.each(DIALECT_NAMES)('%s', (name) => {
    const rules = DIALECTS[name].request;
    const body = toOpenAIChatBody(request, {}, rules) as unknown as {
      messages: { reasoning_content?: string; tool_calls?: { id: string }[]; tool_call_id?: string }[];
      tools?: unknown[];
    };
    const [, assistant, firstResult, secondResult] = body.messages;
    expect('reasoning_content' in assistant).toBe(rules.reasoningHistory === 'send');
    expect('tools' in body).toBe(rules.emptyTools === 'send');
    const [foreign, kept] = assistant.tool_calls ?? [];
    expect(kept.id).toBe(KEPT_ID);
    expect(firstResult.tool_call_id).toBe(foreign.id);
    expect(secondResult.tool_call_id).toBe(KEPT_ID);
    if (rules.toolCallIds === 'as-given') expect(foreign.id).toBe(FOREIGN_ID);
    else expect(foreign.id).toMatch(/^[A-Za-z0-9]{9}$/);
  });
});
