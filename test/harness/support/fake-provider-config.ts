// A config whose providers all point at one fake provider, for the record and live-compare tests
// (and for re-recording test/harness/recorded/). Keys are secret references to env variables, so
// a test can plant values and then prove none of them reached a fixture or report.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FaultScriptInput } from '../../../src/testing/fake-provider/fault-script.ts';

/** Values planted in the environment of record/compare runs; none may appear in their output. */
export const PLANTED_SECRETS = {
  FAKE_OPENAI_KEY: 'sk-fake-planted-openai-key-000111222',
  FAKE_ANTHROPIC_KEY: 'fake-planted-anthropic-key-333444555',
  AWS_ACCESS_KEY_ID: 'AKIDFAKEPLANTED00001',
  AWS_SECRET_ACCESS_KEY: 'fake-planted-aws-secret-access-key-666777',
  AWS_SESSION_TOKEN: 'fake-planted-aws-session-token-888999000',
} as const;

/**
 * The first Anthropic request gets a 429 with a short hint, so one fixture records a retry (the
 * example workload's `anthropic-hello-after-429`). The file the docs pass to `npm run fake-provider
 * -- --script`, so the documented command and the tests serve the same faults.
 */
const ROUND_TRIP_FAULTS_FILE = 'test/harness/workloads/fake-provider-faults.json';
export const ROUND_TRIP_FAULTS: FaultScriptInput = JSON.parse(
  readFileSync(new URL(`../../../${ROUND_TRIP_FAULTS_FILE}`, import.meta.url), 'utf8'),
) as FaultScriptInput;

export function fakeProviderConfig(url: string): unknown {
  return {
    providers: [
      { name: 'fake-openai', endpoint: `${url}/v1`, providerType: 'openai', apiKey: 'FAKE_OPENAI_KEY' },
      { name: 'fake-anthropic', endpoint: url, providerType: 'anthropic', apiKey: 'FAKE_ANTHROPIC_KEY' },
      // No apiKey: the AWS credential chain (the planted env variables) and SigV4.
      { name: 'fake-bedrock', endpoint: url, providerType: 'bedrock', region: 'us-east-1' },
    ],
    models: [
      { alias: 'chat-openai', model: 'gpt-4.1-mini', provider: 'fake-openai', inferenceParameters: { temperature: 0.5, maxTokens: 64 } },
      {
        alias: 'embed-openai',
        model: 'text-embedding-3-small',
        provider: 'fake-openai',
        inferenceParameters: { generationType: 'embedding', dimensions: 8 },
      },
      { alias: 'chat-anthropic', model: 'claude-sonnet-4-5', provider: 'fake-anthropic' },
      { alias: 'chat-bedrock', model: 'us.amazon.nova-micro-v1:0', provider: 'fake-bedrock' },
      {
        alias: 'embed-titan',
        model: 'amazon.titan-embed-text-v2:0',
        provider: 'fake-bedrock',
        inferenceParameters: { generationType: 'embedding', dimensions: 256 },
      },
      {
        alias: 'embed-cohere',
        model: 'cohere.embed-english-v3',
        provider: 'fake-bedrock',
        inferenceParameters: { generationType: 'embedding' },
      },
    ],
  };
}

export async function writeFakeProviderConfig(dir: string, url: string): Promise<string> {
  const file = join(dir, 'config.json');
  await writeFile(file, JSON.stringify(fakeProviderConfig(url), null, 2));
  return file;
}
