// The shadow queue and its load gate: places are reserved before capture, a busy event loop holds
// shadow runs to a trickle, drain() does not wait for the gate, close() forgets what waits.
// The gate reads a clock the test drives (its constructor's seam), not the real event loop.
import { describe, expect, it } from 'vitest';
import { BUSY_RUN_INTERVAL_MS, LOAD_WINDOW_MS, ShadowLoadGate, type LoadGateClock } from '../../src/shadow/shadow-load-gate.ts';
import { ShadowQueue } from '../../src/shadow/shadow-queue.ts';

function drivenClock(): LoadGateClock & { at: number; busy: number } {
  const clock = { at: 0, busy: 0, now: () => clock.at, utilization: () => clock.busy };
  return clock;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('shadow load gate', () => {
  it('lets runs start freely below maxLoad and trickles them above it', () => {
    const clock = drivenClock();
    const gate = new ShadowLoadGate(0.5, clock);
    // No full window read yet: load 0.
    expect(gate.tryStart()).toBe(true);
    expect(gate.tryStart()).toBe(true);
    clock.busy = 0.9;
    clock.at += LOAD_WINDOW_MS;
    expect(gate.load).toBe(0.9);
    // Busy: one run now, the next only a trickle interval later.
    expect(gate.tryStart()).toBe(true);
    expect(gate.tryStart()).toBe(false);
    clock.at += BUSY_RUN_INTERVAL_MS - 1;
    expect(gate.tryStart()).toBe(false);
    expect(gate.retryInMs()).toBeGreaterThanOrEqual(1);
    clock.at += 1;
    expect(gate.tryStart()).toBe(true);
    // The loop calms down: the next reading opens the gate again.
    clock.busy = 0.2;
    clock.at += LOAD_WINDOW_MS;
    expect(gate.tryStart()).toBe(true);
    expect(gate.tryStart()).toBe(true);
  });

  it('never holds runs back at maxLoad 1', () => {
    const clock = drivenClock();
    const gate = new ShadowLoadGate(1, clock);
    clock.busy = 1;
    clock.at += LOAD_WINDOW_MS;
    for (let i = 0; i < 5; i++) expect(gate.tryStart()).toBe(true);
  });
});

describe('shadow queue', () => {
  function recordingTask(log: string[], name: string, hold?: Promise<void>) {
    return {
      run: async () => {
        log.push(`run ${name}`);
        await hold;
        log.push(`done ${name}`);
      },
      forget: () => log.push(`forgot ${name}`),
    };
  }

  it('counts reserved places against its size and gives unused ones back', () => {
    const queue = new ShadowQueue(2, 1, new ShadowLoadGate(1, drivenClock()));
    const a = queue.reserve();
    const b = queue.reserve();
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(queue.reserve()).toBeUndefined();
    a!.release();
    a!.release(); // twice is once
    expect(queue.pending).toBe(1);
    expect(queue.reserve()).toBeDefined();
    expect(queue.reserve()).toBeUndefined();
  });

  it('holds tasks while the loop is busy, lets drain() run them, and forgets the waiting ones on close()', async () => {
    const clock = drivenClock();
    const gate = new ShadowLoadGate(0.5, clock);
    clock.busy = 1;
    clock.at += LOAD_WINDOW_MS;
    const queue = new ShadowQueue(8, 1, gate);
    const log: string[] = [];
    for (const name of ['a', 'b', 'c']) queue.reserve()!.fill(recordingTask(log, name));
    await turn();
    await turn();
    // The trickle's one run started; the others wait for the gate.
    expect(log).toEqual(['run a', 'done a']);
    expect(queue.pending).toBe(2);
    await queue.drain();
    expect(log).toEqual(['run a', 'done a', 'run b', 'done b', 'run c', 'done c']);

    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    clock.at += BUSY_RUN_INTERVAL_MS;
    queue.reserve()!.fill(recordingTask(log, 'd', hold));
    const late = queue.reserve()!;
    queue.reserve()!.fill(recordingTask(log, 'e'));
    await turn();
    expect(log.slice(6)).toEqual(['run d']);
    const closed = queue.close();
    expect(log.slice(7)).toEqual(['forgot e']);
    late.fill(recordingTask(log, 'f')); // a call settling after close
    expect(log.slice(8)).toEqual(['forgot f']);
    expect(queue.reserve()).toBeUndefined();
    release();
    await closed;
    expect(log.slice(9)).toEqual(['done d']);
    expect(queue.pending).toBe(0);
  });
});
