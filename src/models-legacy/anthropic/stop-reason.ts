import type { FinishReason } from '../../core/types.ts';
import { fallbackFinishReason } from '../canonical/finish-reason-fallback.ts';

export function mapAnthropicStopReason(raw: unknown, hasToolCalls: boolean): FinishReason {
  switch (raw) {
    case 'end_turn':
    case 'stop_sequence':
    // pause_turn: the server paused a long tool turn; from the caller's view the turn ended.
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return fallbackFinishReason(hasToolCalls);
  }
}
