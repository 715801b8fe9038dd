// The recent actions (kills, closed connections) from the action log in the app's data folder.
import { Inert, InertMessage, inertLabel } from '../../components/Inert.js';
import { useEffect, useState } from 'react';
import type { ActionLogEntry } from '../../../shared/protocol.js';
import { formatDateTime } from '../../../shared/format.js';
import { useClient } from '../../api/context.js';
import { Dialog } from '../../components/Dialog.js';

/** The log's action ids ("kill:TERM", "close-connection") in words. */
const ACTION_WORDS: Record<string, string> = {
  'kill:TERM': 'Terminate',
  'kill:KILL': 'Force kill',
  'kill-elevated:TERM': 'Terminate as administrator',
  'kill-elevated:KILL': 'Force kill as administrator',
  'kill-agent:TERM': 'Terminate (through the NetLens agent)',
  'kill-agent:KILL': 'Force kill (through the NetLens agent)',
  'close-connection': 'Close connection',
  'close-connection-agent': 'Close connection (through the NetLens agent)',
};

/** Outcomes other than success, as a word before the message. */
const FAILURE_WORDS: Record<string, string> = {
  gone: 'Already gone',
  denied: 'Permission denied',
  refused: 'Refused',
  alive: 'Still running',
  failed: 'Failed',
  unsupported: 'Not supported',
};

export function ActionLogDialog(props: { onClose: () => void }) {
  const client = useClient();
  const [entries, setEntries] = useState<ActionLogEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client
      .request('actionLog', { limit: 100 })
      .then(setEntries, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [client]);
  return (
    <Dialog
      title="Action log"
      onClose={props.onClose}
      actions={
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      }
    >
      {error ? <p role="alert">{error}</p> : null}
      {entries === null && !error ? <p role="status">Loading…</p> : null}
      {entries && entries.length === 0 ? <p>No actions yet.</p> : null}
      {entries && entries.length > 0 ? (
        <table className="log-table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Action</th>
              <th>Target</th>
              <th>Result</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={`${e.time} ${e.action} ${e.pid} ${e.target} ${e.outcome} ${e.message}`}>
                <td>{formatDateTime(e.time)}</td>
                <td>{ACTION_WORDS[e.action] ?? e.action}</td>
                <td>
                  {e.pid !== null ? (
                    <>
                      <Inert text={e.name ?? 'unknown'} max={60} /> (PID {e.pid})
                    </>
                  ) : (
                    <Inert text={e.target ?? ''} />
                  )}
                  {e.host === undefined ? null : (
                    <>
                      {' on '}
                      <Inert text={e.host} max={60} className="action-host" />
                    </>
                  )}
                </td>
                <td title={inertLabel(e.message, 4000)} data-outcome={e.outcome}>
                  {FAILURE_WORDS[e.outcome] && !e.message.startsWith(FAILURE_WORDS[e.outcome]!)
                    ? `${FAILURE_WORDS[e.outcome]}: `
                    : ''}
                  <InertMessage
                    text={e.message}
                    names={[e.name, e.target, e.host].filter((n): n is string => typeof n === 'string')}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Dialog>
  );
}
