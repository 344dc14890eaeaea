// A provider's dialect error rows (docs/engine-rules.md, "Errors", step 0), read from the tables in
// src/core/dialects: the dialect's own rows first, then the rows every server shares. The first
// row whose every set condition holds decides the class.
import { DIALECTS } from '../../core/dialects/dialect-table.ts';
import { EVERY_SERVER_ERROR_RULES } from '../../core/dialects/every-server-errors.ts';
import { DEFAULT_DIALECT, type DialectName, type ErrorRule, type ErrorRuleClass } from '../../core/dialects/server-dialect.ts';

export function serverErrorRules(dialect: DialectName | undefined): readonly ErrorRule[] {
  return DIALECTS[dialect ?? DEFAULT_DIALECT].errors.concat(EVERY_SERVER_ERROR_RULES);
}

export interface ErrorFacts {
  status: number;
  code: unknown;
  type: unknown;
  amznErrorType: string | undefined;
  /** Normalised provider message (normalizeErrorText). */
  text: string;
}

/** `error.code` 402 (a number) matches the row's "402". */
function textMatches(wanted: string | undefined, got: unknown): boolean {
  if (wanted === undefined) return true;
  if (typeof got === 'number') return String(got) === wanted;
  return typeof got === 'string' && got === wanted;
}

export function matchServerErrorRule(rules: readonly ErrorRule[], facts: ErrorFacts): ErrorRuleClass | undefined {
  for (const rule of rules) {
    if (rule.status !== undefined && rule.status !== facts.status) continue;
    if (!textMatches(rule.code, facts.code) || !textMatches(rule.type, facts.type)) continue;
    if (rule.awsType !== undefined && rule.awsType !== facts.amznErrorType) continue;
    if (rule.phrases !== undefined && !rule.phrases.some((phrase) => facts.text.includes(phrase))) continue;
    return rule.errorClass;
  }
  return undefined;
}
