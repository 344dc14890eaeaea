#!/usr/bin/env node
// dd-models: run one generation (or the health checks) through the model layer from a config
// file, to try a model, a provider or an engine by hand. A thin shell over the public API.
// First, before anything that could fail on an old Node.js: exit 2 with one line naming the version.
import './node-version-exit.ts';
import { z } from 'zod';
import { checkConfigFile, SHAPE_NAMES } from '../config/config-check.ts';
import { formatZodIssues } from '../config/load-config.ts';
import { parseJsonText } from '../config/config-syntax.ts';
import { FILE_LIMITS, type FileReadError, readBoundedTextFile } from '../config/read-bounded-file.ts';
import { ConfigError, DataDesignerError, ModelAPIConnectionError } from '../core/errors.ts';
import { DEFAULT_DIALECT } from '../core/dialects/server-dialect.ts';
import { printableEndpoint, unreachableEndpoints } from '../facade/endpoint-probe.ts';
import { checkModelHealth, HEALTH_CHECK_PURPOSE } from '../facade/health-check.ts';
import type { ModelFacade } from '../facade/model-facade.ts';
import type { Parser } from '../facade/parsers/parser-error.ts';
import { jsonParser } from '../facade/parsers/json-parser.ts';
import { formatUsageSummary } from '../facade/usage.ts';
import { createModelRegistry, loadConfigFile, type ModelRegistry } from '../index.ts';
import { parseEngineSwitch, type EngineRouting } from '../engine.ts';
import { parseFlags } from '../config/command-line-flags.ts';
import { closestName } from '../config/closest-name.ts';
import { checkSummaryPath, writeRunSummary } from '../observability/write-run-summary.ts';
import { formatShadowSummary, shadowCountsProblems } from '../shadow/shadow-summary-text.ts';

const HELP = `dd-models — call a configured model through the Data Designer model layer

Usage:
  dd-models generate --config <file> --model <alias> [options] "prompt"
  dd-models health --config <file> [--model <alias>]... [--engine <value>]
      checks every alias (or each --model), prints one line per alias, exits 1 if any failed
  dd-models config check <file>    validate a config (ours or Data Designer's snake_case shape)
                                   and print it normalised, secrets as ***; exit 2 when it has
                                   a problem (an apiKey naming an unset environment variable)
  dd-models compare|record|gate|bench|staging-job|fake-provider [options]
                                   the rollout's commands (MIGRATION.md), as \`npm run <command> --\`
                                   in a clone; \`dd-models <command> --help\` for each
  dd-models --help

generate options:
  --config <file>                  providers/models/tools config (YAML or JSON)
  --model <alias>                  model alias to call
  --json-schema <file>             parse the answer as JSON valid against this JSON Schema
  --engine <value>                 the engine switch, as DATA_DESIGNER_ASYNC_ENGINE (its default): v2, legacy,
                                   1/true, 0/false, or the provider types to route to v2 (openai,anthropic)
  --system <text>                  system prompt
  --tool-alias <alias>             let the model call the tools of this tool alias
  --max-correction-steps <n>       correction turns after a parse failure (default 0)
  --max-conversation-restarts <n>  restarts after corrections run out (default 0)
  --json                           print one JSON document {output, engine, usage}
  --summary-json <file>            write the run summary (dd-run-summary/1: calls, failures by class,
                                   attempts, retries, 429s, tokens, latency p50/p95/p99) to <file>,
                                   also when the call fails

The answer goes to stdout, followed by the engine used and the usage of this run.
Exit status: 0 success, 1 the call failed, 2 bad command line, config or environment (fix the input named).`;

class UsageError extends Error {}

const GENERATE_PURPOSE = 'running dd-models generate';

