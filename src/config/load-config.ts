import { extname } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { REDACTED, redactSecrets } from '../core/secrets.ts';
import {
  chatInferenceParamsSchema,
  dataDesignerConfigSchema,
  embeddingInferenceParamsSchema,
  mcpServerSchema,
  modelConfigSchema,
  modelProviderSchema,
  toolConfigSchema,
  type DataDesignerConfig,
} from './schemas.ts';
import { configShape, SOURCE_WORDING, translateSourceConfig, type SourceIssue, type Translation } from './snake-case-config.ts';
import { typosFirst } from './config-error-order.ts';
import { closestName } from './closest-name.ts';
import { ConfigSyntaxError, parseJsonText, parseYamlText } from './config-syntax.ts';
import type { FileReadError } from './read-bounded-file.ts';

const SECRET_KEYS = /^(apiKey|api_key|authorization|x-api-key|secret|token|password)$/i;

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out || '(root)';
}

// The keys that name a list entry, in the order they are tried: a model's alias, a provider's or
// MCP provider's name, a tool config's alias (ours and the source shape's spelling).
const ENTRY_NAMES: readonly [key: string, label: string][] = [
  ['alias', 'alias'],
  ['name', 'name'],
  ['toolAlias', 'tool alias'],
  ['tool_alias', 'tool alias'],
];
const ENTRY_NAME_MAX_CHARS = 60;

/**
 * The path as a person finds it in the file: `models[4] (alias "judge").inferenceParameters`, not
 * just `models[4]` (issue 29 item 6) — each list entry is named by its alias or name when it has one.
 */
