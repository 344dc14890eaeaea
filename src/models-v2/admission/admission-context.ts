// What both admission policies know about the (provider, model) they admit for, and how they
// report a limit change: once, at info level, naming the aliases, the domain, old → new and why.
import { ModelRequestAdmissionTimeoutError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { AdmissionPolicyName, AdmissionSnapshot, LimitChange, AdmissionDomain } from './admission.ts';

export interface AdmissionContext {
  provider: string;
  model: string;
  /** Every alias sharing the admission, in registration order (the registry adds to it). */
  aliases: string[];
  logger: Logger;
  /** How long an attempt may wait for admission; undefined waits as long as it takes. */
  queueTimeoutMs?: number;
}

export function logLimitChange(context: AdmissionContext, domain: AdmissionDomain, change: LimitChange): void {
  context.logger.info(
    `admission ${context.model} on ${context.provider} (${context.aliases.join(', ')}), ${domain}: ` +
      `limit ${change.from} → ${change.to} (${change.reason})`,
  );
}

export function admissionTimeout(context: AdmissionContext, modelAlias: string | undefined): ModelRequestAdmissionTimeoutError {
  const seconds = (context.queueTimeoutMs ?? 0) / 1000;
  return new ModelRequestAdmissionTimeoutError({
    providerName: context.provider,
    modelAlias: modelAlias ?? context.aliases[0],
    causeText: `The request to {subject} waited ${seconds} s for admission (admission.queueTimeoutSeconds) and was not sent`,
  });
}

/** The part of a snapshot every policy fills the same way. */
export function snapshotHeader(
  context: AdmissionContext,
  policy: AdmissionPolicyName,
  domain: AdmissionDomain,
  cap: number,
): Pick<AdmissionSnapshot, 'policy' | 'aliases' | 'model' | 'provider' | 'domain' | 'cap'> {
  return { policy, aliases: [...context.aliases], model: context.model, provider: context.provider, domain, cap };
}
