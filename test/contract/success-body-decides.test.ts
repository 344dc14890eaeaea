// @retire-with-legacy: this suite compares legacy with v2 (the compare harness); phase 4 deletes it
// with legacy (MIGRATION.md), and `consolidation-check --rehearse` deletes it in its copy.
// Issue 30 item 1 (engine-rules "A 2xx body decides"): a 2xx is read by its body, not its
// content type. Real answers of the wire corpus, relabelled with the content types servers send
// (text/plain: mistral.rs#79; text/html: cortex.cpp#465; text/event-stream: 9router#3301), must be
// read exactly as under `application/json` by both engines, for OpenAI embeddings, Anthropic and
// Bedrock (the bundled fixtures cover OpenAI chat); a body that is not JSON stays ModelAPIError,
// whatever the label, and a JSON-labelled body is parsed once, never twice.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFixture, type Fixture } from '../../src/testing/fixture.ts';
import { compareEngines } from '../../src/testing/run-fixture.ts';
import { RUN_TIMEOUT_MS, WIRE_CORPUS_DIR } from './support.ts';

const MISLABELS = ['text/plain; charset=utf-8', 'text/html; charset=utf-8', 'text/event-stream'];
const ANSWERS = ['openai/embeddings_float_full_vector.json', 'anthropic/system_prompt_text.json', 'bedrock/converse_multi_turn.json'];

function corpus(file: string): Fixture {
  return parseFixture(JSON.parse(readFileSync(resolve(WIRE_CORPUS_DIR, file), 'utf8')), file);
}

/** The corpus case with its one answer's content type and body text replaced. */
function relabelled(file: string, contentType: string, body: (original: unknown) => string): Fixture {
  const fixture = corpus(file);
  const [exchange] = fixture.exchanges;
  const response = { ...exchange.response, headers: { ...exchange.response.headers, 'content-type': contentType } };
  return { ...fixture, exchanges: [{ ...exchange, response: { ...response, body: body(exchange.response.body) } }] };
}

describe('a 2xx body decides, not its content type (both engines)', () => {
  for (const file of ANSWERS) {
    for (const contentType of MISLABELS) {
      it(`${file} labelled ${contentType}: read as under application/json`, async () => {
        const labelled = await compareEngines(corpus(file), { timeoutMs: RUN_TIMEOUT_MS });
        expect(labelled.legacy.ok && labelled.v2.ok).toBe(true);
        const run = await compareEngines(
          relabelled(file, contentType, (body) => JSON.stringify(body)),
          { timeoutMs: RUN_TIMEOUT_MS },
        );
        expect(run.diffs).toEqual([]);
        expect([run.legacy.error, run.v2.error]).toEqual([undefined, undefined]);
        expect(run.v2.response).toEqual(labelled.v2.response);
        expect(run.legacy.response).toEqual(labelled.legacy.response);
      });
    }

    it(`${file}: a body that is not JSON is ModelAPIError under text/plain too, not retried`, async () => {
      const run = await compareEngines(
        relabelled(file, 'text/plain; charset=utf-8', () => 'upstream answered: OK'),
        { timeoutMs: RUN_TIMEOUT_MS },
      );
      expect(run.diffs).toEqual([]);
      expect([run.legacy.error?.type, run.v2.error?.type]).toEqual(['ModelAPIError', 'ModelAPIError']);
      expect([run.legacy.attempts, run.v2.attempts]).toEqual([1, 1]);
    });

    it(`${file}: a JSON-labelled body that is a JSON string is not parsed a second time`, async () => {
      const run = await compareEngines(
        relabelled(file, 'application/json', (body) => JSON.stringify(JSON.stringify(body))),
        { timeoutMs: RUN_TIMEOUT_MS },
      );
      expect(run.diffs).toEqual([]);
      expect([run.legacy.error?.type, run.v2.error?.type]).toEqual(['ModelAPIError', 'ModelAPIError']);
    });
  }
});
