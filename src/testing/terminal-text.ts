// Text that came from a file or a provider (an alias name, a path, a model id) is printed to a
// terminal by the CLIs. A control character in it is an instruction to the terminal, not text:
// ESC starts ANSI/OSC sequences (colours, cursor moves, window titles, hyperlinks), CR and BS
// overwrite what was printed, BEL rings. escapeTerminalText() makes such text inert and visible:
// every C0 control, DEL, every C1 control (U+0080–U+009F: a lone U+009B is CSI on some terminals)
// and the Unicode line/paragraph separators and bidirectional overrides (which reorder what a
// reader sees) are written as escapes, so one value prints as one visible line.
//
//   escapeTerminalText('a\u001b]0;owned\u0007b')  → 'a\x1b]0;owned\x07b'
//   escapeTerminalText('two\nlines')              → 'two\nlines'  (a backslash and an n)
//
// Plain text (letters of any script, emoji, punctuation, spaces) is returned unchanged, the same
// string instance. A backslash is left as it is: the output is for people reading a terminal, not
// for parsing back.

// C0 controls, DEL, C1 controls, LINE SEPARATOR, PARAGRAPH SEPARATOR, the bidi embeddings and
// overrides (U+202A–U+202E), the bidi isolates (U+2066–U+2069), and the zero-width LRM/RLM/ALM marks.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// Same set, without the g flag, so test() keeps no state between calls.
const UNSAFE_ONE = new RegExp(UNSAFE.source);

const NAMED: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** True when the text holds a character that escapeTerminalText() would rewrite. */
export function hasTerminalControl(text: string): boolean {
  return UNSAFE_ONE.test(text);
}

/** The text with every terminal control character written as a visible escape (see the header). */
export function escapeTerminalText(text: string): string {
  return hasTerminalControl(text) ? text.replace(UNSAFE, escapeOne) : text;
}
