// The canonical chat fields that carry numbers, grouped by what each must be
// (docs/engine-rules.md, "Odd input"). Data only; checks are in sampling-param-checks.ts.

/** Any finite number: ranges differ by provider and are left to it. */
export const FINITE_FIELDS = ['temperature', 'top_p', 'frequency_penalty', 'presence_penalty'] as const;
/** Integers ≥ 1. */
export const COUNT_FIELDS = ['max_tokens', 'n'] as const;
/** Any integer. */
export const WHOLE_FIELDS = ['seed'] as const;