const OPTIONS = {
  config: { type: 'string' },
  model: { type: 'string', multiple: true },
  'json-schema': { type: 'string' },
  engine: { type: 'string' },
  system: { type: 'string' },
  'tool-alias': { type: 'string' },
  'max-correction-steps': { type: 'string' },
  'max-conversation-restarts': { type: 'string' },
  json: { type: 'boolean' },
  'summary-json': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseFlags<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

const COMMANDS = ['generate', 'health', 'config'];
/** The rollout's commands (src/testing/rollout-commands.ts), compiled beside the library and loaded only when one is run. */
const ROLLOUT_COMMANDS = ['compare', 'record', 'gate', 'bench', 'staging-job', 'fake-provider'];

async function main(argv: string[]): Promise<number | undefined> {
  if (ROLLOUT_COMMANDS.includes(argv[0])) {
    const { runRolloutCommand } = await import('../testing/rollout-commands.ts');
    await runRolloutCommand(argv[0], argv.slice(1));
    return undefined;
  }
  let parsed;
  try {
    parsed = parseFlags({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (command === 'generate') return generate(values, rest);
  if (command === 'health') return health(values, rest);
  if (command === 'config') return configCommand(rest);
  const guess = closestName(command, [...COMMANDS, ...ROLLOUT_COMMANDS]);
  throw new UsageError(`unknown command '${command}'${guess ? ` (did you mean '${guess}'?)` : ''}`);
}

function engineOption(value: string | undefined): EngineRouting | undefined {
  if (value === undefined) return undefined;
  try {
    return parseEngineSwitch(value, '--engine');
  } catch (error) {
    // A bad flag: the switch's one message, as a usage error (exit 2, pointer to --help).
    throw new UsageError((error as Error).message);
  }
}

function count(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a non-negative integer, got '${value}'`);
  return Number(value);
}

async function openRegistry(values: Values): Promise<ModelRegistry> {
  if (!values.config) throw new UsageError('--config <file> is required');
  const engine = engineOption(values.engine);
  const config = await loadConfigFile(values.config);
  return createModelRegistry(config, { engine });
}

/**
 * Probes the endpoint of each alias once (each distinct endpoint once) before any call, as
 * `compare --live` does: a dead endpoint is one clear error naming it and its errno, in well under
 * the time the engines' connection retries would take (issue 29 item 3). Per alias whose endpoint
 * did not answer: the error to report; no request is sent to it.
 */
async function unreachable(
  registry: ModelRegistry,
  aliases: readonly string[],
  purpose: string,
): Promise<Map<string, ModelAPIConnectionError>> {
  const facades = aliases.map((alias) => registry.getModel(alias));
  const dead = await unreachableEndpoints(facades.map((facade) => facade.provider.endpoint));
  const errors = new Map<string, ModelAPIConnectionError>();
  for (const facade of facades) {
    const reason = dead.get(facade.provider.endpoint);
    if (reason === undefined) continue;
    const causeText = `The endpoint ${printableEndpoint(facade.provider.endpoint)} of {subject} is unreachable (${reason})`;
    const { modelAlias, providerName } = facade;
    errors.set(modelAlias, new ModelAPIConnectionError({ modelAlias, providerName, causeText, purpose }));
  }
  return errors;
}

/** Shadow mode's counters on stderr (stdout is the model's output), with a line when they do not add up. */
function reportShadow(registry: ModelRegistry): void {
  const entries = registry.shadowSummary();
  if (entries.length === 0) return;
  const lines = [...formatShadowSummary(entries), ...shadowCountsProblems(entries).map((problem) => `dd-models: ${problem}`)];
  process.stderr.write(`${lines.join('\n')}\n`);
}

async function generate(values: Values, positionals: string[]): Promise<number> {
  const aliases = values.model ?? [];
  if (aliases.length !== 1) throw new UsageError('generate needs exactly one --model <alias>');
  if (positionals.length !== 1) throw new UsageError('generate needs exactly one prompt argument (quote it)');
  const [prompt] = positionals;
  const maxCorrectionSteps = count(values['max-correction-steps'], '--max-correction-steps');
  const maxConversationRestarts = count(values['max-conversation-restarts'], '--max-conversation-restarts');
  const schema = values['json-schema'] ? await loadJsonSchema(values['json-schema']) : undefined;
  const summaryPath = values['summary-json'];
  // Before the call: a path that cannot be written is a usage error, not a lost summary after it.
  if (summaryPath !== undefined) {
    await checkSummaryPath(summaryPath).catch((error: unknown) => {
      throw new UsageError((error as Error).message);
    });
  }
  const registry = await openRegistry(values);
  let failed = false;
  try {
    const facade = registry.getModel(aliases[0]);
    if (facade.generationType === 'embedding') {
      throw new UsageError(
        `model '${aliases[0]}' is an embedding model (inferenceParameters.generationType: embedding); generate needs a chat model alias (try 'dd-models health --model ${aliases[0]}' to check it)`,
      );
    }
    const dead = (await unreachable(registry, aliases, GENERATE_PURPOSE)).get(aliases[0]);
    if (dead) throw dead;
    const systemPrompt = [values.system, schema && schemaInstruction(schema.raw)].filter(Boolean).join('\n\n') || undefined;
    const parser: Parser<unknown> = schema ? jsonParser(schema.zod) : (text) => text;
    const { output } = await facade.generate(prompt, {
      parser,
      systemPrompt,
      toolAlias: values['tool-alias'],
      maxCorrectionSteps,
      maxConversationRestarts,
      purpose: GENERATE_PURPOSE,
    });
    report(facade, output, values.json === true);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // Shadow mode on (DATA_DESIGNER_SHADOW_SAMPLE_RATE): the call's shadow run finishes before the
    // registry closes (close() would count it as dropped), and its counters go to stderr.
    await registry.shadowIdle();
    await registry.close();
    reportShadow(registry);
    // Written on failure too: a failed call is part of the run a gate compares. A write that fails
    // after a failed call is reported beside the call's own error, never in its place.
    if (summaryPath !== undefined) {
      const written = writeRunSummary(summaryPath, registry.runSummary());
      if (failed)
        await written.catch((error: unknown) =>
          process.stderr.write(`dd-models: the run summary could not be written to ${summaryPath}: ${(error as Error).message}\n`),
        );
      else await written;
    }
  }
  return 0;
}

/** `engine: v2`, and for an OpenAI-compatible provider the server dialect it is read with (docs/compatible-servers.md). */
function inUse(registry: ModelRegistry, alias: string): string {
  const provider = registry.getProvider(registry.getModelConfig(alias).provider);
  const dialect = provider.providerType === 'openai' ? `, dialect: ${provider.dialect ?? DEFAULT_DIALECT}` : '';
  return `engine: ${registry.engineFor(alias)}${dialect}`;
}

async function health(values: Values, positionals: string[]): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`health takes no prompt (got '${positionals.join(' ')}')`);
  if (values['summary-json'] !== undefined) {
    throw new UsageError('--summary-json is for generate: health checks are not counted in the run summary');
  }
  const registry = await openRegistry(values);
  try {
    const aliases = values.model ?? registry.aliases;
    // Every alias is known before the first request: a typo is an input to fix (exit 2).
    for (const alias of aliases) registry.getModel(alias);
    const checked = aliases.filter((alias) => !registry.getModelConfig(alias).skipHealthCheck);
    const dead = await unreachable(registry, checked, HEALTH_CHECK_PURPOSE);
    // Every alias is checked and reported, whatever happened to the ones before it: one line each
    // (the facade's check, not registry.healthCheck, whose own warning would say it twice).
    let failed = 0;
    for (const alias of aliases) {
      const engine = inUse(registry, alias);
      if (!checked.includes(alias)) {
        process.stdout.write(`${alias}: skipped (${engine})
`);
        continue;
      }
      try {
        const deadEndpoint = dead.get(alias);
        if (deadEndpoint) throw deadEndpoint;
        await checkModelHealth(registry.getModel(alias));
        process.stdout.write(`${alias}: ok (${engine})
`);
      } catch (error) {
        failed += 1;
        process.stdout.write(`${alias}: failed (${engine}) ${describeFailure(error)}\n`);
      }
    }
    process.stdout.write(`health: ${aliases.length - failed} of ${aliases.length} passed or skipped, ${failed} failed\n`);
    return failed === 0 ? 0 : 1;
  } finally {
    await registry.close();
  }
}

async function configCommand(positionals: string[]): Promise<number> {
  const [sub, file, ...extra] = positionals;
  if (sub !== 'check' || file === undefined || extra.length > 0) throw new UsageError('usage: dd-models config check <file>');
  const { shape, text, problems } = await checkConfigFile(file);
  if (problems.length > 0) {
    // Read, but not usable as it is here: exit 2 like any config or environment to fix.
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    process.stderr.write(`${file}: read as ${SHAPE_NAMES[shape]}, but not usable as it is: ${count}\n`);
    for (const problem of problems) process.stderr.write(`  - ${problem}\n`);
    process.stdout.write(`${text}\n`);
    return 2;
  }
  process.stderr.write(`${file}: valid, read as ${SHAPE_NAMES[shape]}; normalised:\n`);
  process.stdout.write(`${text}\n`);
  return 0;
}

function describeFailure(error: unknown): string {
  if (error instanceof DataDesignerError) return `${error.name}: ${error.message}`;
  return `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}

function report(facade: ModelFacade, output: unknown, asJson: boolean): void {
  const summary = facade.usage.summary();
  const engine = facade.engine ?? 'unknown';
  if (asJson) {
    const { tokens, requests, tools } = summary;
    process.stdout.write(`${JSON.stringify({ output, engine, model: facade.modelName, usage: { tokens, requests, tools } }, null, 2)}\n`);
    return;
  }
  const text = typeof output === 'string' ? output : JSON.stringify(output, null, 2);
  process.stdout.write(`${text}\n\n`);
  process.stdout.write(`engine: ${engine} (provider '${facade.providerName}', ${facade.provider.providerType})\n`);
  process.stdout.write(`usage: ${formatUsageSummary(facade.modelName, summary)}\n`);
}

async function loadJsonSchema(path: string): Promise<{ raw: unknown; zod: z.ZodType }> {
  let text: string;
  try {
    text = await readBoundedTextFile(path, FILE_LIMITS.jsonSchema);
  } catch (error) {
    const refusal = error as FileReadError;
    throw new ConfigError(
      refusal.refused ? `JSON schema file ${path} ${refusal.problem}` : `Could not read JSON schema file ${path}: ${refusal.code}`,
    );
  }
  let raw: unknown;
  try {
    raw = parseJsonText(text);
  } catch (error) {
    throw new ConfigError(`JSON schema file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return { raw, zod: z.fromJSONSchema(raw as Parameters<typeof z.fromJSONSchema>[0]) };
  } catch (error) {
    const detail = error instanceof z.ZodError ? formatZodIssues(error, 'JSON schema') : (error as Error).message;
    throw new ConfigError(`JSON schema file ${path} cannot be used: ${detail}`);
  }
}

function schemaInstruction(schema: unknown): string {
  return `Answer with JSON that matches this JSON Schema, inside one \`\`\`json fenced code block:\n${JSON.stringify(schema, null, 2)}`;
}

// Errors are reported as sentences with what to do next; stack traces only help us, not users.
main(process.argv.slice(2)).then(
  (code) => {
    // A rollout command sets its own exit code.
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`dd-models: ${error.message}\nRun 'dd-models --help' for usage.\n`);
      process.exitCode = 2;
      return;
    }
    if (error instanceof DataDesignerError) {
      process.stderr.write(`dd-models: ${error.name}: ${error.message}\n  solution: ${error.solution}\n`);
      // A config or environment problem is an input the user fixes, as with compare and record.
      if (error instanceof ConfigError) {
        process.exitCode = 2;
        return;
      }
    } else {
      process.stderr.write(`dd-models: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    process.exitCode = 1;
  },
);
