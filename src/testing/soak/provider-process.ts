// Starts src/testing/soak/fake-provider-child.ts in a separate Node process and reads its
// counters over IPC.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ProviderType } from '../../core/types.ts';
import type { FakeProviderOptions, FakeProviderStats } from '../fake-provider/fake-provider-server.ts';

const CHILD = fileURLToPath(new URL('./fake-provider-child.ts', import.meta.url));
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

export interface ProviderProcess {
  readonly pid: number;
  readonly endpoints: Record<ProviderType, string>;
  stats(): Promise<FakeProviderStats>;
  stop(): Promise<void>;
}

function nextMessage<T>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`fake provider process sent no "${type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: { type?: string } & T): void => {
      if (message.type !== type) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`fake provider process exited (code ${code}) before sending "${type}"`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export async function startProviderProcess(options: FakeProviderOptions): Promise<ProviderProcess> {
  const child = spawn(process.execPath, [CHILD, JSON.stringify(options)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const { url } = await nextMessage<{ url: string }>(child, 'ready', START_TIMEOUT_MS);
  return {
    pid: child.pid!,
    endpoints: { openai: `${url}/v1`, anthropic: url, bedrock: url },
    stats: async () => {
      const reply = nextMessage<{ stats: FakeProviderStats }>(child, 'stats', START_TIMEOUT_MS);
      child.send({ type: 'stats' });
      return (await reply).stats;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        // The child exits once its server has closed; one that cannot is killed, never waited on forever.
        const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.disconnect();
      }),
  };
}
