// Tables written a row at a time: the pieces joined are exactly the one string they replace (inertJson of the array,
// of the message), which a table past the longest string the engine makes (about 512 MB) could not be.
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { inertJson } from '../../shared/inert-text.js';
import { gathered, jsonArrayPieces, messagePieces, writePieces } from './json-pieces.js';

const rows = [
  { id: 'a', n: 1, list: [1, 2], nested: { x: 'y\n', z: null } },
  { id: 'evil\u001b[2J\u202e', text: '"rows":[] is text here', empty: [] },
  { id: 'c', processes: [{ pid: 1, cmdline: 'x'.repeat(3000) }] },
];

describe('jsonArrayPieces', () => {
  it('joins to inertJson(rows, 2), empty or not', () => {
    expect([...jsonArrayPieces(rows)].join('')).toBe(inertJson(rows, 2));
    expect([...jsonArrayPieces([])].join('')).toBe(inertJson([], 2));
    expect([...jsonArrayPieces(rows.slice(0, 1), '\n')].join('')).toBe(`${inertJson(rows.slice(0, 1), 2)}\n`);
    expect([...jsonArrayPieces(rows)]).toHaveLength(rows.length + 2);
  });
});

describe('messagePieces', () => {
  it("joins to inertJson(message), with the message's keys before and after its rows", () => {
    const message = { type: 'snapshot', dataset: 'connections', seq: 3, rows, diagnostics: { notes: ['"rows":[]'] } };
    expect([...messagePieces(message, '\n')].join('')).toBe(`${inertJson(message)}\n`);
    const none = { type: 'snapshot', dataset: 'routes', seq: 1, rows: [], tick: null };
    expect([...messagePieces(none)].join('')).toBe(inertJson(none));
  });
});

describe('gathered and writePieces', () => {
  it('gather small pieces into chunks and write them all, in order', async () => {
    const pieces = Array.from({ length: 1000 }, (_, i) => `${i},`);
    const chunks = [...gathered(pieces, 100)];
    expect(chunks.join('')).toBe(pieces.join(''));
    expect(chunks.length).toBeLessThan(60);
    const out = new PassThrough({ highWaterMark: 16 });
    const got: string[] = [];
    out.on('data', (d) => got.push(String(d)));
    await writePieces(out, jsonArrayPieces(rows, '\n'));
    expect(got.join('')).toBe(`${inertJson(rows, 2)}\n`);
  });

  it('stops when the reader is gone', async () => {
    const out = new PassThrough({ highWaterMark: 1 });
    out.destroy();
    await writePieces(out, jsonArrayPieces(rows));
  });
});

describe('a table past the longest string', () => {
  it('is written whole, where one string of it fails', async () => {
    // 600 rows naming one process of a 1 MB command line: 600 MB of JSON (the objects share the string).
    const cmdline = 'A'.repeat(1024 * 1024);
    const big = Array.from({ length: 600 }, (_, i) => ({ id: `row${i}`, processes: [{ pid: 4242, cmdline }] }));
    expect(() => inertJson(big, 2)).toThrow(RangeError);
    let chars = 0;
    let tail = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chars += chunk.length;
        tail = (tail + chunk.subarray(-8).toString()).slice(-8);
        done();
      },
    });
    await writePieces(sink, jsonArrayPieces(big, '\n'));
    expect(chars).toBeGreaterThan(600 * 1024 * 1024);
    expect(tail).toBe(`"}]\n  }\n]\n`.slice(-8));
  }, 60_000);
});
