// What the keyboard asks of the app: the same commands as Electron's application menu (shared/protocol.ts
// MENU_COMMANDS), plus Space for pause. One mapping, a pure function, so the shortcuts are testable.
import type { MenuCommand } from '../shared/protocol.js';
import { showTabCommand, TABS } from '../shared/tabs.js';

export type AppCommand = MenuCommand | 'pause';

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** Where the key was pressed: Space pauses only outside text fields, buttons and open dialogs or menus, and
 *  never while a capture (which does not update) is shown; under a modal dialog no shortcut acts (Ctrl+3 behind
 *  "Export this view" changed the tab it was about to export, Ctrl+O opened a capture behind it). */
export interface KeyContext {
  typing: boolean;
  onButton: boolean;
  overlayOpen: boolean;
  capture: boolean;
  modalOpen: boolean;
}

/** Nothing typed, pressed on a button, or open over the view: where a plain key may act. */
const free = (where: KeyContext) => !where.typing && !where.onButton && !where.overlayOpen;
const mod = (e: KeyPress) => e.ctrlKey || e.metaKey;
const plain = (e: KeyPress) => !e.ctrlKey && !e.metaKey && !e.altKey;
const letter = (e: KeyPress, k: string) => mod(e) && !e.altKey && e.key.toLowerCase() === k;

/** One of the app's shortcuts: the keys and what they do as the Keyboard shortcuts dialog and README say them,
 *  and the command a key press asks for (null: not this one). */
export interface Shortcut {
  keys: string;
  does: string;
  command: (e: KeyPress, where: KeyContext) => AppCommand | null;
}

/**
 * The app's shortcuts (Ctrl is Cmd on macOS): the one table keyCommand reads and the Keyboard shortcuts dialog
 * lists, so the list cannot drift from what the keys do (README lists the same; commands.test.ts checks it).
 * As in TCPView, Ctrl+R resolves names; the desktop app's development reload is F5.
 */
export const SHORTCUTS: readonly Shortcut[] = [
  {
    keys: `Ctrl+1…${TABS.length}`,
    does: `Show a tab (${TABS.map((t) => t.label).join(', ')})`,
    command: (e) => {
      if (!mod(e) || !/^[1-9]$/.test(e.key)) return null;
      const tab = TABS[Number(e.key) - 1];
      return tab ? showTabCommand(tab.id) : null;
    },
  },
  {
    keys: 'Ctrl+F',
    does: "Go to the tab's filter (Connections, Routes, Interfaces, Statistics, History's As it was)",
    command: (e) => (letter(e, 'f') ? 'focusFilter' : null),
  },
  { keys: 'Ctrl+O', does: 'Open a capture…', command: (e) => (letter(e, 'o') ? 'openCapture' : null) },
  { keys: 'Ctrl+E', does: 'Export this view…', command: (e) => (letter(e, 'e') ? 'export' : null) },
  {
    keys: 'Ctrl+R',
    does: 'Resolve host names on or off',
    command: (e) => (letter(e, 'r') && !e.shiftKey ? 'toggleResolveNames' : null),
  },
  {
    keys: 'Space',
    does: 'Pause or resume (not in a field, on a button other than the tab shown, or on a tab showing a capture)',
    command: (e, where) => (e.key === ' ' && plain(e) && !where.capture && free(where) ? 'pause' : null),
  },
  {
    keys: '? or F1',
    does: 'This list of shortcuts (not in a field)',
    command: (e, where) =>
      (e.key === '?' || e.key === 'F1') && plain(e) && !where.typing && !where.overlayOpen ? 'showShortcuts' : null,
  },
];

/** Keys the tables, menus and dialogs take themselves (DataGrid, Menu, Dialog): listed with the shortcuts. */
export const TABLE_KEYS: readonly { keys: string; does: string }[] = [
  { keys: '↑ ↓ PgUp PgDn Home End', does: 'Move in a table (each table is one Tab stop)' },
  { keys: 'Shift+↑/↓, Ctrl+A', does: 'Select rows' },
  { keys: 'Ctrl+C', does: 'Copy the selected rows' },
  { keys: 'Enter', does: 'On a Connections row: filter to its process' },
  {
    keys: '↑ ↓ PgUp PgDn, Ctrl+Home/End',
    does: 'On Statistics: its sections are one Tab stop and the keys go on from one into the next; Ctrl+Home/End: the first or last counter',
  },
  {
    keys: '↑ from the first row',
    does: "To the headers (on Statistics the first section's, which sort and size every section): ←/→ Home End move, ↓ or Escape go back",
  },
  { keys: 'Enter, Shift+Enter', does: 'On a header: sort by it; add it as the next sort key' },
  { keys: 'Alt+←/→, Alt+Shift+←/→', does: 'On a header: make the column narrower or wider; move it left or right' },
  {
    keys: 'Alt+Home',
    does: "On a header: the column's automatic width again (fitted to its content, as a new window has it)",
  },
  { keys: 'Shift+F10 or Menu', does: "The row's menu" },
  { keys: 'Escape', does: 'Close a menu or dialog; in a table, clear its selection (the process list: its filter)' },
  { keys: '← → Home End', does: 'In a group of options (All, Listening, Connected): choose another' },
  {
    keys: '← → Home End, Enter',
    does: "On the process list's edge: its width (Shift+←/→ by more); Enter gives back the default",
  },
  {
    keys: '← → PgUp PgDn Home End',
    does: "On History's timeline: the moment (or range) a minute (ten) on or back, the span's start, now; Shift moves one end",
  },
];

/** The command a key press asks for, from SHORTCUTS; none under a modal dialog (Ctrl+3 behind "Export this
 *  view" changed the tab it was about to export, Ctrl+O opened a capture behind it). */
export function keyCommand(e: KeyPress, where: KeyContext): AppCommand | null {
  if (where.modalOpen) return null;
  for (const s of SHORTCUTS) {
    const command = s.command(e, where);
    if (command) return command;
  }
  return null;
}

export function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.tagName === 'INPUT' ||
      target.tagName === 'SELECT' ||
      target.tagName === 'TEXTAREA' ||
      target.isContentEditable)
  );
}

/** Whether Space on `target` would press a button: not on the tab already shown (its Space does nothing, and a tab
 *  is where Ctrl+1…5 leaves the focus: Space there did not pause, a new user's review of 12-06). */
export function pressesButton(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLButtonElement)) return false;
  return !(target.getAttribute('role') === 'tab' && target.getAttribute('aria-selected') === 'true');
}

/** Whether a modal dialog (components/Dialog.tsx) is open: the app's shortcuts and menu commands wait for it. */
export function modalOpen(): boolean {
  return document.querySelector('[role="dialog"][aria-modal="true"]') !== null;
}
