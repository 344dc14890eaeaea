// Reads ../shared/wire-corpus in place (it is never copied into the repo): real recorded
// exchanges to check the legacy translation and error mapping against. CI clones the repo with
// shared/ beside it; without it these suites cannot say anything, so they fail loudly.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WIRE_CORPUS_DIR } from '../../shared-reference.ts';

export { WIRE_CORPUS_DIR };

export interface CorpusExchange {
  model: string;
  request: { method: string; path: string; body?: unknown; ignore?: string[] };
  response: { status: number; headers: Record<string, string>; body: unknown };
}

export interface CorpusErrorCase {
  /** `<provider>/<case>.json` */
  file: string;
  status: number;
  /** Lower-cased names, as the transport hands them over. */
  headers: Record<string, string>;
  /** The raw body text, as a transport would hand it over. */
  body: string;
}

interface CorpusFile {
  model: string;
  exchanges: Omit<CorpusExchange, 'model'>[];
}

function readCorpus(): Map<string, CorpusFile> {
  if (!statSync(WIRE_CORPUS_DIR, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(
      `${WIRE_CORPUS_DIR} is missing: clone this repo beside shared/ (as CI does) to run the corpus-backed legacy tests (a suite reading it must be listed in test/shared-reference.ts)`,
    );
  }
  const cases = new Map<string, CorpusFile>();
  for (const provider of readdirSync(WIRE_CORPUS_DIR).sort()) {
    const folder = join(WIRE_CORPUS_DIR, provider);
    if (!statSync(folder).isDirectory()) continue;
    for (const name of readdirSync(folder)
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      cases.set(`${provider}/${name.replace(/\.json$/, '')}`, JSON.parse(readFileSync(join(folder, name), 'utf8')) as CorpusFile);
    }
  }
  return cases;
}

const corpus = readCorpus();

/** The first exchange of every corpus case, keyed `<provider>/<case>`. */
export const CORPUS: Record<string, CorpusExchange> = Object.fromEntries(
  [...corpus].map(([key, file]) => [key, { model: file.model, ...file.exchanges[0] }]),
);

/** Every case whose first response is an error (the `__recovers` variants repeat their base case). */
export const CORPUS_ERROR_CASES: CorpusErrorCase[] = [...corpus]
  .filter(([key, file]) => file.exchanges[0].response.status >= 400 && !key.includes('__recovers'))
  .map(([key, file]) => {
    const { status, headers, body } = file.exchanges[0].response;
    return {
      file: `${key}.json`,
      status,
      headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
      body: body === undefined || body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body),
    };
  });
