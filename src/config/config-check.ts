// `dd-models config check FILE`: loads a config (our shape or the source system's) with the same
// strict errors as every other entry point, and prints it normalised into our shape. Secret
// references print as `***`, credential-named headers and env values too. A config that parses
// but cannot work as it is in this environment (an apiKey naming an unset variable) is reported
// with its problems, not called valid.
import { redactSecrets } from '../core/secrets.ts';
import { parseConfig, parseConfigSyntax, readConfigText } from './load-config.ts';
import type { DataDesignerConfig } from './schemas.ts';
import { configShape, type ConfigShape } from './snake-case-config.ts';
import { describeUnsetKeyVariable, unsetKeyVariables } from './unset-key-variables.ts';

export interface ConfigCheck {
  shape: ConfigShape;
  config: DataDesignerConfig;
  /** The normalised config as JSON, secrets masked. */
  text: string;
  /** What would go wrong with this config in this environment, one sentence each. */
  problems: string[];
}

export const SHAPE_NAMES: Record<ConfigShape, string> = {
  source: 'the Data Designer (snake_case) shape',
  ours: "this library's (camelCase) shape",
};

export async function checkConfigFile(path: string, env: Record<string, string | undefined> = process.env): Promise<ConfigCheck> {
  const raw = parseConfigSyntax(await readConfigText(path), path);
  const shape = configShape(raw);
  const config = parseConfig(raw, `config file ${path}`);
  const problems = unsetKeyVariables(config, env).map(describeUnsetKeyVariable);
  return { shape, config, text: redactSecrets(JSON.stringify(config, null, 2)), problems };
}
