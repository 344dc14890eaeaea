// Anthropic's Base64ImageSource.media_type and Bedrock's ImageFormat are enums of four types:
// `image/jpg` is sent as the documented `image/jpeg`, and a type neither accepts is refused before
// the request (docs/engine-rules.md, "Images").
import { ModelUnsupportedCapabilityError } from '../../core/errors.ts';
import { IMAGE_MEDIA_TYPE_ALIASES, INLINE_IMAGE_MEDIA_TYPES } from '../../core/provider-constraints.ts';
import type { ErrorSubject } from '../retry/failure-classification.ts';

export function acceptedImageMediaType(mediaType: string, subject: ErrorSubject, providerLabel: string): string {
  const documented = IMAGE_MEDIA_TYPE_ALIASES[mediaType] ?? mediaType;
  if (INLINE_IMAGE_MEDIA_TYPES.includes(documented)) return documented;
  throw new ModelUnsupportedCapabilityError({
    ...subject,
    causeText: `{subject} (${providerLabel}) cannot take an image of media type '${mediaType}' (accepted: ${INLINE_IMAGE_MEDIA_TYPES.join(', ')})`,
    solution: 'Convert the image to PNG, JPEG, GIF or WebP before sending it.',
  });
}
