// The framing of a netlink answer (walkAnswer), which both a dump's datagrams and a get's answers are read with:
// hostile or broken datagrams end the walk with a reason, never loop or read past the datagram.
import { describe, expect, it } from 'vitest';
import { walkAnswer } from './netlink.js';

/** Netlink messages end to end: [type, sequence, payload bytes][] (lengths as written, padded to 4). */
function datagram(messages: [number, number, number][], length?: (i: number, real: number) => number): Buffer {
  const parts = messages.map(([type, seq, payload], i) => {
    const b = Buffer.alloc((16 + payload + 3) & ~3);
    b.writeUInt32LE(length ? length(i, 16 + payload) : 16 + payload, 0);
    b.writeUInt16LE(type, 4);
    b.writeUInt32LE(seq, 8);
    return b;
  });
  return Buffer.concat(parts);
}

describe('walkAnswer', () => {
  it('visits each message of the request, where it starts, until told to stop', () => {
    const seen: [number, number, number][] = [];
    const d = datagram([
      [20, 7, 72],
      [20, 7, 5],
      [3, 7, 4],
    ]);
    expect(walkAnswer(d, 7, (type, at, len) => seen.push([type, at, len]) > 0)).toBe(-1);
    expect(seen).toEqual([
      [20, 0, 88],
      [20, 88, 21],
      [3, 112, 20],
    ]);
    expect(walkAnswer(d, 7, (type) => type !== 3)).toBe(112);
    expect(walkAnswer(d, 7, (type) => (type === 3 ? 'refused' : true))).toBe('refused');
  });

  it('ends with a reason at a length too short, past the datagram, or another request', () => {
    const visits: number[] = [];
    const visit = (type: number) => visits.push(type) > 0;
    // A zero length would never advance: it is refused, not looped on.
    expect(
      walkAnswer(
        datagram([[20, 1, 8]], () => 0),
        1,
        visit,
      ),
    ).toBe('netlink message with a bad length');
    expect(
      walkAnswer(
        datagram([[20, 1, 8]], () => 0xffffffff),
        1,
        visit,
      ),
    ).toBe('netlink message with a bad length');
    expect(
      walkAnswer(
        datagram([
          [20, 1, 8],
          [20, 2, 8],
        ]),
        1,
        visit,
      ),
    ).toBe('netlink message of another request');
    // Only the first message of the last datagram was visited (the others ended before any).
    expect(visits).toEqual([20]);
    // A tail shorter than a header is no message.
    expect(walkAnswer(Buffer.concat([datagram([[20, 1, 0]]), Buffer.alloc(15)]), 1, () => true)).toBe(-1);
  });

  it('walks 10,000 messages in one datagram, each once', () => {
    const many = datagram(Array.from({ length: 10_000 }, () => [20, 9, 0] as [number, number, number]));
    let n = 0;
    expect(walkAnswer(many, 9, () => ++n > 0)).toBe(-1);
    expect(n).toBe(10_000);
  });
});
