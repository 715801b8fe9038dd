// The recent actions (kills, closed connections) from the action log in the app's data folder.
import { useEffect, useState } from 'react';
import type { ActionLogEntry } from '../../../shared/protocol.js';
import { formatDateTime } from '../../../shared/format.js';
import { api } from '../../api/client.js';
import { Dialog } from '../../components/Dialog.js';

export function ActionLogDialog(props: { onClose: () => void }) {
  const [entries, setEntries] = useState<ActionLogEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api().request('actionLog', { limit: 100 }).then(setEntries, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);
  return (
    <Dialog title="Action log" onClose={props.onClose} actions={<button type="button" onClick={props.onClose}>Close</button>}>
      {error ? <p role="alert">{error}</p> : null}
      {entries === null && !error ? <p role="status">Loading…</p> : null}
      {entries && entries.length === 0 ? <p>No actions yet.</p> : null}
      {entries && entries.length > 0 ? (
        <table className="log-table">
          <thead>
            <tr><th>Time</th><th>Action</th><th>Target</th><th>Result</th></tr>
          </thead>
          <tbody>
            {entries.map((e, i) => (
              <tr key={i}>
                <td>{formatDateTime(e.time)}</td>
                <td>{e.action}</td>
                <td>{e.pid !== null ? `${e.name ?? '?'} (${e.pid})` : (e.target ?? '')}</td>
                <td title={e.message}>{e.outcome}: {e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Dialog>
  );
}
