// Validates a restJson1 body against a shape of a Smithy JSON AST model (the Bedrock Runtime
// model in ../shared/api-specs). What it checks, per the Smithy spec: structures (required
// members present, no unknown members, HTTP-bound members left out of the body), unions (exactly
// one member set), enums (one of the enumValues), strings (length, pattern), numbers (type,
// range), lists/maps (length, every element), blobs (a base64 string), documents (any JSON).
interface SmithyShape {
  type: string;
  members?: Record<string, { target: string; traits?: Record<string, unknown> }>;
  member?: { target: string; traits?: Record<string, unknown> };
  key?: { target: string };
  value?: { target: string; traits?: Record<string, unknown> };
  traits?: Record<string, unknown>;
}

export interface SmithyModel {
  shapes: Record<string, SmithyShape>;
}

const HTTP_BINDINGS = [
  'smithy.api#httpLabel',
  'smithy.api#httpHeader',
  'smithy.api#httpQuery',
  'smithy.api#httpPrefixHeaders',
  'smithy.api#httpResponseCode',
];
const PRELUDE: Record<string, string> = {
  'smithy.api#String': 'string',
  'smithy.api#Integer': 'integer',
  'smithy.api#Long': 'long',
  'smithy.api#Float': 'float',
  'smithy.api#Double': 'double',
  'smithy.api#Boolean': 'boolean',
  'smithy.api#Document': 'document',
  'smithy.api#Blob': 'blob',
  'smithy.api#Timestamp': 'timestamp',
  'smithy.api#Unit': 'structure',
};
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Limits {
  length?: { min?: number; max?: number };
  range?: { min?: number; max?: number };
  pattern?: string;
}

function limitsOf(...traitSets: (Record<string, unknown> | undefined)[]): Limits {
  const out: Limits = {};
  for (const traits of traitSets) {
    if (!traits) continue;
    if (traits['smithy.api#length']) out.length = traits['smithy.api#length'] as Limits['length'];
    if (traits['smithy.api#range']) out.range = traits['smithy.api#range'] as Limits['range'];
    if (typeof traits['smithy.api#pattern'] === 'string') out.pattern = traits['smithy.api#pattern'];
  }
  return out;
}

export class SmithyValidator {
  readonly #shapes: Record<string, SmithyShape>;
  readonly #ignoreUnknown: boolean;

  /**
   * `ignoreUnknownMembers` for responses: AWS clients must ignore members newer than their model
   * (real Converse answers carry `serverToolUsage`), so only requests are held to the known ones.
   */
  constructor(model: SmithyModel, ignoreUnknownMembers = false) {
    this.#shapes = model.shapes;
    this.#ignoreUnknown = ignoreUnknownMembers;
  }

  /** Every problem with `value` as a body of shape `shapeId`; empty when it conforms. */
  validate(shapeId: string, value: unknown, path = '$'): string[] {
    const out: string[] = [];
    this.#check(shapeId, value, path, {}, out, true);
    return out;
  }

