// The tray against a stand-in Electron (Tray, Menu, nativeImage, Notification, app) and a stand-in monitor: it
// subscribes to interfaces for itself (visible even while the window is hidden), shows the rates it is sent,
// and its menu shows the window or the alerts, pauses the monitor, flips the close-to-tray setting and quits.
// The desktop alerts notify, count on the badge and the tray, and open the alerts when clicked.
import { describe, expect, it, vi } from 'vitest';
import type { ServerMessage, StreamMessage, TickInfo } from '../shared/protocol.js';
import { DEFAULT_RECORDING } from '../shared/record.js';
import { syntheticInterface } from './monitor/testing/synthetic.js';

const trays: FakeTray[] = [];
class FakeTray {
  tooltip = '';
  menu: { label?: string; click?: () => void; checked?: boolean }[] = [];
  handlers = new Map<string, () => void>();
  destroyed = false;
  constructor(readonly image: unknown) {
    trays.push(this);
  }
  setToolTip(t: string) {
    this.tooltip = t;
  }
  setTitle() {}
  setContextMenu(m: FakeTray['menu']) {
    this.menu = m;
  }
  on(event: string, f: () => void) {
    this.handlers.set(event, f);
  }
  destroy() {
    this.destroyed = true;
  }
}

const notifications: FakeNotification[] = [];
let notificationsSupported = true;
class FakeNotification {
  static isSupported = () => notificationsSupported;
  handlers = new Map<string, () => void>();
  shown = false;
  constructor(readonly options: { title: string; body: string }) {
    notifications.push(this);
  }
  on(event: string, f: () => void) {
    this.handlers.set(event, f);
  }
  show() {
    this.shown = true;
  }
}
const badges: number[] = [];

vi.mock('electron', () => ({
  Tray: FakeTray,
  Menu: { buildFromTemplate: (t: unknown) => t },
  nativeImage: { createFromPath: (p: string) => ({ path: p }) },
  Notification: FakeNotification,
  app: { setBadgeCount: (n: number) => badges.push(n) },
}));

const { createDesktopAlerts, createTray } = await import('./tray.js');

const tick: TickInfo = { at: 0, durationMs: 1, lagCount: 0, intervalMs: 1000 };

describe('the tray', () => {
  it('shows the rates, and its menu drives the window, the monitor and the setting', () => {
    let send: (m: ServerMessage) => void = () => {};
    const handled: StreamMessage[] = [];
    let detached = false;
    const monitor = {
      attach: (s: (m: ServerMessage) => void) => {
        send = s;
        return { handle: (m: StreamMessage) => handled.push(m), detach: () => (detached = true) };
      },
      history: async () => [],
      close: async () => {},
    };
    const calls: string[] = [];
    let keep = false;
    const t = createTray({
      monitor,
      iconPath: '/x/tray-icon.png',
      showWindow: () => calls.push('show'),
      alerts: { unseen: 0, onChange: () => {}, show: () => calls.push('alerts') },
      quit: () => calls.push('quit'),
      closeToTray: { get: () => keep, set: (v) => (keep = v) },
    });
    const tray = trays.at(-1)!;
    expect(tray.image).toEqual({ path: '/x/tray-icon.png' });
    expect(handled).toEqual([
      { type: 'subscribe', dataset: 'interfaces' },
      { type: 'visibility', hidden: false, visible: ['interfaces'] },
    ]);
    expect(tray.tooltip).toBe('NetLens: measuring…');

    send({
      type: 'snapshot',
      dataset: 'interfaces',
      seq: 1,
      tick,
      diagnostics: { skipped: 0, samples: [], missing: [], notes: [] },
      rows: [
        {
          ...syntheticInterface('eth0', {}),
          rates: { rxBytesPerSec: 2048, txBytesPerSec: 512, rxPacketsPerSec: 0, txPacketsPerSec: 0 },
        },
      ],
    });
    expect(tray.tooltip).toBe('NetLens: receiving 2.00 KiB/s, sending 512 B/s');
    expect(handled.at(-1)).toEqual({ type: 'ack', dataset: 'interfaces', seq: 1 });

    const item = (label: string) => tray.menu.find((i) => i.label === label)!;
    item('Show NetLens').click!();
    tray.handlers.get('click')!();
    item('Pause').click!();
    expect(handled.at(-1)).toEqual({ type: 'pause', paused: true });
    send({ type: 'status', status: { intervalMs: 1000, paused: true, hidden: false, polling: [] } });
    expect(tray.tooltip).toBe('NetLens: paused');
    expect(item('Resume')).toBeDefined();
    item('Keep running in the tray when the window closes').click!();
    expect(keep).toBe(true);
    expect(item('Keep running in the tray when the window closes').checked).toBe(true);
    item('Alerts…').click!();
    item('Quit NetLens').click!();
    expect(calls).toEqual(['show', 'show', 'alerts', 'quit']);

    t.destroy();
    expect(detached).toBe(true);
    expect(tray.destroyed).toBe(true);
  });
});

