// The three validators, built once per test file from ../shared/api-specs.
import type { Validators } from './judge-request.ts';
import { OpenApiValidator } from './openapi-validator.ts';
import { SmithyValidator, type SmithyModel } from './smithy-validator.ts';
import { readSpec, SPEC_FILES } from './spec-files.ts';

export function buildValidators(): Validators {
  return {
    openai: new OpenApiValidator('openai', readSpec(SPEC_FILES.openai)),
    anthropic: new OpenApiValidator('anthropic', readSpec(SPEC_FILES.anthropic)),
    bedrock: new SmithyValidator(readSpec(SPEC_FILES.bedrock) as unknown as SmithyModel),
  };
}
