import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleScript } from '../test/bundle-script.js';
import { formatCount, formatPerSecond, groupDigits } from './format.js';

const icu = new Intl.NumberFormat('en-US');

describe('numbers as en-US writes them', () => {
  it('are grouped as Intl.NumberFormat groups them, whole numbers without it', () => {
    const samples = [0, -0, 1, -1, 9, 10, 99, 100, 999, 1000, -1000, 9999, 10_000, 123_456, 1_234_567, -98_765_432];
    samples.push(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53, -(2 ** 53), 1e21, 1.5e300);
    samples.push(0.5, 1234.5678, -1234.0005, 999.9995, 1e-7, 12_345_678.125);
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const digits = 1 + (seed % 16);
      samples.push(Math.floor((seed / 2 ** 31) * 10 ** digits) * (i % 2 ? -1 : 1));
    }
    for (const n of samples) expect(groupDigits(n), String(n)).toBe(icu.format(n));
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatCount(Number.NaN)).toBe('');
    expect(formatPerSecond(123_456.4)).toBe('123,456/s');
    expect(formatPerSecond(7)).toBe('7.0/s');
  });
});

// ICU's number-format data and code are part of the node binary, read in (and resident for the life of the
// process) the first time a number is formatted with them: the host formats counts into its messages, and held
// 4-5 MB more of the binary's pages for it. A process of its own counts the binary's resident pages around the
// formatting; a control then formats with Intl and must show them grow, so the measure can see what it looks for.
describe.skipIf(process.platform !== 'linux')("the host's whole-number formatting", () => {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-icu-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads none of ICU's number formats into the process; Intl.NumberFormat does (a control)", async () => {
    const subject = await bundleScript(
      dir,
      'subject',
      `export { formatCount, formatPerSecond } from ${JSON.stringify(resolve('shared/format.ts'))};\n` +
        `export { slicedNote } from ${JSON.stringify(resolve('electron/collectors/linux/socket-owners.ts'))};\n` +
        `export { parseFilter } from ${JSON.stringify(resolve('shared/filter.ts'))};\n`,
    );
    const driver = join(dir, 'driver.cjs');
    writeFileSync(
      driver,
      `const fs = require('node:fs');
const binary = fs.realpathSync(process.execPath);
function resident() {
  let mine = false, kb = 0;
  for (const line of fs.readFileSync('/proc/self/smaps', 'utf8').split('\\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \\S+ \\S+ \\S+ \\S+\\s*(.*)$/.exec(line);
    if (head) mine = head[1] === binary;
    else if (mine && line.startsWith('Rss:')) kb += Number(line.split(/\\s+/)[1]);
  }
  return kb;
}
// V8's optimising tiers are code of the binary too (4 MB of it the first time one runs): warmed on other work
// first, so that what follows counts the modules' load and their formatting alone.
function warm(i) {
  const s = String(i * 7);
  let o = s.slice(0, 1);
  for (let k = 1; k < s.length; k++) o += '.' + s.slice(k, k + 1);
  const parts = Array.from(o.split('.'), (p) => /^[0-9]+$/i.test(p) ? Number(p) : p);
  return o + (i * 0.5).toFixed(1) + JSON.stringify({ parts, at: new Map([[i, o]]).size });
}
let text = '';
for (let i = 0; i < 200000; i++) text = warm(i);
setTimeout(() => {
  const before = resident();
  const m = require(${JSON.stringify(subject)});
  for (let i = 0; i < 5000; i++) text += m.formatCount(i * 7919) + m.formatPerSecond(i * 31.7);
  text += m.slicedNote({ processes: [{ pid: 1, name: 'x', fds: 123456 }], count: 1 });
  text += JSON.stringify(m.parseFilter('port:' + Array.from({ length: 1200 }, (_, i) => i).join(',')));
  setTimeout(() => {
    const counted = resident();
    text += new Intl.NumberFormat('en-US').format(1234567);
    const control = resident();
    process.stdout.write(JSON.stringify({ counted: counted - before, control: control - counted, length: text.length }));
  }, 300);
}, 300);
`,
    );
    const run = spawnSync(process.execPath, [driver], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const kb = JSON.parse(run.stdout) as { counted: number; control: number };
    // The control reads ICU's number formats in: several MB of the binary's pages (4.4 on this machine).
    expect(kb.control).toBeGreaterThan(2048);
    // The app's formatting touches a few pages (V8's string builtins), under a tenth of it (64 KB here).
    expect(kb.counted).toBeLessThan(kb.control / 10);
  });
});

// The calls that read ICU's data in, where the host's code (electron/, shared/) may make them: a number formatted
// by Intl once holds its pages for the life of the process (above). The renderer, in Chromium, is not counted.
describe("ICU's formats in the host's code", () => {
  const ICU_CALL =
    /\.toLocale(?:String|DateString|TimeString)\(|\.localeCompare\(|\bIntl\.(?:NumberFormat|DateTimeFormat|Collator|PluralRules|RelativeTimeFormat|ListFormat|Segmenter)\b/;
  const ALLOWED: Record<string, string> = {
    'shared/format.ts': 'Intl.NumberFormat made on the first fraction or unsafe integer, never for a count',
    'electron/commands/text-table.ts': "a one-shot command's sort of process names, in a process that then exits",
  };

  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory()) return e.name === 'testing' ? [] : sources(path);
      return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
    });
  }

  it('are made only where listed', () => {
    const found = [...sources('electron'), ...sources('shared')].filter((f) => ICU_CALL.test(readFileSync(f, 'utf8')));
    expect(found.sort()).toEqual(Object.keys(ALLOWED).sort());
  });
});
