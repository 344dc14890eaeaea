// Child-process entry: the fake provider the soak calls, in its own process so its CPU and heap
// are not the client's. argv[2] is the JSON of FakeProviderOptions. Talks over the IPC channel:
// it sends {type:'ready', url} once listening, answers {type:'stats'} with its counters, and
// closes on {type:'stop'} (or when the parent goes away).
import { startFakeProvider, type FakeProviderOptions } from '../fake-provider/fake-provider-server.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as FakeProviderOptions;
const provider = await startFakeProvider({ ...options, port: 0 });
const send = (message: unknown): void => {
  process.send?.(message);
};
send({ type: 'ready', url: provider.url });
process.on('message', (message: { type?: string }) => {
  if (message.type === 'stats') send({ type: 'stats', stats: provider.stats() });
  if (message.type === 'stop') void provider.close().then(() => process.disconnect?.());
});
process.on('disconnect', () => {
  void provider.close().then(() => process.exit(0));
});
