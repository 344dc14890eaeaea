import type { ToolDefinition } from '../../core/types.ts';
import { badRequest } from './request-input-error.ts';

/**
 * Anthropic and Bedrock accept only `[a-zA-Z0-9_-]` tool names of bounded length; an MCP-style
 * name (`weather.get_forecast`) is refused before the request, naming the rule
 * (docs/engine-rules.md, "Tool names").
 */
export function checkToolNames(tools: readonly ToolDefinition[] | undefined, pattern: RegExp, rule: string, providerLabel: string): void {
  for (const tool of tools ?? []) {
    const name = tool.function.name;
    if (typeof name !== 'string' || !pattern.test(name)) {
      const suggestion = typeof name === 'string' ? name.replace(/[^a-zA-Z0-9_-]/g, '_') : 'my_tool';
      throw badRequest(
        `The tool name ${JSON.stringify(name)} does not match ${providerLabel}'s rule ${rule}`,
        `Rename the tool to letters, digits, "_" and "-" only (for example "${suggestion}") and map the name back in your tool loop.`,
      );
    }
  }
}
