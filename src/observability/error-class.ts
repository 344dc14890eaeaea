// The class name an error is counted under (run summary failures, dd.error.class, error.type).
import { isCancellation } from '../core/cancellation.ts';

/** A call the caller cancelled is counted under this name, not under its abort reason's class. */
export const CANCELLED_CLASS = 'Cancelled';

export function errorClassOf(error: unknown, signal?: AbortSignal): string {
  if (signal && isCancellation(error, signal)) return CANCELLED_CLASS;
  if (error instanceof Error) return error.constructor.name || error.name;
  return typeof error === 'object' && error !== null ? 'Object' : typeof error;
}
