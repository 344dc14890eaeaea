import { REDACTED, registerSecret } from '../core/secrets.ts';

// Node's util.inspect hook by its registered name (what `inspect.custom` is), so the published
// declarations need no Node type definitions (issue 12: types without extra setup).
const INSPECT_CUSTOM: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// An all-caps name with underscores (OPENAI_API_KEY) whose variable is unset is the config's own
// text naming a variable, not a credential: it is still sent (docs/contract.md "Config") but not registered for
// redaction, so the registry's warning can name the variable (issue 12, item 9).
const ENV_VAR_LIKE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
/** `origin` prefix of such a value: `unset-env:NAME`. */
export const UNSET_VARIABLE_ORIGIN = 'unset-env:';

/**
 * A resolved credential. It prints as `***` through every path (String(), JSON, util.inspect)
 * so it can sit inside config objects that end up in logs; only `reveal()` gives the value.
 */
export class SecretValue {
  readonly #value: string;
  /** Where the value came from: `env:NAME`, `unset-env:NAME` or `literal`. Safe to print. */
  readonly origin: string;

  constructor(value: string, origin: string) {
    this.#value = value;
    this.origin = origin;
    if (!origin.startsWith(UNSET_VARIABLE_ORIGIN)) registerSecret(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [INSPECT_CUSTOM](): string {
    return `SecretValue(${REDACTED}, ${this.origin})`;
  }
}

/**
 * An `apiKey` as written in the config, before resolution: an environment variable name or the
 * key itself. Which one is only known against an environment, so it prints as `***` either way
 * (docs/contract.md "Config": keys print as `***` everywhere, config dumps included); `reveal()` gives the text.
 */
export class SecretReference {
  readonly #reference: string;

  constructor(reference: string) {
    this.#reference = reference;
  }

  reveal(): string {
    return this.#reference;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [INSPECT_CUSTOM](): string {
    return `SecretReference(${REDACTED})`;
  }
}

/**
 * A secret reference names an environment variable when one of that name is set; otherwise the
 * reference itself is the secret (docs/contract.md "Config").
 */
export function resolveSecretRef(
  given: string | SecretReference | undefined,
  env: Record<string, string | undefined> = process.env,
): SecretValue | undefined {
  const reference = given instanceof SecretReference ? given.reveal() : given;
  if (reference === undefined || reference === '') return undefined;
  if (ENV_NAME.test(reference)) {
    const fromEnv = env[reference];
    if (fromEnv !== undefined && fromEnv !== '') return new SecretValue(fromEnv, `env:${reference}`);
  }
  if (ENV_VAR_LIKE.test(reference)) return new SecretValue(reference, `${UNSET_VARIABLE_ORIGIN}${reference}`);
  return new SecretValue(reference, 'literal');
}
