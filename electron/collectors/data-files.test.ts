// NetLens's own data files are read only as small regular files (attack review of 12-03: a FIFO in place of
// settings.json held the browser host's file threads until it stopped serving its page).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDataFile, readDataFileSync } from './data-files.js';
import { createSettingsStore } from '../settings-store.js';

const dir = mkdtempSync(join(tmpdir(), 'netlens-data-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a data file', () => {
  it('is read when it is a small regular file', async () => {
    writeFileSync(join(dir, 'ok.json'), '{"a":1}');
    expect(await readDataFile(join(dir, 'ok.json'), 100)).toBe('{"a":1}');
    expect(readDataFileSync(join(dir, 'ok.json'), 100)).toBe('{"a":1}');
  });

  it('is refused at once where it is a FIFO, a link (to /dev/zero) or over its cap, and missing says ENOENT', async () => {
    const fifo = join(dir, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    symlinkSync('/dev/zero', join(dir, 'zero.json'));
    writeFileSync(join(dir, 'big.json'), 'x'.repeat(101));
    // A FIFO nobody writes to: on main the read waited for a writer (the test's own timeout would end it).
    await expect(readDataFile(fifo, 100)).rejects.toMatchObject({ code: 'EINVAL' });
    expect(() => readDataFileSync(fifo, 100)).toThrow(/not a regular file/);
    await expect(readDataFile(join(dir, 'zero.json'), 100)).rejects.toMatchObject({ code: 'ELOOP' });
    await expect(readDataFile(join(dir, 'big.json'), 100)).rejects.toThrow(/larger than 100 bytes/);
    await expect(readDataFile(join(dir, 'none.json'), 100)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a FIFO as settings.json gives the defaults at once, each time, without holding a file thread', async () => {
    const data = mkdtempSync(join(dir, 'settings-'));
    execFileSync('mkfifo', [join(data, 'settings.json')]);
    const store = createSettingsStore(data);
    // More loads than Node has file threads (4): on main the fifth waited behind the four blocked ones.
    const loads = await Promise.all(Array.from({ length: 6 }, () => store.load()));
    expect(loads).toEqual(Array.from({ length: 6 }, () => ({})));
  }, 10_000);
});
