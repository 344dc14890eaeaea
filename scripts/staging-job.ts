#!/usr/bin/env node
// npm run staging-job -- --config <file> --summary-json <file> [--engine legacy|v2] [--calls 200] [--concurrency 16] [--warmup 1]
// A stand-in staging job for the phase-2 gate's rehearsal (docs/staging-rehearsal.md): every alias
// of the config called --calls times through the registry, and registry.runSummary() written to
// --summary-json. With shadow mode on (DATA_DESIGNER_SHADOW_SAMPLE_RATE, docs/shadow-mode.md) the
// job waits for shadow mode to be idle and prints its counters. Exit 0 when the summary is written
// (failed calls are in it), 2 for usage, or a run summary or shadow counters that do not add up
// (written, but not to be judged).
import { stagingJobCommand } from '../src/testing/staging/staging-job-command.ts';

await stagingJobCommand(process.argv.slice(2), 'npm run staging-job --');
