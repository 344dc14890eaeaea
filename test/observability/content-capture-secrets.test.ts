// Content capture (observability.captureContent) and the credentials a call carries that the
// config does not name: the AWS credentials of the environment (the default credential chain)
// and a call's own credential headers (`extra_headers`). They are secrets from the process's
// first call on — registered before anything is captured (issue 25, item 3). Each engine gets
// values of its own, so each test is that value's first call in this process. Real engines
// against the fake provider (a real loopback server, verifying SigV4); the real OpenTelemetry SDK.
import { afterEach, describe, expect, it } from 'vitest';
import { createModelRegistry, type ModelRegistry } from '../../src/index.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startFakeProvider, type FakeProvider } from '../../src/testing/fake-provider/fake-provider-server.ts';
import { ENGINES } from '../../src/testing/engines.ts';
import { OtelSdk } from './otel-sdk.ts';

let fake: FakeProvider | undefined;
let registry: ModelRegistry | undefined;
const saved: Record<string, string | undefined> = {};
afterEach(async () => {
  await registry?.close();
  await fake?.close();
  registry = undefined;
  fake = undefined;
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function setEnv(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!(name in saved)) saved[name] = process.env[name];
    process.env[name] = value;
  }
}

function capturedText(sdk: OtelSdk): string {
  return JSON.stringify(sdk.finishedSpans().map((span) => span.attributes));
}

describe.each(ENGINES)('content capture, %s engine: the first call of the process', (engine) => {
  const tag = engine.toUpperCase();
  const aws = {
    AWS_ACCESS_KEY_ID: `AKIDCAPTURE${tag}00001`,
    AWS_SECRET_ACCESS_KEY: `captureAwsSecret${tag}/Kq4Jd8Hs2Fv6Nb1Lp`,
    AWS_SESSION_TOKEN: `captureSessionToken${tag}9Yt4Gh7Rw2Xc5Vb8Nm3`,
  };
  const callToken = `captureCallToken${tag}8Hj3Kd5Rv1Ms`;
  const callBearer = `captureCallBearer${tag}2Fh7Jx4Nz`;

  it('captures neither the AWS environment credentials nor the call credential headers, in the prompt or the answer', async () => {
    setEnv({ ...aws, AWS_EC2_METADATA_DISABLED: 'true' });
    delete process.env.AWS_PROFILE;
    fake = await startFakeProvider({
      awsCredentials: {
        accessKeyId: aws.AWS_ACCESS_KEY_ID,
        secretAccessKey: aws.AWS_SECRET_ACCESS_KEY,
        sessionToken: aws.AWS_SESSION_TOKEN,
      },
    });
    const sdk = new OtelSdk();
    registry = createModelRegistry(
      {
        providers: [{ name: 'fake-bedrock', endpoint: fake.url, providerType: 'bedrock', region: 'us-east-1' }],
        models: [{ alias: 'signed', model: 'us.amazon.nova-micro-v1:0', provider: 'fake-bedrock', inferenceParameters: { maxTokens: 64 } }],
      } as never,
      {
        engine,
        env: {},
        logger: silentLogger,
        observability: { tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider, captureContent: true },
      },
    );
    // A prompt that carries them (pasted by a user, or templated in from a record).
    const prompt = `keys: ${Object.values(aws).join(' ')} token ${callToken} bearer ${callBearer}`;
    const result = await registry.getModel('signed').generate(prompt, {
      extra_headers: { 'x-call-token': callToken, 'x-gateway-authorization': `Bearer ${callBearer}` },
    });
    expect(result).toBeTruthy();
    expect(fake.stats().requests).toBe(1);
    const text = capturedText(sdk);
    // Content was captured (what was scanned is the prompt)…
    expect(text).toContain('gen_ai.input.messages');
    expect(text).toContain('keys: ***');
    // …and holds none of the values, even in part.
    for (const secret of [...Object.values(aws), callToken, callBearer]) expect(text).not.toContain(secret.slice(0, 14));
  }, 60_000);
});
