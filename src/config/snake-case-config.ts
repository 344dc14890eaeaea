// Reads a config written in the source system's shape (Data Designer's snake_case YAML:
// `model_configs`, `inference_parameters`, `provider_type`, `api_key`, `tool_configs`, …) into
// ours, key by key, so the one zod schema judges both. Unknown keys are reported here with their
// path as the user wrote it, and zod's issues on the translated config are mapped back to it.
import {
  OUR_ONLY_PROVIDER_KEYS,
  SOURCE_KEYS,
  SOURCE_ONLY_PROVIDER_KEYS,
  SOURCE_ONLY_ROOT_KEYS,
  SOURCE_REMOTE_MCP_DEFAULT,
  type SourceKind,
} from './source-keys.ts';

export type ConfigShape = 'source' | 'ours';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * A config is in the source shape when its top level has a key only the source has, or a
 * provider carries a snake_case key of the source (a providers-only file).
 */
export function configShape(raw: unknown): ConfigShape {
  if (!isObject(raw)) return 'ours';
  if (SOURCE_ONLY_ROOT_KEYS.some((key) => key in raw)) return 'source';
  const providers = Array.isArray(raw.providers) ? raw.providers : [];
  const has = (keys: readonly string[]) => providers.some((p) => isObject(p) && keys.some((key) => key in p));
  // A provider that also carries one of our keys is ours with a stray key: zod names it.
  return has(SOURCE_ONLY_PROVIDER_KEYS) && !has(OUR_ONLY_PROVIDER_KEYS) ? 'source' : 'ours';
}

export interface SourceIssue {
  /** Path as the user wrote it. */
  path: PropertyKey[];
  message: string;
  /** For unknown keys: the keys, and the keys allowed there (source spelling). */
  unknownKeys?: string[];
  allowed?: string[];
}

export interface Translation {
  value: unknown;
  issues: SourceIssue[];
  /** The path as written in the file for a path into the translated config. */
  originalPath(path: readonly PropertyKey[]): PropertyKey[];
}

export function translateSourceConfig(raw: unknown): Translation {
  const renames = new WeakMap<object, Map<string, string>>();
  const issues: SourceIssue[] = [];

  function translateValue(value: unknown, kind: SourceKind | undefined, path: PropertyKey[]): unknown {
    if (kind === undefined || kind === 'free' || !isObject(value)) return value;
    return translateObject(value, kind, path);
  }

  function translateObject(value: Json, kind: Exclude<SourceKind, 'free'>, path: PropertyKey[]): Json {
    const table = SOURCE_KEYS[kind];
    const out: Json = {};
    const names = new Map<string, string>();
    const unknown: string[] = [];
    for (const [key, child] of Object.entries(value)) {
      const spec = Object.hasOwn(table, key) ? table[key] : undefined;
      if (!spec) {
        unknown.push(key);
        continue;
      }
      if (child === null && spec.nullable) continue;
      names.set(spec.to, key);
      const childPath = [...path, key];
      if (kind === 'root' && key === 'mcp_providers')
        out[spec.to] = Array.isArray(child) ? child.map((entry, i) => translateMcp(entry, [...childPath, i])) : child;
      else if (kind === 'distribution' && key === 'params')
        out[spec.to] = translateValue(child, value.distribution_type === 'manual' ? 'manualParams' : 'uniformParams', childPath);
      else if (spec.list && Array.isArray(child))
        out[spec.to] = child.map((entry, i) => translateValue(entry, spec.kind, [...childPath, i]));
      else out[spec.to] = translateValue(child, spec.kind, childPath);
    }
    if (unknown.length > 0) {
      issues.push({ path, message: 'unknown keys', unknownKeys: unknown, allowed: Object.keys(table) });
    }
    renames.set(out, names);
    return out;
  }

  function translateMcp(entry: unknown, path: PropertyKey[]): unknown {
    if (!isObject(entry)) return entry;
    const declared = entry.provider_type;
    const stdio = declared === 'stdio' || (declared === undefined && 'command' in entry);
    if (!stdio) {
      const transport = declared ?? SOURCE_REMOTE_MCP_DEFAULT;
      if (transport !== 'streamable_http') {
        issues.push({
          path: [...path, 'provider_type'],
          message: `MCP transport "${String(transport)}"${declared === undefined ? ' (the source default for a remote MCP provider)' : ''} is not supported; set provider_type: streamable_http, or give a command for a local stdio server`,
        });
      }
    }
    const out = translateObject(entry, stdio ? 'mcpStdio' : 'mcpRemote', path);
    out.transport = stdio ? 'stdio' : 'streamable_http';
    return out;
  }

  const value = isObject(raw) ? translateObject(raw, 'root', []) : raw;
  if (isObject(value)) applyDefaultProvider(value, issues);
  return {
    value,
    issues,
    originalPath(path) {
      const out: PropertyKey[] = [];
      let current: unknown = value;
      for (const segment of path) {
        if (typeof segment === 'string' && current !== null && typeof current === 'object') {
          out.push(renames.get(current)?.get(segment) ?? segment);
        } else out.push(segment);
        current = current !== null && typeof current === 'object' ? (current as Record<PropertyKey, unknown>)[segment] : undefined;
      }
      return out;
    },
  };
}

/**
 * LEGACY `default` (reference §1.3): models that name no provider use it; without it, a single
 * provider is the default. `default` itself is not part of our shape and is removed.
 */
function applyDefaultProvider(config: Json, issues: SourceIssue[]): void {
  const providers = Array.isArray(config.providers) ? config.providers.filter(isObject) : [];
  const names = providers.map((p) => p.name).filter((n): n is string => typeof n === 'string');
  const chosen = config.default;
  delete config.default;
  if (chosen !== undefined && (typeof chosen !== 'string' || !names.includes(chosen))) {
    issues.push({
      path: ['default'],
      message: `default must name a configured provider; configured providers: ${names.map((n) => `"${n}"`).join(', ') || '(none)'}`,
    });
    return;
  }
  const fallback = chosen ?? (names.length === 1 ? names[0] : undefined);
  if (!Array.isArray(config.models)) return;
  config.models.forEach((model, i) => {
    if (!isObject(model) || model.provider !== undefined) return;
    if (fallback !== undefined) model.provider = fallback;
    else
      issues.push({
        path: ['model_configs', i, 'provider'],
        message: `missing; name one of the configured providers (${names.map((n) => `"${n}"`).join(', ') || 'none'}) or set a top-level default`,
      });
  });
}

/** Our key names in zod's messages, in the source's spelling (timeouts are named per path). */
export const SOURCE_WORDING: readonly [RegExp, string][] = [
  [/\bmaxParallelRequests\b/g, 'max_parallel_requests'],
  [/\bmaxTokens\b/g, 'max_tokens'],
  [/\btopP\b/g, 'top_p'],
  [/\bgenerationType\b/g, 'generation_type'],
  [/\bproviderType\b/g, 'provider_type'],
  [/\bapiKey\b/g, 'api_key'],
  [/\bextraHeaders\b/g, 'extra_headers'],
  [/\bextraBody\b/g, 'extra_body'],
  [/\bencodingFormat\b/g, 'encoding_format'],
  [/\bdistributionType\b/g, 'distribution_type'],
];
