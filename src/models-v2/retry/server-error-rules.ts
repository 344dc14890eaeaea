// The error rows of a provider's dialect (docs/engine-rules.md, "Errors", step 0): the dialect's
// own rows, then the rows every server shares, both read from src/core/dialects. The first row
// whose every set condition holds names the class.
import { DIALECTS } from '../../core/dialects/dialect-table.ts';
import { EVERY_SERVER_ERROR_RULES } from '../../core/dialects/every-server-errors.ts';
import { DEFAULT_DIALECT, type DialectName, type ErrorRule, type ErrorRuleClass } from '../../core/dialects/server-dialect.ts';

export function errorRulesFor(dialect: DialectName | undefined): readonly ErrorRule[] {
  return [...DIALECTS[dialect ?? DEFAULT_DIALECT].errors, ...EVERY_SERVER_ERROR_RULES];
}

/** What a failed response says, as the rows read it. */
export interface FailureFacts {
  status: number | undefined;
  /** `error.code` and `error.type` of the body, when present. */
  code: unknown;
  type: unknown;
  awsType: string | undefined;
  /** The provider message, normalised for matching. */
  message: string;
}

const sameText = (expected: string | undefined, actual: unknown): boolean =>
  expected === undefined || ((typeof actual === 'string' || typeof actual === 'number') && String(actual) === expected);

function holds(rule: ErrorRule, facts: FailureFacts): boolean {
  return (
    (rule.status === undefined || rule.status === facts.status) &&
    sameText(rule.code, facts.code) &&
    sameText(rule.type, facts.type) &&
    (rule.awsType === undefined || rule.awsType === facts.awsType) &&
    (rule.phrases === undefined || rule.phrases.some((phrase) => facts.message.includes(phrase)))
  );
}

export function classByErrorRule(rules: readonly ErrorRule[], facts: FailureFacts): ErrorRuleClass | undefined {
  return rules.find((rule) => holds(rule, facts))?.errorClass;
}
