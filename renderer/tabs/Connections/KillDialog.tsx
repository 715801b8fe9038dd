// Kill process…: who it is (name, PID, user, command line, how many sockets it holds, by kind), Terminate or
// Force kill, then what happened: killed, already gone, still running, or permission denied (with
// "Kill as administrator…" where the OS allows it). The backend refuses a PID that now belongs to another
// process: the request carries the start time the UI saw.
import { useState } from 'react';
import type { KillResult } from '../../../shared/protocol.js';
import type { ProcessInfo } from '../../../shared/types.js';
import { formatDateTime } from '../../../shared/format.js';
import { useClient } from '../../api/context.js';
import { Dialog, DismissButton } from '../../components/Dialog.js';
import { Inert, InertMessage, inertLabel, isolated } from '../../components/Inert.js';

const OUTCOME_TITLE: Record<KillResult['outcome'], string> = {
  killed: 'Killed',
  gone: 'Already gone',
  denied: 'Permission denied',
  refused: 'Refused',
  alive: 'Still running',
  failed: 'Failed',
};

/** NetLens's own processes a Kill on a selection leaves out, said in its dialog (they were dropped silently: a second
 *  review of 12-06). */
export function OwnLeftOut({ processes }: { processes: readonly ProcessInfo[] | undefined }) {
  if (!processes || processes.length === 0) return null;
  return (
    <p className="muted" data-testid="kill-left-out">
      Left out, as NetLens itself:{' '}
      {processes.map((p, i) => (
        <span key={p.pid}>
          {i > 0 ? ', ' : ''}
          <Inert text={p.name} max={60} /> (PID {p.pid})
        </span>
      ))}
      .
    </p>
  );
}

export function KillDialog(props: {
  processes: ProcessInfo[];
  /** The remote host the process is on (the kill runs there, over its ssh); undefined for this machine. */
  host?: string | undefined;
  /** The open sockets the process holds, in words (socketsText). */
  socketsOf: (pid: number) => string;
  /** NetLens's own processes of a selection, left out. */
  leftOut?: readonly ProcessInfo[];
  onClose: () => void;
}) {
  const client = useClient();
  const [pid, setPid] = useState(props.processes[0]!.pid);
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<KillResult | null>(null);
  const [lastSignal, setLastSignal] = useState<'TERM' | 'KILL'>('TERM');
  const proc = props.processes.find((p) => p.pid === pid) ?? props.processes[0]!;

  const run = async (signal: 'TERM' | 'KILL', elevate = false) => {
    setBusy(signal === 'TERM' ? 'Terminating…' : 'Killing…');
    setLastSignal(signal);
    try {
      const on = props.host === undefined ? {} : { host: props.host };
      setResult(await client.request('kill', { pid: proc.pid, startTime: proc.startTime, signal, elevate, ...on }));
    } catch (err) {
      setResult({ outcome: 'failed', message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(null);
    }
  };

  const done = result && (result.outcome === 'killed' || result.outcome === 'gone');
  return (
    <Dialog
      title={
        done
          ? result.outcome === 'gone'
            ? 'Process already gone'
            : lastSignal === 'TERM'
              ? 'Process terminated'
              : 'Process killed'
          : `Kill ${isolated(inertLabel(proc.name, 60))} (PID ${proc.pid})${props.host === undefined ? '' : ` on ${isolated(inertLabel(props.host, 60))}`}?`
      }
      heading={
        // The name is escaped, clamped and isolated; the PID stands outside the isolation, so no name can
        // reorder it or push it out of sight.
        done ? undefined : (
          <>
            Kill <Inert text={proc.name} max={60} className="kill-name" />{' '}
            <span className="kill-pid">(PID {proc.pid})</span>
            {props.host === undefined ? null : (
              <>
                {' '}
                on <Inert text={props.host} max={60} className="kill-host" />
              </>
            )}
            ?
          </>
        )
      }
      onClose={props.onClose}
      describedBy="kill-details"
      actions={
        <>
          {!done ? (
            <>
              <button
                type="button"
                className="danger"
                disabled={busy !== null}
                onClick={() => run('TERM')}
                title="Ask the process to exit (SIGTERM)"
              >
                Terminate
              </button>
              <button
                type="button"
                className="danger"
                disabled={busy !== null}
                onClick={() => run('KILL')}
                title="Stop the process at once (SIGKILL); it cannot clean up"
              >
                Force kill
              </button>
              {result?.outcome === 'denied' && result.elevation?.available && props.host === undefined ? (
                <button type="button" disabled={busy !== null} onClick={() => run(lastSignal, true)}>
                  Kill as administrator…
                </button>
              ) : null}
            </>
          ) : null}
          <DismissButton done={Boolean(done)} onClose={props.onClose} />
        </>
      }
    >
      <OwnLeftOut processes={props.leftOut} />
      <dl id="kill-details" className="details">
        {props.processes.length > 1 ? (
          <>
            <dt>Process</dt>
            <dd>
              <select
                aria-label="Process to kill"
                value={pid}
                onChange={(e) => {
                  setPid(Number(e.target.value));
                  setResult(null);
                }}
              >
                {props.processes.map((p) => (
                  <option key={p.pid} value={p.pid}>{`${isolated(inertLabel(p.name))} (${p.pid})`}</option>
                ))}
              </select>
            </dd>
          </>
        ) : null}
        {props.host === undefined ? null : (
          <>
            <dt>Host</dt>
            <dd>
              <Inert text={props.host} />
            </dd>
          </>
        )}
        <dt>Name</dt>
        <dd>
          <Inert text={proc.name} />
        </dd>
        <dt>PID</dt>
        <dd>{proc.pid}</dd>
        <dt>User</dt>
        <dd>{proc.user === null ? 'unknown' : <Inert text={proc.user} max={64} />}</dd>
        <dt>Started</dt>
        <dd>{proc.startTime ? formatDateTime(proc.startTime) : 'unknown'}</dd>
        <dt>Command line</dt>
        <dd>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a long command line scrolls, and a scrolling region must be reachable by keyboard to scroll it (WCAG 2.1.1). */}
          <section className="cmdline" tabIndex={0} aria-label="Command line (scrolls when long)">
            {proc.cmdline || proc.exe ? <Inert text={proc.cmdline || proc.exe || ''} /> : '(not readable)'}
          </section>
        </dd>
        <dt title="Open sockets the process holds, by kind (a unix socket or a listener is no connection)">Sockets</dt>
        <dd>{props.socketsOf(proc.pid)}</dd>
      </dl>
      {busy ? <p role="status">{busy}</p> : null}
      {result ? (
        <div className={`result ${result.outcome}`} role="alert" data-outcome={result.outcome}>
          {result.outcome === 'killed' ? null : <strong>{OUTCOME_TITLE[result.outcome]}: </strong>}
          <InertMessage
            text={result.message}
            names={props.host === undefined ? [proc.name] : [proc.name, props.host]}
          />
          {result.outcome === 'denied' && result.elevation && !result.elevation.available && result.elevation.reason ? (
            <p className="muted">Kill as administrator is not available: {result.elevation.reason}</p>
          ) : null}
        </div>
      ) : null}
    </Dialog>
  );
}
