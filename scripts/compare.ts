#!/usr/bin/env node
// npm run compare -- [--fixtures <dir|file>]... [--filter <text>] [--json <file>] [--html <file>]
// npm run compare -- --live --config <file> --workload <file> [--filter <text>] [--json <file>] [--html <file>]
// Runs every case through both engines and reports parity (docs/contract.md "Compare report"). Exit 0: every case in
// parity and matching; 1: any mismatch, or (--live) an endpoint that cannot be reached; 2: usage,
// config or fixture errors.
import { compareCommand } from '../src/testing/compare/compare-command.ts';

await compareCommand(process.argv.slice(2), 'npm run compare --');
