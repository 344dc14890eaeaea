// Metric names and units. The two `gen_ai.client.*` histograms are the GenAI semantic conventions'
// own (duration in seconds, usage in tokens with gen_ai.token.type); `dd.*` are ours.
export const METRIC_OPERATION_DURATION = 'gen_ai.client.operation.duration';
export const METRIC_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_ATTEMPT_DURATION = 'dd.model.attempt.duration';
export const METRIC_CALLS = 'dd.model.calls';
export const METRIC_ERRORS = 'dd.model.errors';
export const METRIC_RATE_LIMITED = 'dd.model.rate_limited';
export const METRIC_RETRIES = 'dd.model.retries';
export const METRIC_ADMISSION_WAIT = 'dd.admission.wait';
export const METRIC_ADMISSION_LIMIT = 'dd.admission.limit';

export const UNIT_SECONDS = 's';
export const UNIT_TOKENS = '{token}';
export const UNIT_CALLS = '{call}';
export const UNIT_ERRORS = '{error}';
export const UNIT_ATTEMPTS = '{attempt}';

/** The instrumentation scope name our tracer and meter are obtained under. */
export const INSTRUMENTATION_SCOPE = 'data-designer-models';
