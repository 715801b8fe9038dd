// The unix rows of unix_diag replies kept from one read to the next (KeptRows), as the TCP rows are: a socket
// whose record did not change is given as the same row object, one whose record changed in any field the row is
// made of (its name, type, state) or whose traffic note is not this read's is given a new row, and the rows of
// sockets gone are let go.
import { describe, expect, it } from 'vitest';
import { type Connection, emptyDiagnostics } from '../../../shared/types.js';
import { ICONS, NAME, u32s, unixMessage, type UnixSock } from '../linux/testing/unix-diag-messages.js';
import { KeptRows } from './kept-rows.js';
import { unixRowsFromDiag } from './linux-unix-rows.js';
import { parseProcNetUnix } from './linux.js';
import { unixConnectionKey } from './keys.js';

const NOTE = 'n/a: unix sockets carry no counters';
const name = (text: string | number[]): [number, Buffer][] => [[NAME, Buffer.from(text as string)]];

const LISTENER: UnixSock = { state: 10, inode: 1, attrs: name('/run/a.sock\0') };
const ABSTRACT: UnixSock = { type: 2, state: 7, inode: 2, attrs: name('\0netlens\0x') };
const UNNAMED: UnixSock = { state: 1, inode: 3 };
const BYTES: UnixSock = { type: 2, state: 7, inode: 4, attrs: name([0, 0x61, 0xc3, 0xa9, 0xff]) };
const SEQPACKET: UnixSock = { type: 5, state: 1, inode: 5, attrs: name('/run/é.sock\0') };
const ALL = [LISTENER, ABSTRACT, UNNAMED, BYTES, SEQPACKET];

function read(socks: UnixSock[], kept: KeptRows | undefined, note?: string): Connection[] {
  kept?.begin();
  const d = emptyDiagnostics();
  const rows = unixRowsFromDiag([Buffer.concat(socks.map(unixMessage))], d, 'test', kept, note);
  kept?.end();
  expect(d.skipped).toBe(0);
  // A fresh row gets its traffic fields as the collector's fillTrafficGaps gives them (the note is what counts).
  if (note !== undefined) for (const r of rows) if (r.trafficNote === undefined) r.trafficNote = note;
  return rows;
}

