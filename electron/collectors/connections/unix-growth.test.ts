// Reading /proc/net/unix grows linearly however many lines name one inode. Any user may bind abstract sockets
// whose names hold lines imitating rows (see unix-forgery.test.ts); the rows that name one inode used to be
// listed by copying the list at each line, so 19,000 of them took 38 s on a remote host (attack review of
// 12-03). Times are CPU times compared as a ratio within one run, each the best of interleaved repetitions.
import { describe, expect, it } from 'vitest';
import { parseProcNetUnix } from './linux.js';
import { ratioOf } from '../../../test/growth.js';

const HEADER = 'Num       RefCount Protocol Flags    Type St Inode Path';

/** `n` rows all naming inode 77, as forged names inside sockets' names would. */
function table(n: number): string {
  const lines = [HEADER];
  for (let i = 0; i < n; i++)
    lines.push(`${(0xffff888000000000n + BigInt(i) * 1024n).toString(16)}: 00000002 00000000 00000000 0001 02      77`);
  return `${lines.join('\n')}\n`;
}

describe('/proc/net/unix with many lines naming one inode', () => {
  it('is read in linear time: 4 times the lines, far less than 16 times the time', () => {
    // From 8,000 lines: 4,000 read in about as long as 8,000 here (4.8 against 6.1 ms of CPU, what does not grow
    // with the lines), so from 4,000 a linear read measured 12-19 times for 8 times the lines, and once 24.2 in CI
    // (limit 24, where a quadratic read is 64). From 8,000 to 32,000 it measures 5.2-6.5 (12-04), a quadratic 16.
    const small = table(8_000);
    const large = table(32_000);
    const ratio = ratioOf(
      () => parseProcNetUnix(small),
      () => parseProcNetUnix(large),
      10,
    );
    // Every line is read (none may vanish): the repeated inode is one socket's, shown once or counted.
    const result = parseProcNetUnix(large);
    expect(result.rows.length + result.diagnostics.skipped).toBe(32_000);
    expect(ratio).toBeLessThan(10);
  }, 120_000);
});
