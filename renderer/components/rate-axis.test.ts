import { describe, expect, it } from 'vitest';
import { formatRate } from '../../shared/format.js';
import { rateIncrs } from './rate-axis.js';

/** The ticks uPlot lays out with the smallest step that leaves `space` px between them. */
function ticks(max: number, height: number, space = 30): number[] {
  const step = rateIncrs(max).find((n) => (n / max) * height >= space)!;
  return Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
}

describe('rate axis steps', () => {
  it('an axis crossing 1 KiB/s reads in quarters of a KiB, however tall (was 1.07, 1.17 … KiB/s at 1080 px)', () => {
    const max = 2.2 * 1024;
    for (const height of [300, 700, 1000]) {
      const t = ticks(max, height);
      expect(t.every((v) => v % 256 === 0)).toBe(true);
      expect(t.map(formatRate)).toContain(formatRate(1024));
    }
    expect(ticks(max, 1000).map(formatRate).join(', ')).not.toMatch(/1\.07|1\.17|1000 B/);
  });

  it('crossing 1 MiB/s: quarters of a MiB; an axis under 1 KiB/s keeps its small steps', () => {
    expect(rateIncrs(1.5 * 1024 ** 2).every((n) => n % (256 * 1024) === 0)).toBe(true);
    expect(rateIncrs(1.5 * 1024 ** 2)).toContain(256 * 1024);
    expect(rateIncrs(900)).toContain(100);
    // A bogus rate (a remote host's counter) gives steps: on main 1 PiB/s and more gave none (and Infinity looped for
    // good, which a test cannot show without hanging: the same guard ends it).
    for (const max of [NaN, 1024 ** 5, 1e300]) expect(rateIncrs(max).length).toBeGreaterThan(0);
    expect(rateIncrs(3 * 1024 ** 4).every((n) => n % (256 * 1024 ** 3) === 0)).toBe(true);
    // Ascending, as uPlot expects.
    const incrs = rateIncrs(3 * 1024 ** 3);
    expect([...incrs].sort((a, b) => a - b)).toEqual(incrs);
  });
});
