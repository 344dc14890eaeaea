/** Removes the named keys at any depth, as the fixture `ignore` rule does (docs/contract.md "Fixtures"). */
export function dropKeys(value: unknown, keys: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => dropKeys(item, keys));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (!keys.includes(key)) out[key] = dropKeys(item, keys);
    return out;
  }
  return value;
}
