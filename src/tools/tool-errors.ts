// Errors raised by the MCP tool layer. They are DataDesignerErrors so the facade lets them out of
// `generate` unchanged: a broken tool setup or a failing tool fails the row instead of being fed
// back to the model (the source system's semantics, reference §5.5).
import { DataDesignerError, type ModelErrorInit } from '../core/errors.ts';

interface ToolErrorInit extends ModelErrorInit {
  toolAlias?: string;
  toolName?: string;
  serverName?: string;
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** The tool configuration cannot work as written (unknown alias, missing tool, bad server). */
export class MCPConfigurationError extends DataDesignerError {
  static override readonly defaults = {
    cause: 'The MCP tool configuration is invalid.',
    solution: 'Check the tools and mcpServers sections of the configuration.',
    retryable: false,
  };
  readonly toolAlias?: string;
  readonly serverName?: string;
  constructor(message: string, init: ToolErrorInit = {}) {
    super({ ...init, causeText: sentence(message) });
    this.toolAlias = init.toolAlias;
    this.serverName = init.serverName;
  }
}

/** Two MCP servers of one tool alias offer a tool with the same name, so a call would be ambiguous. */
export class DuplicateToolNameError extends MCPConfigurationError {
  static override readonly defaults = {
    cause: 'Two MCP servers offer a tool with the same name.',
    solution: 'Remove one of the servers from the tool alias, or restrict it with allowTools.',
    retryable: false,
  };
}

/** A tool call could not be executed (not permitted, bad arguments, timeout, server failure). */
export class MCPToolError extends DataDesignerError {
  static override readonly defaults = {
    cause: 'An MCP tool call failed.',
    solution: 'Check the MCP server logs and the arguments the model sent.',
    retryable: false,
  };
  readonly toolAlias?: string;
  readonly toolName?: string;
  readonly serverName?: string;
  constructor(message: string, init: ToolErrorInit = {}) {
    super({ ...init, causeText: sentence(message) });
    this.toolAlias = init.toolAlias;
    this.toolName = init.toolName;
    this.serverName = init.serverName;
  }
}
