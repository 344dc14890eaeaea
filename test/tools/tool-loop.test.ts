// The MCP tool loop end to end (reference §8 cases 46–49): each provider's tool-call response
// shape, through both engines, round-trips through real MCP servers over stdio
// (@modelcontextprotocol/server-everything and our tiny server), and the next request carries
// the tool turn in that provider's wire shape — thinking blocks and signatures included.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ModelGenerationValidationFailureError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { ChatMessage } from '../../src/core/types.ts';
import { ModelFacade } from '../../src/facade/model-facade.ts';
import type { ModelRegistry } from '../../src/facade/model-registry.ts';
import { jsonParser } from '../../src/facade/parsers/index.ts';
import { TOOL_REFUSAL_MESSAGE } from '../../src/tools/tool-catalog.ts';
import { MCPConfigurationError, MCPToolError } from '../../src/tools/tool-errors.ts';
import { PROVIDER_KITS, openaiKit, type ProviderKit, type ScriptedToolCall, type Turn } from '../facade/helpers/provider-replies.ts';
import { ENGINES, fastRuntime, scriptedRegistry } from '../facade/helpers/scripted-registry.ts';
import { ScriptedProvider } from '../facade/helpers/scripted-provider.ts';
import { everythingServer, tinyServer } from './fixtures/mcp-servers.ts';

const TOOLS = [
  {
    toolAlias: 'mixed',
    providers: ['everything', 'tiny'],
    allowTools: ['get-sum', 'get-tiny-image', 'lookup-capital', 'multiply', 'user-country', 'next-ticket'],
    timeoutSeconds: 20,
  },
  { toolAlias: 'budget-2', providers: ['tiny'], maxToolCallTurns: 2 },
  { toolAlias: 'budget-1', providers: ['tiny'], maxToolCallTurns: 1 },
  { toolAlias: 'budget-0', providers: ['tiny'], maxToolCallTurns: 0 },
  { toolAlias: 'restricted', providers: ['tiny'], allowTools: ['multiply'] },
  { toolAlias: 'broken', providers: ['broken'] },
];
const MCP_SERVERS = [
  everythingServer,
  tinyServer,
  { name: 'broken', transport: 'stdio' as const, command: '/nonexistent/mcp-server', args: [] },
];

interface ToolResult {
  id: string;
  content: string;
}

interface AssistantToolTurn {
  calls: ScriptedToolCall[];
  text?: string;
  reasoning?: string;
  signature?: string;
}

/** How each provider's wire must carry the prompt, a tool turn and its results. */
interface WireShape {
  user(text: string): unknown;
  assistantToolTurn(turn: AssistantToolTurn): unknown;
  toolResults(results: ToolResult[]): unknown[];
  assistantText(text: string): unknown;
}

const WIRE: Record<ProviderKit['type'], WireShape> = {
  openai: {
    user: (text) => ({ role: 'user', content: text }),
    assistantToolTurn: ({ calls, text, reasoning }) => ({
      role: 'assistant',
      content: text ?? null,
      ...(reasoning ? { reasoning_content: reasoning } : {}),
      tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.args) } })),
    }),
    toolResults: (results) => results.map((r) => ({ role: 'tool', tool_call_id: r.id, content: r.content })),
    assistantText: (text) => ({ role: 'assistant', content: text }),
  },
  anthropic: {
    user: (text) => ({ role: 'user', content: text }),
    assistantToolTurn: ({ calls, text, reasoning, signature }) => ({
      role: 'assistant',
      content: [
        ...(reasoning ? [{ type: 'thinking', thinking: reasoning, signature }] : []),
        ...(text ? [{ type: 'text', text }] : []),
        ...calls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: c.args })),
      ],
    }),
    toolResults: (results) => [
      { role: 'user', content: results.map((r) => ({ type: 'tool_result', tool_use_id: r.id, content: r.content })) },
    ],
    assistantText: (text) => ({ role: 'assistant', content: text }),
  },
  bedrock: {
    user: (text) => ({ role: 'user', content: [{ text }] }),
    assistantToolTurn: ({ calls, text, reasoning, signature }) => ({
      role: 'assistant',
      content: [
        ...(reasoning ? [{ reasoningContent: { reasoningText: { text: reasoning, ...(signature ? { signature } : {}) } } }] : []),
        ...(text ? [{ text }] : []),
        ...calls.map((c) => ({ toolUse: { toolUseId: c.id, name: c.name, input: c.args } })),
      ],
    }),
    toolResults: (results) => [
      { role: 'user', content: results.map((r) => ({ toolResult: { toolUseId: r.id, content: [{ text: r.content }] } })) },
    ],
    assistantText: (text) => ({ role: 'assistant', content: [{ text }] }),
  },
};

