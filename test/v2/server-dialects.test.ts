// Every row of the dialect tables (src/core/dialects) read by v2, one test per row, generated from
// the tables themselves so a row added later is tested too (docs/engine-rules.md "Server dialects").
import { describe, expect, it } from 'vitest';
import { DIALECT_HISTORY, expectDialectBody } from '../dialect-history.ts';
import { DIALECTS } from '../../src/core/dialects/dialect-table.ts';
import { EVERY_SERVER_ERROR_RULES } from '../../src/core/dialects/every-server-errors.ts';
import { DIALECT_NAMES, type ErrorRule } from '../../src/core/dialects/server-dialect.ts';
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

describe('v2 follows the request rules of every dialect', () => {
  it.each(DIALECT_NAMES)('%s', (name) => {
    const rules = DIALECTS[name].request;
    expectDialectBody(toOpenAIChatBody(DIALECT_HISTORY, {}, rules) as unknown as Parameters<typeof expectDialectBody>[0], rules);
  });
});
