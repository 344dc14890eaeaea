// The forms a known secret value takes in text that leaves the process, each removed whole:
//   as is;
//   escaped, wholly or in part: JSON `\uXXXX` (`sk\u002dabc`), JSON `\/`, URL `%XX` (`sk%2Dabc`) —
//     a provider or gateway echoing a key may escape any of its characters;
//   base64 and base64url, alone or inside a longer base64 run at any alignment (`Basic
//     base64(user:key)`), for the characters the secret alone decides.
// Used by core/secrets.ts (logs, errors, spans) and, through it, by the one redactor of shadow mode
// and the recorder (src/shadow/exchange-redaction.ts): one rule everywhere (docs/engine-rules.md).
import { Buffer } from 'node:buffer';

/** A base64 run shorter than this says too little to remove blindly. */
const MIN_BASE64_RUN = 8;
const MAX_CACHED = 4096;
const base64Cache = new Map<string, readonly string[]>();

/** Base64 and base64url runs that only `secret` produces, at each of the three byte alignments. */
export function base64Forms(secret: string): readonly string[] {
  const cached = base64Cache.get(secret);
  if (cached) return cached;
  const bytes = Buffer.from(secret, 'utf8');
  // The secret's own encoding, its last (partial) group included, goes whole where it stands alone.
  const whole = bytes.toString('base64');
  const standalone = [whole, whole.replace(/=+$/, ''), bytes.toString('base64url')];
  const forms = new Set<string>(standalone.filter((form) => form.length >= MIN_BASE64_RUN));
  for (const offset of [0, 1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(offset), bytes]);
    const encoded = shifted.toString('base64');
    // Characters before `first` mix in the bytes ahead of the secret; from `last` on, those after it.
    const first = offset === 0 ? 0 : offset + 1;
    const last = Math.floor(shifted.length / 3) * 4;
    const run = encoded.slice(first, last);
    if (run.length < MIN_BASE64_RUN) continue;
    forms.add(run);
    forms.add(run.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  const result = [...forms].sort((a, b) => b.length - a.length);
  if (base64Cache.size >= MAX_CACHED) base64Cache.clear();
  base64Cache.set(secret, result);
  return result;
}

// One escaped character: JSON `\uXXXX`, JSON `\/`, or URL `%XX` (ASCII only: a secret's other
// characters are never percent-encoded one byte at a time in a way we could read back).
const ESCAPE = /\\u([0-9a-fA-F]{4})|\\(\/)|%([0-7][0-9a-fA-F])/g;
const HAS_ESCAPE = /\\u[0-9a-fA-F]{4}|\\\/|%[0-7][0-9a-fA-F]/;

/** `text` with its escapes decoded, and where each decoded character starts in `text` (plus the end). */
function decodedView(text: string): { decoded: string; starts: Int32Array } {
  const pieces: string[] = [];
  // The decoded text is never longer than the raw one.
  const starts = new Int32Array(text.length + 1);
  let length = 0;
  let at = 0;
  const literal = (end: number): void => {
    if (end <= at) return;
    pieces.push(text.slice(at, end));
    for (; at < end; at += 1) starts[length++] = at;
  };
  ESCAPE.lastIndex = 0;
  for (let match = ESCAPE.exec(text); match; match = ESCAPE.exec(text)) {
    literal(match.index);
    const [whole, unicode, slash, percent] = match;
    const code = unicode !== undefined ? parseInt(unicode, 16) : slash !== undefined ? slash.charCodeAt(0) : parseInt(percent!, 16);
    pieces.push(String.fromCharCode(code));
    starts[length++] = at;
    at += whole.length;
  }
  literal(text.length);
  starts[length] = text.length;
  return { decoded: pieces.join(''), starts: starts.subarray(0, length + 1) };
}

/** Replaces each occurrence, in the decoded view, of a secret by `mask` in the raw text. */
function redactEscaped(text: string, secrets: readonly string[], mask: string): string {
  const { decoded, starts } = decodedView(text);
  const spans: [number, number][] = [];
  for (const secret of secrets) {
    for (let index = decoded.indexOf(secret); index >= 0; index = decoded.indexOf(secret, index + secret.length)) {
      spans.push([starts[index]!, starts[index + secret.length]!]);
    }
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let out = '';
  let at = 0;
  for (const [start, end] of spans) {
    if (end <= at) continue;
    if (start >= at) {
      out += text.slice(at, start) + mask;
    }
    // An overlapping span extends the one already masked.
    at = Math.max(at, end);
  }
  return out + text.slice(at);
}

/** One pattern for every literal form (as is, base64) of a list of secrets, longest first; per list. */
const literalPatterns = new WeakMap<readonly string[], RegExp>();

function literalPattern(secrets: readonly string[]): RegExp {
  let pattern = literalPatterns.get(secrets);
  if (!pattern) {
    const forms = [...new Set(secrets.flatMap((secret) => [secret, ...base64Forms(secret)]))].sort((a, b) => b.length - a.length);
    pattern = new RegExp(forms.map((form) => form.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|'), 'g');
    literalPatterns.set(secrets, pattern);
  }
  return pattern;
}

/**
 * `text` with every form of every secret replaced by `mask`. `secrets` longest first, so that a
 * secret containing another goes whole; values under 4 characters are the caller's to leave out.
 * The same array (not a copy) on every call is what lets its pattern be built once.
 */
export function redactSecretForms(text: string, secrets: readonly string[], mask: string): string {
  if (secrets.length === 0) return text;
  const out = text.replace(literalPattern(secrets), mask);
  return HAS_ESCAPE.test(out) ? redactEscaped(out, secrets, mask) : out;
}
