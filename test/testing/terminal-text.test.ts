// escapeTerminalText: text read from files (alias names, paths) is printed without letting a
// control character act on the terminal (issue 25, item 8 "alias names with ANSI/OSC escapes").
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { escapeTerminalText, hasTerminalControl } from '../../src/testing/terminal-text.ts';

// Everything a terminal could act on: C0, DEL, C1, separators, bidi controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('escapeTerminalText', () => {
  it('writes ANSI colour, OSC title and hyperlink sequences as visible escapes', () => {
    expect(escapeTerminalText('writer\u001b[31mRED\u001b[0m')).toBe('writer\\x1b[31mRED\\x1b[0m');
    expect(escapeTerminalText('a\u001b]0;owned\u0007b')).toBe('a\\x1b]0;owned\\x07b');
    expect(escapeTerminalText('\u001b]8;;https://x.test\u001b\\link')).toBe('\\x1b]8;;https://x.test\\x1b\\link');
  });

  it('names tab, line feed and carriage return; escapes DEL, C1 CSI, separators and bidi overrides', () => {
    expect(escapeTerminalText('a\tb\nc\rd')).toBe('a\\tb\\nc\\rd');
    expect(escapeTerminalText('x\u007fy\u009b2Jz')).toBe('x\\x7fy\\x9b2Jz');
    expect(escapeTerminalText('p\u2028q\u202eevil\u2069')).toBe('p\\u2028q\\u202eevil\\u2069');
  });

  it('returns plain text of any script unchanged', () => {
    for (const text of ['writer', 'gpt-4o-mini', 'café ✓ 東京 🚀', 'a\\x1b stays literal', '']) {
      expect(escapeTerminalText(text)).toBe(text);
      expect(hasTerminalControl(text)).toBe(false);
    }
  });

  test.prop([fc.string({ unit: 'binary' })])('never leaves a control character and keeps one line', (text) => {
    const out = escapeTerminalText(text);
    expect(CONTROL.test(out)).toBe(false);
    expect(hasTerminalControl(out)).toBe(false);
    expect(hasTerminalControl(text)).toBe(CONTROL.test(text));
    if (!CONTROL.test(text)) expect(out).toBe(text);
  });
});
