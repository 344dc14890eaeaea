// Issue 24: the fast path is honest. The generated suite sends its cases through one long-lived
// client per provider × engine (generated/wire-rig.ts) instead of a fresh client and replay server
// per call (src/testing/run-fixture.ts). For every chat case of the issue-11 generated set, both
// paths must put the same body on the wire and end the same way, on both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/core/types.ts';
import { canonicalJson } from '../../src/parity/json-diff.ts';
import { runFixture } from '../../src/testing/run-fixture.ts';
import { ENGINES, RUN_TIMEOUT_MS } from '../contract/support.ts';
import { generatedFixtures } from './canonical-requests.ts';
import { WireRig } from './generated/wire-rig.ts';

const CASES = generatedFixtures().filter((f) => f.operation === 'chat' && f.exchanges.length === 1);

let rig: WireRig;
beforeAll(async () => {
  rig = await WireRig.start(['openai', 'anthropic', 'bedrock'], ENGINES);
}, 60_000);
afterAll(async () => rig?.close());

describe('the wire rig sends what a fresh client sends', () => {
  for (const engine of ENGINES) {
    it(`${engine}: ${CASES.length} chat cases of the generated set, same body and same outcome`, async () => {
      const problems: string[] = [];
      let sent = 0;
      for (const fixture of CASES) {
        const fresh = await runFixture(fixture, engine, { timeoutMs: RUN_TIMEOUT_MS });
        // The rig's client is configured with the same model id; the request names it too.
        const fast = await rig.call(fixture.provider, engine, { ...(fixture.request as object), model: fixture.model } as ChatRequest);
        const path = (p: string) => p.split('?')[0];
        const a = canonicalJson(fresh.requests.map((r) => ({ path: path(r.path), body: r.body })));
        const b = canonicalJson(fast.requests.map((r) => ({ path: path(r.path), body: r.body })));
        if (fast.requests.length > 0) sent += 1;
        if (a !== b) problems.push(`${fixture.name}: bodies differ\n  fresh ${a.slice(0, 300)}\n  rig   ${b.slice(0, 300)}`);
        if (fresh.ok !== fast.ok || fresh.error?.type !== fast.error?.type) {
          problems.push(`${fixture.name}: fresh ${fresh.error?.type ?? 'ok'}, rig ${fast.error?.type ?? 'ok'}`);
        }
      }
      expect(problems, problems.join('\n')).toEqual([]);
      // The set is written to be accepted: nearly every case reaches the wire, so bodies are compared.
      expect(sent).toBeGreaterThan(CASES.length * 0.9);
    }, 300_000);
  }
});
