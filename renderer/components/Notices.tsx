// The notices under the toolbar (what the host reported, newest last), each dismissable, with Retry for a
// failed monitor and Show alerts for an alert; and the banner while the connection to the host is lost.
import { useClient } from '../api/context.js';
import { dismissNotice, useData } from '../store/data.js';
import { showAlerts } from '../store/view.js';
import { Inert } from './Inert.js';

export function Notices() {
  const client = useClient();
  const notices = useData((s) => s.notices);
  const connection = useData((s) => s.connection);
  return (
    <>
      {notices.length > 0 ? (
        <div className="notices" role="log" aria-live="polite">
          {notices.map((n) => (
            <div key={n.id} className={`notice ${n.level}`} role={n.level === 'error' ? 'alert' : 'status'}>
              <span>
                {/* Notices name files, processes and hosts: shown inert, as the tables show them. */}
                <Inert text={n.text} />
                {n.details ? (
                  <details className="notice-details">
                    <summary>{n.details.summary}</summary>
                    <ul>
                      {n.details.items.map((item) => (
                        <li key={item}>{item}</li>
                      ))}
                    </ul>
                  </details>
                ) : null}
              </span>
              {n.code.startsWith('alert-') ? (
                <button type="button" className="small" onClick={showAlerts}>
                  Show alerts
                </button>
              ) : null}
              {n.code === 'monitor-failed' ? (
                <button
                  type="button"
                  className="small"
                  onClick={() => void client.request('retryMonitor', {}).catch(() => undefined)}
                >
                  Retry now
                </button>
              ) : null}
              <button type="button" className="small" aria-label="Dismiss" onClick={() => dismissNotice(n.id)}>
                ×
              </button>
            </div>
          ))}
        </div>
      ) : null}
      {connection === 'closed' ? (
        <div className="notice error" role="alert">
          Lost the connection to NetLens; reconnecting… What is shown is as it was when the connection was lost.
        </div>
      ) : connection === 'gone' ? (
        <div className="notice error" role="alert">
          <span>
            The NetLens this page came from has stopped, and the one now answering at this address was started since:
            each start makes a new page address. Open the address it printed when it started (<code>netlens web</code>{' '}
            prints it). What is shown here is as it was when the connection was lost.
          </span>
        </div>
      ) : null}
    </>
  );
}
