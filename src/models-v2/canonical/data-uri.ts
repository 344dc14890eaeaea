// Images reach Anthropic and Bedrock as inline bytes; canonical requests carry them as data URIs.

export interface DataUri {
  mediaType: string;
  base64: string;
}

export function parseDataUri(url: string): DataUri | undefined {
  const match = /^data:([^;,]+)((?:;[^;,]*)*);base64,(.*)$/s.exec(url);
  if (!match) return undefined;
  return { mediaType: match[1].trim().toLowerCase(), base64: match[3] };
}
