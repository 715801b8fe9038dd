// Mutated real captures (truncated lines, deleted or repeated tokens, random bytes, shuffled lines) never
// make a parser throw: a forced format always returns rows and diagnostics (unless the text is a tool's
// error message), and auto-detection either
// parses or refuses with one of its own messages. CRLF and LF captures parse to the same rows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectFormat, parseCapture, supportedFormats } from './index.js';
import { ALL_FIXTURES, fixture } from '../../test/fixtures/captures/fixtures.js';

const TEXTS = ALL_FIXTURES.map((f) => ({ name: f.split('/')[1] ?? f, text: fixture(f) }));
const FORMATS = supportedFormats();
const OWN_MESSAGES = /holds an error message|which holds no|was not recognised|is empty/;

type Mutation = { kind: number; line: number; at: number; extra: string };

function mutate(text: string, muts: Mutation[]): string {
  const lines = text.split('\n');
  for (const m of muts) {
    const i = m.line % Math.max(1, lines.length);
    const line = lines[i] ?? '';
    const tokens = line.split(/(\s+)/);
    const t = m.at % Math.max(1, tokens.length);
    switch (m.kind % 7) {
      case 0:
        lines[i] = line.slice(0, m.at % (line.length + 1));
        break; // truncation
      case 1:
        tokens.splice(t, 1);
        lines[i] = tokens.join('');
        break; // deleted token
      case 2:
        tokens.splice(t, 0, tokens[t] ?? '');
        lines[i] = tokens.join('');
        break; // duplicated token
      case 3:
        lines[i] = line.slice(0, m.at % (line.length + 1)) + m.extra + line.slice(m.at % (line.length + 1));
        break; // random bytes
      case 4:
        lines.splice(i, 0, line);
        break; // duplicated line
      case 5:
        lines.splice(i, 1);
        break; // deleted line
      default:
        lines[i] = `${line}${lines[i + 1] ?? ''}`;
        lines.splice(i + 1, 1); // two lines glued
    }
  }
  return lines.join('\n');
}

const mutation = fc.record({
  kind: fc.nat(),
  line: fc.nat(),
  at: fc.nat(),
  extra: fc.string({
    unit: fc.oneof(
      fc.constantFrom(
        ' ',
        '\t',
        ':',
        '.',
        '[',
        ']',
        '%',
        '/',
        '(',
        ')',
        '0',
        '9',
        'f',
        '*',
        '-',
        '=',
        '\r',
        '\u0000',
        '\uFFFD',
        'é',
      ),
      fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c >= 0xd800 && c <= 0xdfff ? 0x41 : c)),
    ),
    maxLength: 12,
  }),
});

describe('mutated captures', () => {
  it('never throw with the format forced, and refuse only with their own messages when auto-detected', () => {
    let lines = 0;
    fc.assert(
      fc.property(
        fc.nat(TEXTS.length - 1),
        fc.nat(FORMATS.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 8 }),
        (fi, fo, muts) => {
          const { name, text } = TEXTS[fi] ?? { name: '', text: '' };
          const mutated = mutate(text, muts);
          lines += muts.length;
          try {
            const forced = parseCapture(name, mutated, FORMATS[fo]);
            expect(Array.isArray(forced.rows)).toBe(true);
          } catch (err) {
            // Even with a format forced, an error text in place of a table is reported as such.
            expect((err as Error).message).toMatch(/holds an error message/);
          }
          try {
            detectFormat(mutated, name);
            parseCapture(name, mutated);
          } catch (err) {
            expect(err).toBeInstanceOf(Error);
            expect((err as Error).message).toMatch(OWN_MESSAGES);
          }
        },
      ),
      { numRuns: 4000, seed: 20261128 },
    );
    expect(lines).toBeGreaterThan(10_000);
  });

  it('never throw on every line of every fixture cut at every tenth of its length', () => {
    for (const { name, text } of TEXTS) {
      const format = detectFormat(text, name);
      if (format === null) continue;
      for (const line of text.split('\n')) {
        for (let k = 1; k <= 10; k++) parseCapture(name, line.slice(0, Math.floor((line.length * k) / 10)), format);
      }
    }
  });
});

describe('line endings', () => {
  it.each(TEXTS.map((t) => [t.name, t.text] as const))('%s parses the same with LF and CRLF', (name, text) => {
    const lf = text.replace(/\r\n/g, '\n');
    const crlf = lf.replace(/\n/g, '\r\n');
    const run = (t: string): unknown => {
      try {
        return parseCapture(name, t).rows;
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(run(crlf)).toEqual(run(lf));
  });
});

describe('hostile words', () => {
  // Every token of every fixture replaced in turn by a name that lives on Object.prototype: lookups keyed by
  // input words must not reach it, and every parsed row must cross a structured clone (the app's channels).
  const PROTO_WORDS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
  const hasFunction = (v: unknown): boolean =>
    typeof v === 'function' || (typeof v === 'object' && v !== null && Object.values(v).some(hasFunction));
  it('never put Object.prototype members into rows', () => {
    let parsed = 0;
    for (const { name, text } of TEXTS) {
      const lines = text.split('\n');
      for (let i = 0; i < Math.min(lines.length, 40); i++) {
        const tokens = (lines[i] ?? '').split(/(\s+|:|\.)/);
        for (let t = 0; t < tokens.length; t += 2) {
          const word = PROTO_WORDS[(i + t) % PROTO_WORDS.length]!;
          const copy = [...lines];
          copy[i] = [...tokens.slice(0, t), word, ...tokens.slice(t + 1)].join('');
          const format = detectFormat(text, name);
          if (!format) continue;
          let result;
          try {
            result = parseCapture(name, copy.join('\n'), format);
          } catch (err) {
            expect(String(err)).toMatch(OWN_MESSAGES);
            continue;
          }
          parsed++;
          expect(hasFunction(result.rows), `${name} line ${i} token ${t}`).toBe(false);
          expect(() => structuredClone(result)).not.toThrow();
        }
      }
    }
    expect(parsed).toBeGreaterThan(5000);
    // Thousands of parses: about 25 s alone, far more while other suites load the machine.
  }, 180_000);
});
