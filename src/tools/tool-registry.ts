// Tool aliases and the MCP servers behind them. Servers are shared between aliases (one child
// process per stdio server, however many aliases name it) and opened on first use.
import type { McpServerConfig, ToolConfig } from '../config/schemas.ts';
import type { Logger } from '../core/logger.ts';
import { McpServerConnection, type McpConnectionOptions } from './mcp-server-connection.ts';
import { ToolCatalog } from './tool-catalog.ts';
import { MCPConfigurationError } from './tool-errors.ts';

export interface ToolRegistryConfig {
  tools: ToolConfig[];
  mcpServers: McpServerConfig[];
}

export interface ToolRegistryOptions {
  env?: Record<string, string | undefined>;
  logger: Logger;
}

export class ToolRegistry {
  readonly #tools = new Map<string, ToolConfig>();
  readonly #servers = new Map<string, McpServerConnection>();

  constructor(config: ToolRegistryConfig, options: ToolRegistryOptions) {
    const connectionOptions: McpConnectionOptions = { env: options.env, logger: options.logger };
    for (const server of config.mcpServers) {
      this.#servers.set(server.name, new McpServerConnection(server, connectionOptions));
    }
    for (const tool of config.tools) this.#tools.set(tool.toolAlias, tool);
  }

  get aliases(): string[] {
    return [...this.#tools.keys()];
  }

  has(toolAlias: string): boolean {
    return this.#tools.has(toolAlias);
  }

  getToolConfig(toolAlias: string): ToolConfig {
    const config = this.#tools.get(toolAlias);
    if (!config) {
      throw new MCPConfigurationError(`Tool alias '${toolAlias}' is not registered`, {
        toolAlias,
        solution: `Use one of the configured tool aliases: ${this.aliases.map((a) => `'${a}'`).join(', ') || '(none configured)'}.`,
      });
    }
    return config;
  }

  /** Lists the alias's tools (servers cache their lists) for one generate call. */
  async catalog(toolAlias: string): Promise<ToolCatalog> {
    const config = this.getToolConfig(toolAlias);
    const servers = config.providers.map((name) => {
      const server = this.#servers.get(name);
      if (!server) {
        throw new MCPConfigurationError(`Tool alias '${toolAlias}' names MCP server '${name}', which is not configured`, {
          toolAlias,
          serverName: name,
        });
      }
      return server;
    });
    return ToolCatalog.load(config, servers);
  }

  /** Closes every opened server connection (stdio servers are terminated). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#servers.values()].map((server) => server.close()));
  }
}