  #check(target: string, value: unknown, path: string, memberTraits: Record<string, unknown>, out: string[], topLevel = false): void {
    const shape = this.#shapes[target];
    const type = shape?.type ?? PRELUDE[target];
    if (type === undefined) {
      out.push(`${path}: unknown shape ${target}`);
      return;
    }
    const limits = limitsOf(shape?.traits, memberTraits);
    const where = `${path} (${target.replace('com.amazonaws.bedrockruntime#', '')})`;
    switch (type) {
      case 'structure':
        return this.#structure(shape, value, path, out, topLevel);
      case 'union':
        return this.#union(shape!, value, path, out);
      case 'list':
        if (!Array.isArray(value)) return void out.push(`${where}: expected a list, got ${JSON.stringify(value)?.slice(0, 80)}`);
        this.#length(value.length, limits, where, out);
        value.forEach((item, i) => this.#check(shape!.member!.target, item, `${path}[${i}]`, shape!.member!.traits ?? {}, out));
        return;
      case 'map':
        if (!isObject(value)) return void out.push(`${where}: expected a map`);
        this.#length(Object.keys(value).length, limits, where, out);
        for (const [key, item] of Object.entries(value)) {
          this.#check(shape!.key!.target, key, `${path}{key ${key}}`, {}, out);
          this.#check(shape!.value!.target, item, `${path}.${key}`, shape!.value!.traits ?? {}, out);
        }
        return;
      case 'enum': {
        const values = Object.values(shape!.members ?? {}).map((m) => m.traits?.['smithy.api#enumValue']);
        if (!values.includes(value)) out.push(`${where}: ${JSON.stringify(value)} is not one of ${values.join(', ')}`);
        return;
      }
      case 'string':
        if (typeof value !== 'string') return void out.push(`${where}: expected a string, got ${JSON.stringify(value)?.slice(0, 80)}`);
        this.#length([...value].length, limits, where, out);
        if (limits.pattern && !new RegExp(limits.pattern).test(value))
          out.push(`${where}: ${JSON.stringify(value)} does not match ${limits.pattern}`);
        return;
      case 'integer':
      case 'long':
        if (typeof value !== 'number' || !Number.isInteger(value))
          return void out.push(`${where}: expected an integer, got ${JSON.stringify(value)}`);
        return this.#range(value, limits, where, out);
      case 'float':
      case 'double':
        if (typeof value !== 'number') return void out.push(`${where}: expected a number, got ${JSON.stringify(value)}`);
        return this.#range(value, limits, where, out);
      case 'boolean':
        if (typeof value !== 'boolean') out.push(`${where}: expected a boolean, got ${JSON.stringify(value)}`);
        return;
      case 'blob':
        if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value))
          return void out.push(`${where}: expected a base64 blob`);
        this.#length(Buffer.from(value, 'base64').length, limits, where, out);
        return;
      case 'timestamp':
        if (typeof value !== 'number' && typeof value !== 'string') out.push(`${where}: expected a timestamp`);
        return;
      case 'document':
        return;
      default:
        out.push(`${where}: shape type ${type} is not handled by this validator`);
    }
  }

  #structure(shape: SmithyShape | undefined, value: unknown, path: string, out: string[], topLevel: boolean): void {
    if (!isObject(value)) return void out.push(`${path}: expected a structure, got ${JSON.stringify(value)?.slice(0, 80)}`);
    const members = shape?.members ?? {};
    for (const [name, member] of Object.entries(members)) {
      const bound = topLevel && HTTP_BINDINGS.some((trait) => member.traits?.[trait] !== undefined);
      if (bound) {
        if (name in value) out.push(`${path}.${name}: travels in the URL or a header (restJson1), not in the body`);
        continue;
      }
      if (value[name] === undefined || value[name] === null) {
        if (member.traits?.['smithy.api#required'] !== undefined) out.push(`${path}.${name}: required member missing`);
        continue;
      }
      this.#check(member.target, value[name], `${path}.${name}`, member.traits ?? {}, out);
    }
    if (this.#ignoreUnknown) return;
    for (const key of Object.keys(value)) if (!(key in members)) out.push(`${path}.${key}: not a member of the shape`);
  }

  #union(shape: SmithyShape, value: unknown, path: string, out: string[]): void {
    if (!isObject(value)) return void out.push(`${path}: expected a union object`);
    const members = shape.members ?? {};
    const set = Object.keys(value).filter(
      (key) => value[key] !== undefined && value[key] !== null && (!this.#ignoreUnknown || key in members),
    );
    if (set.length !== 1) out.push(`${path}: a union needs exactly one member set, got ${set.length} (${set.join(', ')})`);
    for (const key of set) {
      const member = members[key];
      if (!member) out.push(`${path}.${key}: not a member of the union`);
      else this.#check(member.target, value[key], `${path}.${key}`, member.traits ?? {}, out);
    }
  }

  #length(size: number, limits: Limits, where: string, out: string[]): void {
    const { min, max } = limits.length ?? {};
    if (min !== undefined && size < min) out.push(`${where}: length ${size} is below the minimum ${min}`);
    if (max !== undefined && size > max) out.push(`${where}: length ${size} is above the maximum ${max}`);
  }

  #range(value: number, limits: Limits, where: string, out: string[]): void {
    const { min, max } = limits.range ?? {};
    if (min !== undefined && value < min) out.push(`${where}: ${value} is below the minimum ${min}`);
    if (max !== undefined && value > max) out.push(`${where}: ${value} is above the maximum ${max}`);
  }
}
