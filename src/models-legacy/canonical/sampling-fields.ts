// Which canonical chat fields carry numbers, and what each must be (docs/engine-rules.md,
// "Odd input"). Data only; the check lives in canonical/sampling-param-checks.ts.

/** Any finite number: providers differ on ranges, so only NaN/±Infinity/non-numbers are ours to refuse. */
export const FINITE_NUMBER_FIELDS = ['temperature', 'top_p', 'frequency_penalty', 'presence_penalty'] as const;

/** Integers of at least 1. */
export const POSITIVE_INTEGER_FIELDS = ['max_tokens', 'n'] as const;

/** Any integer. */
export const INTEGER_FIELDS = ['seed'] as const;
