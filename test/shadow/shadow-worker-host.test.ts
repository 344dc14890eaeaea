// @retire-with-legacy: shadow mode (and its worker) goes with legacy
// The shadow worker host against real worker threads: a worker that dies fails the runs it held
// with the reason, is started again by the next run, and after MAX_WORKER_STARTS starts is not.
// (The real shadow worker is exercised end to end by shadow-mode.test.ts.)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_WORKER_STARTS, ShadowWorkerError, ShadowWorkerHost } from '../../src/shadow/shadow-worker-host.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dd-shadow-worker-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function workerFile(name: string, body: string): Promise<URL> {
  const file = join(dir, name);
  await writeFile(file, `import { parentPort } from 'node:worker_threads';\n${body}\n`);
  return pathToFileURL(file);
}

const RUN = { session: 's', spec: { shadow: 'v2', providerType: 'openai', model: {}, provider: {} }, call: {} } as never;

describe('shadow worker host', () => {
  it('fails the runs a dying worker held, names why, starts a new one, and gives up after MAX_WORKER_STARTS', async () => {
    const url = await workerFile('dies.mjs', "parentPort.on('message', () => process.exit(3));");
    const host = new ShadowWorkerHost(url);
    for (let start = 1; start <= MAX_WORKER_STARTS; start++) {
      const failed = await host.run(RUN).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(ShadowWorkerError);
      expect((failed as Error).message).toBe('shadow worker stopped: exited with code 3');
    }
    const refused = await host.run(RUN).catch((error: unknown) => error);
    expect((refused as Error).message).toBe(`shadow worker not started again after ${MAX_WORKER_STARTS} starts (last: exited with code 3)`);
    await host.close();
  });

  it('settles each run with its own answer and describes a session once per worker', async () => {
    // Answers with the message it got: whether it carried the session's spec, and its call.
    const url = await workerFile(
      'echo.mjs',
      "parentPort.on('message', (m) => m.kind === 'close' ? parentPort.close() : parentPort.postMessage({ kind: 'verdict', id: m.id, verdict: { parity: 'spec' in m, diffs: [m.call] }, cpuMicros: 7 }));",
    );
    const host = new ShadowWorkerHost(url);
    const [first, second] = await Promise.all([
      host.run({ ...(RUN as object), call: { n: 1 } } as never),
      host.run({ ...(RUN as object), call: { n: 2 } } as never),
    ]);
    expect(first).toEqual({ verdict: { parity: true, diffs: [{ n: 1 }] }, cpuMicros: 7 });
    expect(second).toEqual({ verdict: { parity: false, diffs: [{ n: 2 }] }, cpuMicros: 7 });
    await host.close();
    await expect(host.run(RUN)).rejects.toThrow('shadow worker closed');
  });
});
