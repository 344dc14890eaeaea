// Every way an error or a config object gets printed by users and tools.
import { inspect } from 'node:util';
import { leakedIn } from './planted-credentials.ts';

/** The error itself, then each link of its `cause` chain on its own. */
export function errorRenderings(error: unknown): Record<string, string> {
  const shown: Record<string, string> = {
    message: error instanceof Error ? error.message : String(error),
    string: String(error),
    json: JSON.stringify(error) ?? '',
    inspect: inspect(error, { depth: Infinity }),
    inspectHidden: inspect(error, { depth: Infinity, showHidden: true }),
  };
  const render = (error as { render?: () => string }).render;
  if (typeof render === 'function') shown.render = render.call(error);
  let cause = (error as { cause?: unknown }).cause;
  for (let depth = 0; cause !== undefined && depth < 20; depth += 1) {
    shown[`cause[${depth}].string`] = String(cause);
    shown[`cause[${depth}].json`] = JSON.stringify(cause) ?? '';
    shown[`cause[${depth}].stack`] = String((cause as { stack?: unknown }).stack ?? '');
    cause = (cause as { cause?: unknown }).cause;
  }
  return shown;
}

export function objectRenderings(label: string, value: unknown): Record<string, string> {
  return {
    [`${label} json`]: JSON.stringify(value) ?? '',
    [`${label} inspect`]: inspect(value, { depth: Infinity }),
    [`${label} inspectHidden`]: inspect(value, { depth: Infinity, showHidden: true }),
    [`${label} string`]: String(value),
  };
}

/** Rendering name → planted slots found in it; empty when nothing leaked. */
export function leaks(renderings: Record<string, string>): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const [name, text] of Object.entries(renderings)) {
    const slots = leakedIn(text);
    if (slots.length) found[name] = slots;
  }
  return found;
}
