import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inertExcerpt, inertJson, inertText, isInert } from './inert-text.js';

// What must never reach a terminal or a log raw.
const DANGEROUS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;
const anyText = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
    fc.constantFrom('\x1b', '\n', '\r', '\u202e', '\u2066', '\u200f', '\x07', '\x9b', 'a', ' '),
  ),
  maxLength: 60,
});

describe('inertText', () => {
  it('shows controls and bidi characters as escapes', () => {
    expect(inertText('\x1b]0;owned\x07')).toBe('\\x1b]0;owned\\x07');
    expect(inertText('\u202egnp.exe')).toBe('\\u202egnp.exe');
    expect(inertText('a\nb\tc\r')).toBe('a\\nb\\tc\\r');
    expect(inertText('\x9b2J')).toBe('\\x9b2J');
    expect(inertText('\u2066x\u2069')).toBe('\\u2066x\\u2069');
  });

  it('shows invisible characters past the format controls as escapes: a name followed by tags draws as itself', () => {
    // U+034F, Khmer's inherent vowels, a musical format control, tag characters, a variation selector supplement.
    const hidden = 'sshd\u034f\u17b4\u{1d173}\u{e0001}\u{e0073}\u{e007f}\u{e0100}';
    expect(inertText(hidden)).toBe('sshd\\u034f\\u17b4\\u{1d173}\\u{e0001}\\u{e0073}\\u{e007f}\\u{e0100}');
    expect(isInert(hidden)).toBe(false);
    // JSON keeps the value, each astral character as its two surrogates' escapes.
    expect(JSON.parse(inertJson({ hidden }))).toEqual({ hidden });
    expect(inertJson({ hidden })).toContain('\\udb40\\udc01');
  });

  it('leaves ordinary text alone: letters of any script, emoji, paths', () => {
    for (const s of [
      'firefox',
      'Служба',
      '東京',
      'عربى',
      '🦊 fox',
      '𝄞 clef',
      '/run/user/1000/bus',
      'C:\\Program Files\\x.exe',
    ]) {
      expect(inertText(s)).toBe(s);
      expect(isInert(s)).toBe(true);
    }
  });

  it('never lets a dangerous character through, for any string (fast-check)', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const out = inertText(s);
        expect(DANGEROUS.test(out)).toBe(false);
        expect(isInert(out)).toBe(true);
        // Escaping is idempotent: escaped text is safe text.
        expect(inertText(out)).toBe(out);
        // One line in, one line out.
        expect(out.includes('\n')).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  // A chunk at a time past 1 M characters: one replace over some 67 million unsafe characters (a crafted record's
  // field, review of 12-06) ended the process with V8's fatal "invalid size error" (checked by hand: 70 million
  // take 24 s, too long for the suite).
  it('escapes a string of any length alike, a pair of surrogates across its chunks kept whole', () => {
    const chunk = 1 << 20;
    // An emoji (two UTF-16 units) across the first chunk's end, a lone surrogate and controls after it.
    const text = `${'a'.repeat(chunk - 1)}🦊\x1b${'b'.repeat(chunk)}\udc00\u202e`;
    expect(inertText(text)).toBe(`${'a'.repeat(chunk - 1)}🦊\\x1b${'b'.repeat(chunk)}\\udc00\\u202e`);
    expect(JSON.parse(inertJson({ text }))).toEqual({ text });
    expect(inertJson({ text })).toContain('🦊\\u001b');
  });

  it('excerpts cut long values and say how much was left out', () => {
    expect(inertExcerpt('x'.repeat(1000), 10)).toBe('xxxxxxxxxx… (990 more characters)');
    expect(inertExcerpt('\x1b[2J', 10)).toBe('\\x1b[2J');
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 40 }), (s, max) => {
        expect(inertExcerpt(s, max).length).toBeLessThanOrEqual(max * 6 + 40);
      }),
    );
  });
});
