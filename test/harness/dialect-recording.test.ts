// Issue 30: a provider's `dialect` changes the request its engines send, so a recording keeps it —
// `npm run record` writes it into the fixture and compare replays with it; without it the replay
// would send OpenAI's request and every recorded Mistral exchange would be a mismatch.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.ts';
import { ENGINES } from '../../src/testing/engines.ts';
import { loadFixtureFile } from '../../src/testing/fixture.ts';
import { recordWorkload } from '../../src/testing/record/record-workload.ts';
import { parseWorkload } from '../../src/testing/record/workload.ts';
import { runFixture } from '../../src/testing/run-fixture.ts';

let server: Server;
let url: string;
let dir: string;
const bodies: unknown[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'cmpl-1',
          object: 'chat.completion',
          model: 'mistral-small-latest',
          choices: [{ index: 0, message: { role: 'assistant', content: 'Hi.' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'dd-dialect-record-'));
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  await rm(dir, { recursive: true, force: true });
});

describe('recording a provider with a dialect', () => {
  it('the fixture names the dialect and replays in parity on every engine', async () => {
    const config = parseConfig({
      providers: [{ name: 'mistral', endpoint: `${url}/v1`, providerType: 'openai', apiKey: 'sk-literal-key', dialect: 'mistral' }],
      models: [{ alias: 'chat', model: 'mistral-small-latest', provider: 'mistral' }],
    });
    const workload = [{ name: 'hello', alias: 'chat', request: { messages: [{ role: 'user', content: 'Hello' }], tools: [] } }];
    const out = join(dir, 'recorded');
    const [result] = await recordWorkload(config, parseWorkload(workload, config, 'workload'), { outDir: out, env: {} });
    expect(result.outcome).toBe('ok');
    expect(bodies).toEqual([{ model: 'mistral-small-latest', messages: [{ role: 'user', content: 'Hello' }] }]);

    const fixture = await loadFixtureFile(join(out, 'openai', 'hello.json'));
    expect(fixture.dialect).toBe('mistral');
    for (const engine of ENGINES) {
      const run = await runFixture(fixture, engine);
      expect({ engine, ok: run.ok, diffs: run.diffs }).toEqual({ engine, ok: true, diffs: [] });
    }
  });
});
