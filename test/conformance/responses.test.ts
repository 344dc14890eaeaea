// Issue 11, responses: every 2xx body the engines accept in the bundled fixtures is checked
// against the provider's response schema, and spec-valid responses with every optional field
// absent or null are accepted by both engines, alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixtures, type Fixture } from '../../src/testing/fixture.ts';
import { runFixture } from '../../src/testing/run-fixture.ts';
import {
  chatShapeProblems,
  embeddingShapeProblems,
  ENGINES,
  failedExchange,
  FIXTURES_DIR,
  REPO_ROOT,
  RUN_TIMEOUT_MS,
} from '../contract/support.ts';
import { MINIMAL_RESPONSES } from './minimal-responses.ts';
import { OpenApiValidator } from './openapi-validator.ts';
import { RESPONSE_DEVIATIONS } from './response-deviations.ts';
import { SmithyValidator, type SmithyModel } from './smithy-validator.ts';
import { readSpec, SPEC_FILES } from './spec-files.ts';

const bundled = (await loadFixtures([FIXTURES_DIR], REPO_ROOT)).map((l) => l.fixture);

let openai: OpenApiValidator;
let anthropic: OpenApiValidator;
let bedrock: SmithyValidator;
const counts = { checked: 0, conforming: 0, deviating: 0, uncovered: 0 };

beforeAll(() => {
  openai = new OpenApiValidator('openai', readSpec(SPEC_FILES.openai), true);
  anthropic = new OpenApiValidator('anthropic', readSpec(SPEC_FILES.anthropic), true);
  bedrock = new SmithyValidator(readSpec(SPEC_FILES.bedrock) as unknown as SmithyModel, true);
}, 120_000);
afterAll(() => {
  console.log(
    `fixture responses: ${counts.checked} checked, ${counts.conforming} conform, ${counts.deviating} deviate as listed, ${counts.uncovered} without a definition (Titan/Cohere InvokeModel)`,
  );
});

/** A body recorded as raw JSON text (to keep digits a double cannot hold) is judged as the JSON it is. */
function asJson(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

/** Problems with a 2xx body against the response schema; undefined when no definition covers it. */
function responseProblems(fixture: Fixture, body: unknown): string[] | undefined {
  if (fixture.provider === 'openai')
    return openai.validate(fixture.operation === 'chat' ? 'CreateChatCompletionResponse' : 'CreateEmbeddingResponse', body);
  if (fixture.provider === 'anthropic') return anthropic.validate('Message', body);
  if (fixture.operation === 'chat') return bedrock.validate('com.amazonaws.bedrockruntime#ConverseResponse', body);
  return undefined;
}

describe('responses the engines accept', () => {
  it('every accepted 2xx body of the bundled fixtures conforms to its response schema, or deviates as listed', () => {
    const problems: string[] = [];
    const unused = new Set(Object.keys(RESPONSE_DEVIATIONS));
    for (const fixture of bundled) {
      if (!fixture.expect || !('response' in fixture.expect)) continue;
      // A 2xx reporting a failure (issue 30) was retried, not accepted.
      for (const exchange of fixture.exchanges.filter((e) => !failedExchange(e, fixture.provider, fixture.operation))) {
        const found = responseProblems(fixture, asJson(exchange.response.body));
        if (found === undefined) {
          counts.uncovered += 1;
          continue;
        }
        counts.checked += 1;
        const listed = RESPONSE_DEVIATIONS[fixture.name];
        if (found.length === 0) {
          counts.conforming += 1;
          if (listed) problems.push(`${fixture.name} is listed as deviating but conforms: drop it from response-deviations.ts`);
          continue;
        }
        counts.deviating += 1;
        unused.delete(fixture.name);
        if (!listed) problems.push(`${fixture.name}: ${found.join('; ')}`);
      }
    }
    for (const name of unused)
      if (!problems.some((p) => p.startsWith(name)))
        problems.push(`${name} is listed in response-deviations.ts but is not a deviating fixture`);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  describe('spec-valid responses with every optional field absent or null', () => {
    for (const minimal of MINIMAL_RESPONSES) {
      it(`${minimal.name} is valid for the definition and read alike by both engines`, async () => {
        const valid =
          minimal.provider === 'bedrock'
            ? bedrock.validate(minimal.schema, minimal.body)
            : (minimal.provider === 'openai' ? openai : anthropic).validate(minimal.schema, minimal.body);
        expect(valid, `the minimal body itself must be spec-valid: ${valid.join('; ')}`).toEqual([]);
        const fixture: Fixture = {
          name: `minimal/${minimal.name}`,
          provider: minimal.provider,
          operation: minimal.operation,
          model: minimal.model,
          exchanges: [
            {
              request: { method: 'POST', path: minimal.path },
              response: { status: 200, headers: { 'content-type': 'application/json' }, body: minimal.body },
            },
          ],
        };
        const runs = [];
        for (const engine of ENGINES) runs.push(await runFixture(fixture, engine, { timeoutMs: RUN_TIMEOUT_MS }));
        for (const run of runs) {
          expect(run.ok, `${run.engine}: ${run.error?.type}: ${run.error?.message}`).toBe(true);
          const shape = minimal.operation === 'chat' ? chatShapeProblems(run.response) : embeddingShapeProblems(run.response, 1);
          expect(shape, `${run.engine}: ${shape.join('; ')}`).toEqual([]);
          if (minimal.operation === 'chat')
            expect((run.response as { choices: { finish_reason: unknown }[] }).choices[0].finish_reason).not.toBeNull();
        }
        for (const run of runs.slice(1)) expect(run.response, run.engine).toEqual(runs[0].response);
      });
    }
  });
});
