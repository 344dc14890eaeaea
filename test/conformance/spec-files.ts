// Where the providers' official API definitions live: read in place from ../shared/api-specs
// (README there gives each file's provenance), never copied into the repo.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { API_SPECS_DIR } from '../shared-reference.ts';

export { API_SPECS_DIR };

export const SPEC_FILES = {
  openai: 'openai-openapi.json',
  anthropic: 'anthropic-openapi.json',
  bedrock: 'bedrock-runtime-2023-09-30.json',
} as const;

export function readSpec(file: string): Record<string, unknown> {
  const path = resolve(API_SPECS_DIR, file);
  if (!existsSync(path)) {
    throw new Error(`API definition ${path} is missing: clone the repo beside shared/ (../shared/api-specs), as CI does`);
  }
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}
