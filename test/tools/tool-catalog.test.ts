import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import type { ToolCall } from '../../src/core/types.ts';
import { TOOL_REFUSAL_MESSAGE } from '../../src/tools/tool-catalog.ts';
import { DuplicateToolNameError, MCPConfigurationError, MCPToolError } from '../../src/tools/tool-errors.ts';
import { ToolRegistry } from '../../src/tools/tool-registry.ts';
import { everythingServer, tinyServer } from './fixtures/mcp-servers.ts';

const call = (id: string, name: string, args: unknown): ToolCall => ({
  id,
  type: 'function',
  function: { name, arguments: typeof args === 'string' ? args : JSON.stringify(args) },
});

const registry = new ToolRegistry(
  {
    mcpServers: [everythingServer, tinyServer, { name: 'broken', transport: 'stdio', command: '/nonexistent/mcp-server', args: [] }],
    tools: [
      { toolAlias: 'everything', providers: ['everything'], allowTools: ['echo', 'get-sum', 'get-tiny-image'], maxToolCallTurns: 5 },
      { toolAlias: 'tiny', providers: ['tiny'], maxToolCallTurns: 5, timeoutSeconds: 0.5 },
      { toolAlias: 'tiny-patient', providers: ['tiny'], maxToolCallTurns: 5, timeoutSeconds: 10 },
      { toolAlias: 'both', providers: ['everything', 'tiny'], maxToolCallTurns: 5 },
      { toolAlias: 'both-restricted', providers: ['everything', 'tiny'], allowTools: ['get-sum', 'multiply'], maxToolCallTurns: 5 },
      { toolAlias: 'missing-tool', providers: ['tiny'], allowTools: ['multiply', 'divide', 'modulo'], maxToolCallTurns: 5 },
      { toolAlias: 'broken', providers: ['broken'], maxToolCallTurns: 5 },
    ],
  },
  { env: {}, logger: silentLogger },
);

afterAll(() => registry.close());

describe('MCP tool catalog over stdio (@modelcontextprotocol/server-everything)', () => {
  it('lists only the allowed tools as OpenAI function schemas', async () => {
    const catalog = await registry.catalog('everything');
    expect(catalog.definitions.map((d) => d.function.name).sort()).toEqual(['echo', 'get-sum', 'get-tiny-image']);
    const sum = catalog.definitions.find((d) => d.function.name === 'get-sum')!;
    expect(sum.type).toBe('function');
    expect(sum.function.description).toBe('Returns the sum of two numbers');
    expect(sum.function.parameters).toMatchObject({ type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } });
  });

  it('runs the calls of one turn and returns one tool message per call, in call order', async () => {
    const catalog = await registry.catalog('everything');
    const messages = await catalog.execute([call('call_1', 'get-sum', { a: 2, b: 40 }), call('call_2', 'echo', { message: 'hello' })]);
    expect(messages).toEqual([
      { role: 'tool', tool_call_id: 'call_1', content: 'The sum of 2 and 40 is 42.' },
      { role: 'tool', tool_call_id: 'call_2', content: 'Echo: hello' },
    ]);
  });

  it('summarises image content blocks as text', async () => {
    const catalog = await registry.catalog('everything');
    const [message] = await catalog.execute([call('call_img', 'get-tiny-image', '')]);
    expect(message.content).toMatch(
      /^Here's the image you requested:\n\[image result: image\/png, \d+ bytes; .*\]\nThe image above is the MCP logo\.$/,
    );
  });

  it('refuses a call outside allowTools with MCPToolError before running anything', async () => {
    const catalog = await registry.catalog('everything');
    await expect(catalog.execute([call('c', 'get-env', {})])).rejects.toThrow(MCPToolError);
    await expect(catalog.execute([call('c', 'get-env', {})])).rejects.toThrow(/not permitted/);
  });
});

