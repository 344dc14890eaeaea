// The legacy engine against every row of the dialect tables (src/core/dialects), one test per row
// and per dialect, generated from the tables (docs/engine-rules.md "Server dialects").
import { describe, expect, it } from 'vitest';
import { DIALECT_HISTORY, expectDialectBody } from '../dialect-history.ts';
import { DIALECTS } from '../../src/core/dialects/dialect-table.ts';
import { EVERY_SERVER_ERROR_RULES } from '../../src/core/dialects/every-server-errors.ts';
import { DIALECT_NAMES, type ErrorRule } from '../../src/core/dialects/server-dialect.ts';
import { convertToOpenAIChatBody } from '../../src/models-legacy/openai/request.ts';
import { classifyHttpError } from '../../src/models-legacy/retry/failure-classification.ts';
import { serverErrorRules } from '../../src/models-legacy/retry/server-error-rules.ts';

/** Status, headers and body meeting the row's conditions; 418 (no status rule) when it names no status. */
function responseFor(rule: ErrorRule): [number, Record<string, string>, string] {
  const message = rule.phrases?.[0] ?? 'something went wrong';
  if (rule.awsType) {
    return [rule.status ?? 418, { 'x-amzn-errortype': `${rule.awsType}:http://internal.amazon.com/coral/` }, JSON.stringify({ message })];
  }
  return [rule.status ?? 418, {}, JSON.stringify({ error: { message, code: rule.code, type: rule.type } })];
}

const className = (status: number, headers: Record<string, string>, body: string, rules: readonly ErrorRule[]) =>
  classifyHttpError(status, headers, body, rules).errorClass.name;

const cases = [
  ...EVERY_SERVER_ERROR_RULES.map((rule) => ({ dialect: 'every dialect', rule, rules: serverErrorRules(undefined) })),
  ...DIALECT_NAMES.flatMap((name) => DIALECTS[name].errors.map((rule) => ({ dialect: name, rule, rules: serverErrorRules(name) }))),
];

describe('legacy reads every error row of the dialect tables', () => {
  it.each(cases.map((c) => [c.dialect, JSON.stringify({ ...c.rule, source: undefined }), c] as const))(
    '%s: %s',
    (_dialect, _shown, { rule, rules }) => {
      const response = responseFor(rule);
      expect(className(...response, rules)).toBe(rule.errorClass);
      // Without the server rows the same response is classified otherwise: the row decides.
      expect(className(...response, [])).not.toBe(rule.errorClass);
    },
  );

  it("TGI's 424 is the tgi dialect's row only: with the default dialect it stays ModelAPIError", () => {
    expect(className(...responseFor(DIALECTS.tgi.errors[0]), serverErrorRules('openai'))).toBe('ModelAPIError');
  });
});

describe('legacy follows the request rules of every dialect', () => {
  it.each(DIALECT_NAMES)('%s', (name) => {
    const rules = DIALECTS[name].request;
    expectDialectBody(
      convertToOpenAIChatBody(DIALECT_HISTORY, 'm', {}, rules) as unknown as Parameters<typeof expectDialectBody>[0],
      rules,
    );
  });
});
