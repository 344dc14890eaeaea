// The `--json` report is an interface others build on (docs/contract.md "Compare report"): every documented key, with its
// documented type, on every case and on both engines.
import { expect } from 'vitest';

function expectEngine(outcome: Record<string, unknown>): void {
  expect(typeof outcome.ok).toBe('boolean');
  if (outcome.ok) expect(outcome).toHaveProperty('response');
  else expect(outcome.error).toEqual({ type: expect.stringMatching(/Error$|^Unmapped:/), message: expect.any(String) });
  expect(Number.isInteger(outcome.attempts)).toBe(true);
  expect(Array.isArray(outcome.requests)).toBe(true);
  for (const request of outcome.requests as Record<string, unknown>[]) {
    expect(Object.keys(request).sort()).toEqual(['body', 'method', 'path']);
    expect(typeof request.method).toBe('string');
    expect(typeof request.path).toBe('string');
  }
}

/** The added `meta` key: when, which commit, what was compared, with which versions. */
function expectMeta(meta: Record<string, any>): void {
  expect(Date.parse(meta.generatedAt)).not.toBeNaN();
  expect(meta.commit === null || /^[0-9a-f]{40}$/.test(meta.commit)).toBe(true);
  expect([true, false, null]).toContain(meta.dirty);
  expect(['fixtures', 'live']).toContain(meta.mode);
  if (meta.mode === 'fixtures') expect(Array.isArray(meta.fixtures)).toBe(true);
  else expect(meta.live).toEqual({ config: expect.any(String), workload: expect.any(String), providers: expect.any(Array) });
  expect(meta.versions.node).toMatch(/^v\d+\./);
  expect(Object.keys(meta.versions.packages).sort()).toEqual(['@anthropic-ai/sdk', '@aws-sdk/client-bedrock-runtime', 'openai', 'undici']);
}

export function expectReportShape(report: {
  cases: Record<string, unknown>[];
  summary: Record<string, unknown>;
  meta?: Record<string, unknown>;
}): void {
  expect(Object.keys(report).sort()).toEqual(['cases', 'meta', 'summary']);
  expectMeta(report.meta as Record<string, any>);
  expect(Object.keys(report.summary).sort()).toEqual(['matches', 'mismatched', 'parity', 'parityAlone', 'total']);
  for (const key of ['total', 'parity', 'matches', 'parityAlone', 'mismatched']) expect(Number.isInteger(report.summary[key])).toBe(true);
  expect(report.summary.total).toBe(report.cases.length);
  // Every case is counted once: in parity and matching, in parity with nothing to match, or mismatched.
  expect((report.summary.matches as number) + (report.summary.parityAlone as number) + (report.summary.mismatched as number)).toBe(
    report.summary.total,
  );
  for (const c of report.cases) {
    expect(typeof c.name).toBe('string');
    expect(['openai', 'anthropic', 'bedrock']).toContain(c.provider);
    expect(['chat', 'embedding']).toContain(c.operation);
    expect(typeof c.parity).toBe('boolean');
    expect([true, false, null]).toContain(c.matches);
    // Matching is in addition to parity: a case out of parity never reads "matches".
    if (!c.parity) expect(c.matches).not.toBe(true);
    expectEngine(c.legacy as Record<string, unknown>);
    expectEngine(c.v2 as Record<string, unknown>);
    expect(Array.isArray(c.diffs)).toBe(true);
    for (const d of c.diffs as Record<string, unknown>[]) {
      expect(typeof d.path).toBe('string');
      expect(d).toHaveProperty('legacy');
      expect(d).toHaveProperty('v2');
    }
  }
}
