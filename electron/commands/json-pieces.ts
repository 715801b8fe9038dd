// Large outputs as pieces of text, never one string: JSON.stringify of a table fails past the longest string the
// engine makes (about 512 MB), which a table of long command lines shared by many sockets can pass, and one
// string that large is that much memory again. Each row is made into text alone; the pieces joined are exactly the
// text the whole would have been (inertJson of the array, of the message).
import type { Writable } from 'node:stream';
import { inertJson } from '../../shared/inert-text.js';

/** The pieces of `inertJson(rows, 2)` and then `end`, a row at a time. */
export function* jsonArrayPieces(rows: readonly object[], end = ''): Generator<string> {
  if (rows.length === 0) {
    yield `[]${end}`;
    return;
  }
  yield '[\n';
  for (let i = 0; i < rows.length; i++) {
    yield `  ${inertJson(rows[i]!, 2).replaceAll('\n', '\n  ')}${i === rows.length - 1 ? '\n' : ',\n'}`;
  }
  yield `]${end}`;
}

/** The pieces of `inertJson(message)` and then `end`, for a message with `rows` (a snapshot), a row at a time. */
export function* messagePieces(message: { rows: readonly object[] }, end = ''): Generator<string> {
  const whole = inertJson({ ...message, rows: [] });
  // The message's own keys before and after its rows (none of them holds a key "rows"): split where its empty rows
  // were written. The key is written once, at the top level, with nothing in a string able to read as it.
  const at = whole.indexOf('"rows":[]');
  yield whole.slice(0, at + 8);
  const { rows } = message;
  for (let i = 0; i < rows.length; i++) yield i === 0 ? inertJson(rows[i]!) : `,${inertJson(rows[i]!)}`;
  yield `${whole.slice(at + 8)}${end}`;
}

/** Pieces of at most about `size` characters: pieces gathered, so that a table of small rows is a few writes. */
export function* gathered(pieces: Iterable<string>, size = 1 << 20): Generator<string> {
  let chunk: string[] = [];
  let length = 0;
  for (const p of pieces) {
    chunk.push(p);
    length += p.length;
    if (length >= size) {
      yield chunk.join('');
      chunk = [];
      length = 0;
    }
  }
  if (chunk.length > 0) yield chunk.join('');
}

/** Writes the pieces to `out` in chunks, waiting while it is full (a slow reader holds the writer, not memory);
 *  stops when it fails or closes (a reader gone: EPIPE). */
export async function writePieces(out: Writable, pieces: Iterable<string>): Promise<void> {
  for (const chunk of gathered(pieces)) {
    if (out.destroyed || out.writableEnded) return;
    if (!out.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          out.off('drain', done);
          out.off('error', done);
          out.off('close', done);
          resolve();
        };
        out.once('drain', done);
        out.once('error', done);
        out.once('close', done);
      });
    }
  }
}
