// Engine-independent checks of the bundled fixtures themselves, so the contract suite is right
// before any engine runs: names match files, paths match providers and models, and every
// expectation is internally consistent with the retry rules (docs/engine-rules.md).
import { basename, dirname, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFixtures } from '../../src/testing/fixture.ts';
import { failedExchange as failed, FIXTURES_DIR, REPO_ROOT, type Exchange } from './support.ts';

const loaded = await loadFixtures([FIXTURES_DIR], REPO_ROOT);

function expectedPath(provider: string, operation: string, model: string): RegExp | string {
  if (provider === 'openai') return operation === 'embedding' ? '/v1/embeddings' : '/v1/chat/completions';
  if (provider === 'anthropic') return '/v1/messages';
  return `/model/${encodeURIComponent(model)}/${operation === 'embedding' ? 'invoke' : 'converse'}`;
}

describe('bundled fixtures', () => {
  it('cover all three providers in roughly the planned proportions', () => {
    const count = (p: string) => loaded.filter((l) => l.fixture.provider === p).length;
    expect(loaded.length).toBeGreaterThanOrEqual(85);
    expect(count('openai')).toBeGreaterThanOrEqual(35);
    expect(count('anthropic')).toBeGreaterThanOrEqual(25);
    expect(count('bedrock')).toBeGreaterThanOrEqual(25);
  });

  for (const { file, fixture } of loaded) {
    it(`${fixture.name} is consistent`, () => {
      const problems: string[] = [];
      const rel = relative(FIXTURES_DIR, file.startsWith('/') ? file : `${REPO_ROOT}/${file}`);
      if (`${basename(dirname(rel))}/${basename(rel, '.json')}` !== fixture.name)
        problems.push(`name ${fixture.name} does not match file ${rel}`);
      if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(basename(rel, '.json'))) problems.push('file name is not kebab-case');
      if (!fixture.source) problems.push('no source');
      const path = expectedPath(fixture.provider, fixture.operation, fixture.model);
      fixture.exchanges.forEach((e, i) => {
        if (e.request.path !== path) problems.push(`exchanges[${i}].request.path ${e.request.path}, expected ${path}`);
        if (e.request.method !== 'POST') problems.push(`exchanges[${i}].request.method ${e.request.method}`);
        if (e.request.ignore?.length && !fixture.notes) problems.push(`exchanges[${i}] uses ignore without notes explaining it`);
      });
      const ex = fixture.expect;
      if (!ex) problems.push('no expect');
      else if (fixture.exchanges.length === 0) {
        // A local refusal (issue 18): an error, no request, no sleep, and a request to refuse.
        if (!('error' in ex)) problems.push('no exchanges but expects a response');
        if (ex.attempts !== 0 || ex.sleeps === undefined || ex.sleeps.length !== 0)
          problems.push('a local refusal expects attempts 0 and sleeps []');
        if (!fixture.request) problems.push('a local refusal needs the request it refuses');
      } else {
        if (ex.attempts === undefined || ex.sleeps === undefined) problems.push('expect lacks attempts/sleeps');
        // Every recorded exchange is meant to be used, and every retry sleeps once.
        if (ex.attempts !== undefined && ex.attempts !== fixture.exchanges.length) {
          problems.push(`expect.attempts ${ex.attempts} but ${fixture.exchanges.length} exchanges`);
        }
        // Only a Titan batch (one request per text) or a Cohere input over 96 texts makes several
        // successful requests with no sleep; their requests are concurrent, so in a successful
        // batch every failed exchange is one retry of its own text (engine-rules, fan-out).
        const batched =
          fixture.model.includes('titan-embed') ||
          (fixture.model.includes('cohere.embed') && ((fixture.request?.input as unknown[]) ?? []).length > 96);
        const fails = (e: Exchange) => failed(e, fixture.provider, fixture.operation);
        const allOk = !fixture.exchanges.some(fails);
        const failures = fixture.exchanges.filter(fails).length;
        const retries = allOk ? 0 : batched && 'response' in ex ? failures : fixture.exchanges.length - 1;
        if (ex.sleeps !== undefined && ex.sleeps.length !== retries) problems.push(`${ex.sleeps.length} sleeps for ${retries} retries`);
        // A success must end on a 2xx and a retried failure must not.
        const lastExchange = fixture.exchanges.at(-1)!;
        const last = lastExchange.response.status;
        if ('response' in ex && (last < 200 || last > 299 || fails(lastExchange))) {
          problems.push(`expects a response but the last exchange is ${last}${fails(lastExchange) ? ' reporting a failure' : ''}`);
        }
        if (!allOk && !batched)
          for (const e of fixture.exchanges.slice(0, -1)) if (!fails(e)) problems.push('a 2xx before the last exchange');
        if (allOk && fixture.exchanges.length > 1 && !batched) problems.push('several 2xx exchanges outside a Titan or Cohere batch');
        // In a batch that succeeds, a failed request is retried later with the same body.
        if (batched && 'response' in ex) {
          fixture.exchanges.forEach((e, i) => {
            const retried = fixture.exchanges
              .slice(i + 1)
              .some((later) => JSON.stringify(later.request.body) === JSON.stringify(e.request.body));
            if (fails(e) && !retried) problems.push(`exchanges[${i}] failed and no later exchange retries its body`);
          });
        }
        // Backoff without hints is 2000 × 2^k with the replay's jitter factor of exactly 1.
        ex.sleeps?.forEach((ms, k) => {
          if (!(ms === 2000 * 2 ** k || (ms > 0 && ms <= 60_000)))
            problems.push(`sleeps[${k}] = ${ms} is neither a backoff nor a usable hint`);
        });
      }
      // A request body is only recorded when the canonical request that produces it is written.
      if (fixture.exchanges.some((e) => e.request.body !== undefined) && !fixture.request) problems.push('recorded body without request');
      expect(problems).toEqual([]);
    });
  }
});