describe('desktop alerts', () => {
  /** A monitor that sends what the test gives it to each client attached. */
  function fakeMonitor() {
    const clients = new Set<(m: ServerMessage) => void>();
    return {
      send: (m: ServerMessage) => {
        for (const c of clients) c(m);
      },
      monitor: {
        attach: (s: (m: ServerMessage) => void) => {
          clients.add(s);
          return { handle: () => {}, detach: () => clients.delete(s) };
        },
        history: async () => [],
        close: async () => {},
      },
    };
  }
  const alert = (id: number): ServerMessage => ({
    type: 'alert',
    alert: { id, at: 0, kind: 'listener', subject: 'tcp 0.0.0.0:8080 nc', text: `listener ${id}`, known: false },
  });

  it('notify, count on the badge and in the tray until seen, and open the alerts when clicked', () => {
    const { monitor, send } = fakeMonitor();
    let inFront = false;
    const windowCalls: string[] = [];
    let focus = () => {};
    const alerts = createDesktopAlerts(monitor, {
      show: () => windowCalls.push('show'),
      send: (command) => windowCalls.push(command),
      inFront: () => inFront,
      onFocus: (listener) => (focus = listener),
    });
    createTray({
      monitor,
      iconPath: '/x/tray-icon.png',
      showWindow: () => {},
      alerts,
      quit: () => {},
      closeToTray: { get: () => false, set: () => {} },
    });
    const tray = trays.at(-1)!;
    const before = notifications.length;
    send(alert(1));
    send(alert(2));
    expect(notifications.slice(before).map((n) => [n.options.body, n.shown])).toEqual([
      ['listener 1', true],
      ['listener 2', true],
    ]);
    expect(notifications.at(-1)!.options.title).toBe('NetLens: new listener beyond loopback');
    expect(badges.at(-1)).toBe(2);
    expect(tray.tooltip).toBe('NetLens: measuring… · 2 new alerts');
    expect(tray.menu.map((i) => i.label)).toContain('Alerts (2 new)…');
    // Clicking a notification brings the window with the alerts, which clears the count, the badge and the tray's.
    notifications.at(-1)!.handlers.get('click')!();
    expect(windowCalls).toEqual(['show', 'showAlerts']);
    expect(badges.at(-1)).toBe(0);
    expect(tray.tooltip).toBe('NetLens: measuring…');
    // The tray's Alerts item does the same; the window coming to the front clears the count too.
    send(alert(21));
    tray.menu.find((i) => i.label === 'Alerts (1 new)…')!.click!();
    expect(windowCalls).toEqual(['show', 'showAlerts', 'show', 'showAlerts']);
    expect(alerts.unseen).toBe(0);
    send(alert(22));
    expect(alerts.unseen).toBe(1);
    focus();
    expect(alerts.unseen).toBe(0);
    expect(badges.at(-1)).toBe(0);
    // With the window in front the alert is seen where it shows; the notification still comes.
    inFront = true;
    send(alert(3));
    expect(alerts.unseen).toBe(0);
    expect(notifications.at(-1)!.options.body).toBe('listener 3');
    // Notifications switched off in the recording settings, or unsupported by the OS: counted, not shown.
    inFront = false;
    const notify = (on: boolean): ServerMessage => ({
      type: 'status',
      status: {
        intervalMs: 1000,
        paused: false,
        hidden: false,
        polling: [],
        recording: {
          state: 'recording',
          config: { ...DEFAULT_RECORDING, notify: on },
          file: null,
          message: null,
          sizeBytes: 0,
          oldest: null,
        },
      },
    });
    send(notify(false));
    const count = notifications.length;
    send(alert(4));
    expect(notifications.length).toBe(count);
    expect(alerts.unseen).toBe(1);
    send(notify(true));
    notificationsSupported = false;
    send(alert(5));
    expect(notifications.length).toBe(count);
    expect(alerts.unseen).toBe(2);
    alerts.destroy();
    send(alert(6));
    expect(alerts.unseen).toBe(2);
  });
});
