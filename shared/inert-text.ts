// OS strings (process names, socket paths, interface names) and client strings are chosen by whoever runs
// a process or sends a message. Printed raw they can drive the terminal (ESC sequences: clear the screen,
// set the window title), forge lines (a newline), or reorder what a reader sees (bidi overrides such as
// U+202E turn "\u202egnp.exe" into "exe.png"). This is the one escaping every terminal and log output uses.

/** C0 and C1 controls, DEL, bidi controls, zero-width and other invisible format characters, the line and
 *  paragraph separators, and lone surrogates. */
const UNSAFE =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: the two surrogate ranges match lone surrogates, on purpose.
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\ufff9-\ufffb\udc00-\udfff\ud800-\udbff]/gu;

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with every unsafe character shown as an escape (`\x1b`, `\n`, `\u202e`); safe text is unchanged. */
export function inertText(text: string): string {
  // Paired surrogates (emoji) match nothing: with the u flag the class sees whole code points.
  return text.replace(UNSAFE, escapeChar);
}

/** JSON.stringify, with every unsafe character inside a string written as its `\\uXXXX` escape: the same
 *  value when parsed, but a file or terminal that shows the text never meets a bidi override or a C1 control
 *  as such (JSON.stringify escapes only C0 controls and lone surrogates). */
export function inertJson(value: object, space?: number): string {
  // Outside strings JSON.stringify writes no character UNSAFE matches but the line breaks of `space`.
  return JSON.stringify(value, null, space).replace(UNSAFE, (ch) =>
    ch === '\n' ? ch : `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}

/** True when inertText would change nothing. */
export function isInert(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return !UNSAFE.test(text);
}

/** inertText, cut to `max` characters with a note of what was left out: one log line stays one short line. */
export function inertExcerpt(text: string, max = 300): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const shown = inertText(cut);
  return text.length > max ? `${shown}… (${text.length - max} more characters)` : shown;
}
