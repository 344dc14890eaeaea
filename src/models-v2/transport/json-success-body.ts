// A 2xx body decides, not its content type (docs/engine-rules.md "A 2xx body decides", issue 30
// item 1). The Stainless SDKs parse a success body as JSON only when the header says so (media
// type containing `application/json` or ending in `+json`) and otherwise hand back its text.
// Servers label correct answers `text/plain` (mistral.rs), `text/html` (cortex.cpp) or
// `text/event-stream` (routers): that text is parsed here, once, so the response reader judges
// the body as legacy does. Text that is not JSON stays text, and the reader names the body
// invalid (ModelAPIError). Nothing is done when the header said JSON: the SDK parsed it already.

interface ContentTypeHeader {
  get(name: string): string | null;
}

export function jsonSuccessBody(data: unknown, headers: ContentTypeHeader): unknown {
  if (typeof data !== 'string' || sdkParsedAsJson(headers.get('content-type'))) return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/** The SDKs' own test (openai and @anthropic-ai/sdk, `internal/parse`), so a body is never parsed twice. */
function sdkParsedAsJson(contentType: string | null): boolean {
  const mediaType = contentType?.split(';')[0]?.trim();
  return mediaType !== undefined && (mediaType.includes('application/json') || mediaType.endsWith('+json'));
}
