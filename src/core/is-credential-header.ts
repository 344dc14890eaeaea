import { CREDENTIAL_HEADER_NAME_WORDS } from './credential-headers.ts';

/** True when a header of this name carries a credential (case-insensitive, `-`/`_` ignored). */
export function isCredentialHeaderName(name: string): boolean {
  const lowered = name.toLowerCase().replace(/[-_]/g, '');
  return CREDENTIAL_HEADER_NAME_WORDS.some((word) => lowered.includes(word));
}
