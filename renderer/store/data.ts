// The live tables, as the host streams them, and what else the host reports (status, notices, alerts, the
// connection). Stream messages are queued and applied in the next task by applyBatch (tables.ts), the diffs of
// one tick's datasets together (tick-groups.ts); each applied batch bumps a dataset's `version` once, and
// components subscribe to that number. Sequence numbers
// are checked: a gap asks the host for a fresh snapshot. Acks go back after a batch is applied, which is the
// host's backpressure signal.
import { createStore, useStore } from 'zustand';
import type { MonitorStatus, ServerMessage } from '../../shared/protocol.js';
import { NotificationBudget } from '../../shared/alert-notifications.js';
import type { Alert } from '../../shared/record.js';
import type { ConnectionState, NetlensClient } from '../api/client.js';
import { applyBatch, awaitSnapshots, emptyTables, replyMessages, type StreamData, type Tables } from './tables.js';
import { showAlerts } from './view.js';
import { GATHER_MS, TickGroups } from './tick-groups.js';

export interface Notice {
  id: number;
  level: 'info' | 'warning' | 'error';
  code: string;
  text: string;
  at: number;
  /** How many times it came (the same code and text again replaces it, counted). */
  count: number;
  /** A list the user may expand (the capture formats NetLens knows). */
  details?: { summary: string; items: string[] };
}

const MAX_ALERTS = 100;

export interface DataState {
  datasets: Tables;
  status: MonitorStatus | null;
  connection: ConnectionState;
  connectionReason: string | null;
  notices: Notice[];
  /** Alerts that arrived while this page was open, newest first (the record keeps them all). */
  alerts: Alert[];
}

export const dataStore = createStore<DataState>(() => ({
  datasets: emptyTables(),
  status: null,
  connection: 'connecting',
  connectionReason: null,
  notices: [],
  alerts: [],
}));

export function useData<T>(selector: (s: DataState) => T): T {
  return useStore(dataStore, selector);
}

let noticeId = 0;
/** The monitor's states, each replacing the others: failed (with Retry), retrying, running again. */
const MONITOR_STATES: ReadonlySet<string> = new Set(['monitor-failed', 'monitor-retrying', 'monitor-recovered']);

/** The notices with this one added: it replaces one of the same code (and a monitor state another), and one of the
 *  same code and text is counted (a monitor restarted a third time: one notice, ×3); five kept. */
function withNotice(
  notices: Notice[],
  level: Notice['level'],
  code: string,
  text: string,
  details?: Notice['details'],
) {
  const again = notices.find((n) => n.code === code && n.level === level && n.text === text);
  const notice: Notice = {
    id: ++noticeId,
    level,
    code,
    text,
    at: Date.now(),
    count: (again?.count ?? 0) + 1,
    ...(details ? { details } : {}),
  };
  const replaces = (n: Notice) =>
    n === again || (n.code === code && code !== 'rejected') || (MONITOR_STATES.has(code) && MONITOR_STATES.has(n.code));
  return [...notices.filter((n) => !replaces(n)), notice].slice(-5);
}

export function pushNotice(level: Notice['level'], code: string, text: string, details?: Notice['details']): void {
  dataStore.setState((s) => ({ notices: withNotice(s.notices, level, code, text, details) }));
}

export function dismissNotice(id: number): void {
  dataStore.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}

/** Ends the notices of `code` at `level` that are no longer true (the capture opened, once back at live data). */
export function endNotices(code: string, level: Notice['level']): void {
  dataStore.setState((s) => {
    const kept = s.notices.filter((n) => n.code !== code || n.level !== level);
    return kept.length === s.notices.length ? s : { notices: kept };
  });
}

/** Wires a client to the store: queues stream messages and applies them in the next task, a tick's datasets
 *  together. */
