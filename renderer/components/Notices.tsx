// The notices under the toolbar (what the host reported, newest last), each dismissable (its × or Escape), with Retry
// for a failed monitor and Show alerts for an alert; and the banner while the connection to the host is lost. They
// stack compactly: the newest shows, the older ones behind "N more" (which counts the errors and warnings among them), and a
// notice that comes again is counted (×3) rather than repeated. A notice that is no longer true ends itself
// (store/data.ts endNotices: the capture opened, once back at live data).
import { useCallback, useEffect, useId, useState, type KeyboardEvent } from 'react';
import { useClient } from '../api/context.js';
import { dismissNotice, useData, type Notice } from '../store/data.js';
import { showAlerts } from '../store/view.js';
import { formatClock } from '../../shared/format.js';
import { Inert } from './Inert.js';

export function Notices() {
  const client = useClient();
  const notices = useData((s) => s.notices);
  const connection = useData((s) => s.connection);
  const retry = useCallback(() => void client.request('retryMonitor', {}).catch(() => undefined), [client]);
  return (
    <>
      {notices.length > 0 ? <NoticeList notices={notices} retry={retry} /> : null}
      {connection === 'closed' ? (
        <LostBanner browser={client.hostKind === 'browser'} />
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

/** How long the page retries before it says a new launch would be at another address (the browser host's port is
 *  chosen afresh at each start unless `--port` names one). */
export const NEW_ADDRESS_HINT_MS = 10_000;

/** While the connection is lost: since when, and, on the browser host after a while, that a NetLens started again
 *  answers at the address it printed, which this page cannot find (a new review of 12-05: a host started again on
 *  another port left this page "reconnecting…" for ever). */
export function LostBanner({ browser, since }: { browser: boolean; since?: number }) {
  const [lostAt] = useState(() => since ?? Date.now());
  const [long, setLong] = useState(() => Date.now() - lostAt >= NEW_ADDRESS_HINT_MS);
  useEffect(() => {
    if (!browser || long) return;
    const timer = setTimeout(() => setLong(true), Math.max(0, lostAt + NEW_ADDRESS_HINT_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [browser, long, lostAt]);
  return (
    <div className="notice error" role="alert">
      <span>
        Lost the connection to NetLens at {formatClock(lostAt)}; reconnecting… What is shown is as it was then.
        {browser && long ? (
          <>
            {' '}
            If NetLens was started again, it may answer at another address: open the one it printed when it started (
            <code>netlens web</code> prints it).
          </>
        ) : null}
      </span>
    </div>
  );
}

/** The host's notices, newest last: the newest shown, the older ones behind "N more". */
export function NoticeList({ notices, retry }: { notices: readonly Notice[]; retry: () => void }) {
  const [expanded, setExpanded] = useState(false);
  const listId = useId();
  useEffect(() => {
    if (notices.length <= 1) setExpanded(false);
  }, [notices.length]);
  const older = notices.length - 1;
  // What waits behind "N more" that matters: its errors and warnings, counted.
  const hiddenKinds = (['error', 'warning'] as const)
    .map((level) => [level, notices.slice(0, -1).filter((n) => n.level === level).length] as const)
    .filter(([, count]) => count > 0)
    .map(([level, count]) => `${count} ${level}${count === 1 ? '' : 's'}`)
    .join(', ');
  const all = expanded || older <= 0;
  // Escape on a notice (its buttons) dismisses it; the focus goes to the newest notice left, so that a keyboard can
  // clear them one after another.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Escape') return;
    const el = (e.target as HTMLElement).closest<HTMLElement>('[data-notice]');
    if (!el) return;
    e.preventDefault();
    e.stopPropagation();
    const id = Number(el.dataset.notice);
    const list = e.currentTarget;
    dismissNotice(id);
    requestAnimationFrame(() =>
      list.querySelector<HTMLElement>('[data-notice]:not([hidden]):last-child button[aria-label="Dismiss"]')?.focus(),
    );
  };
  return (
    <div id={listId} className="notices" role="log" aria-live="polite" onKeyDown={onKeyDown}>
      {notices.map((n, i) => {
        const newest = i === notices.length - 1;
        return (
          <div
            key={n.id}
            className={`notice ${n.level}`}
            role={n.level === 'error' ? 'alert' : 'status'}
            hidden={!all && !newest}
            data-notice={n.id}
          >
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
            {n.count > 1 ? (
              <span className="notice-count" title={`Came ${n.count} times`}>
                ×{n.count}
              </span>
            ) : null}
            {n.code.startsWith('alert-') ? (
              <button type="button" className="small" onClick={showAlerts}>
                Show alerts
              </button>
            ) : null}
            {n.code === 'monitor-failed' ? (
              <button type="button" className="small" onClick={retry}>
                Retry now
              </button>
            ) : null}
            {newest && older > 0 ? (
              <button
                type="button"
                className="small notice-more"
                aria-expanded={all}
                aria-controls={listId}
                onClick={() => setExpanded(!expanded)}
              >
                {expanded ? 'Fewer' : `${older} more${hiddenKinds ? ` (${hiddenKinds})` : ''}`}
              </button>
            ) : null}
            <button
              type="button"
              className="small"
              aria-label="Dismiss"
              aria-keyshortcuts="Escape"
              title="Dismiss (Esc)"
              onClick={() => dismissNotice(n.id)}
            >
              ×
            </button>
          </div>
        );
      })}
    </div>
  );
}
