// What the tray shows and offers, as plain data: kept apart from tray.ts (the only part that needs Electron)
// so it is unit-tested in Node. The tray is one more monitor client: it subscribes to interfaces, keeps their
// rows with the same diffs the renderer applies, and sums the receive and send rates of the non-loopback ones.
import type { ServerMessage, StreamMessage } from '../shared/protocol.js';
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

/** The tooltip (every OS) and the menu bar title (macOS, where the rates sit next to the icon). */
export function trayText(totals: Totals | null, paused: boolean): { tooltip: string; title: string } {
  if (paused) return { tooltip: `${APP_NAME}: paused`, title: 'paused' };
  if (!totals) return { tooltip: `${APP_NAME}: measuring…`, title: '' };
  const rates = `↓ ${formatRate(totals.rx)}  ↑ ${formatRate(totals.tx)}`;
  return { tooltip: `${APP_NAME}: receiving ${formatRate(totals.rx)}, sending ${formatRate(totals.tx)}`, title: rates };
}

export type TrayCommand = 'show' | 'togglePause' | 'toggleCloseToTray' | 'quit';

export type TrayItem =
  | { type: 'separator' }
  | { type: 'normal'; label: string; command: TrayCommand }
  | { type: 'checkbox'; label: string; command: TrayCommand; checked: boolean };

export function trayMenu(state: { paused: boolean; closeToTray: boolean }): TrayItem[] {
  return [
    { type: 'normal', label: `Show ${APP_NAME}`, command: 'show' },
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
