// A loopback node:http server that answers every request the way the current test asks: huge
// error bodies, endless success bodies, or a plain valid answer. It counts requests (the attempts
// a provider sees) and how many bytes it managed to push before the client hung up.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WIRE_CORPUS_DIR } from '../../shared-reference.ts';
import type { ProviderType } from '../../../src/core/types.ts';

export type Behaviour = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface HostileServer {
  readonly url: string;
  readonly requests: number;
  /** Request header maps as received (lower-case names). */
  readonly received: IncomingMessage['headers'][];
  behave(behaviour: Behaviour): void;
  close(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  let behaviour: Behaviour = (_req, res) => res.writeHead(500).end();
  let requests = 0;
  const received: IncomingMessage['headers'][] = [];
  const server: Server = createServer((req, res) => {
    requests += 1;
    received.push(req.headers);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => behaviour(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    received,
    behave(next) {
      behaviour = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes `totalBytes` of `filler` after `head` and before `tail`, as fast as the socket takes it. */
export function streamBody(res: ServerResponse, head: string, filler: string, totalBytes: number, tail: string): void {
  const block = Buffer.from(filler.repeat(Math.ceil(65_536 / filler.length)).slice(0, 65_536));
  let sent = 0;
  res.write(head);
  const pump = (): void => {
    while (sent < totalBytes) {
      if (res.destroyed) return;
      const piece = sent + block.length <= totalBytes ? block : block.subarray(0, totalBytes - sent);
      sent += piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end(tail);
  };
  res.on('error', () => undefined);
  pump();
}

/** A body that never ends: 64 KiB blocks until the client goes away. */
export function endlessBody(res: ServerResponse, head: string): void {
  streamBody(res, head, 'x', Number.MAX_SAFE_INTEGER, '');
}

export const MODELS: Record<ProviderType, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-sonnet-4-5',
  bedrock: 'us.amazon.nova-micro-v1:0',
};

/** The endpoint each provider type is configured with against this server. */
export function endpointFor(type: ProviderType, url: string): string {
  return type === 'openai' ? `${url}/v1` : url;
}

// Real success answers, read in place from the shared wire corpus (never copied into the repo).
const OK_CASES: Record<ProviderType, string> = {
  openai: 'openai/chat_system_prompt_text.json',
  anthropic: 'anthropic/docs_multi_turn.json',
  bedrock: 'bedrock/converse_max_tokens_stop.json',
};

/** The recorded 200 body of a plain chat case for `type` (source: ../shared/wire-corpus). */
export function okBody(type: ProviderType): string {
  const path = join(WIRE_CORPUS_DIR, OK_CASES[type]);
  const recorded = JSON.parse(readFileSync(path, 'utf8')) as { exchanges: { response: { status: number; body: unknown } }[] };
  const response = recorded.exchanges.find((exchange) => exchange.response.status === 200)!.response;
  return JSON.stringify(response.body);
}
