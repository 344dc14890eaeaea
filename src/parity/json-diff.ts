// Structural comparison of JSON values with JSONPath-like locations, used both for "did the
// engine send what was recorded" and "do the two engines agree".

export interface JsonDifference {
  path: string;
  left: unknown;
  right: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Removes the named keys at any depth (docs/contract.md "Fixtures" `ignore`). */
export function dropKeys(value: unknown, keys: ReadonlySet<string>): unknown {
  if (keys.size === 0) return value;
  if (Array.isArray(value)) return value.map((item) => dropKeys(item, keys));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (!keys.has(key)) out[key] = dropKeys(item, keys);
    return out;
  }
  return value;
}

/** JSON text with object keys sorted at every depth (and `undefined` keys dropped): equal values, equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Every place where two JSON values differ; key order is irrelevant, `undefined` keys count as absent. */
export function diffJson(left: unknown, right: unknown, path = '$', out: JsonDifference[] = []): JsonDifference[] {
  if (Array.isArray(left) && Array.isArray(right)) {
    const length = Math.max(left.length, right.length);
    for (let i = 0; i < length; i++) {
      if (i >= left.length || i >= right.length) out.push({ path: childPath(path, i), left: left[i], right: right[i] });
      else diffJson(left[i], right[i], childPath(path, i), out);
    }
    return out;
  }
  if (isPlainObject(left) && isPlainObject(right)) {
    const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
    for (const key of [...keys].sort()) {
      const a = left[key];
      const b = right[key];
      if (a === undefined && b === undefined) continue;
      if (a === undefined || b === undefined) out.push({ path: childPath(path, key), left: a, right: b });
      else diffJson(a, b, childPath(path, key), out);
    }
    return out;
  }
  if (!Object.is(left, right) && !(left === 0 && right === 0)) out.push({ path, left, right });
  return out;
}

const FLOAT_TOLERANCE = 1e-6;

/**
 * Differences where `actual` fails to contain `expected`: objects need every expected key,
 * arrays need the same length; numbers match within a small relative tolerance so that
 * float32 embeddings written as decimals compare sensibly.
 */
export function diffSubset(expected: unknown, actual: unknown, path = '$', out: JsonDifference[] = []): JsonDifference[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      out.push({ path, left: expected, right: actual });
      return out;
    }
    expected.forEach((item, i) => diffSubset(item, actual[i], childPath(path, i), out));
    return out;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) {
      out.push({ path, left: expected, right: actual });
      return out;
    }
    for (const [key, item] of Object.entries(expected)) {
      if (item === undefined) continue;
      if (!(key in actual) || actual[key] === undefined) out.push({ path: childPath(path, key), left: item, right: undefined });
      else diffSubset(item, actual[key], childPath(path, key), out);
    }
    return out;
  }
  if (typeof expected === 'number' && typeof actual === 'number') {
    const scale = Math.max(1, Math.abs(expected));
    if (Math.abs(expected - actual) > FLOAT_TOLERANCE * scale) out.push({ path, left: expected, right: actual });
    return out;
  }
  if (!Object.is(expected, actual)) out.push({ path, left: expected, right: actual });
  return out;
}
