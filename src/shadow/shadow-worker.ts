// The shadow worker: a worker thread that hosts the shadow sessions and runs the shadow calls, so
// that the other engine's call, the replay server and the comparison never hold the primary's
// event loop (docs/shadow-mode.md, "Where shadow runs execute"). Started by ShadowWorkerHost;
// answers every run with a verdict or a failure, and the CPU this thread spent on it.
import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { loadClientFactory } from '../engine.ts';
import { threadCpuMicros } from './shadow-cpu-budget.ts';
import { runShadow } from './shadow-run.ts';
import { ShadowSession } from './shadow-session.ts';
import type { FromShadowWorker, RunShadowMessage, ToShadowWorker } from './shadow-worker-messages.ts';

/**
 * Lowers this thread to the lowest scheduling priority where the platform allows it per thread
 * (Linux: setpriority on the thread's id, read from /proc/thread-self), so that under CPU
 * contention the primary's thread — and anything else on the machine — goes first. Elsewhere the
 * thread keeps normal priority and only the CPU budget holds it back.
 */
function lowerPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, constants.priority.PRIORITY_LOW);
  } catch {
    // No /proc, or not allowed: normal priority.
  }
}

lowerPriority();
const port = parentPort;
const sessions = new Map<string, ShadowSession>();

function reply(message: FromShadowWorker): void {
  port?.postMessage(message);
}

async function run(message: RunShadowMessage): Promise<void> {
  const start = threadCpuMicros();
  try {
    let session = sessions.get(message.session);
    if (!session) {
      if (!message.spec) throw new Error(`shadow worker: session '${message.session}' was never described to it`);
      session = new ShadowSession(message.spec, { loadFactory: loadClientFactory, admission: message.admission });
      sessions.set(message.session, session);
    }
    const { parity, diffs } = await runShadow(message.call, session);
    // Only what the registry's thread counts and writes crosses back (no bodies to deserialize there).
    reply({ kind: 'verdict', id: message.id, verdict: { parity, diffs }, cpuMicros: threadCpuMicros() - start });
  } catch (error) {
    const what = error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
    reply({ kind: 'failed', id: message.id, error: what, cpuMicros: threadCpuMicros() - start });
  }
}

async function close(): Promise<void> {
  await Promise.all([...sessions.values()].map((session) => session.close()));
  sessions.clear();
  reply({ kind: 'closed' });
  port?.close();
}

port?.on('message', (message: ToShadowWorker) => {
  if (message.kind === 'close') void close();
  else void run(message);
});
