// Run in a child process by lazy-sdk-loading.test.ts. Records every module URL resolved from the
// first line on, so the parent can tell which SDKs were loaded at each stage.
//   node sdk-load-probe.ts <openai-endpoint | "">
import { registerHooks } from 'node:module';

const resolved = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    resolved.add(result.url);
    return result;
  },
});

function report(stage: string): void {
  process.stdout.write(`${JSON.stringify({ stage, urls: [...resolved] })}\n`);
}

const library = await import('../../../src/index.ts');
report('import');

const endpoint = process.argv[2];
if (endpoint) {
  const registry = library.createModelRegistry(
    {
      providers: [{ name: 'local-vllm', endpoint, providerType: 'openai' }],
      models: [{ alias: 'small', model: 'tiny-model', provider: 'local-vllm' }],
    },
    { engine: 'v2', env: {}, logger: { debug() {}, info() {}, warn() {} } },
  );
  const client = await registry.getClient('small');
  const response = await client.chat({ model: 'tiny-model', messages: [{ role: 'user', content: 'Hello' }] });
  report(`call:${response.choices[0]?.message.content}`);
  await registry.close();
}
