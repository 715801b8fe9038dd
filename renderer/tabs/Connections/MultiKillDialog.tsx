// Kill on a multi-selection (or on a process name in the side list): the distinct processes behind the rows,
// listed once for one confirmation, then killed one by one through the same request as a single Kill, each
// with its start time so a PID that now belongs to another process is refused. Focus starts on Cancel; Stop (or
// closing the dialog) sends no more (InTurn.tsx).
import { useState } from 'react';
import type { KillResult } from '../../../shared/protocol.js';
import type { ProcessInfo } from '../../../shared/types.js';
import { useClient } from '../../api/context.js';
import { Inert, inertLabel, isolated } from '../../components/Inert.js';
import { Dialog, DismissButton } from '../../components/Dialog.js';
import { StopButton, OutcomeCell, useInTurn } from '../../components/InTurn.js';
import { OwnLeftOut } from './KillDialog.js';

/** The dialog's two ways to kill, as its buttons offer them. */
const SIGNALS = [
  { signal: 'TERM', label: 'Terminate', title: 'Ask each process to exit (SIGTERM)' },
  { signal: 'KILL', label: 'Force kill', title: 'Stop each process at once (SIGKILL)' },
] as const;

export function MultiKillDialog(props: {
  processes: ProcessInfo[];
  /** The remote host they are on (the kill runs there); undefined for this machine. */
  host: string | undefined;
  /** The open sockets the process holds, in words (socketsText). */
  socketsOf: (pid: number) => string;
  /** NetLens's own processes of the selection, left out. */
  leftOut?: readonly ProcessInfo[];
  onClose: () => void;
}) {
  const client = useClient();
  const { results, busy, run: runInTurn, stop } = useInTurn<number, KillResult>();
  const [signal, setSignal] = useState<'TERM' | 'KILL'>('TERM');
  const n = props.processes.length;
  const byPid = new Map(props.processes.map((p) => [p.pid, p]));

  const run = async (sig: 'TERM' | 'KILL') => {
    setSignal(sig);
    await runInTurn(
      props.processes.map((p) => p.pid),
      (pid) =>
        client.request('kill', {
          pid,
          startTime: byPid.get(pid)!.startTime,
          signal: sig,
          elevate: false,
          ...(props.host === undefined ? {} : { host: props.host }),
        }),
      (message) => ({ outcome: 'failed', message }),
    );
  };

  const done = results !== null && !busy;
  const ended = done ? [...results.values()].filter((r) => r.outcome === 'killed' || r.outcome === 'gone').length : 0;
  const one = props.processes[0]!;
  // On a remote host, the title says which (its name escaped and isolated, as the processes' names are).
  const where = props.host === undefined ? '' : ` on ${isolated(inertLabel(props.host, 60))}`;
  const what = `${n === 1 ? `${isolated(inertLabel(one.name, 60))} (PID ${one.pid})` : `${n} processes`}${where}`;
  const title = !done
    ? `Kill ${what}?`
    : ended === n
      ? `${signal === 'TERM' ? 'Terminated' : 'Force-killed'} ${what}`
      : `${ended} of ${n} processes ended`;
  return (
    <Dialog
      title={title}
      onClose={props.onClose}
      actions={
        <>
          {!done || ended < n
            ? SIGNALS.map((k) => (
                <button
                  key={k.signal}
                  type="button"
                  className="danger"
                  disabled={busy}
                  onClick={() => void run(k.signal)}
                  title={k.title}
                >
                  {n === 1 ? k.label : `${k.label} ${n}`}
                </button>
              ))
            : null}
          {busy ? (
            <StopButton onStop={stop} title="Send no more: the processes not asked yet are left running" />
          ) : (
            <DismissButton done={Boolean(done)} onClose={props.onClose} />
          )}
        </>
      }
    >
      <OwnLeftOut processes={props.leftOut} />
      <table className="log-table" aria-label="Processes to kill">
        <thead>
          <tr>
            <th>Process</th>
            <th>PID</th>
            <th>User</th>
            <th title="Open sockets each process holds, by kind">Sockets</th>
            {results ? <th>Result</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.processes.map((p) => {
            const r = results?.get(p.pid);
            return (
              <tr key={p.pid} data-pid={p.pid}>
                <td>
                  <Inert text={p.name} max={60} />
                </td>
                <td>{p.pid}</td>
                <td>{p.user === null ? 'unknown' : <Inert text={p.user} max={64} />}</td>
                <td>{props.socketsOf(p.pid)}</td>
                {results ? <OutcomeCell result={r} names={[p.name]} /> : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </Dialog>
  );
}
