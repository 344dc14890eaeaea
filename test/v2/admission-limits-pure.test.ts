// The admission limit algorithms alone (src/models-v2/admission/limits/): pure arithmetic driven
// with explicit admission numbers and clock values, no timers, no promises, no fake clock.
import { describe, expect, it } from 'vitest';
import { AIMD_MAX_COOLDOWN_MS, AimdLimit } from '../../src/models-v2/admission/limits/aimd-limit.ts';
import {
  CapacityLimit,
  CROWDING_WINDOW,
  PROBE_INTERVAL_MAX_MS,
  PROBE_INTERVAL_MIN_MS,
  PROBE_PAYBACK_MIN_MS,
} from '../../src/models-v2/admission/limits/capacity-limit.ts';

const T0 = 1_700_000_000_000;

/** A limit of 8 with `admitted` admissions counted and the limit filled once. */
function capacity(cap = 8) {
  const limit = new CapacityLimit(cap);
  limit.saturate();
  return limit;
}

/** One process at 16 that probed to 17 (admissions 1–16), and held a full round there (17–33). */
function raisedTo17AndHeld() {
  const limit = capacity(64);
  limit.set(16, 0, T0, 'start');
  limit.saturate();
  for (let seq = 1; seq <= 16; seq += 1) limit.succeeded(seq);
  limit.applyProbe(limit.probe(T0 + 10_000, 64, 16)!, 16, T0);
  for (let seq = 17; seq <= 33; seq += 1) limit.succeeded(seq);
  return limit;
}

