// Markdown code fences in a model answer. Line-based rather than one regex so that backticks
// inside a block (a JS template string, a nested fence in a string) do not end it early.

export interface FencedBlock {
  /** The info string's first word, lower-cased; '' for an untagged fence. */
  language: string;
  body: string;
  /** False when the answer ended inside the block (typically cut off at max_tokens). */
  closed: boolean;
}

const OPEN = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/;

export function findFencedBlocks(text: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = text.split(/\r?\n/);
  let i = 0;
  while (i < lines.length) {
    const open = OPEN.exec(lines[i]);
    if (!open) {
      i++;
      continue;
    }
    const fence = open[1];
    const language = open[2].toLowerCase();
    const body: string[] = [];
    let closed = false;
    i++;
    while (i < lines.length) {
      const line = lines[i];
      const trimmed = line.trim();
      // A closing fence uses the opening character, at least as many times, and nothing else.
      if (/^(`{3,}|~{3,})$/.test(trimmed) && trimmed[0] === fence[0] && trimmed.length >= fence.length) {
        closed = true;
        i++;
        break;
      }
      body.push(line);
      i++;
    }
    blocks.push({ language, body: body.join('\n'), closed });
  }
  return blocks;
}
