// The tray icon (the menu bar on macOS): current receive and send rates in its tooltip (and, on macOS, its
// title), and a menu to show the window, pause, choose whether closing the window keeps NetLens here, and
// quit. Only the desktop host has one; what it shows and offers is tray-model.ts.
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { Monitor } from './monitor/api.js';
import { InterfaceFeed, trayMenu, trayText, type TrayCommand, type TrayItem } from './tray-model.js';

export interface TrayOptions {
  monitor: Monitor;
  iconPath: string;
  showWindow(): void;
  quit(): void;
  closeToTray: { get(): boolean; set(value: boolean): void };
}

export interface NetlensTray {
  destroy(): void;
}

export function createTray(options: TrayOptions): NetlensTray {
  const tray = new Tray(nativeImage.createFromPath(options.iconPath));
  const feed = new InterfaceFeed();
  let lastMenu = '';

  const commands: Record<TrayCommand, () => void> = {
    show: () => options.showWindow(),
    togglePause: () => client.handle({ type: 'pause', paused: !feed.paused }),
    toggleCloseToTray: () => {
      options.closeToTray.set(!options.closeToTray.get());
      render();
    },
    quit: () => options.quit(),
  };

  const toElectron = (item: TrayItem): MenuItemConstructorOptions =>
    item.type === 'separator'
      ? { type: 'separator' }
      : {
          type: item.type,
          label: item.label,
          ...(item.type === 'checkbox' ? { checked: item.checked } : {}),
          click: commands[item.command],
        };

  function render(): void {
    const text = trayText(feed.totals(), feed.paused);
    tray.setToolTip(text.tooltip);
    if (process.platform === 'darwin') tray.setTitle(text.title);
    const items = trayMenu({ paused: feed.paused, closeToTray: options.closeToTray.get() });
    const key = JSON.stringify(items);
    if (key !== lastMenu) {
      lastMenu = key;
      tray.setContextMenu(Menu.buildFromTemplate(items.map(toElectron)));
    }
  }

  const client = options.monitor.attach((message) => {
    if (feed.receive(message, (m) => client.handle(m))) render();
  });
  client.handle({ type: 'subscribe', dataset: 'interfaces' });
  // The rates are wanted while the window is hidden in the tray, too.
  client.handle({ type: 'visibility', hidden: false, visible: ['interfaces'] });
  // Linux and Windows: a click on the icon brings the window back (macOS opens the menu).
  tray.on('click', () => options.showWindow());
  render();

  return {
    destroy() {
      client.detach();
      tray.destroy();
    },
  };
}
