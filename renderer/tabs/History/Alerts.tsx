// Alerts: opt-in per kind, the alerts recorded, and "Mark as known" to accept something into the baseline
// (like a firewall's learning mode): it is not alerted again; and whether alerts come as desktop notifications too.
import { useEffect, useState } from 'react';
import { formatDateTime } from '../../../shared/format.js';
import { ALERT_KINDS, ALERT_TITLES, type Alert, type RecordingStatus } from '../../../shared/record.js';
import { useClient } from '../../api/context.js';
import { dataStore, pushNotice, useData } from '../../store/data.js';
import { alertLabels, mergeAlerts } from './rows.js';

/** Alerts the list shows, newest first. */
const LIST_LIMIT = 200;

export function Alerts(props: { status: RecordingStatus | null; onConfigured: (s: RecordingStatus) => void }) {
  const client = useClient();
  const live = useData((s) => s.alerts);
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [refresh, setRefresh] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: refresh is the trigger: a change made here (Mark as known) fetches the list again.
  useEffect(() => {
    let on = true;
    client.request('recordAlerts', { limit: LIST_LIMIT }).then(
      (a) => on && setAlerts(mergeAlerts(dataStore.getState().alerts, a, LIST_LIMIT)),
      () => undefined,
    );
    return () => {
      on = false;
    };
  }, [refresh, client]);
  // Alerts that arrive join the list from the store: no request per alert (a storm would make thousands).
  useEffect(() => setAlerts((list) => mergeAlerts(live, list, LIST_LIMIT)), [live]);

  const config = props.status?.config ?? null;
  /** Alerts per kind, and whether they come as desktop notifications too (saved with the recording settings). */
  const configure = async (
    change: (c: RecordingStatus['config']) => Partial<Pick<RecordingStatus['config'], 'alerts' | 'notify'>>,
  ) => {
    if (!config) return;
    const next = { ...config, ...change(config) };
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
    try {
      props.onConfigured(await client.request('recordConfigure', { config: next }));
    } catch (e) {
      pushNotice('error', 'record-configure', `Could not change the alerts: ${(e as Error).message}`);
    }
  };
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
      <fieldset className="alert-kinds">
        <legend>Alert me about</legend>
        {ALERT_KINDS.map((k) => (
          <label key={k} className="check">
            <input
              type="checkbox"
              checked={config?.alerts[k] ?? false}
              disabled={!config}
              onChange={(e) => void configure((c) => ({ alerts: { ...c.alerts, [k]: e.target.checked } }))}
            />
            {ALERT_TITLES[k]}
          </label>
        ))}
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
        <label className="check">
          <input
            type="checkbox"
            checked={config?.notify ?? true}
            disabled={!config}
            onChange={(e) => void configure(() => ({ notify: e.target.checked }))}
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