describe('MCP tool catalog over stdio (tiny server)', () => {
  it('runs the calls of one turn in parallel', async () => {
    const catalog = await registry.catalog('tiny-patient');
    const started = performance.now();
    const messages = await catalog.execute([
      call('a', 'sleep', { ms: 600 }),
      call('b', 'sleep', { ms: 600 }),
      call('c', 'sleep', { ms: 600 }),
    ]);
    const elapsed = performance.now() - started;
    expect(messages.map((m) => m.content)).toEqual(['slept 600 ms', 'slept 600 ms', 'slept 600 ms']);
    // One after another would take at least 1800 ms.
    expect(elapsed).toBeLessThan(1500);
  });

  it('applies the tool timeout', async () => {
    const catalog = await registry.catalog('tiny');
    const failure = catalog.execute([call('slow', 'sleep', { ms: 3000 })]);
    await expect(failure).rejects.toThrow(MCPToolError);
    await expect(failure).rejects.toThrow(/Timed out after 0.5s/);
  });

  it('passes an isError result to the model verbatim', async () => {
    const catalog = await registry.catalog('tiny');
    expect(await catalog.execute([call('x', 'always-fails', {})])).toEqual([
      { role: 'tool', tool_call_id: 'x', content: 'backend unavailable: try another tool' },
    ]);
  });

  it('treats empty arguments as {} and rejects invalid JSON arguments', async () => {
    const catalog = await registry.catalog('tiny');
    expect((await catalog.execute([call('u', 'user-country', '  ')]))[0].content).toBe('Mexico');
    await expect(catalog.execute([call('bad', 'multiply', '{"a": 2,')])).rejects.toThrow(/Invalid tool arguments for 'multiply'/);
  });

  it('refusals answer every call of the turn', async () => {
    const catalog = await registry.catalog('tiny');
    expect(catalog.refuse([call('r1', 'multiply', {}), call('r2', 'echo', {})])).toEqual([
      { role: 'tool', tool_call_id: 'r1', content: TOOL_REFUSAL_MESSAGE },
      { role: 'tool', tool_call_id: 'r2', content: TOOL_REFUSAL_MESSAGE },
    ]);
  });

  it('a server that exits is started again on the next call', async () => {
    const catalog = await registry.catalog('tiny');
    expect((await catalog.execute([call('bye', 'exit-after-answer', {})]))[0].content).toBe('goodbye');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const again = await registry.catalog('tiny');
    expect((await again.execute([call('m', 'multiply', { a: 3, b: 5 })]))[0].content).toBe('15');
  });

  it('an unknown tool name is a configuration error', async () => {
    const catalog = await registry.catalog('tiny');
    await expect(catalog.execute([call('n', 'no-such-tool', {})])).rejects.toThrow(MCPConfigurationError);
  });
});

describe('tool aliases across servers', () => {
  it('detects a tool name offered by two servers', async () => {
    const failure = registry.catalog('both');
    await expect(failure).rejects.toThrow(DuplicateToolNameError);
    await expect(failure).rejects.toThrow(/'echo' is offered by both MCP server 'everything' and MCP server 'tiny'/);
  });

  it('routes each call to the server that owns the tool', async () => {
    const catalog = await registry.catalog('both-restricted');
    expect(catalog.definitions.map((d) => d.function.name)).toEqual(['get-sum', 'multiply']);
    const messages = await catalog.execute([call('s', 'get-sum', { a: 1, b: 2 }), call('m', 'multiply', { a: 6, b: 7 })]);
    expect(messages.map((m) => m.content)).toEqual(['The sum of 1 and 2 is 3.', '42']);
  });

  it('names allowed tools that no server offers', async () => {
    await expect(registry.catalog('missing-tool')).rejects.toThrow(/names tools no server offers: 'divide', 'modulo'/);
  });

  it('an unknown tool alias is "not registered"', async () => {
    await expect(registry.catalog('nope')).rejects.toThrow(/Tool alias 'nope' is not registered/);
  });

  it('a server that cannot start is a configuration error naming it', async () => {
    const failure = registry.catalog('broken');
    await expect(failure).rejects.toThrow(MCPConfigurationError);
    await expect(failure).rejects.toThrow(/MCP server 'broken'/);
  });
});
