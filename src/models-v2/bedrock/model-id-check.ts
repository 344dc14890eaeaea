// A Bedrock model id is a path segment (`/model/{modelId}/converse`). `.` and `..` pass the SDK's
// escaping unchanged and are dot segments, which a URL resolver or proxy collapses
// (`/model/../converse` → `/converse`): refused before any request (docs/engine-rules.md).
import { badRequest } from '../canonical/request-error.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';

export function checkBedrockModelId(modelId: string, subject: ErrorSubject): void {
  if (modelId === '.' || modelId === '..') {
    throw badRequest(
      subject,
      `the Bedrock model id '${modelId}' is a URL dot segment, not a model id`,
      'Set the model to a Bedrock model id, inference profile id or ARN (e.g. us.amazon.nova-micro-v1:0).',
    );
  }
}
