#!/usr/bin/env node
// npm run gate -- --baseline legacy-run.json --candidate v2-run.json [--max-error-rate-delta 0.5pp]
//   [--max-token-delta 5%] [--max-p95-ratio 1.2] [--min-calls 30] [--json F] [--html F]
// MIGRATION.md's phase-2 gate: two run summaries (dd-models … --summary-json) compared per alias.
// Exit 0 pass, 1 any alias fails a threshold (or is missing from the candidate), 2 usage, an
// unreadable summary, one whose counts do not add up, or nothing to judge (every shared alias ran
// the same engine on both sides).
import { gateCommand } from '../src/testing/gate/gate-command.ts';

await gateCommand(process.argv.slice(2), 'npm run gate --');
