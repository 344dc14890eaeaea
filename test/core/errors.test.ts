import { describe, expect, it } from 'vitest';
import {
  MODEL_ERROR_CLASSES,
  ConfigError,
  DataDesignerError,
  ModelBadRequestError,
  ModelContextWindowExceededError,
  ModelGenerationValidationFailureError,
  ModelRateLimitError,
  ModelUnsupportedParamsError,
} from '../../src/core/errors.ts';
import { registerSecret, redactSecrets } from '../../src/core/secrets.ts';

const PLANTED = 'sk-proj-FAKEplantedKEY0123456789';
registerSecret(PLANTED);

describe('error taxonomy', () => {
  const entries = Object.entries(MODEL_ERROR_CLASSES);

  it.each(entries)('%s renders cause and solution and scrubs a planted key', (name, ErrorClass) => {
    const init = {
      providerName: 'openai-prod',
      modelAlias: 'text',
      status: 400,
      providerMessage: `Incorrect API key provided: ${PLANTED}. Authorization: Bearer ${PLANTED}`,
      cause: new Error('underlying'),
    };
    const error =
      ErrorClass === ConfigError ? new ConfigError(`bad value ${PLANTED}`, init) : new (ErrorClass as typeof DataDesignerError)(init);
    expect(error).toBeInstanceOf(DataDesignerError);
    expect(error.name).toBe(name);
    const rendered = error.render();
    expect(rendered).toContain('| Cause: ');
    expect(rendered).toContain('| Solution: ');
    expect(error.solution.length).toBeGreaterThan(10);
    for (const text of [rendered, error.message, String(error), JSON.stringify(error), error.stack ?? '']) {
      expect(text).not.toContain(PLANTED);
    }
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('names provider and model in the cause', () => {
    const error = new ModelRateLimitError({ providerName: 'openai-prod', modelAlias: 'text', retryAfterMs: 1500 });
    expect(error.message).toBe("The rate limit of model 'text' on provider 'openai-prod' was exceeded while running generation.");
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(1500);
  });

  it('renders the provider message first (reference case 10)', () => {
    const text = '`temperature` and `top_p` cannot both be specified for this model. Please use only one.';
    const error = new ModelUnsupportedParamsError({ providerName: 'anthropic', providerMessage: text });
    expect(error.render().split('\n')[2]).toBe(`  | Provider message: ${text}`);
  });

  it('parses the context-window detail (reference case 14)', () => {
    const withDetail = new ModelContextWindowExceededError({
      modelAlias: 'm',
      providerMessage:
        "This model's maximum context length is 32768 tokens. However, you requested 32778 tokens (10 in the messages, 32768 in the completion). Please reduce the length of the messages or completion.",
    });
    expect(withDetail.message).toContain('exceeds its supported context width');
    expect(withDetail.detail).toMatch(/^This model's maximum context length is 32768 tokens/);
    expect(withDetail.causeText).toContain('maximum context length is 32768 tokens');
    const without = new ModelContextWindowExceededError({ providerMessage: 'context length exceeded' });
    expect(without.detail).toBeUndefined();
    const anthropic = new ModelContextWindowExceededError({ providerMessage: 'prompt is too long: 215439 tokens > 200000 maximum' });
    expect(anthropic.detail).toBe('prompt is too long: 215439 tokens > 200000 maximum');
  });

  it('has a multimodal bad-request variant (reference case 15)', () => {
    const error = ModelBadRequestError.multimodal({ modelAlias: 'test-model', providerMessage: 'test-model is not a multimodal model' });
    expect(error.causeText).toMatch(/not multimodal/);
  });

  it('normalises validation detail without a double period (reference case 19)', () => {
    expect(new ModelGenerationValidationFailureError({ detail: 'Field required.' }).message).toContain(
      'Validation detail: Field required.',
    );
    expect(new ModelGenerationValidationFailureError({ detail: 'Field required.' }).message).not.toContain('..');
    expect(new ModelGenerationValidationFailureError({ detail: '  invalid\nJSON  ' }).detail).toBe('invalid JSON');
  });

  it('scrubs credentials that were never registered', () => {
    expect(redactSecrets('Authorization: Bearer abcdefghijklmnop')).toBe('Authorization: ***');
    expect(redactSecrets('{"x-api-key": "sk-ant-fake-abcdefghijklmnopq"}')).not.toContain('abcdefghijklmnopq');
    expect(redactSecrets('Credential=AKIAIOSFODNN7EXAMPLE/20260101, Signature=0123456789abcdef0123456789abcdef')).not.toMatch(
      /AKIAIOSFODNN7EXAMPLE|0123456789abcdef0123/,
    );
  });
});

describe('purpose and the provider text told once (issue 12, item 8)', () => {
  const CONTEXT =
    "This model's maximum context length is 32768 tokens. However, you requested 32778 tokens. Please reduce the length of the messages or completion.";

  it('withPurpose retells a provider error with the caller purpose, keeping class, fields and stack frames', () => {
    const original = new ModelRateLimitError({
      modelAlias: 'm',
      providerName: 'p',
      status: 429,
      retryAfterMs: 1500,
      providerMessage: `slow down ${PLANTED}`,
      cause: new Error(`boom ${PLANTED}`),
    });
    expect(original.message).toContain('while running generation.');
    const retold = original.withPurpose('running health checks');
    expect(retold).toBeInstanceOf(ModelRateLimitError);
    expect(retold.message).toContain("The rate limit of model 'm' on provider 'p' was exceeded while running health checks.");
    expect(retold).toMatchObject({
      status: 429,
      retryAfterMs: 1500,
      retryable: true,
      modelAlias: 'm',
      providerName: 'p',
      purpose: 'running health checks',
    });
    expect((retold.cause as Error).message).toContain('boom');
    const frames = (s: string | undefined) => (s ?? '').slice((s ?? '').indexOf('\n    at '));
    expect(frames(retold.stack)).toBe(frames(original.stack));
    expect(`${retold.message}${retold.stack}${(retold.cause as Error).message}${retold.render()}`).not.toContain(PLANTED);
  });

  it('an error that already names a purpose, a ConfigError and a class outside the taxonomy are kept as they are', () => {
    const named = new ModelRateLimitError({ purpose: 'running generation for column x' });
    expect(named.withPurpose('running health checks')).toBe(named);
    const config = new ConfigError('bad value');
    expect(config.withPurpose('running health checks')).toBe(config);
    class Other extends DataDesignerError {}
    const other = new Other({});
    expect(other.withPurpose('running health checks')).toBe(other);
  });

  it('the context-window detail is told once, in the cause, also when retold', () => {
    const error = new ModelContextWindowExceededError({ modelAlias: 'm', providerMessage: CONTEXT });
    for (const told of [error, error.withPurpose('running health checks')]) {
      expect(told.message.split('maximum context length is 32768 tokens')).toHaveLength(2);
      expect(told.render().split('maximum context length is 32768 tokens')).toHaveLength(2);
      expect(told.providerMessage).toBe(CONTEXT);
    }
    expect(error.withPurpose('running health checks').message).toContain('while running health checks: This model');
    const noDetail = new ModelContextWindowExceededError({ providerMessage: 'context length exceeded' });
    expect(noDetail.message).toContain('Provider message: context length exceeded');
  });

  it('a validation failure keeps its detail once when retold', () => {
    const error = new ModelGenerationValidationFailureError({ detail: 'Field required.', modelAlias: 'm' });
    const retold = error.withPurpose('running health checks');
    expect(retold.message).toContain('while running health checks. Validation detail: Field required.');
    expect(retold.message.split('Validation detail')).toHaveLength(2);
  });
});
