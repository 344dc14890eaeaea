// An out-of-parity shadow call as a docs/contract.md "Fixtures" fixture (request, exchanges, no `expect`), so that
// `npm run compare -- --fixtures <dir>` replays both engines on it offline. Everything in it was
// redacted before the call's capture was kept.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DialectName } from '../core/dialects/server-dialect.ts';
import { fixtureSchema } from '../parity/fixture-shape.ts';
import type { CapturedCall } from './captured-call.ts';
import { parseBodyText } from './replay-origin.ts';
import type { ShadowJudgement } from './shadow-run.ts';

export interface ShadowFixture {
  name: string;
  provider: CapturedCall['providerType'];
  operation: CapturedCall['operation'];
  model: string;
  source: string;
  notes: string;
  baseUrl: string;
  /** The provider's server dialect, when set: the fixture replays with it. */
  dialect?: DialectName;
  request: Record<string, unknown>;
  exchanges: {
    request: { method: string; path: string; body?: unknown };
    response: { status: number; headers: Record<string, string>; body?: unknown };
  }[];
}

const MAX_NOTED_DIFFS = 5;

/** Undefined when an attempt ended without a response (docs/contract.md "Fixtures" has no transport errors). */
export function shadowFixture(call: CapturedCall, verdict: ShadowJudgement, name: string, at: Date): ShadowFixture | undefined {
  if (call.exchanges.some((e) => !e.response)) return undefined;
  const { model: _model, ...request } = call.request as unknown as Record<string, unknown>;
  const noted = verdict.diffs
    .slice(0, MAX_NOTED_DIFFS)
    .map((d) => `${d.path}: ${call.primary}=${JSON.stringify(d.left) ?? 'absent'} ${call.shadow}=${JSON.stringify(d.right) ?? 'absent'}`);
  const more = verdict.diffs.length > MAX_NOTED_DIFFS ? ` (+${verdict.diffs.length - MAX_NOTED_DIFFS} more)` : '';
  return {
    name,
    provider: call.providerType,
    operation: call.operation,
    model: call.model.model,
    source: `shadow mode: live call on alias '${call.alias}', primary ${call.primary}, shadow ${call.shadow}, captured ${at.toISOString()}`,
    notes: `out of parity: ${noted.join('; ')}${more}`,
    baseUrl: call.baseUrl,
    ...(call.provider.dialect ? { dialect: call.provider.dialect } : {}),
    request,
    exchanges: call.exchanges.map((e) => ({
      request: { method: e.method, path: e.path, ...(e.bodyText === '' ? {} : { body: parseBodyText(e.bodyText) }) },
      response: {
        status: e.response!.status,
        headers: e.response!.headers,
        ...(e.response!.bodyText === '' ? {} : { body: parseBodyText(e.response!.bodyText) }),
      },
    })),
  };
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'call';
}

/** Writes `<dir>/<provider>/<alias>-<time>-<n>.json`; returns the file, or undefined when not representable. */
export async function writeShadowFixture(
  dir: string,
  call: CapturedCall,
  verdict: ShadowJudgement,
  sequence: number,
  at = new Date(),
): Promise<string | undefined> {
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  const name = `shadow-${safeName(call.alias)}-${stamp}-${sequence}`;
  const fixture = shadowFixture(call, verdict, name, at);
  if (!fixture) return undefined;
  // What compare will load: a fixture it would refuse is shadow mode's bug (counted as failed).
  const checked = fixtureSchema.safeParse(fixture);
  if (!checked.success)
    throw new Error(
      `shadow fixture for alias '${call.alias}' does not satisfy docs/contract.md "Fixtures": ${checked.error.issues[0]?.message}`,
    );
  const folder = join(dir, call.providerType);
  await mkdir(folder, { recursive: true });
  const file = join(folder, `${name}.json`);
  await writeFile(file, `${JSON.stringify(fixture, null, 2)}\n`, { flag: 'wx' });
  return file;
}
