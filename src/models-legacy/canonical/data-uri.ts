import { badRequest } from './request-input-error.ts';

export interface DataUri {
  mediaType: string;
  base64: string;
}

const DATA_URI = /^data:([^;,]+)((?:;[^;,]*)*),(.*)$/s;

export function isDataUri(url: string): boolean {
  return url.startsWith('data:');
}

/** Anthropic and Bedrock want raw base64 plus a media type, so only base64 data URIs qualify. */
export function parseDataUri(url: string): DataUri {
  const match = DATA_URI.exec(url);
  if (!match) {
    throw badRequest(
      'An image data URI is malformed (expected "data:<media type>;base64,<data>")',
      'Encode the image as "data:image/png;base64,<data>" or pass an http(s) URL.',
    );
  }
  const params = match[2].split(';').filter(Boolean);
  if (!params.some((p) => p.toLowerCase() === 'base64')) {
    throw badRequest(
      `An image data URI of type ${match[1]} is not base64-encoded`,
      'Encode the image as "data:<media type>;base64,<data>".',
    );
  }
  return { mediaType: match[1].toLowerCase(), base64: match[3] };
}
