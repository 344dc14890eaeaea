// A hostile provider on 127.0.0.1: every failure it returns echoes back everything the client sent
// — each request header value (bare, without its name), the header map, the raw body — in the
// error message, in the whole body and in `x-echo-*` response headers. Compatible servers and
// gateways do this; OpenAI's own 401 quotes part of the key; AWS's InvalidSignatureException quotes
// the canonical request, security token included.
//
// Error bodies take each provider's wire shape from the shared corpus:
//   OpenAI    {error: {message, type, param, code}}     ../shared/wire-corpus/openai/401_invalid_api_key.json
//   Anthropic {type: 'error', error: {type, message}}   ../shared/wire-corpus/anthropic/401_authentication_error.json
//   Bedrock   {message} + x-amzn-ErrorType header       ../shared/wire-corpus/bedrock/403_unrecognized_client_invalid_token.json
// The InvalidSignatureException wording follows AWS's SigV4 troubleshooting guide
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html).
import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type EchoScenario =
  | { kind: 'status'; status: number }
  /** A 200 whose body is not JSON. */
  | { kind: 'garbage-200' }
  /** Bedrock-style 403 InvalidSignatureException quoting the canonical request. */
  | { kind: 'aws-invalid-signature' }
  /** A 200 built by the test (from a corpus response) around the echo text. */
  | { kind: 'success'; body: (echo: string) => unknown };

export interface EchoServer {
  url: string;
  scenario: EchoScenario;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

type Dialect = 'openai' | 'anthropic' | 'bedrock';

function dialectOf(path: string): Dialect {
  if (path.startsWith('/model/')) return 'bedrock';
  if (path.endsWith('/messages')) return 'anthropic';
  return 'openai';
}

function headerValues(headers: IncomingHttpHeaders): string[] {
  return Object.values(headers).flatMap((value) => (Array.isArray(value) ? value : value === undefined ? [] : [value]));
}

function echoText(method: string, path: string, headers: IncomingHttpHeaders, body: string): string {
  return `echo of ${method} ${path}: values [${headerValues(headers).join(' | ')}] headers ${JSON.stringify(headers)} body ${body}`;
}

/** What AWS prints for a signature mismatch: the canonical request with every signed header. */
function canonicalRequestText(method: string, path: string, headers: IncomingHttpHeaders, body: string): string {
  const names = Object.keys(headers).sort();
  const lines = names.map((name) => `${name}:${headerValues({ [name]: headers[name] }).join(',')}`);
  return [
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    '',
    'The Canonical String for this request should have been',
    `'${method}\n${path}\n\n${lines.join('\n')}\n\n${names.join(';')}\n${body}'`,
  ].join('\n');
}

function errorBody(dialect: Dialect, status: number, message: string): unknown {
  if (dialect === 'anthropic') return { type: 'error', error: { type: status === 401 ? 'authentication_error' : 'api_error', message } };
  if (dialect === 'bedrock') return { message };
  return { error: { message, type: 'invalid_request_error', param: null, code: null } };
}

function bedrockErrorType(status: number): string | undefined {
  const byStatus: Record<number, string> = {
    400: 'ValidationException',
    403: 'AccessDeniedException',
    404: 'ResourceNotFoundException',
    429: 'ThrottlingException',
    500: 'InternalServerException',
  };
  return byStatus[status];
}

/** Response headers repeating each request header (values only where HTTP allows them). */
function echoHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const text = headerValues({ [name]: value }).join(', ');
    if (/^[\t\x20-\x7e]*$/.test(text)) out[`x-echo-${name}`] = text;
  }
  return out;
}

export async function startEchoServer(): Promise<EchoServer> {
  let requests = 0;
  const state: { scenario: EchoScenario } = { scenario: { kind: 'status', status: 400 } };
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    requests += 1;
    const method = req.method ?? 'POST';
    const path = req.url ?? '/';
    const dialect = dialectOf(path);
    const echoed = echoHeaders(req.headers);
    const scenario = state.scenario;
    if (scenario.kind === 'success') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(scenario.body(echoText(method, path, req.headers, body))));
      return;
    }
    if (scenario.kind === 'garbage-200') {
      res.writeHead(200, { 'content-type': 'application/json', ...echoed });
      res.end(`<html>gateway says ${echoText(method, path, req.headers, body)}</html>`);
      return;
    }
    if (scenario.kind === 'aws-invalid-signature') {
      res.writeHead(403, {
        'content-type': 'application/json',
        'x-amzn-ErrorType': 'InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/',
        ...echoed,
      });
      res.end(JSON.stringify({ message: canonicalRequestText(method, path, req.headers, body) }));
      return;
    }
    const { status } = scenario;
    const errorType = dialect === 'bedrock' ? bedrockErrorType(status) : undefined;
    res.writeHead(status, {
      'content-type': 'application/json',
      ...(errorType ? { 'x-amzn-ErrorType': `${errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/` } : {}),
      ...echoed,
    });
    res.end(JSON.stringify(errorBody(dialect, status, echoText(method, path, req.headers, body))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get scenario() {
      return state.scenario;
    },
    set scenario(value: EchoScenario) {
      state.scenario = value;
    },
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
