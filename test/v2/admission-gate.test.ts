// The waiting room both admission policies share (src/models-v2/admission/admission-gate.ts),
// driven with a tiny rule set of its own: FIFO, cancel, queue deadline, one wait for the head.
import { describe, expect, it } from 'vitest';
import { ModelRequestAdmissionTimeoutError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { AdmissionPermit } from '../../src/models-v2/admission/admission.ts';
import { AdmissionGate, type GateRules } from '../../src/models-v2/admission/admission-gate.ts';
import type { AdmissionContext } from '../../src/models-v2/admission/admission-context.ts';
import { AimdAdmission } from '../../src/models-v2/admission/aimd-admission.ts';
import { CapacityAdmission } from '../../src/models-v2/admission/capacity-admission.ts';
import { recordingRuntime } from './factory-args.ts';

/** A gate with `slots` slots and a wait the test sets for whoever is at the head. */
function gateWith(slots: number, queueTimeoutMs?: number) {
  let inFlight = 0;
  const admitted: string[] = [];
  const control = { headWaitMs: 0 };
  const rules: GateRules = {
    hasRoom: () => inFlight < slots,
    waitMs: (head) => (head.pacedUntil !== undefined ? 0 : control.headWaitMs),
    admit: (head) => {
      inFlight += 1;
      admitted.push(head.modelAlias ?? '?');
      return { release: () => ((inFlight -= 1), gate.admitWhile(rules)) } as AdmissionPermit;
    },
  };
  const context = { provider: 'prov', model: 'm', aliases: ['first'], logger: silentLogger, ...(queueTimeoutMs ? { queueTimeoutMs } : {}) };
  const gate: AdmissionGate = new AdmissionGate(context, () => gate.admitWhile(rules));
  return { gate, admitted, control };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('admission gate', () => {
  it('admits first come, first served, one per freed slot', async () => {
    const { gate, admitted } = gateWith(1);
    const runtime = recordingRuntime();
    const permits = ['a', 'b', 'c'].map((alias) => gate.enter(runtime, undefined, { modelAlias: alias }));
    expect(admitted).toEqual(['a']);
    expect(gate.size).toBe(2);
    expect(gate.peek(5).map((w) => w.modelAlias)).toEqual(['b', 'c']);
    (await permits[0]).release({ kind: 'success' });
    expect(admitted).toEqual(['a', 'b']);
    (await permits[1]).release({ kind: 'success' });
    expect(admitted).toEqual(['a', 'b', 'c']);
  });

  it('a cancelled waiter leaves with its signal reason and the next one moves up', async () => {
    const { gate, admitted } = gateWith(1);
    const runtime = recordingRuntime();
    const held = await gate.enter(runtime, undefined, { modelAlias: 'held' });
    const controller = new AbortController();
    const cancelled = gate.enter(runtime, controller.signal, { modelAlias: 'cancelled' });
    const next = gate.enter(runtime, undefined, { modelAlias: 'next' });
    controller.abort(new Error('caller gave up'));
    await expect(cancelled).rejects.toThrow('caller gave up');
    held.release({ kind: 'success' });
    await next;
    expect(admitted).toEqual(['held', 'next']);
    await expect(gate.enter(runtime, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('the queue deadline rejects with ModelRequestAdmissionTimeoutError naming the alias', async () => {
    const { gate } = gateWith(1, 20);
    const runtime = recordingRuntime();
    await gate.enter(runtime);
    const waiting = gate.enter(runtime, undefined, { modelAlias: 'slow-alias' });
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelRequestAdmissionTimeoutError);
    expect(String((error as Error).message)).toContain('slow-alias');
    expect(gate.size).toBe(0);
  });

  it('only the head waits, once; after its wait it goes whatever the rule says', async () => {
    const { gate, admitted, control } = gateWith(2);
    const runtime = recordingRuntime();
    control.headWaitMs = 300;
    const first = gate.enter(runtime, undefined, { modelAlias: 'a' });
    const second = gate.enter(runtime, undefined, { modelAlias: 'b' });
    expect(admitted).toEqual([]);
    await first;
    expect(admitted).toEqual(['a']);
    await second;
    expect(admitted).toEqual(['a', 'b']);
    // One timer per head, one after the other: never two waits at once.
    expect(runtime.sleeps).toEqual([300, 300]);
    expect(gate.size).toBe(0);
    await tick();
  });
});

// Both policies wait in the one gate: the same order, cancel and deadline, whichever is configured.
describe.each([
  ['capacity', (context: AdmissionContext) => new CapacityAdmission(1, context)],
  ['aimd', (context: AdmissionContext) => new AimdAdmission(1, context)],
] as const)('the %s policy waits in the shared gate', (policy, build) => {
  const context = (queueTimeoutMs?: number): AdmissionContext => ({
    provider: 'prov',
    model: 'm',
    aliases: ['first'],
    logger: silentLogger,
    ...(queueTimeoutMs ? { queueTimeoutMs } : {}),
  });

  it('admits in arrival order and passes a cancelled waiter by', async () => {
    const admission = build(context());
    const runtime = recordingRuntime();
    const order: string[] = [];
    const held = await admission.acquire('chat', runtime);
    const controller = new AbortController();
    const waiting = ['a', 'cancelled', 'b', 'c'].map((name) =>
      admission.acquire('chat', runtime, name === 'cancelled' ? controller.signal : undefined).then((permit) => {
        order.push(name);
        return permit;
      }),
    );
    const cancelled = waiting[1].catch((error: unknown) => error);
    controller.abort(new Error('gone'));
    expect(await cancelled).toEqual(new Error('gone'));
    let permit = held;
    for (const index of [0, 2, 3]) {
      permit.release({ kind: 'success' });
      permit = await waiting[index];
    }
    permit.release({ kind: 'success' });
    expect(order).toEqual(['a', 'b', 'c']);
    expect(admission.snapshot()[0]).toMatchObject({ policy, inFlight: 0, queued: 0 });
  });

  it('the queue deadline rejects with ModelRequestAdmissionTimeoutError and leaves the queue', async () => {
    const admission = build(context(20));
    const runtime = recordingRuntime();
    await admission.acquire('chat', runtime);
    const error = await admission.acquire('chat', runtime, undefined, { modelAlias: 'late' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelRequestAdmissionTimeoutError);
    expect((error as Error).message).toContain('late');
    expect(admission.snapshot()[0]).toMatchObject({ inFlight: 1, queued: 0 });
  });
});
