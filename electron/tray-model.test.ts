// The tray's pure parts: the rate text, what counts toward it, the menu, and the interfaces feed it keeps
// with the monitor's snapshots and diffs (acks, resync on a gap, pause from status messages).
import { describe, expect, it } from 'vitest';
import type { ServerMessage, StreamMessage, TickInfo } from '../shared/protocol.js';
import type { NetInterface } from '../shared/types.js';
import { DEFAULT_RECORDING, type Alert } from '../shared/record.js';
import { AlertFeed, desktopNotification, InterfaceFeed, totalRates, trayMenu, trayText } from './tray-model.js';
import { NOTIFY_BURST, NOTIFY_WINDOW_MS } from '../shared/alert-notifications.js';
import { syntheticInterface } from './monitor/testing/synthetic.js';

function iface(id: string, rx: number | null, tx = 0, loopback = false): NetInterface {
  return {
    ...syntheticInterface(id, {}),
    ...(loopback ? { type: 'loopback', flags: ['UP', 'LOOPBACK'] } : {}),
    rates: rx === null ? null : { rxBytesPerSec: rx, txBytesPerSec: tx, rxPacketsPerSec: 0, txPacketsPerSec: 0 },
  };
}

const tick: TickInfo = { at: 0, durationMs: 1, lagCount: 0, intervalMs: 1000 };
const diag = { skipped: 0, samples: [], missing: [], notes: [] };

describe('tray text', () => {
  it('sums every interface but loopback, and says when nothing is measured yet', () => {
    expect(totalRates([iface('eth0', 1000, 10), iface('wlan0', 24, 6), iface('lo', 1e9, 1e9, true)])).toEqual({
      rx: 1024,
      tx: 16,
    });
    expect(totalRates([iface('eth0', null), iface('lo', 5, 5, true)])).toBeNull();
    expect(trayText({ rx: 1536, tx: 2 * 1024 * 1024 }, false)).toEqual({
      tooltip: 'NetLens: receiving 1.50 KiB/s, sending 2.00 MiB/s',
      title: '↓ 1.50 KiB/s  ↑ 2.00 MiB/s',
    });
    expect(trayText(null, false).tooltip).toBe('NetLens: measuring…');
    expect(trayText({ rx: 1, tx: 1 }, true)).toEqual({ tooltip: 'NetLens: paused', title: 'paused' });
  });

  it('adds the alerts the user has not seen', () => {
    expect(trayText({ rx: 1536, tx: 0 }, false, 1)).toEqual({
      tooltip: 'NetLens: receiving 1.50 KiB/s, sending 0 B/s · 1 new alert',
      title: '↓ 1.50 KiB/s  ↑ 0 B/s ⚠ 1',
    });
    expect(trayText(null, true, 3)).toEqual({ tooltip: 'NetLens: paused · 3 new alerts', title: 'paused ⚠ 3' });
    expect(trayText(null, false, 150)).toEqual({ tooltip: 'NetLens: measuring… · 99+ new alerts', title: '⚠ 99+' });
  });

  it('offers show, pause or resume, the close-to-tray setting and quit', () => {
    const running = trayMenu({ paused: false, closeToTray: false });
    expect(
      running.map((i) =>
        i.type === 'separator' ? '-' : `${i.label}${i.type === 'checkbox' ? `[${i.checked ? 'x' : ' '}]` : ''}`,
      ),
    ).toEqual([
      'Show NetLens',
      'Alerts…',
      'Pause',
      '-',
      'Keep running in the tray when the window closes[ ]',
      '-',
      'Quit NetLens',
    ]);
    const paused = trayMenu({ paused: true, closeToTray: true, unseen: 2 });
    expect(paused[1]).toEqual({ type: 'normal', label: 'Alerts (2 new)…', command: 'showAlerts' });
    expect(paused[2]).toEqual({ type: 'normal', label: 'Resume', command: 'togglePause' });
    expect(paused[4]).toMatchObject({ checked: true, command: 'toggleCloseToTray' });
  });
});

