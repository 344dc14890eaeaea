// Message roles the canonical request knows (docs/contract.md "Canonical types"); any other is refused before a request.
export const CANONICAL_ROLES: ReadonlySet<string> = new Set(['system', 'user', 'assistant', 'tool']);
