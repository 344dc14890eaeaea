// One MCP server, reached through @modelcontextprotocol/sdk. The SDK is imported on first use so
// that users without tools never load it, and the connection (a child process for stdio) is only
// opened when a tool alias that names this server is first used.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../config/schemas.ts';
import { resolveSecretRef } from '../config/secret-ref.ts';
import type { Logger } from '../core/logger.ts';
import { MCPConfigurationError, MCPToolError } from './tool-errors.ts';

export type McpTool = Tool;
export type McpToolResult = CallToolResult;

export interface McpConnectionOptions {
  env?: Record<string, string | undefined>;
  logger: Logger;
}

export interface CallToolOptions {
  /** No deadline when undefined (a tool alias without timeoutSeconds). */
  timeoutMs?: number;
  signal?: AbortSignal;
  toolAlias?: string;
}

// The SDK applies a 60 s default deadline to every request; a tool alias without timeoutSeconds
// means "no timeout", so we pass the largest delay a Node timer accepts instead.
const NO_TIMEOUT_MS = 2_147_483_647;
// JSON-RPC error code the SDK uses when its own request deadline fires.
const REQUEST_TIMEOUT_CODE = -32001;

export class McpServerConnection {
  readonly name: string;
  readonly config: McpServerConfig;
  readonly #options: McpConnectionOptions;
  #client?: Promise<Client>;
  #tools?: Promise<McpTool[]>;
  #closed = false;
  // Transports whose `initialize` handshake is still running. A wedged server never answers it,
  // and the SDK only gives up after its own 60 s deadline: close() ends these directly.
  readonly #connecting = new Set<Transport>();

  constructor(config: McpServerConfig, options: McpConnectionOptions) {
    this.name = config.name;
    this.config = config;
    this.#options = options;
  }

  /** The server's tools, listed once per connection and refreshed when the server says they changed. */
  listTools(): Promise<McpTool[]> {
    if (!this.#tools) {
      const listing = this.#listAll();
      this.#tools = listing;
      listing.catch(() => {
        if (this.#tools === listing) this.#tools = undefined;
      });
    }
    return this.#tools;
  }

  async callTool(name: string, args: Record<string, unknown>, options: CallToolOptions = {}): Promise<McpToolResult> {
    const client = await this.#connect();
    const timeoutMs = options.timeoutMs ?? NO_TIMEOUT_MS;
    try {
      const result = await client.callTool({ name, arguments: args }, undefined, {
        timeout: timeoutMs,
        signal: options.signal,
      });
      return normaliseResult(result);
    } catch (error) {
      // A cancelled call rethrows the caller's own reason, whatever the SDK wrapped it in.
      if (options.signal?.aborted) throw options.signal.reason;
      const init = { toolAlias: options.toolAlias, toolName: name, serverName: this.name, cause: error };
      if ((error as { code?: unknown }).code === REQUEST_TIMEOUT_CODE && options.timeoutMs !== undefined) {
        throw new MCPToolError(`Timed out after ${options.timeoutMs / 1000}s waiting for tool '${name}' on MCP server '${this.name}'`, {
          ...init,
          solution: 'Raise timeoutSeconds of the tool alias, or make the tool faster.',
        });
      }
      throw new MCPToolError(`Tool '${name}' on MCP server '${this.name}' failed: ${messageOf(error)}`, init);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    this.#tools = undefined;
    // Closing the transport terminates the server process and fails the pending handshake.
    await Promise.allSettled([...this.#connecting].map((transport) => transport.close()));
    if (!client) return;
    try {
      await (await client).close();
    } catch {
      // A connection that never opened has nothing to close.
    }
  }

  async #listAll(): Promise<McpTool[]> {
    const client = await this.#connect();
    const tools: McpTool[] = [];
    let cursor: string | undefined;
    try {
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined);
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
    } catch (error) {
      throw new MCPConfigurationError(`Could not list the tools of MCP server '${this.name}': ${messageOf(error)}`, {
        serverName: this.name,
        cause: error,
      });
    }
    return tools;
  }

  #closedError(): MCPConfigurationError {
    return new MCPConfigurationError(`MCP server '${this.name}' is closed`, { serverName: this.name });
  }

  #connect(): Promise<Client> {
    if (this.#closed) return Promise.reject(this.#closedError());
    if (!this.#client) {
      // A server that exits (or drops the HTTP session) is reopened on the next call rather than
      // failing every later call of the run with "not connected".
      const connecting: Promise<Client> = this.#open(() => {
        if (this.#client !== connecting) return;
        this.#client = undefined;
        this.#tools = undefined;
        this.#options.logger.warn(`MCP server '${this.name}' closed the connection; it will be reopened on next use`);
      });
      this.#client = connecting;
      // A failed connection is not cached: the next tool call tries again and reports afresh.
      connecting.catch(() => {
        if (this.#client === connecting) this.#client = undefined;
      });
    }
    return this.#client;
  }

  async #open(onClosed: () => void): Promise<Client> {
    const [{ Client }, transport] = await Promise.all([import('@modelcontextprotocol/sdk/client/index.js'), this.#createTransport()]);
    const client = new Client(
      { name: 'data-designer-models', version: '0.1.0' },
      {
        capabilities: {},
        listChanged: {
          tools: {
            // Only drop the cache; the next generate lists again.
            onChanged: () => {
              this.#tools = undefined;
            },
            autoRefresh: false,
          },
        },
      },
    );
    // close() may have run while the SDK was loading: do not start a server nobody will stop.
    if (this.#closed) throw this.#closedError();
    this.#connecting.add(transport);
    try {
      await client.connect(transport);
    } catch (error) {
      await transport.close().catch(() => {});
      if (this.#closed) throw this.#closedError();
      throw new MCPConfigurationError(`Could not connect to MCP server '${this.name}': ${messageOf(error)}`, {
        serverName: this.name,
        cause: error,
        solution:
          this.config.transport === 'stdio'
            ? `Check that '${this.config.command}' starts an MCP server speaking stdio.`
            : 'Check the server URL and API key, and that the server speaks streamable HTTP.',
      });
    } finally {
      this.#connecting.delete(transport);
    }
    client.onclose = () => {
      if (!this.#closed) onClosed();
    };
    this.#options.logger.debug(`connected to MCP server '${this.name}' (${this.config.transport})`);
    return client;
  }

  async #createTransport() {
    const config = this.config;
    if (config.transport === 'stdio') {
      const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
      const transport = new StdioClientTransport({
        command: config.command,
        args: config.args,
        env: config.env,
        // Server chatter goes to our debug log instead of the user's terminal.
        stderr: 'pipe',
      });
      transport.stderr?.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8').trimEnd();
        if (text) this.#options.logger.debug(`MCP server '${this.name}': ${text}`);
      });
      return transport;
    }
    const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
    const apiKey = resolveSecretRef(config.apiKey, this.#options.env);
    return new StreamableHTTPClientTransport(new URL(config.url), {
      requestInit: apiKey ? { headers: { Authorization: `Bearer ${apiKey.reveal()}` } } : undefined,
    });
  }
}

// Servers on old protocol versions answer with `toolResult` instead of `content`.
function normaliseResult(result: unknown): McpToolResult {
  const value = result as Partial<McpToolResult> & { toolResult?: unknown };
  if (Array.isArray(value.content)) return value as McpToolResult;
  if ('toolResult' in value) {
    const payload = value.toolResult;
    return { content: [{ type: 'text', text: typeof payload === 'string' ? payload : JSON.stringify(payload) }] };
  }
  return { ...value, content: [] } as McpToolResult;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