describe('unix rows from unix_diag, kept from read to read', () => {
  it('gives the same row object for a socket whose record did not change, in any order, with or without traffic', () => {
    for (const note of [undefined, NOTE]) {
      const kept = new KeptRows();
      const first = read(ALL, kept, note);
      expect(first.map((r) => r.path)).toEqual(['/run/a.sock', '@netlens@x', '', '@a\u00e9\ufffd', '/run/é.sock']);
      const second = read(ALL, kept, note);
      for (let i = 0; i < ALL.length; i++) expect(second[i]).toBe(first[i]);
      // Found again past sockets opened and closed around them, and in another order.
      const opened = Array.from({ length: 20 }, (_, i): UnixSock => ({ state: 1, inode: 100 + i }));
      const third = read(
        [...opened, SEQPACKET, UNNAMED, ...opened.slice(0, 5).map((s) => ({ ...s })), LISTENER],
        kept,
        note,
      );
      expect(third[20]).toBe(first[4]);
      expect(third[21]).toBe(first[2]);
      expect(third[27]).toBe(first[0]);
      // A socket listed twice in a read: its row is given once, the second built afresh.
      for (let i = 0; i < 5; i++) {
        expect(third[22 + i]).toEqual(third[i]);
        expect(third[22 + i]).not.toBe(third[i]);
      }
      // Without KeptRows, every row is built afresh.
      const afresh = read(ALL, undefined, note);
      expect(afresh).toEqual(second);
      for (let i = 0; i < ALL.length; i++) expect(afresh[i]).not.toBe(second[i]);
    }
  });

  it('gives a new row when its name, type, state or traffic note changed, and keeps the others', () => {
    const kept = new KeptRows();
    const first = read(ALL, kept, NOTE);
    const changed: [string, UnixSock[], number, Partial<Connection>][] = [
      ['bound since', [LISTENER, ABSTRACT, { ...UNNAMED, attrs: name('\0later') }], 2, { path: '@later' }],
      ['another name, as long', [{ ...LISTENER, attrs: name('/run/b.sock\0') }], 0, { path: '/run/b.sock' }],
      ['a name one byte longer', [{ ...LISTENER, attrs: name('/run/a.sock1\0') }], 0, { path: '/run/a.sock1' }],
      ['a name one byte shorter', [{ ...LISTENER, attrs: name('/run/a.soc\0') }], 0, { path: '/run/a.soc' }],
      ['a name of other bytes past ASCII', [{ ...BYTES, attrs: name([0, 0x61, 0xc3, 0xa8]) }], 0, { path: '@aè' }],
      ['connected since', [{ ...ABSTRACT, state: 1 }], 0, { state: 'CONNECTED' }],
      ['no longer listening', [{ ...LISTENER, state: 7 }], 0, { state: 'UNCONNECTED' }],
      ['another type', [{ ...UNNAMED, type: 5 }], 0, { socketType: 'SEQPACKET' }],
      ['an unknown type', [{ ...UNNAMED, type: 9 }], 0, { socketType: 'UNKNOWN(9)' }],
    ];
    for (const [what, socks, at, fields] of changed) {
      read(ALL, kept, NOTE);
      const before = read(ALL, kept, NOTE);
      const rows = read(socks, kept, NOTE);
      expect(rows[at], what).toMatchObject(fields);
      expect(before.includes(rows[at]!), what).toBe(false);
      // The sockets that did not change keep their rows.
      for (let i = 0; i < socks.length; i++) if (i !== at) expect(rows[i], what).toBe(before[i]);
      // And the new row is the one kept from then on.
      expect(read(socks, kept, NOTE)[at], what).toBe(rows[at]);
    }
    // The same text from other bytes (a NUL and an '@' both show as '@') is the same row: nothing shown changed.
    read([ABSTRACT], kept, NOTE);
    const atSign = read([ABSTRACT], kept, NOTE)[0]!;
    expect(read([{ ...ABSTRACT, attrs: name('\0netlens@x') }], kept, NOTE)[0]).toBe(atSign);
    // Traffic turned off, or a note of another read's (ss failed then): new rows, without it or with this one.
    const noTraffic = read(ALL, kept, undefined);
    for (let i = 0; i < ALL.length; i++) expect(first.includes(noTraffic[i]!)).toBe(false);
    expect(noTraffic.every((r) => r.trafficNote === undefined && r.bytesSent === undefined)).toBe(true);
    const other = read(ALL, kept, 'n/a: ss exited with 1');
    for (let i = 0; i < ALL.length; i++) expect(other[i]).not.toBe(noTraffic[i]);
  });

  it('builds the rows of connections waiting on a listener each read, and keeps the listener as their count moves', () => {
    const kept = new KeptRows();
    const waiting = (n: number): UnixSock => ({
      ...LISTENER,
      attrs: [...LISTENER.attrs!, [ICONS, u32s(...Array(n).fill(9))]],
    });
    const first = read([waiting(1), UNNAMED], kept, NOTE);
    expect(first.map((r) => `${r.path} ${r.state} ${r.inode}`)).toEqual([
      '/run/a.sock LISTENING 1',
      '/run/a.sock CONNECTING null',
      ' CONNECTED 3',
    ]);
    const second = read([waiting(3), UNNAMED], kept, NOTE);
    expect(second.map((r) => r.state)).toEqual(['LISTENING', 'CONNECTING', 'CONNECTING', 'CONNECTING', 'CONNECTED']);
    expect(second[0]).toBe(first[0]);
    expect(second[4]).toBe(first[2]);
    for (const r of second.slice(1, 4)) expect(first.includes(r)).toBe(false);
    const third = read([waiting(0), UNNAMED], kept, NOTE);
    expect(third).toHaveLength(2);
    expect(third[0]).toBe(first[0]);
  });

  it('gives each connection waiting on a listener its own id, from the dump and from /proc alike', () => {
    const waiting: UnixSock = { ...LISTENER, attrs: [...LISTENER.attrs!, [ICONS, u32s(9, 9, 9)]] };
    // A second listener of the same name (the first's file was unlinked and the name bound again).
    const again: UnixSock = { ...waiting, inode: 6 };
    const fromDump = read([waiting, again], undefined);
    const plain = unixConnectionKey('/run/a.sock', 0);
    const expected = [
      unixConnectionKey('/run/a.sock', 1),
      plain,
      `${plain}|2`,
      `${plain}|3`,
      unixConnectionKey('/run/a.sock', 6),
      `${plain}|4`,
      `${plain}|5`,
      `${plain}|6`,
    ];
    expect(fromDump.map((r) => r.id)).toEqual(expected);
    const line = (flags: string, st: string, inode: number) =>
      `0000000000000000: 00000002 00000000 ${flags} 0001 ${st} ${inode} /run/a.sock`;
    const proc = [
      'Num       RefCount Protocol Flags    Type St Inode Path',
      ...[1, 6].flatMap((inode) => [line('00010000', '01', inode), ...Array(3).fill(line('00000000', '02', 0))]),
    ].join('\n');
    const fromProc = parseProcNetUnix(`${proc}\n`);
    expect(fromProc.diagnostics.skipped).toBe(0);
    expect(fromProc.rows.map((r) => r.id)).toEqual(expected);
    expect(fromProc.rows.map((r) => r.state)).toEqual(fromDump.map((r) => r.state));
  });

  it('forgets the rows of sockets gone: a socket back after a read without it gets a new row', () => {
    const kept = new KeptRows();
    const many = Array.from({ length: 2_000 }, (_, i): UnixSock => ({ state: 1, inode: 1_000 + i }));
    const first = read(many, kept, NOTE);
    // All but ten close.
    const few = many.slice(0, 10);
    const second = read(few, kept, NOTE);
    for (let i = 0; i < 10; i++) expect(second[i]).toBe(first[i]);
    // What KeptRows holds is this read's rows only.
    const held = kept as unknown as { previous: unknown[]; current: unknown[] };
    expect(held.previous).toHaveLength(0);
    expect(held.current).toHaveLength(10);
    // A closed socket's inode listed again (as the kernel may give it to a new socket) is not its old row.
    const third = read([...few, many[500]!], kept, NOTE);
    for (let i = 0; i < 10; i++) expect(third[i]).toBe(first[i]);
    expect(third[10]).toEqual(first[500]);
    expect(third[10]).not.toBe(first[500]);
  });
});