describe('CapacityLimit', () => {
  it('an isolated 429 is noise; the fourth among 16 admissions is a crowd', () => {
    const limit = capacity();
    expect(limit.refused(1, 16)).toBeUndefined();
    expect(limit.refused(2, 16)).toBeUndefined();
    expect(limit.refused(3, 16)).toBeUndefined();
    const cut = limit.refused(4, 16);
    const reason = '4 of the last 16 attempts got 429 without an empty rate bucket';
    expect(cut).toEqual({ from: 8, floor: 1, reason, probeIntervalMs: 250 });
    expect(limit.value).toBe(8);
  });

  it('three 429s are noise even when they are most of the admissions', () => {
    const limit = capacity();
    for (const seq of [1, 2, 3]) expect(limit.refused(seq, 4)).toBeUndefined();
    expect(limit.refused(4, 4)?.reason).toBe('4 of the last 4 attempts got 429 without an empty rate bucket');
  });

  it('four 429s among more than 16 admissions are below a quarter: still noise', () => {
    const limit = capacity();
    for (const seq of [1, 2, 3, 4]) expect(limit.refused(seq, 17)).toBeUndefined();
    expect(limit.refused(5, 17)).toBeDefined();
  });

  it('only the last CROWDING_WINDOW admissions count', () => {
    const limit = capacity();
    for (const seq of [1, 2, 3]) limit.refused(seq, 3);
    // 3 old refusals fall out of the window once 64 more attempts were admitted.
    expect(limit.refused(CROWDING_WINDOW + 4, CROWDING_WINDOW + 4)).toBeUndefined();
    // A refusal of an attempt admitted before the window is not news.
    expect(limit.refused(2, CROWDING_WINDOW + 10)).toBeUndefined();
  });

  it('a cut lands on what was served, never on the old value, never below the floor', () => {
    const cut = { from: 8, floor: 1, reason: 'r', probeIntervalMs: 250 };
    expect(CapacityLimit.cutTo(cut, 5)).toBe(5);
    expect(CapacityLimit.cutTo(cut, 12)).toBe(7);
    expect(CapacityLimit.cutTo(cut, 0)).toBe(1);
    expect(CapacityLimit.cutTo({ ...cut, floor: 6 }, 2)).toBe(6);
  });

  it('after a cut, probes wait PROBE_INTERVAL_MIN_MS and a full round of successes at a filled limit', () => {
    const limit = capacity();
    for (const seq of [1, 2, 3]) limit.refused(seq, 16);
    const change = limit.applyCut(limit.refused(4, 16)!, 5, 16, T0);
    expect(change).toEqual({ at: T0, from: 8, to: 5, reason: '4 of the last 16 attempts got 429 without an empty rate bucket' });
    expect(limit.ceiling).toBe(8);
    // Attempts admitted before the change no longer count.
    expect(limit.succeeded(16)).toBe(false);
    for (let seq = 17; seq < 22; seq += 1) expect(limit.succeeded(seq)).toBe(true);
    expect(limit.probe(T0 + PROBE_INTERVAL_MIN_MS, 8, 1000)).toBeUndefined(); // never filled at 5
    limit.saturate();
    expect(limit.probe(T0 + PROBE_INTERVAL_MIN_MS - 1, 8, 1000)).toBeUndefined();
    const probe = limit.probe(T0 + PROBE_INTERVAL_MIN_MS, 8, 1000);
    expect(probe).toEqual({ from: 5, to: 6, step: 1, confirmed: false, reason: 'probing: 5 successes at 5, all of it in use' });
  });

  it('a probe that holds a full round doubles the next step, up to the cap', () => {
    const limit = new CapacityLimit(4);
    limit.set(2, 0, T0, 'start');
    limit.saturate();
    limit.succeeded(1);
    limit.succeeded(2);
    limit.applyProbe(limit.probe(T0, 8, 1000)!, 2, T0);
    expect(limit.value).toBe(3);
    limit.saturate();
    for (const seq of [3, 4, 5]) limit.succeeded(seq);
    expect(limit.probe(T0, 8, 1000)).toMatchObject({ from: 3, to: 5, step: 2, confirmed: true });
    expect(limit.probe(T0, 4, 1000)).toMatchObject({ from: 3, to: 4 });
    expect(limit.probe(T0, 3, 1000)).toBeUndefined();
  });

  it('a refused probe falls back no lower than its start and doubles the wait up to PROBE_INTERVAL_MAX_MS', () => {
    const limit = new CapacityLimit(16);
    limit.set(4, 0, T0, 'start');
    let admitted = 0;
    let now = T0;
    const waits: number[] = [];
    for (let round = 0; round < 4; round += 1) {
      limit.saturate();
      for (let i = 0; i < limit.value; i += 1) limit.succeeded(++admitted);
      const probe = limit.probe(now + 10_000, 16, 1000)!;
      now += 10_000;
      limit.applyProbe(probe, admitted, now);
      expect(limit.value).toBe(5);
      for (let i = 0; i < 4; i += 1) admitted += 1;
      let cut;
      for (let seq = admitted - 3; seq <= admitted; seq += 1) cut = limit.refused(seq, admitted);
      expect(cut?.floor).toBe(4);
      expect(cut?.reason).toMatch(/^probe refused: /);
      limit.applyCut(cut!, CapacityLimit.cutTo(cut!, 0), admitted, now);
      expect(limit.value).toBe(4);
      waits.push(cut!.probeIntervalMs);
    }
    expect(waits).toEqual([500, PROBE_INTERVAL_MAX_MS, PROBE_INTERVAL_MAX_MS, PROBE_INTERVAL_MAX_MS]);
  });

  it('no probe while refusals gather in the window (4 of 64 is no crowd, but no place to raise from); once they leave it, the probe comes', () => {
    const limit = capacity(16);
    limit.set(8, 0, T0, 'start');
    limit.saturate();
    for (const seq of [10, 20, 30, 40]) expect(limit.refused(seq, 64)).toBeUndefined();
    for (let seq = 1; seq <= 8; seq += 1) limit.succeeded(seq);
    expect(limit.probe(T0, 16, 64)).toBeUndefined();
    // 64 admissions later the four refusals are out of the window.
    expect(limit.probe(T0, 16, 104)).toMatchObject({ from: 8, to: 9 });
  });

  it("fleet: the store's counts stand for this worker's — a full round of the fleet's successes probes, the fleet's refusals block it, and crowd by the same rule", () => {
    const limit = capacity(64);
    limit.set(16, 0, T0, 'start');
    limit.saturate();
    limit.fleetCounted({ succeeded: 15, refused: 0 });
    expect(limit.probe(T0, 64, 200)).toBeUndefined();
    limit.fleetCounted({ succeeded: 16, refused: 4 });
    expect(limit.probe(T0, 64, 200)).toBeUndefined();
    limit.fleetCounted({ succeeded: 17, refused: 3 });
    expect(limit.probe(T0, 64, 200)).toMatchObject({ from: 16, to: 17, reason: 'probing: 17 successes at 16, all of it in use' });
    // The crowd rule on the fleet's counts: at least 4, and a quarter of the window; a fleet's cut
    // gives up at most half the limit (its count of what the provider served lags).
    expect(limit.fleetRefused(3, 8)).toBeUndefined();
    expect(limit.fleetRefused(4, 17)).toBeUndefined();
    expect(limit.fleetRefused(4, 16)).toEqual({
      from: 16,
      floor: 8,
      reason: "4 of the last 16 of the fleet's attempts got 429 without an empty rate bucket",
      probeIntervalMs: PROBE_INTERVAL_MIN_MS,
    });
  });

  it("fleet: a raise another worker made is this worker's probe too (its start floors a refusing crowd, a full round at it doubles the step); an adopted cut starts again from +1", () => {
    const limit = capacity(64);
    limit.set(16, 0, T0, 'start');
    expect(limit.adopt(20, 10, T0, 'the shared limit changed')).toMatchObject({ from: 16, to: 20 });
    // Refused: the floor is the raise's start, as for the worker that made it.
    expect(limit.fleetRefused(5, 12)).toMatchObject({ from: 20, floor: 16, reason: expect.stringMatching(/^probe refused: /) });
    // Held for a full round: the next step doubles the raise's.
    limit.saturate();
    limit.fleetCounted({ succeeded: 20, refused: 0 });
    expect(limit.probe(T0 + 10_000, 64, 100)).toMatchObject({ from: 20, to: 28, step: 8, confirmed: true });
    limit.adopt(12, 100, T0, 'the shared limit changed');
    limit.saturate();
    limit.fleetCounted({ succeeded: 12, refused: 0 });
    expect(limit.probe(T0 + 10_000, 64, 200)).toMatchObject({ from: 12, to: 13, step: 1, confirmed: false });
  });

  it('fleet: a crowd above the level the fleet last raised from falls no lower than it, even after the raise held; a crowd at that level falls past it', () => {
    const limit = capacity(64);
    limit.set(16, 0, T0, 'start');
    limit.adopt(17, 10, T0, 'the shared limit changed');
    // The raise held a full round (it looked proven) before the crowd came.
    limit.fleetCounted({ succeeded: 17, refused: 0 });
    expect(limit.fleetRefused(16, 64)).toMatchObject({ from: 17, floor: 16, reason: expect.not.stringMatching(/probe refused/) });
    limit.set(16, 100, T0, 'cut');
    // At 16 the raise's floor no longer holds: a crowd there is the capacity falling (by half at most).
    expect(limit.fleetRefused(16, 64)).toMatchObject({ from: 16, floor: 8 });
    limit.set(5, 200, T0, 'cut');
    expect(limit.fleetRefused(16, 64)).toMatchObject({ from: 5, floor: 3 });
    // One process keeps its own rule: what it was serving (no raise floor after a held raise).
    const alone = raisedTo17AndHeld();
    let cut;
    for (const seq of [34, 35, 36, 37, 38, 39]) cut = alone.refused(seq, 40);
    expect(cut).toMatchObject({ from: 17, floor: 1 });
  });

  it('a raised level that keeps drawing refusals through a whole window (a few per cent) is given back to where the raise started', () => {
    const limit = raisedTo17AndHeld();
    // 4 refusals while fewer than 64 attempts were admitted at 17: too early to tell.
    for (const seq of [20, 30, 40]) expect(limit.refused(seq, 60)).toBeUndefined();
    expect(limit.refused(50, 60)).toBeUndefined();
    // A whole window at 17 with 5 of 64 refused: given back.
    expect(limit.refused(70, 80)).toEqual({
      from: 17,
      floor: 16,
      reason: 'raise refused: 5 of the last 64 attempts got 429 without an empty rate bucket',
      probeIntervalMs: 2 * PROBE_INTERVAL_MIN_MS,
    });
    // The fleet's counts, the same rule; a level never raised to keeps its noise.
    limit.set(16, 100, T0, 'cut');
    expect(limit.fleetRefused(5, 64)).toBeUndefined();
    limit.adopt(17, 200, T0, 'the shared limit changed');
    expect(limit.fleetRefused(5, 63)).toBeUndefined();
    expect(limit.fleetRefused(5, 64)).toMatchObject({ from: 17, floor: 16, reason: expect.stringMatching(/^raise refused: /) });
  });

  it('a probe refused back to a level that was itself a raise still gives that level back when it draws refusals a whole window long', () => {
    // The trace behind the 429s at 3 ms (docs/benchmarks.md, fifth pass): 16 → 17 held a round, the
    // next probe doubled to 19, a crowd refused it back to 17 — and 17 then drew a few per cent of
    // refusals for seconds, because the fall had forgotten that 17 was a raise from 16.
    const limit = raisedTo17AndHeld();
    limit.saturate();
    const probe = limit.probe(T0 + 10_000, 64, 33)!;
    expect(probe).toMatchObject({ from: 17, to: 19, step: 2, confirmed: true });
    limit.applyProbe(probe, 33, T0 + 10_000);
    let cut;
    for (const seq of [34, 35, 36, 37]) cut = limit.refused(seq, 40);
    expect(cut).toMatchObject({ from: 19, floor: 17, reason: expect.stringMatching(/^probe refused: /) });
    limit.applyCut(cut!, CapacityLimit.cutTo(cut!, 17), 40, T0 + 10_100);
    expect(limit.value).toBe(17);
    // At 17 again: noise while the window fills, then given back to 16, where the first raise started.
    for (const seq of [50, 60, 70, 80]) expect(limit.refused(seq, 100)).toBeUndefined();
    expect(limit.refused(90, 104)).toMatchObject({ from: 17, floor: 16, reason: expect.stringMatching(/^raise refused: /) });
    // The fleet's counts, the same: a crowd at 17 falls no lower than 16; at 16 the raise is forgotten.
    expect(limit.fleetRefused(16, 64)).toMatchObject({ from: 17, floor: 16 });
    limit.set(16, 200, T0 + 11_000, 'given back');
    expect(limit.fleetRefused(5, 64)).toBeUndefined();
    expect(limit.fleetRefused(16, 64)).toMatchObject({ from: 16, floor: 8 });
  });

  it('no probe when the demand ends within the payback time: twice the last Retry-After, at least PROBE_PAYBACK_MIN_MS', () => {
    const limit = raisedTo17AndHeld();
    limit.saturate();
    expect(limit.probePaybackMs).toBe(PROBE_PAYBACK_MIN_MS);
    expect(limit.probe(T0 + 10_000, 64, 33, PROBE_PAYBACK_MIN_MS - 1)).toBeUndefined();
    expect(limit.probe(T0 + 10_000, 64, 33, PROBE_PAYBACK_MIN_MS)).toMatchObject({ from: 17 });
    // A provider that asks for 5 s between attempts: a probe needs 10 s of demand left.
    limit.retryAfterSeen(5_000);
    expect(limit.probePaybackMs).toBe(10_000);
    expect(limit.probe(T0 + 10_000, 64, 33, 9_999)).toBeUndefined();
    expect(limit.probe(T0 + 10_000, 64, 33)).toMatchObject({ from: 17 });
  });

  it('setting the same value reports no change; a new value is the last change', () => {
    const limit = new CapacityLimit(8);
    expect(limit.set(8, 3, T0, 'same')).toBeUndefined();
    expect(limit.lastChange).toBeUndefined();
    expect(limit.set(3, 3, T0 + 5, 'why')).toEqual({ at: T0 + 5, from: 8, to: 3, reason: 'why' });
    expect(limit.isCurrent(3)).toBe(false);
    expect(limit.isCurrent(4)).toBe(true);
  });
});

