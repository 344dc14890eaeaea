// Health checks (reference §6.10, lesson 26): a model passes only if it really answers — a chat
// model with non-empty text, an embedding model with exactly one non-empty vector.
import { ModelGenerationValidationFailureError } from '../core/errors.ts';
import type { ModelFacade } from './model-facade.ts';
import { nonEmptyTextParser } from './parsers/text-parser.ts';

export const HEALTH_CHECK_PURPOSE = 'running health checks';

export async function checkModelHealth(facade: ModelFacade): Promise<void> {
  if (facade.generationType === 'embedding') {
    const vectors = await facade.embed(['Hello!'], { skipUsageTracking: true, purpose: HEALTH_CHECK_PURPOSE });
    if (vectors.length !== 1 || vectors[0].length === 0) {
      throw new ModelGenerationValidationFailureError({
        causeText: 'The model {subject} returned an invalid embedding response',
        detail: 'Expected exactly one non-empty embedding vector.',
        failureKind: 'parse_error',
        modelAlias: facade.modelAlias,
        providerName: facade.providerName,
        purpose: HEALTH_CHECK_PURPOSE,
      });
    }
    return;
  }
  await facade.generate('Hello!', {
    systemPrompt: 'You are a helpful assistant.',
    parser: nonEmptyTextParser,
    maxCorrectionSteps: 0,
    maxConversationRestarts: 0,
    skipUsageTracking: true,
    purpose: HEALTH_CHECK_PURPOSE,
  });
}
