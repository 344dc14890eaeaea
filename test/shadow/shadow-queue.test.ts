// The shadow queue and its CPU budget: places are reserved before capture, shadow work past its
// share of the thread waits, drain() does not wait for the budget, close() forgets what waits.
// The budget reads a clock the test drives (its constructor's seam), not the real one.
import { describe, expect, it } from 'vitest';
import {
  BURST_WINDOW_MS,
  INITIAL_TASK_ESTIMATE_MICROS,
  MAX_DEBT_WINDOW_MS,
  ShadowCpuBudget,
  threadCpuMicros,
  type BudgetClock,
} from '../../src/shadow/shadow-cpu-budget.ts';
import { ShadowQueue } from '../../src/shadow/shadow-queue.ts';

function drivenClock(): BudgetClock & { at: number } {
  const clock = { at: 0, now: () => clock.at };
  return clock;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('shadow CPU budget', () => {
  it('refills at its share of wall time, up to a burst window, and holds runs while in debt', () => {
    const clock = drivenClock();
    const budget = new ShadowCpuBudget(0.05, clock);
    // A full bucket: 5 % of 250 ms = 12.5 ms of CPU.
    expect(budget.available).toBe(0.05 * BURST_WINDOW_MS * 1000);
    expect(budget.mayStart()).toBe(true);
    budget.spend(20_000); // a 20 ms run: 7.5 ms in debt
    expect(budget.mayStart()).toBe(false);
    // 7.5 ms of debt at 50 µs per ms takes 150 ms to pay back.
    expect(budget.retryInMs()).toBe(150);
    clock.at += 149;
    expect(budget.mayStart()).toBe(false);
    clock.at += 2;
    expect(budget.mayStart()).toBe(true);
    // Never more than the burst window's worth, however long it was idle.
    clock.at += 60_000;
    expect(budget.available).toBe(12_500);
    // A one-off cost far past the budget (a session's build) is forgiven past one second's worth.
    budget.spend(10_000_000);
    expect(budget.available).toBe(-0.05 * MAX_DEBT_WINDOW_MS * 1000);
    expect(budget.retryInMs()).toBe(MAX_DEBT_WINDOW_MS);
  });

  it('admits a sampled call only while the budget covers it and those already taken, at the measured cost of one', () => {
    const clock = drivenClock();
    const budget = new ShadowCpuBudget(0.05, clock); // 12.5 ms
    expect(budget.taskEstimate).toBe(INITIAL_TASK_ESTIMATE_MICROS);
    expect(budget.mayAdmit(12)).toBe(true); // 12.5 ms − 12 × 1 ms
    expect(budget.mayAdmit(13)).toBe(false);
    // Calls turn out to cost 3 ms each: the estimate moves towards it, and fewer are admitted.
    for (let i = 0; i < 30; i++) budget.taskCost(3000);
    expect(budget.taskEstimate).toBeGreaterThan(2990);
    expect(budget.taskEstimate).toBeLessThan(3000);
    expect(budget.mayAdmit(4)).toBe(true);
    expect(budget.mayAdmit(5)).toBe(false);
  });

  it('never holds work back at share 1', () => {
    const budget = new ShadowCpuBudget(1, drivenClock());
    budget.spend(10_000_000);
    expect(budget.mayStart()).toBe(true);
  });

  it('reads this thread’s CPU time', () => {
    const before = threadCpuMicros();
    let x = 0;
    for (let i = 0; i < 2_000_000; i++) x += Math.sqrt(i);
    expect(x).toBeGreaterThan(0);
    expect(threadCpuMicros()).toBeGreaterThan(before);
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
    const queue = new ShadowQueue(2, 1, new ShadowCpuBudget(1, drivenClock()));
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

  it('holds tasks while the budget is in debt, lets drain() run them, and forgets the waiting ones on close()', async () => {
    const clock = drivenClock();
    const budget = new ShadowCpuBudget(0.05, clock);
    const queue = new ShadowQueue(8, 1, budget);
    const log: string[] = [];
    const spending = (name: string) => ({
      ...recordingTask(log, name),
      run: async () => {
        log.push(`run ${name}`);
        budget.spend(100_000);
      },
    });
    for (const name of ['a', 'b', 'c']) queue.reserve()!.fill(spending(name));
    await turn();
    await turn();
    // 'a' started on a full bucket and left it 87.5 ms in debt: the others wait.
    expect(log).toEqual(['run a']);
    expect(queue.pending).toBe(2);
    await queue.drain();
    expect(log).toEqual(['run a', 'run b', 'run c']);

    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    clock.at += 1_000_000; // paid back
    queue.reserve()!.fill(recordingTask(log, 'd', hold));
    const late = queue.reserve()!;
    queue.reserve()!.fill(recordingTask(log, 'e'));
    await turn();
    expect(log.slice(3)).toEqual(['run d']);
    const closed = queue.close();
    expect(log.slice(4)).toEqual(['forgot e']);
    late.fill(recordingTask(log, 'f')); // a call settling after close
    expect(log.slice(5)).toEqual(['forgot f']);
    expect(queue.reserve()).toBeUndefined();
    release();
    await closed;
    expect(log.slice(6)).toEqual(['done d']);
    expect(queue.pending).toBe(0);
  });
});
