// Validates JSON bodies against a component schema of an OpenAPI 3.1 document with ajv (draft
// 2020-12). The OpenAI document still carries OpenAPI-3.0 `nullable: true` markers (its README
// says to read them as "null allowed"): each such schema is rewritten to `anyOf [schema, null]`
// before compiling. Vendor keywords (`x-stainless-*`, `discriminator`, `example`) are ignored.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

function withNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withNullable);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = withNullable(value);
  if (out.nullable === true) {
    delete out.nullable;
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

// For response validation: a property with a documented `default` may be absent (OpenAPI: the
// default is what an absent property means). The Anthropic definition lists such properties as
// required (`stop_details`, `container`, `citations`: default null), which older real traffic lacks.
function defaultsOptional(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(defaultsOptional);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = defaultsOptional(value);
  const properties = out.properties as Record<string, Record<string, unknown>> | undefined;
  if (Array.isArray(out.required) && properties && typeof properties === 'object') {
    out.required = (out.required as string[]).filter((name) => !(properties[name] && 'default' in properties[name]));
  }
  return out;
}

function describeError(error: ErrorObject): string {
  const at = `$${error.instancePath.replace(/\//g, '.')}`;
  const extra = error.params && 'additionalProperty' in error.params ? ` (${String(error.params.additionalProperty)})` : '';
  return `${at}: ${error.message ?? error.keyword}${extra}`;
}

export class OpenApiValidator {
  readonly #ajv: Ajv2020;
  readonly #id: string;
  readonly #compiled = new Map<string, ValidateFunction>();
  readonly #components: Record<string, unknown>;

  /** `defaultsMayBeAbsent`: for responses, see `defaultsOptional`. */
  constructor(id: string, document: Record<string, unknown>, defaultsMayBeAbsent = false) {
    this.#id = `https://api-specs.invalid/${id}.json`;
    this.#ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, logger: false, validateFormats: true });
    addFormats(this.#ajv);
    let converted = withNullable({ components: document.components }) as Record<string, unknown>;
    if (defaultsMayBeAbsent) converted = defaultsOptional(converted) as Record<string, unknown>;
    this.#components = (converted.components as { schemas: Record<string, unknown> }).schemas;
    this.#ajv.addSchema({ $id: this.#id, ...converted });
  }

  /** The names of the top-level properties a component declares (through `allOf` too). */
  propertyNames(component: string): Set<string> {
    const names = new Set<string>();
    const visit = (schema: unknown): void => {
      if (typeof schema !== 'object' || schema === null) return;
      const s = schema as Record<string, unknown>;
      if (typeof s.$ref === 'string') visit(this.#components[s.$ref.replace('#/components/schemas/', '')]);
      if (s.properties && typeof s.properties === 'object') for (const key of Object.keys(s.properties)) names.add(key);
      for (const key of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(s[key])) (s[key] as unknown[]).forEach(visit);
    };
    visit(this.#components[component]);
    return names;
  }

  /** Problems with `value` as an instance of `#/components/schemas/<component>`; empty when valid. */
  validate(component: string, value: unknown): string[] {
    let validate = this.#compiled.get(component);
    if (!validate) {
      validate = this.#ajv.compile({ $ref: `${this.#id}#/components/schemas/${component}` });
      this.#compiled.set(component, validate);
    }
    if (validate(value)) return [];
    return [...new Set((validate.errors ?? []).map(describeError))];
  }
}