function labelledPath(path: readonly PropertyKey[], raw: unknown): string {
  let out = '';
  path.forEach((segment, i) => {
    if (typeof segment !== 'number') {
      out += out ? `.${String(segment)}` : String(segment);
      return;
    }
    out += `[${segment}]`;
    const entry = valueAt(raw, path.slice(0, i + 1));
    if (entry === null || typeof entry !== 'object') return;
    const named = ENTRY_NAMES.find(([key]) => typeof (entry as Record<string, unknown>)[key] === 'string');
    if (!named) return;
    const value = (entry as Record<string, string>)[named[0]];
    const shown = value.length > ENTRY_NAME_MAX_CHARS ? `${value.slice(0, ENTRY_NAME_MAX_CHARS)}…` : value;
    out += ` (${named[1]} ${redactSecrets(JSON.stringify(shown))})`;
  });
  return out || '(root)';
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

const keysOf = (schema: { shape: object }): string[] => Object.keys(schema.shape);

/**
 * The keys allowed where an unknown key was found, so the error can list them: the user has the
 * config file open, not docs/contract.md "Config". Variants are chosen by their discriminator in the raw input.
 */
function allowedKeysAt(path: readonly PropertyKey[], raw: unknown): string[] | undefined {
  const shape = path.map((segment) => (typeof segment === 'number' ? '#' : String(segment))).join('.');
  const value = valueAt(raw, path) as Record<string, unknown> | undefined;
  switch (shape) {
    case '':
      return keysOf(dataDesignerConfigSchema);
    case 'providers.#':
      return keysOf(modelProviderSchema);
    case 'models.#':
      return keysOf(modelConfigSchema);
    case 'models.#.inferenceParameters': {
      const embedding =
        value?.generationType === 'embedding' ||
        (value?.generationType === undefined && ('encodingFormat' in (value ?? {}) || 'dimensions' in (value ?? {})));
      return keysOf(embedding ? embeddingInferenceParamsSchema : chatInferenceParamsSchema);
    }
    case 'models.#.inferenceParameters.temperature':
    case 'models.#.inferenceParameters.topP':
      return ['distributionType', 'params'];
    case 'models.#.inferenceParameters.temperature.params':
    case 'models.#.inferenceParameters.topP.params': {
      const kind = (valueAt(raw, path.slice(0, -1)) as { distributionType?: unknown } | undefined)?.distributionType;
      return kind === 'manual' ? ['values', 'weights'] : ['low', 'high'];
    }
    case 'tools.#':
      return keysOf(toolConfigSchema);
    case 'mcpServers.#': {
      const variant = mcpServerSchema.options.find((option) => option.shape.transport.value === value?.transport);
      return variant ? keysOf(variant) : undefined;
    }
    default:
      return undefined;
  }
}

// A config with thousands of unknown keys (or a megabyte-long key) gets an error of bounded size:
// the first keys and issues are listed, the rest counted.
const MAX_KEYS_LISTED = 10;
const MAX_KEY_CHARS = 80;
const MAX_ISSUES_LISTED = 20;

function quoteKey(key: string): string {
  const clipped = key.length > MAX_KEY_CHARS ? `${key.slice(0, MAX_KEY_CHARS)}…` : key;
  return JSON.stringify(clipped);
}

function listKeys(keys: readonly string[]): string {
  const named = keys.slice(0, MAX_KEYS_LISTED).map(quoteKey).join(', ');
  return keys.length > MAX_KEYS_LISTED ? `${named} and ${keys.length - MAX_KEYS_LISTED} more` : named;
}

/** `Invalid <label>:` and one line per issue, the first MAX_ISSUES_LISTED of them. */
function issueList(label: string, lines: readonly string[]): string {
  const shown = lines.slice(0, MAX_ISSUES_LISTED);
  if (lines.length > MAX_ISSUES_LISTED) shown.push(`  - … and ${lines.length - MAX_ISSUES_LISTED} more problems`);
  return `Invalid ${label}:\n${shown.join('\n')}`;
}

function unknownKeysMessage(keys: readonly string[], allowed: readonly string[] | undefined): string {
  const named = listKeys(keys);
  if (!allowed) return `unknown key${keys.length > 1 ? 's' : ''} ${named}`;
  const guesses = [...new Set(keys.slice(0, MAX_KEYS_LISTED).flatMap((k) => closestName(k, allowed) ?? []))];
  const guess = guesses.length > 0 ? `did you mean ${guesses.map((k) => `"${k}"`).join(', ')}? ` : '';
  return `unknown key${keys.length > 1 ? 's' : ''} ${named} (${guess}allowed: ${allowed.join(', ')})`;
}

/** One line per issue: `models[0] (alias "text").inferenceParameters.temperature: <what is wrong>`. */
function orderedIssues(error: z.ZodError, raw: unknown): z.core.$ZodIssue[] {
  return typosFirst(error.issues, (issue) => {
    const allowed = allowedKeysAt(issue.path, raw) ?? [];
    // Guessing is bounded like the listing: past the first keys, unknown keys get no guess.
    return ((issue as { keys?: string[] }).keys ?? []).slice(0, MAX_KEYS_LISTED).flatMap((key) => closestName(key, allowed) ?? []);
  });
}

export function formatZodIssues(error: z.ZodError, label = 'config', raw?: unknown): string {
  const lines = orderedIssues(error, raw).map((issue) => {
    const path = labelledPath(issue.path, raw);
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      const keys = (issue as { keys?: string[] }).keys ?? [];
      message = unknownKeysMessage(keys, allowedKeysAt(issue.path, raw));
    }
    // A value under a secret-looking key is never echoed, even inside zod's own wording.
    if (issue.path.some((p) => typeof p === 'string' && SECRET_KEYS.test(p))) {
      message = message.replace(/"[^"]*"/g, `"${REDACTED}"`);
    }
    return `  - ${path}: ${redactSecrets(message)}`;
  });
  return issueList(label, lines);
}

function issueLine(path: readonly PropertyKey[], message: string, raw: unknown): string {
  const secret = path.some((p) => typeof p === 'string' && SECRET_KEYS.test(p));
  return `  - ${labelledPath(path, raw)}: ${redactSecrets(secret ? message.replace(/"[^"]*"/g, `"${REDACTED}"`) : message)}`;
}

