// How many timers `run` started that are still pending once it has finished and one turn of the
// event loop has passed (async_hooks sees every Timeout, node-internal ones such as
// AbortSignal.timeout's included, and its destroy when it is cleared or has fired).
import { createHook } from 'node:async_hooks';
import type { SharedAdmissionDomain } from '../../src/models-v2/admission/store/admission-store.ts';

export async function timersLeftBy(run: () => Promise<void>): Promise<number> {
  const live = new Set<number>();
  const hook = createHook({
    init(id, type) {
      if (type === 'Timeout') live.add(id);
    },
    destroy(id) {
      live.delete(id);
    },
  });
  hook.enable();
  try {
    await run();
    await new Promise((resolve) => setImmediate(resolve));
    return live.size;
  } finally {
    hook.disable();
  }
}

/** `times` acquisitions of one slot on `domain`, each released at once (two store commands each). */
export async function acquireAndRelease(domain: SharedAdmissionDomain, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const reply = await domain.acquire([0], 4);
    await domain.release(reply!.grants[0]!.id, {});
  }
}
