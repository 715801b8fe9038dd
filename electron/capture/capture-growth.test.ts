// Parsing time grows linearly with the capture, for every format, on hostile input: each format's real
// capture followed by long lines built from the characters its patterns treat specially (runs of spaces,
// tabs, colons, dots, `%`, `(`, `flags=0<`, digits, the ipconfig `Key . . . :` shape...). A quadratic
// regex shows as a time ratio near 4 when the input doubles (issue 10: 6 KB of spaces took 60 s in the
// ipconfig parser). Times are CPU times compared as a ratio within one run, each the best of several
// interleaved repetitions, so a loaded machine slows both sides alike.
import { describe, expect, it } from 'vitest';
import { parseCapture } from './index.js';
import { PARSED, fixture } from '../../test/fixtures/captures/fixtures.js';

/** One real capture per format (the first listed). */
const BY_FORMAT = new Map<string, string>();
for (const [file, format] of PARSED) if (!BY_FORMAT.has(format)) BY_FORMAT.set(format, file);

// Units repeated to make one long line each: the attack strings a ReDoS checker (recheck) found for the
// patterns these parsers used, plus the shapes of the issue's own examples.
const UNITS = [' ', '\t', ':', ':D', '::', '.', '. ', '%', '(', '(0 ', '0', '0 ', 'a', 'a ', '\t@', '=', ' =',
  'flags=0<', 'OUTE\tPS ', 'ADAPTER\t', '[', '-', '/', 'inet ', '0/', 'x:x ', ') ', '\u00a0'];

function hostile(capture: string, size: number): string {
  const lines: string[] = [capture];
  for (const unit of UNITS) {
    const run = unit.repeat(Math.ceil(size / unit.length));
    lines.push(`${run}x`, `   ${run}x`, `Ip: ${run}`, `tcp ${run} :`, `   Key${run}: ${run}`);
  }
  return lines.join('\n');
}

/** CPU time (ms) of the best of `repetitions` runs: CPU rather than wall time, so that waiting for a core on
 *  a loaded machine does not count. */
function bestTime(f: () => void, repetitions: number): number {
  let best = Infinity;
  for (let i = 0; i < repetitions; i++) {
    const t = process.cpuUsage();
    f();
    const used = process.cpuUsage(t);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

function parse(text: string, format: string): void {
  try {
    parseCapture('hostile.txt', text, format);
  } catch (err) {
    // Refusals (an error text, say) are answers too; only their time matters here.
    if (!(err instanceof Error)) throw err;
  }
}

/** Time for `size` and `2 * size`, from a size at which one parse takes long enough to time (>= 30 ms). */
function growth(format: string, capture: string): { size: number; ratio: number } {
  let size = 2000;
  while (size < 64_000 && bestTime(() => parse(hostile(capture, size), format), 1) < 30) size *= 2;
  const small = hostile(capture, size);
  const large = hostile(capture, size * 2);
  let a = Infinity;
  let b = Infinity;
  // Interleaved, so a burst of load from elsewhere hits both sizes.
  for (let round = 0; round < 5; round++) {
    a = Math.min(a, bestTime(() => parse(small, format), 2));
    b = Math.min(b, bestTime(() => parse(large, format), 2));
  }
  return { size, ratio: b / a };
}

describe('capture parsing time on hostile input', () => {
  it.each([...BY_FORMAT.entries(), ['auto', 'windows/ipconfig.win10.txt']])('%s: doubling the input at most ~doubles the time', (format, file) => {
    const { size, ratio } = growth(format, fixture(file));
    expect(ratio, `${format}: long lines of ${size} characters`).toBeLessThan(2.5);
  });

  it("the issue's ipconfig capture (Windows IP Configuration, then a long run of spaces) grows linearly", () => {
    const text = (n: number) => `Windows IP Configuration\r\n\r\n${' '.repeat(n)}x`;
    const a = bestTime(() => parse(text(200_000), 'auto'), 5);
    const b = bestTime(() => parse(text(400_000), 'auto'), 5);
    expect(b / a).toBeLessThan(2.5);
  });

  it("the issue's netstat -s capture (Ip: then a line of numbers) grows linearly", () => {
    const text = (n: number) => `Ip:\n    ${'1 '.repeat(n)}\n`;
    const a = bestTime(() => parse(text(100_000), 'auto'), 5);
    const b = bestTime(() => parse(text(200_000), 'auto'), 5);
    expect(b / a).toBeLessThan(2.5);
  });
});
