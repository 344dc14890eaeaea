import { IMAGE_MEDIA_TYPE_ALIASES, INLINE_IMAGE_MEDIA_TYPES } from '../../core/provider-constraints.ts';
import { unsupportedCapability } from './request-input-error.ts';

/**
 * The media type an inline image is sent under to Anthropic or Bedrock: `image/jpg` becomes the
 * documented `image/jpeg`; a type neither accepts (`image/svg+xml`, `image/bmp`) is refused here
 * rather than by the provider (docs/engine-rules.md, "Images").
 */
export function inlineImageMediaType(mediaType: string, providerLabel: string): string {
  const normalised = IMAGE_MEDIA_TYPE_ALIASES[mediaType] ?? mediaType;
  if (!INLINE_IMAGE_MEDIA_TYPES.includes(normalised)) {
    throw unsupportedCapability(
      `${providerLabel} cannot take an image of media type '${mediaType}' (it accepts ${INLINE_IMAGE_MEDIA_TYPES.join(', ')})`,
      'Convert the image to PNG, JPEG, GIF or WebP before sending it.',
    );
  }
  return normalised;
}
