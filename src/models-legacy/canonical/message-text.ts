import type { TextPart, UserContentPart } from '../../core/types.ts';

// Where a provider needs one string for content the canonical type allows as parts (system
// prompts, tool results), the text parts are joined with "\n" — the source system's rule.
export function joinTextParts(content: string | readonly (TextPart | UserContentPart)[] | null | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (
    content
      .filter((part): part is TextPart => part.type === 'text' && typeof part.text === 'string')
      .map((part) => part.text)
      // A blank part (empty or whitespace only) adds nothing but a stray line: left out
      // (engine-rules, "Canonical request contract", Blank text).
      .filter((text) => text.trim() !== '')
      .join('\n')
  );
}
