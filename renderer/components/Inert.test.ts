import { describe, expect, it } from 'vitest';
import { clampText, inertLabel, inertParts, isolated } from './Inert.js';

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
  it('cuts the names out of a message, escaped, with the words and PID outside them', () => {
    expect(inertParts('Terminated a\u202eb\nc (PID 5)', ['a\u202eb\nc'])).toEqual([
      { text: 'Terminated ', name: false },
      { text: 'a\\u202eb\\nc', name: true },
      { text: ' (PID 5)', name: false },
    ]);
    // A message from elsewhere (an error, a remote host) is escaped whole even where no name is found in it.
    expect(inertParts('x\u202ey', ['zz', ''])).toEqual([{ text: 'x\\u202ey', name: false }]);
    expect(inertParts('a b a', ['a'])).toEqual([
      { text: 'a', name: true },
      { text: ' b ', name: false },
      { text: 'a', name: true },
    ]);
  });
});
