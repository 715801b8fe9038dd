// How many alerts become notifications. A storm (a scan that reaches a new /24 with every connection, a burst
// of new listeners) must not put hundreds of notifications on the desktop: at most NOTIFY_BURST in any
// NOTIFY_WINDOW_MS, then one that says the next ones are held back, and the next one shown says how many were.
// Only notifications are rationed: every alert is still recorded, counted (tray, badge) and listed in
// History → Alerts. The clock is passed in; the desktop (electron/tray-model.ts) and a browser's Notification
// path each keep one.
import { ALERT_TITLES, type Alert } from './record.js';

export const NOTIFY_BURST = 5;
export const NOTIFY_WINDOW_MS = 60_000;

export interface AlertNotification {
  title: string;
  body: string;
}

export class NotificationBudget {
  /** When the notifications of the last window were shown (at most NOTIFY_BURST). */
  private recent: number[] = [];
  /** Alerts not shown since the last notification of an alert. */
  private held = 0;
  /** When the last "held back" notification was shown. */
  private warnedAt = -Infinity;

  constructor(private readonly app: string) {}

  /** The notification for this alert now, or null when it is held back. */
  notification(alert: Pick<Alert, 'kind' | 'text'>, now: number): AlertNotification | null {
    this.recent = this.recent.filter((t) => now - t < NOTIFY_WINDOW_MS);
    if (this.recent.length < NOTIFY_BURST) {
      this.recent.push(now);
      const held = this.held;
      this.held = 0;
      const before = held === 0 ? '' : ` (and ${held} more alert${held === 1 ? '' : 's'} before it: History → Alerts)`;
      return { title: `${this.app}: ${ALERT_TITLES[alert.kind]}`, body: `${alert.text}${before}` };
    }
    this.held++;
    if (now - this.warnedAt < NOTIFY_WINDOW_MS) return null;
    this.warnedAt = now;
    return {
      title: `${this.app}: more alerts`,
      body: 'More alerts are coming in: the next ones this minute are only counted and listed in History → Alerts, not shown one by one',
    };
  }
}
