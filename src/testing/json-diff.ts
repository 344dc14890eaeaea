// Moved to src/parity/ (production-safe: shadow mode uses it); re-exported for the harness.
export * from '../parity/json-diff.ts';
