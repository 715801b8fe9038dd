// iproute2's `ip -j`, for the routes of every table and the addresses of interfaces that are down. Its answer
// is a ReadOutcome like a /proc file's, so callers treat "ip could not answer" as a source that could not be
// read, with the reason.
import { run } from '../run-command.js';
import type { ReadOutcome } from './proc-files.js';

const IP_TIMEOUT_MS = 5000;

export async function runIp(args: string[]): Promise<ReadOutcome> {
  const r = await run('ip', args, { timeoutMs: IP_TIMEOUT_MS, env: { LC_ALL: 'C' } });
  if (r.status === 'failed') {
    const reason = r.reason === 'not-installed' ? 'ip (iproute2) is not installed' : r.message;
    return { ok: false, code: r.errno ?? 'EIO', reason };
  }
  if (r.code !== 0) return { ok: false, code: 'EIO', reason: r.stderr.trim() || `ip exited with ${r.code}` };
  if (r.truncated) return { ok: false, code: 'EIO', reason: 'ip printed more than this reader holds' };
  return { ok: true, text: r.stdout };
}

/**
 * `ip -j`'s output as a value. iproute2 writes names as they are inside its JSON strings, so an interface named
 * with an ESC or another control character (any user with CAP_NET_ADMIN in a namespace can name one so) makes
 * the whole answer invalid JSON ("Bad control character in string literal"). Such characters can only stand
 * inside strings (ip -j writes no other whitespace than a space and the final newline; -p's newlines are
 * between tokens and stay): each is written as its \u escape first, in one pass, and the name reads as it is. The
 * same pass reads the \' some iproute2 versions write for a quote.
 */
export function parseIpJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) {
        // A backslash and the character it escapes; some iproute2 versions write a name's ' as \', which JSON has
        // no escape for: read as the quote alone.
        if (text.charCodeAt(i + 1) === 0x27) {
          out += text.slice(from, i);
          from = i + 1;
        }
        i++;
      } else if (c === 0x22) inString = false;
      else if (c < 0x20) {
        out += `${text.slice(from, i)}\\u${c.toString(16).padStart(4, '0')}`;
        from = i + 1;
      }
    } else if (c === 0x22) inString = true;
  }
  try {
    return { ok: true, value: JSON.parse(from === 0 ? text : out + text.slice(from)) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * The first `n` elements of `ip -j`'s array (text before it, such as a prompt, kept) as an array's text, and how
 * many elements it left out: found in one walk of the text (its strings, escapes and nesting), the elements left
 * out counted without being parsed, so a huge answer (a remote host's, up to the size of a frame's section)
 * costs one pass and the rows of `n` elements, not the objects of all. Where `n` elements are not there (fewer,
 * or text that is not an array), the text is given as it is, for parseIpJson to read or to say why it cannot.
 */
export function ipJsonHead(text: string, n: number): { text: string; kept: number; cut: number } {
  const start = text.search(/^[ \t]*\[/m);
  const open = start < 0 ? -1 : text.indexOf('[', start);
  if (open < 0) return { text, kept: 0, cut: 0 };
  let depth = 0;
  let inString = false;
  /** Elements begun at the top level, and where the n-th ended (the comma after it). */
  let begun = 0;
  let end = n === 0 ? open + 1 : -1;
  let expectElement = true;
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) continue;
    if (depth === 0) {
      if (c === 0x5d) break; // the array's end
      if (c === 0x2c) {
        if (begun === n && end < 0) end = i;
        expectElement = true;
        continue;
      }
      if (expectElement) {
        begun++;
        expectElement = false;
      }
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  if (end < 0) return { text, kept: begun, cut: 0 };
  return { text: `${text.slice(0, end)}]`, kept: n, cut: begun - n };
}
