// What the tray shows and offers, as plain data: kept apart from tray.ts (the only part that needs Electron)
// so it is unit-tested in Node. The tray is one more monitor client: it subscribes to interfaces, keeps their
// rows with the same diffs the renderer applies, and sums the receive and send rates of the non-loopback ones.
import type { ServerMessage, StreamMessage } from '../shared/protocol.js';
import { DEFAULT_RECORDING } from '../shared/record.js';
import { NotificationBudget } from '../shared/alert-notifications.js';
import type { NetInterface } from '../shared/types.js';
import { applyDiff } from '../shared/diff.js';
import { formatRate } from '../shared/format.js';
import { APP_NAME } from './app-info.js';

export interface Totals {
  rx: number;
  tx: number;
}

const isLoopback = (i: NetInterface) => i.type === 'loopback' || i.flags.includes('LOOPBACK');

/** Receive and send bytes per second over every interface but loopback; null before the first rates. */
export function totalRates(rows: Iterable<NetInterface>): Totals | null {
  let rx = 0;
  let tx = 0;
  let any = false;
  for (const row of rows) {
    if (isLoopback(row) || !row.rates) continue;
    any = true;
    rx += row.rates.rxBytesPerSec;
    tx += row.rates.txBytesPerSec;
  }
  return any ? { rx, tx } : null;
}

const count = (n: number) => (n > 99 ? '99+' : String(n));

/** "3 new alerts" ('' for none; 99+ past 99). */
export function unseenText(unseen: number): string {
  if (unseen <= 0) return '';
  return `${count(unseen)} new alert${unseen === 1 ? '' : 's'}`;
}

/** The tooltip (every OS) and the menu bar title (macOS, where the rates sit next to the icon), with the
 *  alerts that came while the window was not in front. */
export function trayText(totals: Totals | null, paused: boolean, unseen = 0): { tooltip: string; title: string } {
  const alerts = unseenText(unseen);
  const withAlerts = (text: string) => (alerts ? `${text} · ${alerts}` : text);
  const badge = unseen > 0 ? ` ⚠ ${count(unseen)}` : '';
  if (paused) return { tooltip: withAlerts(`${APP_NAME}: paused`), title: `paused${badge}` };
  if (!totals) return { tooltip: withAlerts(`${APP_NAME}: measuring…`), title: badge.trim() };
  const rates = `↓ ${formatRate(totals.rx)}  ↑ ${formatRate(totals.tx)}`;
  return {
    tooltip: withAlerts(`${APP_NAME}: receiving ${formatRate(totals.rx)}, sending ${formatRate(totals.tx)}`),
    title: `${rates}${badge}`,
  };
}

export type TrayCommand = 'show' | 'showAlerts' | 'togglePause' | 'toggleCloseToTray' | 'quit';

export type TrayItem =
  | { type: 'separator' }
  | { type: 'normal'; label: string; command: TrayCommand }
  | { type: 'checkbox'; label: string; command: TrayCommand; checked: boolean };

export function trayMenu(state: { paused: boolean; closeToTray: boolean; unseen?: number }): TrayItem[] {
  const unseen = state.unseen ?? 0;
  return [
    { type: 'normal', label: `Show ${APP_NAME}`, command: 'show' },
    { type: 'normal', label: unseen > 0 ? `Alerts (${count(unseen)} new)…` : 'Alerts…', command: 'showAlerts' },
    { type: 'normal', label: state.paused ? 'Resume' : 'Pause', command: 'togglePause' },
    { type: 'separator' },
    {
      type: 'checkbox',
      label: 'Keep running in the tray when the window closes',
      command: 'toggleCloseToTray',
      checked: state.closeToTray,
    },
    { type: 'separator' },
    { type: 'normal', label: `Quit ${APP_NAME}`, command: 'quit' },
  ];
}

/**
 * The interfaces table as the monitor streams it to this client: snapshots replace it, diffs patch it, every
 * message is acknowledged (the monitor sends the next diff only after an ack), and a gap asks for a resync.
 */
export class InterfaceFeed {
  private readonly rows = new Map<string, NetInterface>();
  private seq: number | null = null;
  paused = false;

  /** Applies one message; returns true when what the tray shows may have changed. */
  receive(message: ServerMessage, send: (m: StreamMessage) => void): boolean {
    if (message.type === 'status') {
      const changed = this.paused !== message.status.paused;
      this.paused = message.status.paused;
      return changed;
    }
    if ((message.type !== 'snapshot' && message.type !== 'diff') || message.dataset !== 'interfaces') return false;
    if (message.type === 'snapshot') {
      this.rows.clear();
      for (const row of message.rows) this.rows.set(row.id, row);
    } else if (this.seq === null || message.seq !== this.seq + 1) {
      send({ type: 'resync', dataset: 'interfaces' });
      return false;
    } else {
      applyDiff(this.rows, message.diff);
    }
    this.seq = message.seq;
    send({ type: 'ack', dataset: 'interfaces', seq: message.seq });
    return true;
  }

  totals(): Totals | null {
    return totalRates(this.rows.values());
  }
}

/** A notification as the desktop's notification server reads it. On Linux the body is markup (the Desktop
 *  Notifications spec's body-markup, which libnotify servers such as GNOME's and dunst interpret): a process
 *  named `<u>&x</u` made a body that was underlined, or blank where the server refused it (attack review of
 *  12-03). There `&`, `<` and `>` are escaped, so the text shows as it is; the title (summary) is plain text. */
export function desktopNotification(
  notification: { title: string; body: string },
  platform: NodeJS.Platform,
): { title: string; body: string } {
  if (platform !== 'linux') return notification;
  const body = notification.body.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
  return { title: notification.title, body };
}

/**
 * What the desktop does with the recorder's alerts (every client gets them): a notification for each while the
 * user wants notifications (the recording settings' `notify`, from the monitor's status; a storm is rationed by
 * NotificationBudget), and a count of those
 * that came while the window was not in front, until the user looks (focuses the window or opens the alerts).
 */
export class AlertFeed {
  private notify = DEFAULT_RECORDING.notify;
  private readonly budget = new NotificationBudget(APP_NAME);
  unseen = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Applies one message: the notification to show, if any, and whether the count changed. */
  receive(
    message: ServerMessage,
    windowInFront: boolean,
  ): { notification: { title: string; body: string } | null; changed: boolean } {
    if (message.type === 'status') {
      const config = message.status.recording?.config;
      if (config) this.notify = config.notify;
    }
    if (message.type !== 'alert') return { notification: null, changed: false };
    if (!windowInFront) this.unseen++;
    return {
      notification: this.notify ? this.budget.notification(message.alert, this.now()) : null,
      changed: !windowInFront,
    };
  }

  /** The user looked: returns whether there was anything to clear. */
  seen(): boolean {
    const had = this.unseen > 0;
    this.unseen = 0;
    return had;
  }
}
