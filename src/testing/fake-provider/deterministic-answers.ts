// Everything the fake provider answers is a pure function of the request, so two engines sending
// the same request get byte-identical answers and a recorded run can be replayed and compared.
import { createHash } from 'node:crypto';

// A small fixed vocabulary keeps answers readable in reports and their token counts predictable.
const WORDS = [
  'amber',
  'basalt',
  'cedar',
  'delta',
  'ember',
  'fjord',
  'granite',
  'harbor',
  'island',
  'juniper',
  'kestrel',
  'lagoon',
  'meadow',
  'nebula',
  'orchard',
  'prairie',
  'quartz',
  'river',
  'summit',
  'tundra',
  'upland',
  'valley',
  'willow',
  'xenon',
  'yarrow',
  'zephyr',
  'aurora',
  'breeze',
  'canyon',
  'dune',
  'estuary',
  'forest',
  'glacier',
  'heath',
  'inlet',
  'jungle',
  'knoll',
  'lake',
  'marsh',
  'north',
  'ocean',
  'pine',
  'quarry',
  'reef',
  'savanna',
  'tide',
  'umber',
  'vista',
  'wave',
  'yonder',
  'zenith',
  'atlas',
  'beacon',
  'comet',
  'dawn',
  'echo',
  'falcon',
  'grove',
  'horizon',
  'ivy',
  'jade',
  'kelp',
  'lumen',
  'mist',
];

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export function shortHash(text: string, hexChars = 24): string {
  return sha256(text).toString('hex').slice(0, hexChars);
}

/**
 * An endless deterministic byte stream seeded by `seed`: sha256(seed + ":" + block) for block
 * 0, 1, 2, … — enough entropy for long vectors without a PRNG whose state could drift.
 */
function* byteStream(seed: string): Generator<number> {
  for (let block = 0; ; block++) {
    for (const byte of sha256(`${seed}:${block}`)) yield byte;
  }
}

/** 6–21 words drawn from the vocabulary, capitalised, ending with a full stop. */
export function answerText(seed: string): string {
  const bytes = byteStream(`text:${seed}`);
  const count = 6 + ((bytes.next().value as number) % 16);
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push(WORDS[(bytes.next().value as number) % WORDS.length]);
  const sentence = words.join(' ');
  return `${sentence[0].toUpperCase()}${sentence.slice(1)}.`;
}

/** The fake's tokenizer: one token per whitespace-separated word (cheap and easy to predict in tests). */
export function countTokens(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

/** Keeps the first `maxTokens` words, as a provider cuts an answer at `max_tokens`. */
export function truncateToTokens(text: string, maxTokens: number): { text: string; truncated: boolean } {
  const words = text.trim().split(/\s+/);
  if (words.length <= maxTokens) return { text, truncated: false };
  return { text: words.slice(0, maxTokens).join(' '), truncated: true };
}

/** Cuts the answer before the first stop sequence it contains, as providers do. */
export function applyStopSequences(text: string, stops: readonly string[]): { text: string; stoppedBy?: string } {
  let cut = -1;
  let stoppedBy: string | undefined;
  for (const stop of stops) {
    if (stop === '') continue;
    const at = text.indexOf(stop);
    if (at >= 0 && (cut < 0 || at < cut)) {
      cut = at;
      stoppedBy = stop;
    }
  }
  return cut < 0 ? { text } : { text: text.slice(0, cut), stoppedBy };
}

/**
 * A JSON value that satisfies the common subset of JSON Schema that tool parameters and
 * response formats use (object/array/string/number/integer/boolean/enum/const), so a parser or
 * tool loop driven by the fake sees arguments of the right shape.
 */
export function valueForSchema(schema: unknown, seed: string, depth = 0): unknown {
  const bytes = byteStream(`schema:${seed}`);
  const next = (): number => bytes.next().value as number;
  if (!schema || typeof schema !== 'object' || depth > 6) return {};
  const s = schema as Record<string, unknown>;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[next() % s.enum.length];
  const variants = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(variants) && variants.length > 0) return valueForSchema(variants[0], seed, depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      return `${WORDS[next() % WORDS.length]}-${next().toString(16).padStart(2, '0')}`;
    case 'integer':
      return next() % 100;
    case 'number':
      return (next() % 1000) / 10;
    case 'boolean':
      return next() % 2 === 0;
    case 'null':
      return null;
    case 'array': {
      const count = typeof s.minItems === 'number' && s.minItems > 1 ? s.minItems : 1;
      return Array.from({ length: count }, (_, i) => valueForSchema(s.items, `${seed}[${i}]`, depth + 1));
    }
    default: {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const required = Array.isArray(s.required) ? (s.required as string[]) : Object.keys(properties);
      const out: Record<string, unknown> = {};
      for (const name of required) out[name] = valueForSchema(properties[name], `${seed}.${name}`, depth + 1);
      return out;
    }
  }
}

/**
 * A unit-length vector derived from the text. Components are float32-exact so a base64
 * (little-endian float32) answer decodes to exactly the numbers a float answer carries.
 */
export function embeddingVector(text: string, dimensions: number): number[] {
  const bytes = byteStream(`embedding:${text}`);
  const raw: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    const word = ((bytes.next().value as number) << 8) | (bytes.next().value as number);
    raw.push(word / 32768 - 1);
  }
  const norm = Math.sqrt(raw.reduce((sum, v) => sum + v * v, 0)) || 1;
  return raw.map((v) => Math.fround(v / norm));
}

export function float32Base64(vector: readonly number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => buffer.writeFloatLE(value, i * 4));
  return buffer.toString('base64');
}
