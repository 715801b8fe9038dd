import { describe, expect, it } from 'vitest';
import readme from '../README.md?raw';
import { keyCommand, SHORTCUTS, TABLE_KEYS, type KeyContext, type KeyPress } from './commands.js';

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});
const calm: KeyContext = { typing: false, onButton: false, overlayOpen: false, capture: false, modalOpen: false };

describe('keyCommand', () => {
  it('Ctrl or Cmd with a digit shows that tab, while there is one', () => {
    expect(keyCommand(press('1', { ctrlKey: true }), calm)).toBe('showTab:connections');
    expect(keyCommand(press('5', { metaKey: true }), calm)).toBe('showTab:history');
    expect(keyCommand(press('6', { ctrlKey: true }), calm)).toBeNull();
    expect(keyCommand(press('1'), calm)).toBeNull();
  });
  it('Ctrl with a letter: find, open, export, resolve names (not with Shift or Alt)', () => {
    expect(keyCommand(press('F', { ctrlKey: true }), calm)).toBe('focusFilter');
    expect(keyCommand(press('o', { ctrlKey: true }), calm)).toBe('openCapture');
    expect(keyCommand(press('e', { metaKey: true }), calm)).toBe('export');
    expect(keyCommand(press('r', { ctrlKey: true }), calm)).toBe('toggleResolveNames');
    expect(keyCommand(press('R', { ctrlKey: true, shiftKey: true }), calm)).toBeNull();
    expect(keyCommand(press('x', { ctrlKey: true }), calm)).toBeNull();
  });
  it('Space pauses, except in a field, on a button, under a dialog or menu, or on a capture', () => {
    expect(keyCommand(press(' '), calm)).toBe('pause');
    expect(keyCommand(press(' ', { ctrlKey: true }), calm)).toBeNull();
    for (const k of ['typing', 'onButton', 'overlayOpen', 'capture'] as const)
      expect(keyCommand(press(' '), { ...calm, [k]: true })).toBeNull();
  });
  it('no shortcut acts under a modal dialog: the view behind it stays the one it was opened on', () => {
    const modal = { ...calm, overlayOpen: true, modalOpen: true };
    for (const key of ['1', '3', 'f', 'o', 'e', 'r'])
      expect(keyCommand(press(key, { ctrlKey: true }), modal)).toBeNull();
    expect(keyCommand(press(' '), modal)).toBeNull();
    // A non-modal popover (the filter help, a menu) leaves the tab shortcuts working.
    expect(keyCommand(press('3', { ctrlKey: true }), { ...calm, overlayOpen: true })).toBe('showTab:interfaces');
  });
});

describe('the keyboard shortcuts list', () => {
  it('? and F1 show it, but not while typing (a "?" in the filter is a character) or under a dialog', () => {
    expect(keyCommand(press('?', { shiftKey: true }), calm)).toBe('showShortcuts');
    expect(keyCommand(press('F1'), calm)).toBe('showShortcuts');
    expect(keyCommand(press('F1'), { ...calm, onButton: true })).toBe('showShortcuts');
    expect(keyCommand(press('?', { shiftKey: true }), { ...calm, typing: true })).toBeNull();
    expect(keyCommand(press('F1'), { ...calm, overlayOpen: true, modalOpen: true })).toBeNull();
    expect(keyCommand(press('?', { ctrlKey: true }), calm)).toBeNull();
  });

  it('README lists exactly the shortcuts the keys run (one table, no drift)', () => {
    const block = /<!-- shortcuts:begin -->\n([\s\S]*?)<!-- shortcuts:end -->/.exec(readme)?.[1] ?? '';
    // The table's cells, whatever padding the formatter gives it; the |---| line left out.
    const cells = block
      .split('\n')
      .filter((line) => line.startsWith('|') && !/^\|[\s|-]*$/.test(line))
      .map((line) =>
        line
          .slice(1, -1)
          .split(' | ')
          .map((c) => c.trim()),
      );
    expect(cells).toEqual([['Keys', 'What they do'], ...[...SHORTCUTS, ...TABLE_KEYS].map((s) => [s.keys, s.does])]);
  });

  it('every shortcut in the list runs a command, and each command has one entry', () => {
    const samples: KeyPress[] = [
      press('2', { ctrlKey: true }),
      press('f', { ctrlKey: true }),
      press('o', { ctrlKey: true }),
      press('e', { ctrlKey: true }),
      press('r', { ctrlKey: true }),
      press(' '),
      press('F1'),
    ];
    expect(samples.map((e) => SHORTCUTS.filter((s) => s.command(e, calm) !== null).length)).toEqual(
      SHORTCUTS.map(() => 1),
    );
  });
});
