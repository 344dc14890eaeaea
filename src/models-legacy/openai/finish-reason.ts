import type { FinishReason } from '../../core/types.ts';
import { fallbackFinishReason } from '../canonical/finish-reason-fallback.ts';

export function mapOpenAIFinishReason(raw: unknown, hasToolCalls: boolean): FinishReason {
  switch (raw) {
    case 'stop':
    case 'length':
    case 'tool_calls':
    case 'content_filter':
      return raw;
    case 'function_call':
      return 'tool_calls';
    default:
      return fallbackFinishReason(hasToolCalls);
  }
}
