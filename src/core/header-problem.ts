// Why an extra header cannot be sent, or undefined when it can. The answer names the header but
// never quotes its value: extra headers carry credentials (`api-key`, `x-goog-api-key`).
import { HEADER_NAME_PATTERN, HEADER_VALUE_FORBIDDEN_CHAR, TRANSPORT_OWNED_HEADERS } from './header-rules.ts';

export function headerProblem(name: string, value: unknown): string | undefined {
  if (!HEADER_NAME_PATTERN.test(name)) {
    return `header name ${JSON.stringify(name)} is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_\`|~ only)`;
  }
  if (TRANSPORT_OWNED_HEADERS.includes(name.toLowerCase())) {
    return `header "${name}" is set by the HTTP transport and cannot be overridden`;
  }
  if (typeof value !== 'string') return `header "${name}" must have a string value (got ${value === null ? 'null' : typeof value})`;
  if (HEADER_VALUE_FORBIDDEN_CHAR.test(value)) {
    return `the value of header "${name}" holds a line break or another control character (value not shown)`;
  }
  return undefined;
}

/** The first problem among `headers`, or undefined. */
export function firstHeaderProblem(headers: Record<string, unknown> | undefined): string | undefined {
  for (const [name, value] of Object.entries(headers ?? {})) {
    const problem = headerProblem(name, value);
    if (problem) return problem;
  }
  return undefined;
}
