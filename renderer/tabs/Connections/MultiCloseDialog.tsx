// Close on a multi-selection (TCPView closes every selected connection): the established TCP connections of the
// selection, of one host, listed for one confirmation, then reset one by one through the same request as a single
// Close, each row saying what happened. The rows of the selection Close cannot act on (listening, UDP, closed) are
// left open and counted. Focus starts on Cancel; Stop (or closing the dialog) sends no more (InTurn.tsx).
import { memo } from 'react';
import type { CloseResult } from '../../../shared/protocol.js';
import type { Connection } from '../../../shared/types.js';
import { formatCount } from '../../../shared/format.js';
import { useClient } from '../../api/context.js';
import { Inert } from '../../components/Inert.js';
import { Dialog, DismissButton } from '../../components/Dialog.js';
import { OutcomeCell, StopButton, useInTurn, type InTurnOutcome } from '../../components/InTurn.js';
import { closeNames, failedClose, requestClose } from './CloseDialog.js';
import { endpointText, processText } from './columns.js';
import type { CloseSkipped } from './view.js';

/** What the selection's rows left out are, in words: each a sentence, none where none is left out. */
export function skippedText(s: CloseSkipped): string[] {
  const n = formatCount;
  return [
    s.other === 1
      ? '1 of the selected rows is not an established TCP connection: it is left as it is.'
      : s.other > 1
        ? `${n(s.other)} of the selected rows are not established TCP connections: they are left as they are.`
        : '',
    s.own === 1
      ? "1 is NetLens's own (a page's connection to this host): it is left open."
      : s.own > 1
        ? `${n(s.own)} are NetLens's own (pages' connections to this host): they are left open.`
        : '',
    s.ends === 1
      ? '1 is the other end of a connection listed: resetting one end resets both.'
      : s.ends > 1
        ? `${n(s.ends)} are the other ends of connections listed: resetting one end resets both.`
        : '',
  ].filter(Boolean);
}

/** A connection's outcome in a word or two (the row names its ends; the whole message is its tooltip), or the
 *  reason where it was not closed. */
function shortOutcome(r: InTurnOutcome<CloseResult> | undefined): { outcome: string; message: string } | undefined {
  if (r?.outcome === 'closed') return { outcome: r.outcome, message: 'Closed' };
  if (r?.outcome === 'gone') return { outcome: r.outcome, message: 'Already closed' };
  return r;
}

const closedOrGone = (o: InTurnOutcome<CloseResult> | undefined) => o?.outcome === 'closed' || o?.outcome === 'gone';

/** Memoised: the Connections tab renders every tick, and this table may hold a thousand rows. */
export const MultiCloseDialog = memo(function MultiCloseDialog(props: {
  /** The connections to close (closableOf: established TCP, of one host, at most MAX_CLOSE). */
  rows: Connection[];
  /** The selected rows left out, by why (closableOf). */
  skipped: CloseSkipped;
  onClose: () => void;
}) {
  const client = useClient();
  const { results, busy, run: runInTurn, stop } = useInTurn<string, CloseResult>();
  const n = props.rows.length;
  const byId = new Map(props.rows.map((r) => [r.id, r]));
  /** Closes the rows not closed yet (all of them the first time; after a failure or a stop, the ones left). */
  const run = () =>
    runInTurn(
      props.rows.filter((r) => !closedOrGone(results?.get(r.id))).map((r) => r.id),
      (id) => requestClose(client, byId.get(id)!),
      (message) => failedClose(new Error(message)),
    );

  const done = results !== null && !busy;
  // Gone counts as closed: the connection is no longer there, which is what was asked.
  const ended = done ? [...results.values()].filter(closedOrGone).length : 0;
  const pendingCount = busy && results ? [...results.values()].filter((r) => r.outcome === 'pending').length : 0;
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
          {busy ? (
            <StopButton
              onStop={stop}
              left={pendingCount}
              title="Send no more: the connections not asked yet stay open"
            />
          ) : (
            <DismissButton done={done} doneLabel="Done" onClose={props.onClose} />
          )}
        </>
      }
    >
      {results === null ? (
        <p>
          Both ends of each will see the connection reset. The processes are not signalled, though one may end when its
          connection does.
        </p>
      ) : null}
      {skippedText(props.skipped).map((t) => (
        <p key={t} className="muted">
          {t}
        </p>
      ))}
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
                {results ? (
                  <OutcomeCell result={shortOutcome(result)} title={result?.message} names={closeNames(r)} />
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </Dialog>
  );
});
