// The tray icon (the menu bar on macOS): current receive and send rates in its tooltip (and, on macOS, its
// title), the alerts that came while the window was not in front, and a menu to show the window or the
// alerts, pause, choose whether closing the window keeps NetLens here, and quit. And the alerts' desktop
// notifications, which work with no tray too (some Linux desktops show none). Only the desktop host has
// these; what they show and offer is tray-model.ts.
import { Menu, Notification, Tray, app, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { Monitor } from './monitor/api.js';
import {
  AlertFeed,
  desktopNotification,
  InterfaceFeed,
  trayMenu,
  trayText,
  type TrayCommand,
  type TrayItem,
} from './tray-model.js';

/** What the alerts need of the window (main.ts wraps the BrowserWindow). */
export interface AlertWindow {
  /** Shows and focuses it. */
  show(): void;
  /** Sends the page a menu command (the page then shows the History tab's Alerts). */
  send(command: 'showAlerts'): void;
  /** Whether the user sees it now (visible, not minimised, focused): alerts then count as seen. */
  inFront(): boolean;
  onFocus(listener: () => void): void;
}

export interface DesktopAlerts {
  /** Alerts that came while the window was not in front, since the user last looked. */
  readonly unseen: number;
  /** Brings the window to the front on the History tab's Alerts (a notification or the tray's item clicked). */
  show(): void;
  onChange(listener: () => void): void;
  destroy(): void;
}

/** Notifications kept referenced until clicked or closed (one collected early loses its click); at most this many. */
const MAX_LIVE_NOTIFICATIONS = 20;

/** The recorder's alerts on the desktop: an Electron Notification for each (while the user wants them and the
 *  OS supports them), clicking it opens the alerts; the unseen count goes to the app's badge and the tray. */
export function createDesktopAlerts(monitor: Monitor, window: AlertWindow): DesktopAlerts {
  const feed = new AlertFeed();
  const listeners = new Set<() => void>();
  const live = new Set<Notification>();
  const changed = () => {
    // The dock (macOS) or launcher (Linux: Unity, with the .desktop file) badge; Electron has none on Windows,
    // where the tray's tooltip says it.
    if (process.platform !== 'win32') app.setBadgeCount(feed.unseen);
    for (const listener of listeners) listener();
  };
  // The user looked: the window came to the front, or the alerts were opened.
  const seen = () => {
    if (feed.seen()) changed();
  };
  const show = () => {
    window.show();
    window.send('showAlerts');
    seen();
  };
  window.onFocus(seen);
  const client = monitor.attach((message) => {
    const { notification, changed: countChanged } = feed.receive(message, window.inFront());
    if (notification && Notification.isSupported()) {
      const n = new Notification(desktopNotification(notification, process.platform));
      const forget = () => live.delete(n);
      n.on('click', () => {
        forget();
        show();
      });
      n.on('close', forget);
      if (live.size >= MAX_LIVE_NOTIFICATIONS) live.delete(live.values().next().value!);
      live.add(n);
      n.show();
    }
    if (countChanged) changed();
  });
  return {
    get unseen() {
      return feed.unseen;
    },
    show,
    onChange(listener) {
      listeners.add(listener);
    },
    destroy() {
      client.detach();
      listeners.clear();
      live.clear();
    },
  };
}

export interface TrayOptions {
  monitor: Monitor;
  iconPath: string;
  showWindow(): void;
  /** The alerts whose unseen count the tray shows, and what its Alerts item opens. */
  alerts: Pick<DesktopAlerts, 'unseen' | 'onChange' | 'show'>;
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
    showAlerts: () => options.alerts.show(),
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
    const unseen = options.alerts.unseen;
    const text = trayText(feed.totals(), feed.paused, unseen);
    tray.setToolTip(text.tooltip);
    if (process.platform === 'darwin') tray.setTitle(text.title);
    const items = trayMenu({ paused: feed.paused, closeToTray: options.closeToTray.get(), unseen });
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
  options.alerts.onChange(() => render());
  render();

  return {
    destroy() {
      client.detach();
      tray.destroy();
    },
  };
}
