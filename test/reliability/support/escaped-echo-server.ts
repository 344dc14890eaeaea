// A hostile provider on 127.0.0.1 that echoes every request header value back ENCODED (issue 25,
// item 1): JSON-escaped character by character (`\u0070\u006c…`), JSON-escaped the way some
// serializers do it (`\/` for `/`, `\u002d` for `-`), base64, URL-encoded (encodeURIComponent
// and every character as `%XX`) — in the answer's text, written into the raw body so the escapes
// reach the client as sent, and in `x-echo-*` response headers. A decoder that runs after a
// redaction of the raw text would turn each of these back into the value.
//
// Answers take each provider's wire shape from the shared corpus, read in place:
//   OpenAI 200     ../shared/wire-corpus/openai/chat_max_completion_tokens_reasoning_usage.json
//   Anthropic 200  ../shared/wire-corpus/anthropic/system_prompt_text.json
//   Bedrock 200    ../shared/wire-corpus/bedrock/converse_multi_turn.json (Converse)
//   OpenAI 401     ../shared/wire-corpus/openai/401_invalid_api_key.json
//   Anthropic 401  ../shared/wire-corpus/anthropic/401_authentication_error.json
//   Bedrock 403    ../shared/wire-corpus/bedrock/403_unrecognized_client_invalid_token.json
import { Buffer } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WIRE_CORPUS_DIR } from '../../shared-reference.ts';

type Dialect = 'openai' | 'anthropic' | 'bedrock';
export type EscapedScenario = 'success' | 'auth-error';

const SOURCES: Record<Dialect, Record<EscapedScenario, string>> = {
  openai: { success: 'openai/chat_max_completion_tokens_reasoning_usage.json', 'auth-error': 'openai/401_invalid_api_key.json' },
  anthropic: { success: 'anthropic/system_prompt_text.json', 'auth-error': 'anthropic/401_authentication_error.json' },
  bedrock: { success: 'bedrock/converse_multi_turn.json', 'auth-error': 'bedrock/403_unrecognized_client_invalid_token.json' },
};

/** Marks where the echo goes in a corpus body; replaced in the serialized text. */
const SLOT = 'ESCAPED_ECHO_SLOT_7f3a';

interface Recorded {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** The corpus answer with its text (or error message) replaced by the slot. */
function withSlot(dialect: Dialect, scenario: EscapedScenario, recorded: Recorded): Recorded {
  const body = structuredClone(recorded.body) as Record<string, any>;
  if (scenario === 'success') {
    if (dialect === 'openai') body.choices[0].message.content = SLOT;
    if (dialect === 'anthropic') body.content = [{ type: 'text', text: SLOT }];
    if (dialect === 'bedrock') body.output.message.content = [{ text: SLOT }];
  } else if (dialect === 'openai') body.error.message = SLOT;
  else if (dialect === 'anthropic') body.error.message = SLOT;
  else body.message = SLOT;
  return { ...recorded, body };
}

function hex4(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** The encoded forms of one value, as raw JSON string content (already escaped for a JSON string). */
export function encodedForms(value: string): Record<string, string> {
  return {
    jsonEveryChar: [...value].map(hex4).join(''),
    jsonSlashDash: JSON.stringify(value).slice(1, -1).replace(/\//g, '\\/').replace(/-/g, '\\u002d'),
    base64: Buffer.from(value).toString('base64'),
    base64url: Buffer.from(value).toString('base64url'),
    urlComponent: JSON.stringify(encodeURIComponent(value)).slice(1, -1),
    urlEveryChar: [...value].map((char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  };
}

function headerValues(headers: IncomingHttpHeaders): [string, string][] {
  return Object.entries(headers).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => [name, v] as [string, string]),
  );
}

function dialectOf(path: string): Dialect {
  if (path.startsWith('/model/')) return 'bedrock';
  if (path.endsWith('/messages')) return 'anthropic';
  return 'openai';
}

export interface EscapedEchoServer {
  url: string;
  scenario: EscapedScenario;
  readonly requests: number;
  close(): Promise<void>;
}

export async function startEscapedEchoServer(): Promise<EscapedEchoServer> {
  const corpus = new Map<string, Recorded>();
  for (const [dialect, files] of Object.entries(SOURCES) as [Dialect, Record<EscapedScenario, string>][]) {
    for (const [scenario, file] of Object.entries(files) as [EscapedScenario, string][]) {
      const recorded = JSON.parse(await readFile(join(WIRE_CORPUS_DIR, file), 'utf8'));
      corpus.set(`${dialect}/${scenario}`, withSlot(dialect, scenario, recorded.exchanges.at(-1).response));
    }
  }
  const state = { scenario: 'success' as EscapedScenario, requests: 0 };
  const server = createServer(async (req, res) => {
    for await (const _chunk of req) {
      // the body is not echoed: the header values are what this server encodes
    }
    state.requests += 1;
    const dialect = dialectOf(req.url ?? '/');
    const answer = corpus.get(`${dialect}/${state.scenario}`)!;
    const echoes: string[] = [];
    const echoHeaders: Record<string, string> = {};
    for (const [name, value] of headerValues(req.headers)) {
      const forms = encodedForms(value);
      echoes.push(`${name}: ${Object.values(forms).join(' | ')}`);
      for (const [form, text] of Object.entries(forms)) {
        // Header values carry the forms as sent (JSON escapes included): printable ASCII only.
        if (/^[\x20-\x7e]*$/.test(text)) echoHeaders[`x-echo-${form.toLowerCase()}-${name}`] = text;
      }
    }
    const bodyText = JSON.stringify(answer.body).replace(SLOT, `echo ${echoes.join(' ; ')}`);
    const framing = /^(content-length|transfer-encoding|connection|date)$/i;
    const kept = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !framing.test(name)));
    res.writeHead(answer.status, { ...kept, 'content-type': 'application/json', ...echoHeaders });
    res.end(bodyText);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get scenario() {
      return state.scenario;
    },
    set scenario(value: EscapedScenario) {
      state.scenario = value;
    },
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
