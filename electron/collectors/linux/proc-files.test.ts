// How procfs text with interface names is decoded: UTF-8 per line when valid, latin1 (every byte) otherwise. And a
// file of /proc read every tick from a file kept open: its text of now each time, whole, a path elsewhere read anew.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeProcText, readProcTextAgain } from './proc-files.js';

describe('decodeProcText', () => {
  it("reads a name's UTF-8 as UTF-8, and a line that is not UTF-8 byte for byte, without spoiling the others", () => {
    const good = Buffer.from('r\u202eevil:   10   1\n', 'utf8');
    const bad = Buffer.from([0x78, 0xff, 0x3a, 0x20, 0x31]); // "x\xff: 1"
    const text = decodeProcText(Buffer.concat([good, bad, Buffer.from('\nlo: 2\n')]), 'names');
    expect(text.split('\n')).toEqual(['r\u202eevil:   10   1', 'x\u00ff: 1', 'lo: 2', '']);
    // Kept as latin1, the line's bytes come back as they were.
    expect(Buffer.from(text.split('\n')[1]!, 'latin1')).toEqual(bad);
    // The socket tables keep reading latin1.
    expect(decodeProcText(good, 'latin1')).toBe(good.toString('latin1'));
  });
});

const text = (r: ReturnType<typeof readProcTextAgain>) => {
  if (!r.ok) throw new Error(r.reason);
  return r.text;
};
const lastPid = (loadavg: string) => Number(loadavg.trim().split(' ').pop());

describe.runIf(process.platform === 'linux')('readProcTextAgain', () => {
  it('reads the text of now each time from the file it keeps open', () => {
    const before = lastPid(text(readProcTextAgain('/proc/loadavg')));
    execFileSync('true');
    const after = lastPid(text(readProcTextAgain('/proc/loadavg')));
    // A process started since: the kernel's last pid moved (it may have moved more, others start too).
    expect(before).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(0);
    expect(after).not.toBe(before);
  });

  it('reads a file larger than its first buffer whole', () => {
    // About 4-5 kB, past the 4 kB it starts with; its first lines' names do not change between two reads.
    const names = (t: string) => t.split('\n').map((l) => l.split(' ')[0]);
    const again = text(readProcTextAgain('/proc/zoneinfo'));
    expect(again.length).toBeGreaterThan(4096);
    expect(names(again)).toEqual(names(readFileSync('/proc/zoneinfo', 'latin1')));
    expect(names(text(readProcTextAgain('/proc/zoneinfo')))).toEqual(names(again));
  });

  it('says why a file cannot be read, and reads a path outside /proc (a fixture replaced between reads) anew', () => {
    const missing = readProcTextAgain('/proc/net/no-such-table');
    expect(missing).toMatchObject({ ok: false, code: 'ENOENT' });
    const dir = mkdtempSync(join(tmpdir(), 'netlens-proc-again-'));
    try {
      const file = join(dir, 'sockstat');
      writeFileSync(file, 'first');
      expect(text(readProcTextAgain(file))).toBe('first');
      writeFileSync(`${file}.new`, 'second');
      renameSync(`${file}.new`, file);
      expect(text(readProcTextAgain(file))).toBe('second');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
