// Provider extraHeaders (an Azure-style `api-key`, a gateway key) are part of what production
// sends — the facade merges them into every request — so `record` and `compare --live` must send
// them too, or recording against such an endpoint captures nothing but 401s. They are config,
// not traffic: neither the header nor its value may reach a recorded fixture.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.ts';
import { compareLive } from '../../src/testing/compare/live-compare.ts';
import { ENGINES } from '../../src/testing/engines.ts';
import { recordWorkload } from '../../src/testing/record/record-workload.ts';
import { parseWorkload } from '../../src/testing/record/workload.ts';

const GATEWAY_KEY = 'gw-planted-gateway-key-4242';

let server: Server;
let url: string;
let seen: IncomingHttpHeaders[] = [];
let dir: string;

beforeAll(async () => {
  // An OpenAI-compatible endpoint that, like a gateway, answers 401 without its key.
  server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => {
      if (req.headers['x-gateway-key'] !== GATEWAY_KEY) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'missing gateway key', type: 'invalid_request_error' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          model: 'gpt-4.1-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: 'Hi.' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'dd-provider-headers-'));
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  seen = [];
});

function setup() {
  const config = parseConfig({
    providers: [
      {
        name: 'gateway',
        endpoint: `${url}/v1`,
        providerType: 'openai',
        apiKey: 'sk-literal-key',
        extraHeaders: { 'x-gateway-key': GATEWAY_KEY },
      },
    ],
    models: [{ alias: 'chat', model: 'gpt-4.1-mini', provider: 'gateway' }],
  });
  return { config, calls: parseWorkload([{ name: 'hello', alias: 'chat' }], config, 'workload') };
}

describe('provider extraHeaders in record and live compare', () => {
  it('record sends them upstream and keeps header and value out of the fixture', async () => {
    const { config, calls } = setup();
    const out = join(dir, 'recorded');
    const [result] = await recordWorkload(config, calls, { outDir: out, env: {} });
    expect(seen.map((h) => h['x-gateway-key'])).toEqual([GATEWAY_KEY]);
    expect(result.outcome).toBe('ok');
    const files = await readdir(out, { recursive: true });
    const text = await readFile(join(out, 'openai', 'hello.json'), 'utf8');
    expect(files).toContain(join('openai', 'hello.json'));
    expect(text).not.toContain(GATEWAY_KEY);
    expect(text.toLowerCase()).not.toContain('x-gateway-key');
  });

  // compare runs both engines: it retires with legacy (phase 4), and so does this test.
  it.runIf(ENGINES.includes('legacy'))('compare --live sends them through both engines', async () => {
    const { config, calls } = setup();
    const [c] = await compareLive(config, calls, { file: 'workload', env: {} });
    expect(seen.map((h) => h['x-gateway-key'])).toEqual([GATEWAY_KEY, GATEWAY_KEY]);
    expect(c.legacy.ok && c.v2.ok).toBe(true);
    expect(JSON.stringify(c)).not.toContain(GATEWAY_KEY);
  });
});
