// What a WebSocket frame over 1 MiB may be, looked at before it is parsed. Only a capture to open (parseCapture, up
// to 32 MB) and an export to save (saveExport) carry that much, each one long text in a flat object of a few keys.
// Any other large frame was parsed and then validated key by key on the host's one thread before a cap refused it:
// a 38 MB frame of 3,000,000 setting keys, or one of 20,000,000 nested brackets, held the host ~30 s and restarted
// its monitor (attack review of 12-05). Read once, left to right: linear in the frame, no regular expression over it.

import { NOT_JSON, TOO_LARGE } from './service.js';

/** Frames longer than this (UTF-16 units) are screened by largeMessageShape before JSON.parse. */
export const SCREENED_CHARS = 1024 * 1024;

/** The start a large frame must have: the page's client writes a request as {type, id, method, params}. Tested on
 *  the first 120 units only. */
const LARGE_REQUEST = /^\{"type":"request","id":\d{1,16},"method":"(?:parseCapture|saveExport)","params":\{/;

/** Keys a large frame may hold in all (the request's 4 and its params' 3 today). */
const MAX_LARGE_KEYS = 16;

/** Whether a large frame is a parseCapture or saveExport request whose params are one flat object: nothing nested
 *  deeper than the params, at most MAX_LARGE_KEYS keys in all. */
export function largeMessageShape(text: string): boolean {
  if (!LARGE_REQUEST.test(text.slice(0, 120))) return false;
  let depth = 0;
  let keys = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      // A backslash: the next unit is escaped.
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > 2) return false;
    } else if (c === 0x7d || c === 0x5d) {
      // A close with nothing open: not JSON (and no depth to count from).
      if (--depth < 0) return false;
    } else if (c === 0x3a && ++keys > MAX_LARGE_KEYS) return false;
  }
  return true;
}

/** A message of the page as its text, as a session receives it: TOO_LARGE, unparsed, where it is large and not of a
 *  large message's shape; NOT_JSON where it does not parse; else the value. The browser host's WebSocket and the
 *  desktop's MessagePort (where the page posts text, not a structured clone that the main thread would decode
 *  whatever its size: an attack review of 12-06) read the page's messages the same way. */
export function clientMessage(text: string): unknown {
  if (text.length > SCREENED_CHARS && !largeMessageShape(text)) return TOO_LARGE;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}
