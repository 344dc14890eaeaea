#!/usr/bin/env node
// npm run fake-provider -- [--port N] [--latency-ms N] [--capacity N] [--rpm N] [--tpm N] [--noise-rate R] [--schedule JSON|file] [--fault-rate R] [--fault KIND]... [--script file.json]
// Serves the OpenAI, Anthropic and Bedrock wire protocols on 127.0.0.1 until interrupted (docs/contract.md "Fake provider").
import { fakeProviderCommand } from '../src/testing/fake-provider/fake-provider-command.ts';

await fakeProviderCommand(process.argv.slice(2), 'npm run fake-provider --');
