// OS strings (process names, socket paths, interface names) and client strings are chosen by whoever runs
// a process or sends a message. Printed raw they can drive the terminal (ESC sequences: clear the screen,
// set the window title), forge lines (a newline), or reorder what a reader sees (bidi overrides such as
// U+202E turn "\u202egnp.exe" into "exe.png"). This is the one escaping every terminal and log output uses.

/** C0 and C1 controls, DEL, bidi controls, zero-width and other invisible format characters (the combining grapheme
 *  joiner, Khmer's inherent vowels, the musical format controls, the tag characters and the variation selectors: a
 *  name followed by them draws as the name alone, an attacker's review of 12-06), the line and paragraph separators,
 *  and lone surrogates. */
const UNSAFE =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: the two surrogate ranges match lone surrogates, on purpose.
  /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\ufff9-\ufffb\u{1d173}-\u{1d17a}\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}\udc00-\udfff\ud800-\udbff]/gu;

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.codePointAt(0) ?? 0;
  if (code > 0xffff) return `\\u{${code.toString(16)}}`;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Characters replaced at a time: one replace over a string with some 67 million unsafe characters (a crafted
 *  record's field) ended the process with V8's fatal "invalid size error", which no catch sees. */
const CHUNK = 1 << 20;

/** `end`, or one less where it would part the halves of a surrogate pair (each half alone reads as a lone
 *  surrogate). */
function pairSafeEnd(text: string, end: number): number {
  const last = text.charCodeAt(end - 1);
  return end < text.length && last >= 0xd800 && last <= 0xdbff ? end - 1 : end;
}

/** `text` cut to at most `max` UTF-16 units, never between the two halves of a surrogate pair. */
export function cutUnits(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, pairSafeEnd(text, max));
}

/** `text.replace(UNSAFE, replacer)`, a CHUNK at a time past CHUNK characters, never between the halves of a
 *  surrogate pair. */
function replaceUnsafe(text: string, replacer: (ch: string) => string): string {
  if (text.length <= CHUNK) return text.replace(UNSAFE, replacer);
  const parts: string[] = [];
  for (let at = 0; at < text.length; ) {
    const end = pairSafeEnd(text, Math.min(text.length, at + CHUNK));
    parts.push(text.slice(at, end).replace(UNSAFE, replacer));
    at = end;
  }
  return parts.join('');
}

/** The text with every unsafe character shown as an escape (`\x1b`, `\n`, `\u202e`); safe text is unchanged. */
export function inertText(text: string): string {
  // Paired surrogates (emoji) match nothing: with the u flag the class sees whole code points.
  return replaceUnsafe(text, escapeChar);
}

/** JSON.stringify, with every unsafe character inside a string written as its `\\uXXXX` escape: the same
 *  value when parsed, but a file or terminal that shows the text never meets a bidi override or a C1 control
 *  as such (JSON.stringify escapes only C0 controls and lone surrogates). */
export function inertJson(value: object, space?: number): string {
  // Outside strings JSON.stringify writes no character UNSAFE matches but the line breaks of `space`.
  // A character past U+FFFF (a tag character) as JSON writes one: its two surrogates' escapes.
  const unit = (i: number) => `\\u${i.toString(16).padStart(4, '0')}`;
  return replaceUnsafe(JSON.stringify(value, null, space), (ch) =>
    ch === '\n' ? ch : ch.length === 2 ? unit(ch.charCodeAt(0)) + unit(ch.charCodeAt(1)) : unit(ch.charCodeAt(0)),
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
