// Every regular expression that reads OS output, a saved capture or a filter query must run in linear time:
// a capture is hostile input (issue 10: one ipconfig regex took 60 s on 6 KB). recheck (an automaton-based
// ReDoS checker) proves each literal safe or names an attack string; this keeps new ones honest too.
import { checkSync } from 'recheck';
import { describe, expect, it } from 'vitest';
import { regexLiterals, sourceFiles } from './regex-literals.js';

const ROOT = process.cwd();
const DIRS = ['electron/capture', 'electron/collectors', 'shared', 'electron/commands'];

describe('regular expressions over untrusted text', () => {
  const literals = regexLiterals(ROOT, sourceFiles(ROOT, DIRS));

  it('finds the literals (the audit is not vacuous)', () => {
    expect(literals.length).toBeGreaterThan(150);
    expect(literals.some((l) => l.file === 'electron/capture/other-tools.ts')).toBe(true);
  });

  it('are all linear (recheck finds no super-linear backtracking)', () => {
    const unsafe: string[] = [];
    for (const l of literals) {
      // g and y only change where matching starts; recheck checks the expression as exec would run it.
      const r = checkSync(l.source, l.flags.replace(/[gy]/g, ''), { timeout: 20_000 });
      if (r.status !== 'safe') {
        const attack =
          r.status === 'vulnerable'
            ? ` ${r.complexity.type}, attack ${JSON.stringify(r.attack.pattern)}`
            : ` ${r.status}`;
        unsafe.push(`${l.file}:${l.line} /${l.source}/${l.flags}${attack}`);
      }
    }
    expect(unsafe).toEqual([]);
  }, 300_000);
});
