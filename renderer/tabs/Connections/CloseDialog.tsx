// Close connection…: resets one established TCP connection without killing its process (TCPView's
// "Close Connection"; on Linux through sock_diag destroy).
import { useState } from 'react';
import type { CloseResult } from '../../../shared/protocol.js';
import type { Connection } from '../../../shared/types.js';
import { Inert, InertMessage } from '../../components/Inert.js';
import { useClient } from '../../api/context.js';
import { Dialog, DismissButton } from '../../components/Dialog.js';
import { endpointText, processText } from './columns.js';

export function CloseDialog(props: { row: Connection; onClose: () => void }) {
  const client = useClient();
  const r = props.row;
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<CloseResult | null>(null);
  const run = async () => {
    if (r.family === 'unix') return;
    setBusy(true);
    try {
      setResult(
        await client.request('closeConnection', {
          proto: 'tcp',
          family: r.family,
          localAddress: r.localAddress,
          localPort: r.localPort,
          remoteAddress: r.remoteAddress,
          remotePort: r.remotePort,
          ...(r.host === undefined ? {} : { host: r.host }),
          ...(r.processes[0]
            ? { owner: { pid: r.processes[0].pid, name: r.processes[0].name, startTime: r.processes[0].startTime } }
            : {}),
        }),
      );
    } catch (err) {
      setResult({ outcome: 'failed', message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
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
      {result ? (
        <div className={`result ${result.outcome}`} role="alert" data-outcome={result.outcome}>
          <InertMessage
            text={result.message}
            names={[...r.processes.map((p) => p.name), ...(r.host === undefined ? [] : [r.host])]}
          />
        </div>
      ) : null}
    </Dialog>
  );
}
