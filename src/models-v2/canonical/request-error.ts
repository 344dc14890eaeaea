// The local error every v2 request check throws: a ModelBadRequestError naming the subject and the
// problem, before any attempt is made (docs/engine-rules.md "Odd input").
import { ModelBadRequestError } from '../../core/errors.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';

export function badRequest(subject: ErrorSubject, problem: string, solution?: string): ModelBadRequestError {
  return new ModelBadRequestError({
    ...subject,
    causeText: `The request to {subject} is invalid: ${problem}`,
    ...(solution ? { solution } : {}),
  });
}
