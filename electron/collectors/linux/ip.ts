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
