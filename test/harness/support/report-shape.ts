// The `--json` report is an interface others build on (SPEC §11): every documented key, with its
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

export function expectReportShape(report: { cases: Record<string, unknown>[]; summary: Record<string, unknown> }): void {
  expect(Object.keys(report).sort()).toEqual(['cases', 'summary']);
  expect(Object.keys(report.summary).sort()).toEqual(['matches', 'mismatched', 'parity', 'total']);
  for (const key of ['total', 'parity', 'matches', 'mismatched']) expect(Number.isInteger(report.summary[key])).toBe(true);
  expect(report.summary.total).toBe(report.cases.length);
  for (const c of report.cases) {
    expect(typeof c.name).toBe('string');
    expect(['openai', 'anthropic', 'bedrock']).toContain(c.provider);
    expect(['chat', 'embedding']).toContain(c.operation);
    expect(typeof c.parity).toBe('boolean');
    expect([true, false, null]).toContain(c.matches);
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
