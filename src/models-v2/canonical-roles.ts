// Message roles the canonical request knows (SPEC §4); any other is refused before a request.
export const CANONICAL_ROLES: ReadonlySet<string> = new Set(['system', 'user', 'assistant', 'tool']);
