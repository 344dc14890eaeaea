// Every file of the shared wire corpus, read in place and replayed through each engine as SPEC
// §10 allows for fixtures without request/expect: the call is a single user "Hello". The corpus
// holds real traffic the engines were not written against, so the bar is robustness: no crash,
// a canonical response or a docs/contract.md "Errors" error, nothing off the loopback, and exactly the recorded
// number of requests (the multi-attempt files were composed to match the attempt budgets).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadFixtures, type LoadedFixture } from '../../src/testing/fixture.ts';
import { runFixture } from '../../src/testing/run-fixture.ts';
import { installNetworkGuard, type NetworkGuard } from './network-guard.ts';
import {
  chatShapeProblems,
  CLIENT_ERROR_CLASSES,
  embeddingShapeProblems,
  ENGINES,
  outcome,
  REPO_ROOT,
  RUN_TIMEOUT_MS,
  show,
  WIRE_CORPUS_DIR,
} from './support.ts';

// Required, never skipped: CI clones the repo with shared/ beside it, and a missing corpus must
// fail loudly (loadFixtures names the missing directory) rather than pass with nothing checked.
const corpus: LoadedFixture[] = await loadFixtures([WIRE_CORPUS_DIR], REPO_ROOT);

let guard: NetworkGuard;
beforeAll(() => {
  guard = installNetworkGuard();
});
afterAll(() => guard?.uninstall());
beforeEach(() => {
  guard?.take();
});

describe(`wire corpus (${WIRE_CORPUS_DIR})`, () => {
  it('is all there', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(139);
  });

  describe.each(ENGINES)('%s engine', (engine) => {
    for (const { file, fixture } of corpus) {
      it(fixture.name, async () => {
        const run = await runFixture(fixture, engine, { timeoutMs: RUN_TIMEOUT_MS });
        const problems: string[] = [];
        for (const where of guard.take()) problems.push(`network: a connection to ${where} left the loopback`);
        if (run.ok) {
          const shape = fixture.operation === 'embedding' ? embeddingShapeProblems(run.response, 1) : chatShapeProblems(run.response);
          for (const p of shape) problems.push(`shape: ${p}`);
        } else if (!CLIENT_ERROR_CLASSES.has(run.error?.type ?? '')) {
          problems.push(`error ${run.error?.type} is not a docs/contract.md "Errors" class a client may raise: ${run.error?.message}`);
        }
        for (const d of run.diffs) {
          // docs/contract.md "Fixtures": without `request` the call is the default "Hello" and recorded bodies are
          // not compared — only the request count and order are part of the claim here.
          if (d.path.includes('.request.body')) continue;
          problems.push(`${d.path}: ${d.note} (expected ${show(d.expected)}, got ${show(d.actual)})`);
        }
        if (problems.length > 0) expect.fail(`${file}\n${outcome(run)}\n  - ${problems.join('\n  - ')}`);
      });
    }
  });
});
