// How a call's error is named for parity: compare's rule (our error classes by name and status;
// anything else is an engine crash, named `Unmapped:<name>`).
import { DataDesignerError } from '../core/errors.ts';

export function describeOutcomeError(error: unknown): { type: string; status?: number; message?: string } {
  if (error instanceof DataDesignerError) return { type: error.name, status: error.status, message: error.message };
  const name = error instanceof Error ? error.name : typeof error;
  return { type: `Unmapped:${name}` };
}

/** A detached JSON copy (what a fixture or a comparison holds of a result). */
export function jsonCopy(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}
