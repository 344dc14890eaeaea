// Turns an MCP tool result into the text of a `tool` message. Canonical tool messages carry text
// only (OpenAI tool messages cannot hold images, and docs/contract.md "Provider translation" sends Anthropic/Bedrock tool results
// as strings), so non-text blocks are summarised in words the model can act on.
import type { McpToolResult } from './mcp-server-connection.ts';

type ContentBlock = McpToolResult['content'][number];

export function toolResultText(result: McpToolResult): string {
  const parts = result.content.map(describeBlock).filter((part) => part.length > 0);
  // Servers that only return structured output still owe the model something to read.
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  return parts.join('\n');
}

function describeBlock(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
      return `[image result: ${block.mimeType}, ${approximateBytes(block.data)} bytes; the image itself cannot be passed back in a tool message]`;
    case 'audio':
      return `[audio result: ${block.mimeType}, ${approximateBytes(block.data)} bytes; the audio itself cannot be passed back in a tool message]`;
    case 'resource_link':
      return `[resource link: ${block.uri}${block.name ? ` (${block.name})` : ''}${block.mimeType ? `, ${block.mimeType}` : ''}]`;
    case 'resource': {
      const resource = block.resource;
      if ('text' in resource && typeof resource.text === 'string') return resource.text;
      return `[binary resource: ${resource.uri}${resource.mimeType ? `, ${resource.mimeType}` : ''}]`;
    }
    default:
      return `[unsupported ${(block as { type?: string }).type ?? 'unknown'} content]`;
  }
}

// Decoded size of a base64 payload, without decoding it.
function approximateBytes(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((base64.length * 3) / 4) - padding);
}
