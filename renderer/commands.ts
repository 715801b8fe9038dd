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

/** Ctrl (Cmd) + 1..N switch tabs, +F finds, +O opens a capture, +E exports, +R resolves names (as in TCPView;
 *  the desktop app's development reload is F5); Space pauses. */
export function keyCommand(e: KeyPress, where: KeyContext): AppCommand | null {
  if (where.modalOpen) return null;
  const mod = e.ctrlKey || e.metaKey;
  if (mod && /^[1-9]$/.test(e.key)) {
    const tab = TABS[Number(e.key) - 1];
    return tab ? showTabCommand(tab.id) : null;
  }
  if (mod) {
    const key = e.key.toLowerCase();
    if (key === 'f') return 'focusFilter';
    if (key === 'o') return 'openCapture';
    if (key === 'e') return 'export';
    if (key === 'r' && !e.shiftKey && !e.altKey) return 'toggleResolveNames';
    return null;
  }
  if (e.key === ' ' && !where.capture && !where.typing && !where.onButton && !where.overlayOpen) return 'pause';
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

/** Whether a modal dialog (components/Dialog.tsx) is open: the app's shortcuts and menu commands wait for it. */
export function modalOpen(): boolean {
  return document.querySelector('[role="dialog"][aria-modal="true"]') !== null;
}
