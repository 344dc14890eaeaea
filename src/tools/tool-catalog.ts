// The tools of one tool alias as listed for one `generate` call: the schemas sent to the model,
// which server owns each tool, and how a turn's tool calls become `tool` messages.
import type { ToolConfig } from '../config/schemas.ts';
import type { ToolCall, ToolDefinition, ToolMessage } from '../core/types.ts';
import type { McpServerConnection, McpTool } from './mcp-server-connection.ts';
import { DuplicateToolNameError, MCPConfigurationError, MCPToolError } from './tool-errors.ts';
import { toolResultText } from './tool-result-text.ts';

export const TOOL_REFUSAL_MESSAGE =
  'Tool call refused: You have reached the maximum number of tool-calling turns. Please provide your final response without requesting additional tool calls.';

const EMPTY_OBJECT_SCHEMA: Record<string, unknown> = { type: 'object', properties: {} };

export interface ExecuteOptions {
  signal?: AbortSignal;
}

export class ToolCatalog {
  readonly toolAlias: string;
  readonly maxToolCallTurns: number;
  readonly definitions: ToolDefinition[];
  readonly #config: ToolConfig;
  readonly #owners: ReadonlyMap<string, McpServerConnection>;

  private constructor(config: ToolConfig, definitions: ToolDefinition[], owners: Map<string, McpServerConnection>) {
    this.toolAlias = config.toolAlias;
    this.maxToolCallTurns = config.maxToolCallTurns;
    this.#config = config;
    this.definitions = definitions;
    this.#owners = owners;
  }

  /** Lists every server of the alias (in parallel), rejecting ambiguous names and unknown allowed tools. */
  static async load(config: ToolConfig, servers: McpServerConnection[]): Promise<ToolCatalog> {
    const listings = await Promise.all(servers.map(async (server) => ({ server, tools: await server.listTools() })));
    const offeredBy = new Map<string, McpServerConnection[]>();
    const tools = new Map<string, McpTool>();
    for (const { server, tools: listed } of listings) {
      for (const tool of listed) {
        offeredBy.set(tool.name, [...(offeredBy.get(tool.name) ?? []), server]);
        if (!tools.has(tool.name)) tools.set(tool.name, tool);
      }
    }
    let names = [...tools.keys()];
    if (config.allowTools) {
      const missing = config.allowTools.filter((name) => !tools.has(name));
      if (missing.length > 0) {
        throw new MCPConfigurationError(
          `allowTools of tool alias '${config.toolAlias}' names tools no server offers: ${missing.map((n) => `'${n}'`).join(', ')}`,
          {
            toolAlias: config.toolAlias,
            solution: `Use tool names the servers list: ${names.map((n) => `'${n}'`).join(', ') || '(none)'}.`,
          },
        );
      }
      const allowed = new Set(config.allowTools);
      names = names.filter((name) => allowed.has(name));
    }
    // Only an advertised name is ambiguous: a clash among tools allowTools leaves out is harmless.
    const owners = new Map<string, McpServerConnection>();
    for (const name of names) {
      const [first, second] = offeredBy.get(name)!;
      if (second) {
        throw new DuplicateToolNameError(
          `Tool '${name}' is offered by both MCP server '${first.name}' and MCP server '${second.name}' of tool alias '${config.toolAlias}'`,
          { toolAlias: config.toolAlias },
        );
      }
      owners.set(name, first);
    }
    const definitions = names.map((name) => toDefinition(tools.get(name)!));
    return new ToolCatalog(config, definitions, owners);
  }

  /** Runs the calls of one turn in parallel; one `tool` message per call, in call order. */
  async execute(calls: ToolCall[], options: ExecuteOptions = {}): Promise<ToolMessage[]> {
    // Everything that can be rejected locally is checked before any tool runs, so a bad call
    // never leaves half of a turn executed.
    const planned = calls.map((call) => this.#plan(call));
    const timeoutMs = this.#config.timeoutSeconds === undefined ? undefined : this.#config.timeoutSeconds * 1000;
    return Promise.all(
      planned.map(async ({ call, server, args }): Promise<ToolMessage> => {
        const result = await server.callTool(call.function.name, args, {
          timeoutMs,
          signal: options.signal,
          toolAlias: this.toolAlias,
        });
        // A result flagged isError still goes to the model verbatim: it can react to it.
        return { role: 'tool', tool_call_id: call.id, content: toolResultText(result) };
      }),
    );
  }

  /** The answer to every call of a turn over the tool-call budget. */
  refuse(calls: ToolCall[]): ToolMessage[] {
    return calls.map((call) => ({ role: 'tool', tool_call_id: call.id, content: TOOL_REFUSAL_MESSAGE }));
  }

  #plan(call: ToolCall): { call: ToolCall; server: McpServerConnection; args: Record<string, unknown> } {
    const name = call.function.name;
    const init = { toolAlias: this.toolAlias, toolName: name };
    if (this.#config.allowTools && !this.#config.allowTools.includes(name)) {
      throw new MCPToolError(`Tool '${name}' is not permitted for tool alias '${this.toolAlias}'`, {
        ...init,
        solution: `Add '${name}' to allowTools of tool alias '${this.toolAlias}' if the model should use it.`,
      });
    }
    const server = this.#owners.get(name);
    if (!server) {
      throw new MCPConfigurationError(`No MCP server of tool alias '${this.toolAlias}' offers tool '${name}'`, init);
    }
    return { call, server, args: parseArguments(call, this.toolAlias) };
  }
}

function toDefinition(tool: McpTool): ToolDefinition {
  return {
    type: 'function',
    function: {
      name: tool.name,
      description: tool.description ?? '',
      parameters: (tool.inputSchema as Record<string, unknown> | undefined) ?? EMPTY_OBJECT_SCHEMA,
    },
  };
}

function parseArguments(call: ToolCall, toolAlias: string): Record<string, unknown> {
  const raw = call.function.arguments;
  if (raw === undefined || raw === null || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new MCPToolError(`Invalid tool arguments for '${call.function.name}': ${(error as Error).message}`, {
      toolAlias,
      toolName: call.function.name,
      cause: error,
    });
  }
  // Non-object JSON (a bare string or list) cannot be named arguments; the call runs without any.
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}
