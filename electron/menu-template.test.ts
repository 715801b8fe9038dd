// The desktop menu reaches every command the page takes from a menu (built without the Electron binary).
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { MENU_COMMANDS, type MenuCommand } from '../shared/protocol.js';
import { menuTemplate } from './menu-template.js';

/** The commands the template's items send when clicked, and their accelerators. */
function clicked(mac: boolean): { sent: MenuCommand[]; accelerators: string[] } {
  const sent: MenuCommand[] = [];
  const accelerators: string[] = [];
  const walk = (items: MenuItemConstructorOptions[]) => {
    for (const item of items) {
      if (item.accelerator) accelerators.push(String(item.accelerator));
      (item.click as (() => void) | undefined)?.();
      if (Array.isArray(item.submenu)) walk(item.submenu);
    }
  };
  walk(menuTemplate((c) => sent.push(c), { mac, dev: false }));
  return { sent, accelerators };
}

describe('the desktop menu', () => {
  it.each([false, true])('sends every menu command but the alerts (a notification sends it), mac %s', (mac) => {
    const { sent } = clicked(mac);
    expect(new Set(sent)).toEqual(new Set(MENU_COMMANDS.filter((c) => c !== 'showAlerts')));
  });

  it('lists the keyboard shortcuts under Help, with F1, and no accelerator twice', () => {
    const help = menuTemplate(() => {}, { mac: false, dev: true }).find((m) => m.role === 'help');
    const items = help?.submenu as MenuItemConstructorOptions[];
    expect(items.map((i) => i.label).filter(Boolean)).toEqual(['Keyboard Shortcuts', 'About NetLens…']);
    expect(items[0]!.accelerator).toBe('F1');
    const { accelerators } = clicked(false);
    expect(new Set(accelerators).size).toBe(accelerators.length);
  });
});
