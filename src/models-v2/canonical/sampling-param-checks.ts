// Numbers a caller sets per call are checked before any attempt: JSON would turn NaN into `null`
// and a negative max_tokens would cost a round trip to a 400. `undefined`/`null` mean unset.
import type { ChatRequest } from '../../core/types.ts';
import { badRequest } from './request-error.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';
import { COUNT_FIELDS, FINITE_FIELDS, WHOLE_FIELDS } from './sampling-fields.ts';

type Predicate = (value: number) => boolean;

const RULES: [readonly string[], Predicate, string][] = [
  [FINITE_FIELDS, Number.isFinite, 'a finite number'],
  [COUNT_FIELDS, (value) => Number.isInteger(value) && value >= 1, 'an integer of at least 1'],
  [WHOLE_FIELDS, Number.isInteger, 'an integer'],
];

export function checkSamplingParams(request: ChatRequest, subject: ErrorSubject): void {
  const given = request as unknown as Record<string, unknown>;
  for (const [fields, holds, expected] of RULES) {
    for (const field of fields) {
      const value = given[field];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'number' || !holds(value)) {
        const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
        throw badRequest(subject, `${field} must be ${expected} (got ${shown})`, `Set ${field} to ${expected}, or leave it unset.`);
      }
    }
  }
}
