// docs/architecture.md "Rules": importing the library loads no SDK, and a user with only OpenAI-compatible models
// never loads the Anthropic or AWS SDKs. Checked in a fresh child process, on resolved URLs.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackProvider, startLoopbackProvider } from './loopback-provider.ts';

const run = promisify(execFile);
const probe = fileURLToPath(new URL('./child/sdk-load-probe.ts', import.meta.url));

const SDKS = {
  openai: '/node_modules/openai/',
  anthropic: '/node_modules/@anthropic-ai/sdk/',
  bedrock: '/node_modules/@aws-sdk/client-bedrock-runtime/',
  smithyHttp: '/node_modules/@smithy/node-http-handler/',
  // The Redis client of the shared admission store: loaded only when a run configures that store.
  redis: '/node_modules/@redis/client/',
};

interface StageReport {
  stage: string;
  urls: string[];
}

async function runProbe(endpoint: string): Promise<StageReport[]> {
  const { stdout } = await run(process.execPath, [probe, endpoint], { timeout: 30_000 });
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as StageReport);
}

function loaded(report: StageReport, marker: string): boolean {
  return report.urls.some((url) => url.includes(marker));
}

let server: LoopbackProvider;

beforeAll(async () => {
  server = await startLoopbackProvider(() => ({
    status: 200,
    body: { id: 'c', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }] },
  }));
});

afterAll(async () => {
  await server.close();
});

describe('v2 loads SDKs lazily', () => {
  it('importing src/index.ts loads none of the SDKs', async () => {
    const [imported] = await runProbe('');
    expect(imported.stage).toBe('import');
    expect(imported.urls.some((url) => url.endsWith('/src/index.ts'))).toBe(true);
    for (const marker of Object.values(SDKS)) expect(loaded(imported, marker), marker).toBe(false);
  });

  it('one OpenAI-compatible call loads openai and neither the Anthropic nor the AWS SDK', async () => {
    const [imported, called] = await runProbe(`${server.url}/v1`);
    expect(loaded(imported, SDKS.openai)).toBe(false);
    expect(called.stage).toBe('call:hi');
    expect(loaded(called, SDKS.openai)).toBe(true);
    expect(loaded(called, SDKS.anthropic)).toBe(false);
    expect(loaded(called, SDKS.bedrock)).toBe(false);
    expect(loaded(called, SDKS.smithyHttp)).toBe(false);
    expect(loaded(called, SDKS.redis)).toBe(false);
    expect(server.requests.at(-1)?.path).toBe('/v1/chat/completions');
  });
});
