// Close connection…: resets one established TCP connection without killing its process (TCPView's
// "Close Connection"; on Linux through sock_diag destroy).
import { useState } from 'react';
import { type CloseResult, OWNER_NAME_MAX } from '../../../shared/protocol.js';
import { cutUnits } from '../../../shared/inert-text.js';
import type { Connection } from '../../../shared/types.js';
import { Inert, InertMessage } from '../../components/Inert.js';
import { useClient } from '../../api/context.js';
import type { NetlensClient } from '../../api/client.js';
import { Dialog, DismissButton } from '../../components/Dialog.js';
import { endpointText, processText } from './columns.js';

/** Asks the host to reset one connection (the same request for one row or a selection's); fails as the request
 *  does (the connection to NetLens lost). */
export function requestClose(client: NetlensClient, r: Connection): Promise<CloseResult> {
  if (r.family === 'unix') return Promise.resolve({ outcome: 'failed', message: 'a unix socket cannot be closed' });
  return client.request('closeConnection', {
    proto: 'tcp',
    family: r.family,
    localAddress: r.localAddress,
    localPort: r.localPort,
    remoteAddress: r.remoteAddress,
    remotePort: r.remotePort,
    ...(r.host === undefined ? {} : { host: r.host }),
    // This machine's socket as the row showed it: another with the same ends by the time this runs is not closed.
    ...(r.host === undefined && r.inode !== null && r.inode > 0 ? { inode: r.inode } : {}),
    ...(r.processes[0]
      ? {
          owner: {
            pid: r.processes[0].pid,
            // For the action log: a name past the request's limit (a remote host's) is cut, not the Close refused.
            name: cutUnits(r.processes[0].name, OWNER_NAME_MAX),
            startTime: r.processes[0].startTime,
          },
        }
      : {}),
  });
}

/** A Close whose request failed, in the words of its failure. */
export const failedClose = (err: unknown): CloseResult => ({
  outcome: 'failed',
  message: err instanceof Error ? err.message : String(err),
});

/** The names a Close's message may hold, shown inert (InertMessage): its processes' and its host's. */
export const closeNames = (r: Connection) => [
  ...r.processes.map((p) => p.name),
  ...(r.host === undefined ? [] : [r.host]),
];

export function CloseDialog(props: { row: Connection; onClose: () => void }) {
  const client = useClient();
  const r = props.row;
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<CloseResult | null>(null);
  const run = async () => {
    setBusy(true);
    setResult(await requestClose(client, r).catch((err: unknown) => failedClose(err)));
    setBusy(false);
  };
  const local = endpointText(r.localAddress, r.localPort, r.proto);
  const remote = endpointText(r.remoteAddress, r.remotePort, r.proto);
  return (
    <Dialog
      title={
        result?.outcome === 'closed'
          ? 'Connection closed'
          : result?.outcome === 'gone'
            ? 'Connection already gone'
            : 'Close this connection?'
      }
      onClose={props.onClose}
      actions={
        <>
          {result?.outcome !== 'closed' ? (
            <button type="button" className="danger" disabled={busy} onClick={run}>
              Close connection
            </button>
          ) : null}
          <DismissButton done={result?.outcome === 'closed'} doneLabel="Done" onClose={props.onClose} />
        </>
      }
    >
      {/* Once closed, the result names the connection (its endpoints and owner): said once, not twice. */}
      {result?.outcome === 'closed' ? null : (
        <p>
          <Inert text={local} /> ⇄ <Inert text={remote} /> (
          {processText(r) ? <Inert text={processText(r)} max={120} /> : 'no process'})
          {r.host === undefined ? null : (
            <>
              {' on '}
              <Inert text={r.host} max={60} />
            </>
          )}
          .
          {result === null
            ? ' Both ends will see the connection reset. The process is not signalled, though it may end when its connection does.'
            : null}
        </p>
      )}
      {result ? (
        <div className={`result ${result.outcome}`} role="alert" data-outcome={result.outcome}>
          <InertMessage text={result.message} names={closeNames(r)} />
        </div>
      ) : null}
    </Dialog>
  );
}