function sourceIssueLine(issue: SourceIssue, raw: unknown): string {
  const message = issue.unknownKeys ? unknownKeysMessage(issue.unknownKeys, issue.allowed) : issue.message;
  return issueLine(issue.path, message, raw);
}

/** zod's issue on the translated config, worded and located as the user wrote the source file. */
function translatedIssueLine(issue: z.ZodError['issues'][number], translation: Translation, raw: unknown): string {
  const path = translation.originalPath(issue.path);
  let message = issue.message;
  const ours = issue.path.at(-1);
  const theirs = path.at(-1);
  if (typeof ours === 'string' && typeof theirs === 'string' && ours !== theirs) message = message.replaceAll(ours, theirs);
  for (const [pattern, word] of SOURCE_WORDING) message = message.replace(pattern, word);
  return issueLine(path, message, raw);
}

/**
 * A config in the source system's shape (Data Designer's snake_case keys, docs/config-shapes.md):
 * translated key by key, then judged by the same schema; every error names the path as written.
 */
function parseSourceConfig(raw: unknown, label: string): DataDesignerConfig {
  const translation = translateSourceConfig(raw);
  if (translation.issues.length > 0) {
    const lines = translation.issues.map((issue) => sourceIssueLine(issue, raw));
    throw new ConfigError(issueList(label, lines), { path: formatPath(translation.issues[0].path) });
  }
  const result = dataDesignerConfigSchema.safeParse(translation.value);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => translatedIssueLine(issue, translation, raw));
    const first = result.error.issues[0];
    throw new ConfigError(issueList(label, lines), { path: first ? formatPath(translation.originalPath(first.path)) : undefined });
  }
  return result.data;
}

/** Reads our shape or the source system's shape (`configShape`); both are strict. */
export function parseConfig(raw: unknown, label = 'config'): DataDesignerConfig {
  if (configShape(raw) === 'source') return parseSourceConfig(raw, label);
  const result = dataDesignerConfigSchema.safeParse(raw);
  if (!result.success) {
    const first = orderedIssues(result.error, raw)[0];
    throw new ConfigError(formatZodIssues(result.error, label, raw), { path: first ? formatPath(first.path) : undefined });
  }
  return result.data;
}

/**
 * The file's text as data, before any validation. A syntax error names the line, the column and
 * what is wrong, never the source text (which may hold a key), and keeps no parser error as cause.
 */
export function parseConfigSyntax(text: string, fileName: string): unknown {
  const json = extname(fileName).toLowerCase() === '.json';
  try {
    return json ? parseJsonText(text) : parseYamlText(text);
  } catch (error) {
    const detail = error instanceof ConfigSyntaxError ? error.message : 'syntax error';
    const language = json ? 'JSON' : 'YAML';
    throw new ConfigError(`Could not parse ${fileName} as ${language}: ${detail}`, {
      solution: `Fix the ${language} syntax at the line and column named above (the file's text is not shown: it may hold a key).`,
    });
  }
}

export function parseConfigText(text: string, fileName: string): DataDesignerConfig {
  return parseConfig(parseConfigSyntax(text, fileName), `config file ${fileName}`);
}

/** The config file's text: a regular file of at most FILE_LIMITS.config.maxBytes (never a FIFO or a device). */
export async function readConfigText(path: string): Promise<string> {
  // Loaded with the first file read, not with the package (node:fs/promises and its streams; issue 27).
  const { FILE_LIMITS, readBoundedTextFile } = await import('./read-bounded-file.ts');
  try {
    return await readBoundedTextFile(path, FILE_LIMITS.config);
  } catch (error) {
    const refusal = error as FileReadError;
    const system = !refusal.refused;
    throw new ConfigError(system ? `Could not read config file ${path}: ${refusal.code}` : `Config file ${path} ${refusal.problem}`, {
      solution: 'Check the path of the config file (relative paths start from the directory the command runs in).',
    });
  }
}

export async function loadConfigFile(path: string): Promise<DataDesignerConfig> {
  return parseConfigText(await readConfigText(path), path);
}
