// The metric instruments of one registry, created once from its meter (names in metric-names.ts).
import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import {
  METRIC_ADMISSION_WAIT,
  METRIC_ATTEMPT_DURATION,
  METRIC_CALLS,
  METRIC_ERRORS,
  METRIC_OPERATION_DURATION,
  METRIC_RATE_LIMITED,
  METRIC_RETRIES,
  METRIC_TOKEN_USAGE,
  UNIT_ATTEMPTS,
  UNIT_CALLS,
  UNIT_ERRORS,
  UNIT_SECONDS,
  UNIT_TOKENS,
} from './metric-names.ts';

export interface ModelInstruments {
  operationDuration: Histogram;
  tokenUsage: Histogram;
  attemptDuration: Histogram;
  calls: Counter;
  errors: Counter;
  rateLimited: Counter;
  retries: Counter;
  admissionWait: Histogram;
}

export function createModelInstruments(meter: Meter): ModelInstruments {
  return {
    operationDuration: meter.createHistogram(METRIC_OPERATION_DURATION, {
      description: 'GenAI operation duration: one model call (all its attempts and backoff sleeps).',
      unit: UNIT_SECONDS,
    }),
    tokenUsage: meter.createHistogram(METRIC_TOKEN_USAGE, {
      description: 'Tokens per model call, by gen_ai.token.type (input, output).',
      unit: UNIT_TOKENS,
    }),
    attemptDuration: meter.createHistogram(METRIC_ATTEMPT_DURATION, {
      description: 'One HTTP attempt, from the admission grant to its response or failure.',
      unit: UNIT_SECONDS,
    }),
    calls: meter.createCounter(METRIC_CALLS, { description: 'Model calls made (chat or embeddings), each once.', unit: UNIT_CALLS }),
    errors: meter.createCounter(METRIC_ERRORS, {
      description: 'Model calls that failed, by dd.error.class (the error the facade saw).',
      unit: UNIT_ERRORS,
    }),
    rateLimited: meter.createCounter(METRIC_RATE_LIMITED, {
      description: 'Attempts the provider answered with a rate limit (HTTP 429, Bedrock ThrottlingException).',
      unit: UNIT_ATTEMPTS,
    }),
    retries: meter.createCounter(METRIC_RETRIES, { description: 'Attempts after the first of a call.', unit: UNIT_ATTEMPTS }),
    admissionWait: meter.createHistogram(METRIC_ADMISSION_WAIT, {
      description: 'Time an attempt waited for admission (v2) or a concurrency slot (legacy).',
      unit: UNIT_SECONDS,
    }),
  };
}
