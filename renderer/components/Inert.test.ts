import { describe, expect, it } from 'vitest';
import { clampText, inertLabel, isolated } from './Inert.js';

describe('inert labels', () => {
  it('clamps long text with an ellipsis, leaves short text alone', () => {
    expect(clampText('abcdef', 3)).toBe('abc…');
    expect(clampText('abc', 3)).toBe('abc');
  });
  it('escapes control and bidi characters before clamping', () => {
    expect(inertLabel('evil\u202egnp.exe')).toBe('evil\\u202egnp.exe');
    expect(inertLabel('a\x1b[31mred', 6)).toBe('a\\x1b[…');
  });
  it('isolates text between first-strong and pop-directional isolates', () => {
    expect(isolated('x')).toBe('\u2068x\u2069');
  });
});
