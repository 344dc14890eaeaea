// The streamable-HTTP MCP transport, against an in-process SDK server on 127.0.0.1: tools are
// listed and called, and the server's API key reaches it as a bearer token (resolved from env).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SecretReference } from '../../src/config/secret-ref.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { MCPConfigurationError } from '../../src/tools/tool-errors.ts';
import { ToolRegistry } from '../../src/tools/tool-registry.ts';

const TOKEN = 'mcp-secret-token';
let http: Server;
let url: string;
const authorizations: (string | undefined)[] = [];

beforeAll(async () => {
  http = createServer(async (req, res) => {
    authorizations.push(req.headers.authorization);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unauthorized' }));
      return;
    }
    // Stateless mode: a fresh server and transport per request, as the SDK documents.
    const server = new McpServer({ name: 'http-tools', version: '1.0.0' });
    server.registerTool('reverse', { description: 'Reverses a string.', inputSchema: { text: z.string() } }, async ({ text }) => ({
      content: [{ type: 'text', text: [...text].reverse().join('') }],
    }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
});

afterAll(async () => {
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
});

function registry(apiKey: string | undefined): ToolRegistry {
  return new ToolRegistry(
    {
      mcpServers: [
        { name: 'remote', transport: 'streamable_http', url, apiKey: apiKey === undefined ? undefined : new SecretReference(apiKey) },
      ],
      tools: [{ toolAlias: 'remote', providers: ['remote'], maxToolCallTurns: 5 }],
    },
    { env: { MCP_TOKEN: TOKEN }, logger: silentLogger },
  );
}

describe('MCP over streamable HTTP', () => {
  it('lists and calls tools, sending the API key (an env-var reference) as a bearer token', async () => {
    const tools = registry('MCP_TOKEN');
    try {
      const catalog = await tools.catalog('remote');
      expect(catalog.definitions.map((d) => d.function.name)).toEqual(['reverse']);
      const [message] = await catalog.execute([
        { id: 'call_r', type: 'function', function: { name: 'reverse', arguments: '{"text": "stressed"}' } },
      ]);
      expect(message).toEqual({ role: 'tool', tool_call_id: 'call_r', content: 'desserts' });
      expect(authorizations.every((value) => value === `Bearer ${TOKEN}`)).toBe(true);
    } finally {
      await tools.close();
    }
  });

  it('a rejected connection is a configuration error that names the server and not the key', async () => {
    const tools = registry('wrong-token');
    try {
      const failure = tools.catalog('remote');
      await expect(failure).rejects.toThrow(MCPConfigurationError);
      await expect(failure).rejects.toThrow(/MCP server 'remote'/);
      await expect(failure).rejects.not.toThrow(/wrong-token/);
    } finally {
      await tools.close();
    }
  });
});