describe('InterfaceFeed', () => {
  it('applies a snapshot and the diffs after it, acknowledging each, and asks for a resync after a gap', () => {
    const feed = new InterfaceFeed();
    const sent: StreamMessage[] = [];
    const send = (m: StreamMessage) => sent.push(m);
    const snapshot: ServerMessage = {
      type: 'snapshot',
      dataset: 'interfaces',
      seq: 4,
      rows: [iface('eth0', 100, 1), iface('lo', 9, 9, true)],
      diagnostics: diag,
      tick,
    };
    expect(feed.receive(snapshot, send)).toBe(true);
    expect(feed.totals()).toEqual({ rx: 100, tx: 1 });
    const diff: ServerMessage = {
      type: 'diff',
      dataset: 'interfaces',
      seq: 5,
      diagnostics: diag,
      tick,
      diff: {
        added: [iface('wlan0', 50, 2)],
        removed: [],
        changed: [
          { id: 'eth0', rates: { rxBytesPerSec: 300, txBytesPerSec: 3, rxPacketsPerSec: 0, txPacketsPerSec: 0 } },
        ],
      },
    };
    expect(feed.receive(diff, send)).toBe(true);
    expect(feed.totals()).toEqual({ rx: 350, tx: 5 });
    expect(feed.receive({ ...diff, seq: 9 } as ServerMessage, send)).toBe(false);
    expect(feed.totals()).toEqual({ rx: 350, tx: 5 });
    expect(sent).toEqual([
      { type: 'ack', dataset: 'interfaces', seq: 4 },
      { type: 'ack', dataset: 'interfaces', seq: 5 },
      { type: 'resync', dataset: 'interfaces' },
    ]);
  });

  it('follows pause from status messages and ignores other datasets and notices', () => {
    const feed = new InterfaceFeed();
    const send = () => {};
    const status = (paused: boolean): ServerMessage => ({
      type: 'status',
      status: { intervalMs: 1000, paused, hidden: false, polling: [] },
    });
    expect(feed.receive(status(true), send)).toBe(true);
    expect(feed.paused).toBe(true);
    expect(feed.receive(status(true), send)).toBe(false);
    expect(feed.receive({ type: 'snapshot', dataset: 'routes', seq: 1, rows: [], diagnostics: diag, tick }, send)).toBe(
      false,
    );
    expect(feed.receive({ type: 'notice', level: 'info', code: 'x', text: 'y' }, send)).toBe(false);
  });
});

describe('AlertFeed', () => {
  const alert = (id: number): ServerMessage => ({
    type: 'alert',
    alert: {
      id,
      at: 0,
      kind: 'network',
      subject: 'curl → country DE',
      text: 'curl reached Germany (DE) for the first time (192.0.2.1)',
      known: false,
    } satisfies Alert,
  });
  const status = (notify: boolean): ServerMessage => ({
    type: 'status',
    status: {
      intervalMs: 1000,
      paused: false,
      hidden: false,
      polling: [],
      recording: {
        state: 'recording',
        config: { ...DEFAULT_RECORDING, notify },
        file: null,
        message: null,
        sizeBytes: 0,
        oldest: null,
      },
    },
  });

  it('notifies while the user wants notifications, and counts what came with the window not in front', () => {
    const feed = new AlertFeed();
    expect(feed.receive(alert(1), false)).toEqual({
      notification: {
        title: 'NetLens: a process reaches a new country or network',
        body: 'curl reached Germany (DE) for the first time (192.0.2.1)',
      },
      changed: true,
    });
    // With the window in front, the notice in the window is seen: no count.
    expect(feed.receive(alert(2), true).changed).toBe(false);
    expect(feed.unseen).toBe(1);
    // Notifications off (the recording settings, from the monitor's status): still counted, not shown.
    expect(feed.receive(status(false), true)).toEqual({ notification: null, changed: false });
    expect(feed.receive(alert(3), false)).toEqual({ notification: null, changed: true });
    expect(feed.unseen).toBe(2);
    expect(feed.seen()).toBe(true);
    expect(feed.unseen).toBe(0);
    expect(feed.seen()).toBe(false);
    feed.receive(status(true), true);
    expect(feed.receive(alert(4), false).notification).not.toBeNull();
    // Other messages change nothing.
    expect(feed.receive({ type: 'notice', level: 'info', code: 'x', text: 'y' }, false)).toEqual({
      notification: null,
      changed: false,
    });
  });

  it('keeps an alert storm to a few notifications a minute, says so, and names what was held back', () => {
    let now = 1_000_000;
    const feed = new AlertFeed(() => now);
    const shown: string[] = [];
    // 1,000 alerts in one go (a scan reaching a new /24 with every connection): every one is counted...
    for (let id = 1; id <= 1000; id++) {
      const n = feed.receive(alert(id), false).notification;
      if (n) shown.push(n.body);
    }
    expect(feed.unseen).toBe(1000);
    // ...but only the first few become notifications, then one that says the rest are held back.
    expect(shown).toHaveLength(NOTIFY_BURST + 1);
    expect(shown.at(-1)).toMatch(/^More alerts are coming in: the next ones this minute are only counted/);
    // A minute later the next alert is shown again, with the number held back meanwhile.
    now += NOTIFY_WINDOW_MS;
    const next = feed.receive(alert(1001), false).notification;
    expect(next?.body).toBe(
      `curl reached Germany (DE) for the first time (192.0.2.1) (and ${1000 - NOTIFY_BURST} more alerts before it: History → Alerts)`,
    );
  });
});

describe('a desktop notification', () => {
  it("shows a process's name as it is on Linux, where the body is markup: & < > escaped, the title left alone", () => {
    // Attack review (12-03): a process named `<u>&x</u` listening on 0.0.0.0 made an alert whose body a libnotify
    // server read as markup (underlined, or blank where a strict server refused the stray & and open tag).
    const n = { title: 'New listener <u>', body: 'node <u>&x</u listens on 0.0.0.0:8080' };
    expect(desktopNotification(n, 'linux')).toEqual({
      title: 'New listener <u>',
      body: 'node &lt;u&gt;&amp;x&lt;/u listens on 0.0.0.0:8080',
    });
    expect(desktopNotification(n, 'darwin')).toEqual(n);
    expect(desktopNotification(n, 'win32')).toEqual(n);
  });
});
