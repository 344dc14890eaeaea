import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { REDACTED, redactSecrets } from '../core/secrets.ts';
import { dataDesignerConfigSchema, type DataDesignerConfig } from './schemas.ts';

const SECRET_KEYS = /^(apiKey|api_key|authorization|x-api-key|secret|token|password)$/i;

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out || '(root)';
}

/** One line per issue: `models[0].inferenceParameters.temperature: <what is wrong>`. */
export function formatZodIssues(error: z.ZodError, label = 'config'): string {
  const lines = error.issues.map((issue) => {
    const path = formatPath(issue.path);
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      const keys = (issue as { keys?: string[] }).keys ?? [];
      message = `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')} (check the spelling; allowed keys are listed in SPEC §3)`;
    }
    // A value under a secret-looking key is never echoed, even inside zod's own wording.
    if (issue.path.some((p) => typeof p === 'string' && SECRET_KEYS.test(p))) {
      message = message.replace(/"[^"]*"/g, `"${REDACTED}"`);
    }
    return `  - ${path}: ${redactSecrets(message)}`;
  });
  return `Invalid ${label}:\n${lines.join('\n')}`;
}

export function parseConfig(raw: unknown, label = 'config'): DataDesignerConfig {
  const result = dataDesignerConfigSchema.safeParse(raw);
  if (!result.success) {
    const first = result.error.issues[0];
    throw new ConfigError(formatZodIssues(result.error, label), { path: first ? formatPath(first.path) : undefined });
  }
  return result.data;
}

export function parseConfigText(text: string, fileName: string): DataDesignerConfig {
  const ext = extname(fileName).toLowerCase();
  let raw: unknown;
  try {
    raw = ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`Could not parse ${fileName} as ${ext === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseConfig(raw, `config file ${fileName}`);
}

export async function loadConfigFile(path: string): Promise<DataDesignerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Could not read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      cause: error,
    });
  }
  return parseConfigText(text, path);
}
