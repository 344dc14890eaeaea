import { isRecord, type JsonRecord } from './json-value.ts';
import { badRequest } from './request-input-error.ts';

// Anthropic and Bedrock take tool input as an object, while the canonical form is a JSON string.
export function parseToolArguments(toolCallId: string, args: string): JsonRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw badRequest(
      `The arguments of tool call '${toolCallId}' are not valid JSON`,
      'Send tool-call arguments as a JSON object string, e.g. "{}" or "{\\"city\\": \\"Paris\\"}".',
    );
  }
  if (!isRecord(parsed)) {
    throw badRequest(
      `The arguments of tool call '${toolCallId}' are JSON but not an object`,
      'Send tool-call arguments as a JSON object string, e.g. "{}".',
    );
  }
  return parsed;
}
