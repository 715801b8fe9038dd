// The desktop window's application menu, as a template (Menu.buildFromTemplate in main.ts): a pure function of the
// platform, so that its commands are testable without the Electron binary. Every item sends one of
// MENU_COMMANDS to the page, which runs it as it runs the same shortcut.
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/protocol.js';
import { showTabCommand, TABS } from '../shared/tabs.js';
import { APP_NAME } from './app-info.js';

export function menuTemplate(
  send: (command: MenuCommand) => void,
  { mac, dev }: { mac: boolean; dev: boolean },
): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open Capture…', accelerator: 'CmdOrCtrl+O', click: () => send('openCapture') },
        { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => send('export') },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      // The full set of edit roles: on macOS, Cmd+X/C/V/Z in the filter box work only through them.
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
        { type: 'separator' },
        { label: 'Find…', accelerator: 'CmdOrCtrl+F', click: () => send('focusFilter') },
      ],
    },
    {
      label: '&View',
      submenu: [
        ...TABS.map((t, i) => ({
          label: t.label,
          accelerator: `CmdOrCtrl+${i + 1}`,
          click: () => send(showTabCommand(t.id)),
        })),
        { type: 'separator' },
        // Ctrl+R as in TCPView ("Resolve addresses"); the development reload moves to F5 so they never clash.
        { label: 'Resolve Names', accelerator: 'CmdOrCtrl+R', click: () => send('toggleResolveNames') },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(dev
          ? [
              { type: 'separator' as const },
              { role: 'reload' as const, accelerator: 'F5' },
              { role: 'toggleDevTools' as const },
            ]
          : []),
      ],
    },
    {
      role: 'help',
      submenu: [
        // F1 as in most desktop apps; the page also takes F1 and ? (renderer/commands.ts SHORTCUTS).
        { label: 'Keyboard Shortcuts', accelerator: 'F1', click: () => send('showShortcuts') },
        { type: 'separator' },
        { label: `About ${APP_NAME}…`, click: () => send('showAbout') },
      ],
    },
  ];
  return template;
}
