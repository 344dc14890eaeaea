// Each SDK hands back response headers in its own container (fetch `Headers`, a plain object
// from node:http with lower-cased names, or a provider-recorded object with original casing).
// Retry hints and Bedrock error types are read through this one case-insensitive view.

export type HeaderLookup = (name: string) => string | undefined;

type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | number | undefined> | undefined | null;

export const noHeaders: HeaderLookup = () => undefined;

export function headerLookup(source: HeaderSource): HeaderLookup {
  if (!source) return noHeaders;
  if (typeof (source as { get?: unknown }).get === 'function') {
    const headers = source as { get(name: string): string | null };
    return (name) => headers.get(name) ?? undefined;
  }
  const lowered = new Map<string, string>();
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    lowered.set(key.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
  }
  return (name) => lowered.get(name.toLowerCase());
}
