// Alerts: opt-in per kind, the alerts recorded, and "Mark as known" to accept something into the baseline
// (like a firewall's learning mode): it is not alerted again; and whether alerts come as desktop notifications too.
import { useEffect, useRef, useState } from 'react';
import { formatDateTime } from '../../../shared/format.js';
import {
  ALERT_KINDS,
  ALERT_TITLES,
  type Alert,
  type RecordingConfig,
  type RecordingStatus,
} from '../../../shared/record.js';
import { useClient } from '../../api/context.js';
import { dataStore, pushNotice, useData } from '../../store/data.js';
import { usePanelReport } from '../../store/view.js';
import { alertsStats } from './counts.js';
import { alertLabels, mergeAlerts } from './rows.js';

/** What the Alerts view changes of the recording settings. */
type AlertChoices = Pick<RecordingConfig, 'alerts' | 'notify'>;

/** Alerts the list shows, newest first. */
const LIST_LIMIT = 200;

export function Alerts(props: { status: RecordingStatus | null; onConfigured: (s: RecordingStatus) => void }) {
  const client = useClient();
  const live = useData((s) => s.alerts);
  const [alerts, setAlerts] = useState<Alert[]>([]);
  // Whether the record's list came: before, the status bar has no count (not "0 alerts").
  const [fetched, setFetched] = useState(false);
  const [refresh, setRefresh] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: refresh is the trigger: a change made here (Mark as known) fetches the list again.
  useEffect(() => {
    let on = true;
    client.request('recordAlerts', { limit: LIST_LIMIT }).then(
      (a) => {
        if (!on) return;
        setAlerts(mergeAlerts(dataStore.getState().alerts, a, LIST_LIMIT));
        setFetched(true);
      },
      // Without the record's list, the alerts that arrived are the list, and counted.
      () => on && setFetched(true),
    );
    return () => {
      on = false;
    };
  }, [refresh, client]);
  // Alerts that arrive join the list from the store: no request per alert (a storm would make thousands).
  useEffect(() => setAlerts((list) => mergeAlerts(live, list, LIST_LIMIT)), [live]);
  usePanelReport(fetched ? alertsStats(alerts.length, LIST_LIMIT) : null);

  const saved = props.status?.config ?? null;
  // A click shows at once (a round trip to the host takes 100 ms to a second under load, and a second click meanwhile
  // undid the first): what was asked is shown, marked as being saved, until the host answers. One request at a
  // time, then the latest asked meanwhile (the host saves each to recording.json: in order). A refusal goes back
  // to what the host has, and says why.
  // Only what this view changes is held (the recording bar above may change the retention meanwhile).
  const wanted = useRef<AlertChoices | null>(null);
  const sending = useRef(false);
  const [pending, setPending] = useState<AlertChoices | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const config = saved && pending ? { ...saved, ...pending } : saved;
  const latest = useRef({ saved, onConfigured: props.onConfigured });
  latest.current = { saved, onConfigured: props.onConfigured };
  const send = async (): Promise<void> => {
    const choices = wanted.current;
    const base = latest.current.saved;
    if (choices === null || base === null || sending.current) return;
    const next = { ...base, ...choices };
    sending.current = true;
    try {
      // A browser shows notifications only with the user's leave: ask when an alert or notifications are switched on.
      if (
        next.notify &&
        Object.values(next.alerts).some(Boolean) &&
        client.hostKind === 'browser' &&
        typeof Notification !== 'undefined' &&
        Notification.permission === 'default'
      ) {
        await Notification.requestPermission().catch(() => 'denied');
      }
      const status = await client.request('recordConfigure', { config: next });
      latest.current.onConfigured(status);
      latest.current.saved = status.config;
      if (wanted.current === choices) {
        wanted.current = null;
        setPending(null);
      }
    } catch (e) {
      wanted.current = null;
      setPending(null);
      setFailed(`Could not change the alerts: ${(e as Error).message}`);
    } finally {
      sending.current = false;
    }
    await send();
  };
  /** Alerts per kind, and whether they come as desktop notifications too (saved with the recording settings). */
  const configure = (change: (c: AlertChoices) => Partial<AlertChoices>) => {
    if (!saved) return;
    const from = wanted.current ?? { alerts: saved.alerts, notify: saved.notify };
    const next = { ...from, ...change(from) };
    wanted.current = next;
    setPending(next);
    setFailed(null);
    void send();
  };
  /** Whether what a checkbox shows is still being saved. */
  const saving = (shown: boolean | undefined, held: boolean | undefined) =>
    pending !== null && saved !== null && shown !== held;
  const markKnown = async (a: Alert) => {
    try {
      await client.request('recordMarkKnown', { kind: a.kind, subject: a.subject });
      setRefresh((n) => n + 1);
    } catch (e) {
      pushNotice('error', 'record-known', `Could not mark it as known: ${(e as Error).message}`);
    }
  };

  return (
    <div className="history-view scroll" data-testid="alerts">
      <fieldset className="alert-kinds" aria-busy={pending !== null}>
        <legend>
          Alert me about{' '}
          <span className="muted" role="status" data-testid="alerts-saving">
            {pending !== null ? '(saving…)' : ''}
          </span>
        </legend>
        {ALERT_KINDS.map((k) => (
          <label key={k} className={saving(config?.alerts[k], saved?.alerts[k]) ? 'check saving' : 'check'}>
            <input
              type="checkbox"
              checked={config?.alerts[k] ?? false}
              disabled={!config}
              onChange={(e) => configure((c) => ({ alerts: { ...c.alerts, [k]: e.target.checked } }))}
            />
            {ALERT_TITLES[k]}
          </label>
        ))}
        {failed !== null ? (
          <p className="notice error" role="alert" data-testid="alerts-failed">
            {failed}
          </p>
        ) : null}
        <p className="muted" data-testid="network-alert-note">
          New country or network: per process, by the country and the autonomous system the offline places databases
          give the remote address; where they know neither (LAN, CGNAT and other special ranges, or an address they do
          not cover), by its /24 (IPv4) or /48 (IPv6) prefix instead.
        </p>
        <p className="muted" data-testid="listener-alert-note">
          New listener: per socket; but the UDP sockets a process opens on ports the system picks at random (its
          ephemeral range: clients such as WebRTC or DNS lookups) are one alert per process, and one Mark as known
          covers them all.
        </p>
        <label className={saving(config?.notify, saved?.notify) ? 'check saving' : 'check'}>
          <input
            type="checkbox"
            checked={config?.notify ?? true}
            disabled={!config}
            onChange={(e) => configure(() => ({ notify: e.target.checked }))}
          />
          {client.hostKind === 'browser' ? 'Also as browser notifications' : 'Also as desktop notifications'}
        </label>
        <p className="muted">
          Alerts come while recording is on, as notices here
          {client.hostKind === 'browser'
            ? typeof Notification !== 'undefined' && Notification.permission === 'denied'
              ? ' (this browser blocks notifications from this page)'
              : ' and, once this browser allows them, as notifications'
            : ', counted on the tray icon until you look, and as desktop notifications'}
          ; clicking one opens this list. Each is kept in the record.
        </p>
      </fieldset>
      {alerts.length === 0 ? (
        <p className="muted">No alerts recorded.</p>
      ) : (
        <table className="change-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Kind</th>
              <th scope="col">What</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {alerts.map((a) => (
              <tr key={a.id} className={a.known ? '' : 'hl-new'}>
                <td>{formatDateTime(a.at)}</td>
                <td>{alertLabels(a).kind}</td>
                <td>{a.text}</td>
                <td>
                  <button
                    type="button"
                    className="small"
                    disabled={a.known}
                    onClick={() => void markKnown(a)}
                    aria-label={alertLabels(a).markKnown}
                  >
                    {a.known ? 'Known' : 'Mark as known'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