export function connectStore(client: NetlensClient, now: () => number = Date.now): void {
  const queue: StreamData[] = [];
  // Alerts are applied once per task too: a storm of 5,000 is one store update and one render, not 5,000.
  // The queue keeps the newest MAX_ALERTS (all the store keeps); each kind's count and newest text make its notice.
  const alertQueue: Alert[] = [];
  const alertKinds = new Map<Alert['kind'], { count: number; text: string }>();
  // A browser's notifications are rationed like the desktop's (tray-model.ts): a few a minute, then one that
  // says the rest are held back, then the number held back on the next one.
  const budget = new NotificationBudget('NetLens');
  let scheduled = false;
  const flushChannel = new MessageChannel();
  flushChannel.port1.onmessage = () => flush();
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    // Apply in the next task, not the next frame: the work then overlaps the wait for the frame instead of
    // adding to it. Messages that arrived meanwhile are applied together.
    flushChannel.port2.postMessage(null);
  };

  /** The flush, in the message's own task. An error in it is reported after the task, as the posted flush's would
   *  be, and does not keep the client's other listeners from this message. */
  const flushNow = () => {
    try {
      flush();
    } catch (err) {
      setTimeout(() => {
        throw err;
      });
    }
  };

  // A tick's datasets are applied together: one store update, render and frame per tick (tick-groups.ts).
  const groups = new TickGroups();
  let gatherTimer: ReturnType<typeof setTimeout> | null = null;
  const gathered = () => {
    gatherTimer = null;
    groups.giveUp();
    schedule();
  };

  const flush = () => {
    scheduled = false;
    if (gatherTimer !== null) {
      clearTimeout(gatherTimer);
      gatherTimer = null;
    }
    const { datasets } = dataStore.getState();
    const { tables, replies } = applyBatch(datasets, queue.splice(0), now());
    for (const m of replyMessages(replies)) client.send(m);
    const alerts = alertQueue.splice(0).reverse();
    const kinds = [...alertKinds];
    alertKinds.clear();
    if (alerts.length > 0) {
      dataStore.setState((s) => {
        let notices = s.notices;
        for (const [kind, { count, text }] of kinds) {
          const more = count > 1 ? ` (and ${count - 1} more: History → Alerts)` : '';
          notices = withNotice(notices, 'warning', `alert-${kind}`, `${text}${more}`);
        }
        return {
          alerts: [...alerts, ...s.alerts].slice(0, MAX_ALERTS),
          notices,
          ...(tables !== datasets ? { datasets: tables } : {}),
        };
      });
    } else if (tables !== datasets) dataStore.setState({ datasets: tables });
  };

  // The desktop host notifies through Electron (tray.ts); a browser through the Notification API, once the
  // user allowed it (the History tab asks when an alert or notifications are switched on), unless
  // notifications are off in the recording settings. The notice is the in-app toast either way.
  // Every alert goes through the budget as it arrives (so the number held back is exact); at most a few a
  // minute become a Notification.
  const notify = (alert: Alert) => {
    if (
      client.hostKind !== 'browser' ||
      dataStore.getState().status?.recording?.config.notify === false ||
      typeof Notification === 'undefined' ||
      Notification.permission !== 'granted'
    )
      return;
    const shown = budget.notification(alert, now());
    if (!shown) return;
    const n = new Notification(shown.title, { body: shown.body, tag: `netlens-${alert.id}` });
    n.onclick = () => {
      window.focus();
      showAlerts();
      n.close();
    };
  };

  client.onMessage((m: ServerMessage) => {
    switch (m.type) {
      case 'snapshot':
        queue.push(m);
        schedule();
        break;
      case 'diff':
        queue.push(m);
        groups.arrived(m.dataset, m.tick.at);
        // A tick whose datasets have all come is applied here, in the task that brought its last one: posting the
        // flush made it wait behind whatever the page had queued, often a frame that showed nothing new (issue 15).
        if (!groups.waiting()) flushNow();
        else gatherTimer ??= setTimeout(gathered, GATHER_MS);
        break;
      case 'status':
        dataStore.setState({ status: m.status });
        break;
      case 'notice':
        pushNotice(m.level, m.code, m.text);
        break;
      case 'alert':
        alertQueue.push(m.alert);
        if (alertQueue.length > MAX_ALERTS) alertQueue.shift();
        alertKinds.set(m.alert.kind, { count: (alertKinds.get(m.alert.kind)?.count ?? 0) + 1, text: m.alert.text });
        notify(m.alert);
        schedule();
        break;
      case 'collectorError': {
        const s = dataStore.getState();
        const ds = s.datasets[m.dataset];
        dataStore.setState({
          datasets: { ...s.datasets, [m.dataset]: { ...ds, error: { message: m.message, at: m.at } } },
        });
        break;
      }
      default:
        break;
    }
  });
  client.onState((connection, reason) => {
    dataStore.setState((s) => ({
      connection,
      connectionReason: reason ?? null,
      // After a reconnect every dataset starts again from a snapshot.
      ...(connection === 'open' ? { datasets: awaitSnapshots(s.datasets) } : {}),
    }));
  });
}