describe('AimdLimit', () => {
  it('cuts ×0.75 once per 429 cascade and cools down for Retry-After', () => {
    const limit = new AimdLimit(8);
    expect(limit.record({ kind: 'rate_limited', retryAfterMs: 5000 }, T0, 2, 8)).toEqual({
      at: T0,
      from: 8,
      to: 6,
      reason: '429 (first of its cascade)',
    });
    expect(limit.record({ kind: 'rate_limited' }, T0 + 1, 1, 8)).toBeUndefined();
    expect(limit.value).toBe(6);
    expect(limit.blockedUntil).toBe(T0 + 5000);
    expect(limit.cooldownMs(T0 + 1000)).toBe(4000);
    expect(limit.cooldownMs(T0 + 5000)).toBe(0);
    // A failure while the burst still runs keeps the cascade; once it drained, the next 429 cuts again.
    limit.record({ kind: 'failure' }, T0 + 2, 1, 8);
    expect(limit.record({ kind: 'rate_limited' }, T0 + 3, 1, 8)).toBeUndefined();
    limit.record({ kind: 'failure' }, T0 + 4, 0, 8);
    expect(limit.record({ kind: 'rate_limited' }, T0 + 5, 0, 8)?.to).toBe(4);
  });

  it('a missing or out-of-range Retry-After cools down for the tuned default', () => {
    const limit = new AimdLimit(8, { cooldownMs: 3000 });
    limit.record({ kind: 'rate_limited', retryAfterMs: AIMD_MAX_COOLDOWN_MS + 1 }, T0, 0, 8);
    expect(limit.blockedUntil).toBe(T0 + 3000);
    limit.record({ kind: 'rate_limited', retryAfterMs: 0 }, T0 + 10, 0, 8);
    expect(limit.blockedUntil).toBe(T0 + 3010);
  });

  it('adds one after 25 straight successes, never above the cap', () => {
    const limit = new AimdLimit(4);
    limit.record({ kind: 'rate_limited' }, T0, 0, 4);
    expect(limit.value).toBe(3);
    const changes = Array.from({ length: 75 }, (_, i) => limit.record({ kind: 'success' }, T0 + i, 0, 4)).filter(Boolean);
    expect(changes).toEqual([{ at: T0 + 24, from: 3, to: 4, reason: '25 straight successes' }]);
    expect(limit.value).toBe(4);
  });

  it('a cooldown is sat out once per value, and a clock it was not set by is not ours to wait for', () => {
    const limit = new AimdLimit(2);
    limit.record({ kind: 'rate_limited', retryAfterMs: 1000 }, T0, 0, 2);
    expect(limit.cooldownMs(T0, T0 + 1000)).toBe(0);
    expect(limit.cooldownMs(T0, T0 + 999)).toBe(1000);
    expect(limit.cooldownMs(T0 - AIMD_MAX_COOLDOWN_MS)).toBe(0);
  });

  it('clamps to a smaller cap, never up', () => {
    const limit = new AimdLimit(8);
    expect(limit.clamp(10, T0)).toBeUndefined();
    expect(limit.clamp(3, T0)).toEqual({ at: T0, from: 8, to: 3, reason: 'a smaller maxParallelRequests registered' });
    expect(limit.value).toBe(3);
  });
});
