// Per-call numbers are checked before anything is sent: NaN would go out as `null`, a negative
// max_tokens as itself, and the provider's 400 (or a silently ignored field) would follow.
// `undefined` and `null` mean "not set" and pass untouched.
import type { ChatRequest } from '../../core/types.ts';
import { badRequest } from './request-input-error.ts';
import { FINITE_NUMBER_FIELDS, INTEGER_FIELDS, POSITIVE_INTEGER_FIELDS } from './sampling-fields.ts';

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export function validateSamplingParams(request: ChatRequest): void {
  const fields = request as unknown as Record<string, unknown>;
  for (const name of FINITE_NUMBER_FIELDS) {
    const value = fields[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw badRequest(`${name} must be a finite number, got ${shown(value)}`, `Pass ${name} as a number, or leave it unset.`);
    }
  }
  for (const name of POSITIVE_INTEGER_FIELDS) {
    const value = fields[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw badRequest(
        `${name} must be an integer of at least 1, got ${shown(value)}`,
        `Pass ${name} as a positive integer, or leave it unset.`,
      );
    }
  }
  for (const name of INTEGER_FIELDS) {
    const value = fields[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw badRequest(`${name} must be an integer, got ${shown(value)}`, `Pass ${name} as an integer, or leave it unset.`);
    }
  }
}
