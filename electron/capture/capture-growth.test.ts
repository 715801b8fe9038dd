// Parsing time grows linearly with the capture, for every format, on hostile input: each format's real
// capture followed by long lines built from the characters its patterns treat specially (runs of spaces,
// tabs, colons, dots, `%`, `(`, `flags=0<`, digits, the ipconfig `Key . . . :` shape...). A quadratic
// regex shows as a time ratio near 4 when the input doubles (issue 10: 6 KB of spaces took 60 s in the
// ipconfig parser). Times are CPU times compared as a ratio within one run, each the best of several
// interleaved repetitions, so a loaded machine slows both sides alike.
import { describe, expect, it } from 'vitest';
import { parseCapture } from './index.js';
import { PARSED, fixture } from '../../test/fixtures/captures/fixtures.js';
import { bestTime, ratioOf } from '../../test/growth.js';

/** One real capture per format (the first listed). */
const BY_FORMAT = new Map<string, string>();
for (const [file, format] of PARSED) if (!BY_FORMAT.has(format)) BY_FORMAT.set(format, file);

// Units repeated to make one long line each: the attack strings a ReDoS checker (recheck) found for the
// patterns these parsers used, plus the shapes of the issue's own examples.
const UNITS = [
  ' ',
  '\t',
  ':',
  ':D',
  '::',
  '.',
  '. ',
  '%',
  '(',
  '(0 ',
  '0',
  '0 ',
  'a',
  'a ',
  '\t@',
  '=',
  ' =',
  'flags=0<',
  'OUTE\tPS ',
  'ADAPTER\t',
  '[',
  '-',
  '/',
  'inet ',
  '0/',
  'x:x ',
  ') ',
  '\u00a0',
];

function hostile(capture: string, size: number): string {
  const lines: string[] = [capture];
  for (const unit of UNITS) {
    const run = unit.repeat(Math.ceil(size / unit.length));
    lines.push(`${run}x`, `   ${run}x`, `Ip: ${run}`, `tcp ${run} :`, `   Key${run}: ${run}`);
  }
  return lines.join('\n');
}

function parse(text: string, format: string): void {
  try {
    parseCapture('hostile.txt', text, format);
  } catch (err) {
    // Refusals (an error text, say) are answers too; only their time matters here.
    if (!(err instanceof Error)) throw err;
  }
}

/** Limit of the time ratio when the input doubles: a quadratic parser measures 4 (noise only raises it: the
 *  lowest of several measurements is kept). A linear one measures more than 2 on these multi-megabyte inputs (the
 *  larger one spills out of caches and keeps the collector busier): on a quiet machine the formats' ratios spread
 *  from 2.0 to 2.42, one measured 2.52 with other work running; on another machine (12-02) every format measured
 *  3.0-3.4 at one scale, on code that measured 2.0-2.4 elsewhere. 3.5 keeps clear of both, and of 4. */
const LIMIT = 3.5;
/** Each format's test may take this long (wall time): see the test. */
const GROWTH_TIMEOUT_MS = 120_000;

/** The time ratio of a doubling, from a size at which one parse takes long enough to time (>= 30 ms), measured at
 *  two scales (`size` to `2 * size`, and `2 * size` to `4 * size`) and the lower one kept: a quadratic parser
 *  measures 4 at every scale, while a linear one measures more than 2 only where the larger input spills out of a
 *  cache level, which happens at one scale, not at both (on one machine every format measured 3.1-3.4 at the first
 *  scale alone, on the code that measured 2.0-2.4 elsewhere). */
function growth(format: string, capture: string): { size: number; ratio: number } {
  let size = 2000;
  while (size < 64_000 && bestTime(() => parse(hostile(capture, size), format), 1) < 30) size *= 2;
  const inputs = [size, size * 2, size * 4].map((n) => hostile(capture, n));
  const run = (i: number) => () => parse(inputs[i]!, format);
  const first = ratioOf(run(0), run(1), LIMIT);
  return { size, ratio: first < LIMIT ? first : Math.min(first, ratioOf(run(1), run(2), LIMIT)) };
}

describe('capture parsing time on hostile input', () => {
  it.each([...BY_FORMAT.entries(), ['auto', 'windows/ipconfig.win10.txt']])(
    '%s: doubling the input at most ~doubles the time',
    (format, file) => {
      const { size, ratio } = growth(format, fixture(file));
      expect(ratio, `${format}: long lines of ${size} characters`).toBeLessThan(LIMIT);
    },
    // Its wall time is its CPU time times the machine's load: macos-netstat-rn takes 1 s alone, 14-15 s in a
    // full CI run (three measurements at two scales when a busy machine raises a ratio), and 35 s, past the
    // default 30, in a CI run beside other work. The ratio, not the time, is what this test checks.
    GROWTH_TIMEOUT_MS,
  );

  it("the issue's ipconfig capture (Windows IP Configuration, then a long run of spaces) grows linearly", () => {
    const text = (n: number) => `Windows IP Configuration\r\n\r\n${' '.repeat(n)}x`;
    const [small, large] = [text(200_000), text(400_000)];
    expect(
      ratioOf(
        () => parse(small, 'auto'),
        () => parse(large, 'auto'),
        LIMIT,
      ),
    ).toBeLessThan(LIMIT);
  });

  it("the issue's netstat -s capture (Ip: then a line of numbers) grows linearly", () => {
    const text = (n: number) => `Ip:\n    ${'1 '.repeat(n)}\n`;
    const [small, large] = [text(100_000), text(200_000)];
    expect(
      ratioOf(
        () => parse(small, 'auto'),
        () => parse(large, 'auto'),
        LIMIT,
      ),
    ).toBeLessThan(LIMIT);
  });
});
