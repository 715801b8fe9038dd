// Close on a multi-selection (TCPView closes every selected connection): the established TCP connections of the
// selection listed for one confirmation, then reset one by one through the same request as a single Close, each
// row saying what happened. The rows of the selection Close cannot act on (listening, UDP, closed) are left open
// and counted. Focus starts on Cancel.
import { useState } from 'react';
import type { CloseResult } from '../../../shared/protocol.js';
import type { Connection } from '../../../shared/types.js';
import { formatCount } from '../../../shared/format.js';
import { useClient } from '../../api/context.js';
import { Inert } from '../../components/Inert.js';
import { Dialog, DismissButton } from '../../components/Dialog.js';
import { closeConnection, closeNames } from './CloseDialog.js';
import { OutcomeCell } from './MultiKillDialog.js';
import { endpointText, processText } from './columns.js';

type Outcome = CloseResult | { outcome: 'pending'; message: string };

export function MultiCloseDialog(props: {
  /** The connections to close (closableOf: established TCP, at most MAX_CLOSE). */
  rows: Connection[];
  /** The selected rows left out (not connections Close can reset). */
  skipped: number;
  onClose: () => void;
}) {
  const client = useClient();
  const [results, setResults] = useState<Map<string, Outcome> | null>(null);
  const [busy, setBusy] = useState(false);
  const n = props.rows.length;

  const closedOrGone = (o: Outcome | undefined) => o?.outcome === 'closed' || o?.outcome === 'gone';
  /** Closes the rows not closed yet (all of them the first time; after a failure, the ones left). */
  const run = async () => {
    setBusy(true);
    const next = new Map<string, Outcome>(results ?? []);
    const left = props.rows.filter((r) => !closedOrGone(next.get(r.id)));
    for (const r of left) next.set(r.id, { outcome: 'pending', message: 'waiting…' });
    setResults(new Map(next));
    // The table is drawn again at most every 100 ms while the answers come (a thousand rows, a thousand answers).
    let drawn = performance.now();
    for (const r of left) {
      next.set(r.id, await closeConnection(client, r));
      if (performance.now() - drawn >= 100) {
        setResults(new Map(next));
        drawn = performance.now();
      }
    }
    setResults(new Map(next));
    setBusy(false);
  };

  const done = results !== null && !busy;
  // Gone counts as closed: the connection is no longer there, which is what was asked.
  const ended = done ? [...results.values()].filter(closedOrGone).length : 0;
  const what = `${formatCount(n)} connections`;
  const title = !done ? `Close ${what}?` : ended === n ? `Closed ${what}` : `${formatCount(ended)} of ${what} closed`;
  const hosts = new Set(props.rows.map((r) => r.host));
  return (
    <Dialog
      title={title}
      onClose={props.onClose}
      actions={
        <>
          {!done || ended < n ? (
            <button type="button" className="danger" disabled={busy} onClick={() => void run()}>
              {done ? `Close the ${formatCount(n - ended)} left` : `Close ${formatCount(n)}`}
            </button>
          ) : null}
          <DismissButton done={done} doneLabel="Done" onClose={props.onClose} />
        </>
      }
    >
      <p>
        {results === null
          ? 'Both ends of each will see the connection reset. The processes are not signalled, though one may end when its connection does.'
          : null}
        {props.skipped > 0
          ? ` ${formatCount(props.skipped)} of the selected rows ${props.skipped === 1 ? 'is not an established TCP connection and is' : 'are not established TCP connections and are'} left as they are.`
          : null}
      </p>
      <table className="log-table" aria-label="Connections to close">
        <thead>
          <tr>
            {hosts.size > 1 || !hosts.has(undefined) ? <th>Host</th> : null}
            <th>Local</th>
            <th>Remote</th>
            <th>Process</th>
            {results ? <th>Result</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => {
            const result = results?.get(r.id);
            return (
              <tr key={r.id} data-row-id={r.id}>
                {hosts.size > 1 || !hosts.has(undefined) ? (
                  <td>{r.host === undefined ? 'this machine' : <Inert text={r.host} max={60} />}</td>
                ) : null}
                <td>
                  <Inert text={endpointText(r.localAddress, r.localPort, r.proto)} />
                </td>
                <td>
                  <Inert text={endpointText(r.remoteAddress, r.remotePort, r.proto)} />
                </td>
                <td>{processText(r) ? <Inert text={processText(r)} max={60} /> : 'no process'}</td>
                {results ? <OutcomeCell result={result} names={closeNames(r)} /> : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </Dialog>
  );
}
