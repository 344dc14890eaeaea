#!/usr/bin/env node
// npm run record -- --config <file> --workload <file> --out <dir> [--engine v2|legacy] [--filter <text>]
// Runs a workload against the real endpoints of a config through a loopback recording proxy and
// writes one docs/contract.md "Fixtures" fixture per call, credentials removed. Exit 0: every call recorded;
// 1: some call never reached its provider; 2: usage or config errors.
import { recordCommand } from '../src/testing/record/record-command.ts';

await recordCommand(process.argv.slice(2), 'npm run record --');
