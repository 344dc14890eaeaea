// The runnable blocks of a Markdown doc (README "Runnable blocks"): a fenced block whose info
// string holds the word `runnable`, with its options —
//   ```sh runnable [exit=N] [expect="text"]... [background]     a shell block, run in order
//   ```yaml runnable file=NAME                                   the file the next commands read
// A block inside a list item is indented; its lines lose that indentation.

export interface RunnableBlock {
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  text: string;
  /** Written to this path (relative to the repository) instead of being run. */
  file?: string;
  /** Started and left running (the fake provider "in one terminal") until the doc's blocks are done. */
  background: boolean;
  exit: number;
  expect: string[];
}

const FENCE = /^(\s*)(`{3,})([^`\s]*)(.*)$/;
const OPTION = /([a-z][\w-]*)(?:=(?:"([^"]*)"|(\S+)))?/g;

export function runnableBlocks(markdown: string, doc: string): RunnableBlock[] {
  const lines = markdown.split('\n');
  const blocks: RunnableBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, ticks, lang, rest] = open;
    let end = i + 1;
    while (end < lines.length && lines[end].trim() !== ticks) end++;
    const options = [...rest.matchAll(OPTION)].map((m) => ({ key: m[1], value: m[2] ?? m[3] }));
    if (options.some((o) => o.key === 'runnable')) {
      const value = (key: string) => options.find((o) => o.key === key)?.value;
      blocks.push({
        doc,
        line: i + 1,
        lang,
        text: lines
          .slice(i + 1, end)
          .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
          .join('\n'),
        file: value('file'),
        background: options.some((o) => o.key === 'background'),
        exit: Number(value('exit') ?? 0),
        expect: options.filter((o) => o.key === 'expect').map((o) => o.value ?? ''),
      });
    }
    i = end;
  }
  return blocks;
}
