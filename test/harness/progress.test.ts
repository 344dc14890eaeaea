// The compare progress bar is cursor control (\r, erase-line): it belongs on a terminal only.
// `npm run compare 2> compare.log` at a terminal must leave no escape codes in the log.
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/testing/compare/terminal-table.ts';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 80, write: (chunk: string) => writes.push(chunk) } as unknown as NodeJS.WriteStream };
}

describe('compare progress bar', () => {
  it('draws nothing on a stream that is not a terminal', () => {
    const { writes, stream: out } = stream(false);
    const progress = createProgress(2, out);
    progress.tick('a');
    progress.tick('b');
    progress.done();
    expect(writes).toEqual([]);
  });

  it('redraws one line in place on a terminal and clears it when done', () => {
    const { writes, stream: out } = stream(true);
    const progress = createProgress(2, out);
    progress.tick('openai/first');
    progress.done();
    expect(writes[0]).toContain('1/2 openai/first');
    expect(writes[0].startsWith('\r\u001b[2K')).toBe(true);
    expect(writes.at(-1)).toBe('\r\u001b[2K');
  });
});
