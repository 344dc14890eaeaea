import type { FinishReason } from '../core/types.ts';

export function mapOpenAIFinishReason(raw: unknown): FinishReason | null {
  switch (raw) {
    case 'stop':
    case 'length':
    case 'tool_calls':
    case 'content_filter':
      return raw;
    case 'function_call':
      return 'tool_calls';
    default:
      return null;
  }
}
