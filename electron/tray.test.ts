// The tray against a stand-in Electron (Tray, Menu, nativeImage) and a stand-in monitor: it subscribes to
// interfaces for itself (visible even while the window is hidden), shows the rates it is sent, and its menu
// shows the window, pauses the monitor, flips the close-to-tray setting and quits.
import { describe, expect, it, vi } from 'vitest';
import type { ServerMessage, StreamMessage, TickInfo } from '../shared/protocol.js';

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

vi.mock('electron', () => ({
  Tray: FakeTray,
  Menu: { buildFromTemplate: (t: unknown) => t },
  nativeImage: { createFromPath: (p: string) => ({ path: p }) },
}));

const { createTray } = await import('./tray.js');

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
          id: 'eth0',
          name: 'eth0',
          index: 2,
          operState: 'up',
          carrier: true,
          mtu: 1500,
          mac: null,
          speedMbps: null,
          duplex: null,
          type: 'ether',
          flags: ['UP'],
          addresses: [],
          counters: {} as never,
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
    item('Quit NetLens').click!();
    expect(calls).toEqual(['show', 'show', 'quit']);

    t.destroy();
    expect(detached).toBe(true);
    expect(tray.destroyed).toBe(true);
  });
});
