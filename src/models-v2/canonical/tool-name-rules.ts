// Anthropic (`^[a-zA-Z0-9_-]{1,128}$`) and Bedrock (`^[a-zA-Z0-9_-]{1,64}$`) refuse tool names
// with other characters, such as an MCP-style `weather.get_forecast`; such a name is refused
// before the request, naming the rule (docs/engine-rules.md, "Tool names").
import type { ToolDefinition } from '../../core/types.ts';
import { badRequest } from './request-error.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';

export function assertToolNames(tools: ToolDefinition[] | undefined, pattern: RegExp, rule: string, subject: ErrorSubject): void {
  for (const tool of tools ?? []) {
    const name: unknown = tool.function.name;
    if (typeof name === 'string' && pattern.test(name)) continue;
    const renamed = typeof name === 'string' ? name.replace(/[^a-zA-Z0-9_-]/g, '_') : 'my_tool';
    throw badRequest(
      subject,
      `the tool name ${JSON.stringify(name)} does not match the provider's rule ${rule}`,
      `Rename the tool to letters, digits, "_" and "-" only (for example "${renamed}") and map the name back in your tool loop.`,
    );
  }
}
