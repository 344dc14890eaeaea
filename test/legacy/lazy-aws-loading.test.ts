import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../../src/models-legacy/index.ts', import.meta.url));

// Runs in a fresh process so nothing this test file imported can hide what the engine loads.
function awsModulesLoadedBy(script: string): string[] {
  const code = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({ resolve(specifier, context, next) { if (/^@(aws-sdk|aws-crypto|smithy)\\//.test(specifier)) seen.add(specifier); return next(specifier, context); } });
    const { createClient } = await import(${JSON.stringify(entry)});
    ${script}
    console.log(JSON.stringify([...seen].sort()));
  `;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'AKIDLAZYTEST', AWS_SECRET_ACCESS_KEY: 'lazy-test-secret' },
  });
  return JSON.parse(output.trim().split('\n').pop() ?? '[]');
}

const provider = (providerType: string, extra = '') =>
  `{ name: 'p', endpoint: 'http://127.0.0.1:9', providerType: '${providerType}', ${extra} }`;
const model = `{ alias: 'a', model: 'amazon.nova-micro-v1:0', provider: 'p', skipHealthCheck: false, inferenceParameters: { generationType: 'chat-completion', maxParallelRequests: 1 } }`;

describe('AWS signing packages load lazily', () => {
  it('are not loaded by importing the engine or building OpenAI and key-auth Bedrock clients', () => {
    const loaded = awsModulesLoadedBy(`
      const openai = createClient({ provider: ${provider('openai')}, model: ${model} });
      const bedrock = createClient({ provider: ${provider('bedrock', "apiKey: { reveal: () => 'k' }")}, model: ${model} });
      await openai.close(); await bedrock.close();
    `);
    expect(loaded).toEqual([]);
  });

  it('are loaded once a SigV4-signed Bedrock request is attempted', () => {
    const loaded = awsModulesLoadedBy(`
      const client = createClient({ provider: ${provider('bedrock', "region: 'us-east-1'")}, model: ${model} });
      await client.chat({ model: '', messages: [{ role: 'user', content: 'Hi' }] }, { timeoutMs: 2000, runtime: { sleep: async () => {} } }).catch(() => {});
      await client.close();
    `);
    expect(loaded).toEqual(expect.arrayContaining(['@aws-crypto/sha256-js', '@aws-sdk/credential-providers', '@smithy/signature-v4']));
  }, 20_000);
});
