// Command lines kept to MAX_CMDLINE_BYTES: a process may make its own megabytes long (6 MB with `ulimit -s
// unlimited`), and each connection row carries its owners, so one process sharing many sockets made a snapshot
// larger than the longest string the host can make, and the host failed (attack review of 12-06).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CMDLINE_CUT, MAX_CMDLINE_BYTES } from '../../shared/types.js';
import { keptCmdline, readProcCmdline } from './cmdline.js';

const dir = mkdtempSync(join(tmpdir(), 'netlens-cmdline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('readProcCmdline', () => {
  it('joins the arguments with spaces and drops the trailing NULs', () => {
    expect(readProcCmdline(file('short', 'python3\0-m\0http.server\0\0'))).toBe('python3 -m http.server');
    expect(readProcCmdline(file('empty', ''))).toBe('');
  });

  it('keeps a line of exactly the limit whole, and cuts a longer one at the limit with a mark', () => {
    const exact = `a\0${'b'.repeat(MAX_CMDLINE_BYTES - 3)}\0`;
    expect(readProcCmdline(file('exact', exact))).toBe(`a ${'b'.repeat(MAX_CMDLINE_BYTES - 3)}`);
    const huge = Buffer.alloc(6 * 1024 * 1024, 'A');
    huge[3] = 0;
    const kept = readProcCmdline(file('huge', huge));
    expect(kept).toBe(`AAA ${'A'.repeat(MAX_CMDLINE_BYTES - 4)}${CMDLINE_CUT}`);
    // Its NULs past the limit are not read; a NUL at the limit's end is a space, not a trailing NUL dropped.
    const nulAtEnd = Buffer.alloc(MAX_CMDLINE_BYTES + 10, 'x');
    nulAtEnd[MAX_CMDLINE_BYTES - 1] = 0;
    expect(readProcCmdline(file('nul-at-end', nulAtEnd))).toBe(`${'x'.repeat(MAX_CMDLINE_BYTES - 1)} ${CMDLINE_CUT}`);
  });

  it('drops a character the cut splits', () => {
    // 'é' is two bytes: with one byte of the limit left for it, it goes whole.
    const text = `${'x'.repeat(MAX_CMDLINE_BYTES - 1)}é and more`;
    expect(readProcCmdline(file('split', text))).toBe(`${'x'.repeat(MAX_CMDLINE_BYTES - 1)}${CMDLINE_CUT}`);
  });

  it('throws when the file cannot be read (the process exited)', () => {
    expect(() => readProcCmdline(join(dir, 'gone'))).toThrow();
  });
});

describe('keptCmdline', () => {
  it('keeps a line within the limit and cuts a longer one by its UTF-8 bytes', () => {
    expect(keptCmdline('C:\\Windows\\notepad.exe a.txt')).toBe('C:\\Windows\\notepad.exe a.txt');
    const long = 'ж'.repeat(MAX_CMDLINE_BYTES); // two bytes each
    expect(keptCmdline(long)).toBe(`${'ж'.repeat(MAX_CMDLINE_BYTES / 2)}${CMDLINE_CUT}`);
    const fits = 'ж'.repeat(MAX_CMDLINE_BYTES / 2);
    expect(keptCmdline(fits)).toBe(fits);
  });
});
