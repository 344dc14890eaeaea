import type { FinishReason } from '../../core/types.ts';
import { fallbackFinishReason } from '../canonical/finish-reason-fallback.ts';

export function mapBedrockStopReason(raw: unknown, hasToolCalls: boolean): FinishReason {
  switch (raw) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    default:
      return fallbackFinishReason(hasToolCalls);
  }
}