const toolCallIds: Record<ProviderKit['type'], (n: number) => string> = {
  openai: (n) => `call_bhZkmIKKItNGJ41whHUHB7p${n}`,
  anthropic: (n) => `toolu_01YGzqpRE16Vricda3Aqcej${n}`,
  bedrock: (n) => `tooluse_W9DaUFg4Tj2cRPpndqxWS${n}`,
};

describe.each(ENGINES)('tool loop on the %s engine', (engine) => {
  describe.each(PROVIDER_KITS)('$type provider', (kit) => {
    let server: ScriptedProvider;
    let registry: ModelRegistry;
    const wire = WIRE[kit.type];
    const id = toolCallIds[kit.type];

    beforeAll(async () => {
      server = await ScriptedProvider.start();
      registry = scriptedRegistry(kit, server, engine, {
        models: [
          { alias: 'model', model: kit.model },
          { alias: 'stats', model: kit.model },
        ],
        tools: TOOLS,
        mcpServers: MCP_SERVERS,
      });
    });
    afterAll(async () => {
      await registry.close();
      await server.close();
    });
    afterEach(() => {
      expect(server.overruns).toBe(0);
      server.reset();
    });

    function script(...turns: Turn[]): void {
      server.reply(...turns.map((turn) => kit.reply(turn)));
    }

    it('parallel tool calls from two MCP servers round-trip, and the trace has the right sequence', async () => {
      const calls = [
        { id: id(1), name: 'get-sum', args: { a: 2, b: 40 } },
        { id: id(2), name: 'lookup-capital', args: { country: 'France' } },
      ];
      script(
        { toolCalls: calls, usage: { input: 120, output: 40 } },
        { text: 'The sum is 42 and the capital of France is Paris.', usage: { input: 180, output: 15 } },
      );
      const { output, trace } = await registry
        .getModel('model')
        .generate('What is 2 + 40, and what is the capital of France?', { toolAlias: 'mixed' });

      expect(output).toBe('The sum is 42 and the capital of France is Paris.');
      expect(server.received.map((r) => r.path)).toEqual([kit.chatPath, kit.chatPath]);
      const [first, second] = server.bodies;
      expect(kit.toolNames(first).sort()).toEqual([
        'get-sum',
        'get-tiny-image',
        'lookup-capital',
        'multiply',
        'next-ticket',
        'user-country',
      ]);
      expect(kit.toolNames(second)).toEqual(kit.toolNames(first));
      const results = [
        { id: id(1), content: 'The sum of 2 and 40 is 42.' },
        { id: id(2), content: 'The capital of France is Paris.' },
      ];
      expect(kit.messages(second)).toEqual([
        wire.user('What is 2 + 40, and what is the capital of France?'),
        wire.assistantToolTurn({ calls }),
        ...wire.toolResults(results),
      ]);
      expect(trace.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'assistant']);
      expect(trace.filter((m) => m.role === 'tool')).toEqual(
        results.map((r) => ({ role: 'tool', tool_call_id: r.id, content: r.content })),
      );
    });

    it('an image tool result reaches the model as a text summary', async () => {
      script({ toolCalls: [{ id: id(3), name: 'get-tiny-image', args: {} }] }, { text: 'It is the MCP logo.' });
      await registry.getModel('model').generate('Show me the logo.', { toolAlias: 'mixed' });
      const results = kit.messages(server.bodies[1]).at(-1);
      expect(JSON.stringify(results)).toMatch(/Here's the image you requested:\\n\[image result: image\/png, \d+ bytes/);
    });

    it('reasoning and thinking blocks of a tool turn are sent back unchanged (signature included)', async () => {
      const calls = [{ id: id(4), name: 'user-country', args: {} }];
      const reasoning = 'The user asks about their country; I should call user-country first.';
      const signature =
        'ErcBCkgIBhABGAIiQDYN+P1S3ACL3r24cAMKCrRNiuPPxvmT2uzREPLRyKEUXagRbXn97QCke6L7OEZvlh7NdA/MQNTwMZV8TuB4qPASDLNxYxDx1S3luCIfARoMIwLZXwhsvjjTN72XIjAJrEl5ryAvv6C1+6YMCPC73ffE+kgwB96IcZaOuDFQtyaoWwcFcDPBguM6YNp5e3cqHbDQ3QF5dR4PP5q+3K23pual3pUdT/0e7khyIxXkGAI=';
      const text = "I'll check which country you're in.";
      script({ toolCalls: calls, reasoning, signature, text }, { text: 'The largest city in Mexico is Mexico City.' });
      const { trace } = await registry
        .getModel('model')
        .generate('What is the largest city in the user country?', { toolAlias: 'mixed', extra_body: extraBodyWithThinking(kit) });

      const sent = kit.messages(server.bodies[1]);
      expect(sent[1]).toEqual(wire.assistantToolTurn({ calls, text, reasoning, signature: kit.type === 'openai' ? undefined : signature }));
      expect(sent.slice(2)).toEqual(wire.toolResults([{ id: id(4), content: 'Mexico' }]));
      const toolTurn = trace[1] as Extract<ChatMessage, { role: 'assistant' }>;
      expect(toolTurn.reasoning_content).toBe(reasoning);
      if (kit.type !== 'openai') expect(toolTurn.thinking_blocks).toEqual([{ type: 'thinking', thinking: reasoning, signature }]);
    });

    // OpenAI-compatible providers have no redacted reasoning, so the case exists only for the others.
    const itWithRedaction = kit.type === 'openai' ? () => {} : it;
    itWithRedaction('redacted reasoning of a tool turn is sent back unchanged', async () => {
      const calls = [{ id: id(5), name: 'user-country', args: {} }];
      const redacted = 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP';
      script({ toolCalls: calls, redacted }, { text: 'Mexico City.' });
      await registry
        .getModel('model')
        .generate('Largest city in the user country?', { toolAlias: 'mixed', extra_body: extraBodyWithThinking(kit) });
      const [, toolTurn] = kit.messages(server.bodies[1]);
      const redactedBlock =
        kit.type === 'anthropic' ? { type: 'redacted_thinking', data: redacted } : { reasoningContent: { redactedContent: redacted } };
      expect(toolTurn.content[0]).toEqual(redactedBlock);
      expect(toolTurn.content.slice(1)).toEqual((wire.assistantToolTurn({ calls }) as { content: unknown[] }).content);
    });

    it('case 46: with maxToolCallTurns 2, three tool turns run twice, the third is refused, the answer wins', async () => {
      const turn = (n: number): Turn => ({ toolCalls: [{ id: id(10 + n), name: 'multiply', args: { a: n, b: 10 } }] });
      script(turn(1), turn(2), turn(3), { text: 'Done: 10, 20.' });
      const { output, trace } = await registry.getModel('model').generate('Multiply.', { toolAlias: 'budget-2' });
      expect(output).toBe('Done: 10, 20.');
      expect(trace.filter((m) => m.role === 'tool').map((m) => m.content)).toEqual(['10', '20', TOOL_REFUSAL_MESSAGE]);
      expect(server.received).toHaveLength(4);
      // Tools stay advertised after the budget is spent (the history holds tool turns).
      expect(kit.toolNames(server.bodies[3]).length).toBeGreaterThan(0);
    });

    it('case 46: with maxToolCallTurns 0 the first tool call is refused', async () => {
      script({ toolCalls: [{ id: id(20), name: 'multiply', args: { a: 1, b: 2 } }] }, { text: 'I will answer without tools: 2.' });
      const { output, trace } = await registry.getModel('model').generate('Multiply.', { toolAlias: 'budget-0' });
      expect(output).toBe('I will answer without tools: 2.');
      const tool = trace.find((m) => m.role === 'tool')!;
      expect(tool.content).toMatch(/refused/);
    });

    it('a model that keeps calling tools after a refusal is stopped after 2 refused turns (tool_budget)', async () => {
      const turn = (n: number): Turn => ({ toolCalls: [{ id: id(30 + n), name: 'multiply', args: { a: n, b: 1 } }] });
      script(turn(1), turn(2), turn(3));
      const error = await registry
        .getModel('model')
        .generate('Multiply forever.', { toolAlias: 'budget-1' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelGenerationValidationFailureError);
      const failure = error as ModelGenerationValidationFailureError;
      expect(failure.failureKind).toBe('tool_budget');
      expect(failure.message).toMatch(/tool budget of 1 tool-calling turn \(tool alias 'budget-1'\)/);
      expect(failure.solution).toMatch(/maxToolCallTurns/);
      expect(server.received).toHaveLength(3);
    });

    it('case 47: tool statistics across three generations', async () => {
      const stats = registry.getModel('stats');
      const call = (n: number) => ({ id: id(40 + n), name: 'multiply', args: { a: n, b: n } });
      script(
        // generation 1: 2 calls in 1 turn
        { toolCalls: [call(1), call(2)] },
        { text: 'one' },
        // generation 2: 4 calls over 2 turns
        { toolCalls: [call(3), call(4)] },
        { toolCalls: [call(5), call(6)] },
        { text: 'two' },
        // generation 3: no tool calls
        { text: 'three' },
      );
      for (let i = 0; i < 3; i++) await stats.generate('Go.', { toolAlias: 'mixed' });
      expect(stats.usage.snapshot().tools).toEqual({
        totalToolCalls: 6,
        totalToolCallTurns: 3,
        totalGenerations: 3,
        generationsWithTools: 2,
      });
      expect(stats.usage.snapshot().requests).toEqual({ successful: 6, failed: 0, total: 6 });
    });

    it('case 48: a restart resumes from the tool checkpoint without re-running the tools', async () => {
      script(
        { toolCalls: [{ id: id(50), name: 'next-ticket', args: {} }] },
        { text: 'no json here' },
        { text: '```json\n{"ticket": "taken"}\n```' },
      );
      const { output, trace } = await registry.getModel('model').generate('Take a ticket; answer as JSON.', {
        toolAlias: 'mixed',
        parser: jsonParser(),
        maxCorrectionSteps: 0,
        maxConversationRestarts: 1,
      });
      expect(output).toEqual({ ticket: 'taken' });
      const [, afterTool, afterRestart] = server.bodies.map((b) => kit.messages(b));
      expect(afterRestart).toEqual(afterTool);
      // The tool ran once: its single result is in the final trace.
      expect(trace.filter((m) => m.role === 'tool')).toHaveLength(1);
      expect(trace.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    });

    it('case 49: a call outside allowTools propagates as MCPToolError', async () => {
      script({ toolCalls: [{ id: id(60), name: 'lookup-capital', args: { country: 'Kenya' } }] });
      const error = await registry
        .getModel('model')
        .generate('Capital of Kenya?', { toolAlias: 'restricted' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MCPToolError);
      expect((error as Error).message).toMatch(/not permitted/);
    });
  });

  describe('case 49: tool alias resolution', () => {
    let server: ScriptedProvider;
    let registry: ModelRegistry;

    beforeAll(async () => {
      server = await ScriptedProvider.start();
      registry = scriptedRegistry(openaiKit, server, engine, { tools: TOOLS, mcpServers: MCP_SERVERS });
    });
    afterAll(async () => {
      await registry.close();
      await server.close();
    });
    afterEach(() => server.reset());

    it('a tool alias without a tool registry is an MCPConfigurationError', async () => {
      const facade = new ModelFacade({
        modelConfig: registry.getModelConfig('model'),
        provider: registry.getProvider('scripted'),
        getClient: () => registry.getClient('model'),
        runtime: fastRuntime,
        logger: silentLogger,
      });
      await expect(facade.generate('Hi', { toolAlias: 'mixed' })).rejects.toThrow(MCPConfigurationError);
      await expect(facade.generate('Hi', { toolAlias: 'mixed' })).rejects.toThrow(/no MCP tool registry is configured/);
      expect(server.received).toHaveLength(0);
    });

    it("cancelling during a tool call rejects with the caller's reason", async () => {
      server.reply(openaiKit.reply({ toolCalls: [{ id: 'call_sleep', name: 'sleep', args: { ms: 10_000 } }] }));
      const controller = new AbortController();
      const reason = new Error('row cancelled');
      const pending = registry.getModel('model').generate('Sleep.', { toolAlias: 'budget-2', signal: controller.signal });
      // Abort once the tool is running: the model has asked for it and the MCP call is in flight.
      while (server.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 200));
      controller.abort(reason);
      await expect(pending).rejects.toBe(reason);
      expect(server.received).toHaveLength(1);
    });

    it('an unknown tool alias is "not registered"', async () => {
      await expect(registry.getModel('model').generate('Hi', { toolAlias: 'nope' })).rejects.toThrow(/Tool alias 'nope' is not registered/);
      expect(server.received).toHaveLength(0);
    });

    it('without a tool alias no tools are sent and no MCP server is touched', async () => {
      server.reply(openaiKit.reply({ text: 'plain answer' }));
      // 'broken' cannot start; any attempt to list its tools would fail this call.
      const { output } = await registry.getModel('model').generate('Hi');
      expect(output).toBe('plain answer');
      expect(server.bodies[0]).not.toHaveProperty('tools');
      await expect(registry.getModel('model').generate('Hi', { toolAlias: 'broken' })).rejects.toThrow(/MCP server 'broken'/);
    });
  });
});

// Thinking must be switched on for Anthropic/Bedrock tool continuations to carry thinking blocks.
function extraBodyWithThinking(kit: ProviderKit): Record<string, unknown> | undefined {
  if (kit.type === 'openai') return undefined;
  return { thinking: { type: 'enabled', budget_tokens: 1024 } };
}
