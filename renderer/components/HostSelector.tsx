// The toolbar's hosts: which to show (all, this machine, one remote host), a chip per remote host with its
// state (a disconnected one says why and since when its rows are stale), and Add host… / Remove host. The
// Node side checks every destination again (shared/protocol.ts) and reads the hosts over the user's ssh.
import { useEffect, useState } from 'react';
import { checkDestination, type HostSelection, type RemoteHostInfo } from '../../shared/remote.js';
import { useClient } from '../api/context.js';
import { staleSince, staleText, useHosts } from '../store/hosts.js';
import { Dialog } from './Dialog.js';

/** How often the hosts' states are asked for while there are any. */
const POLL_MS = 2000;

function selectionValue(s: HostSelection): string {
  return s.kind === 'remote' ? `remote:${s.destination}` : s.kind;
}

function selectionOf(value: string): HostSelection {
  if (value === 'all' || value === 'local') return { kind: value };
  return { kind: 'remote', destination: value.slice('remote:'.length) };
}

function chipText(h: RemoteHostInfo): string {
  if (h.state === 'connected') return `${h.destination}: connected`;
  if (h.state === 'connecting' && h.lastFrameAt === null) return `${h.destination}: connecting…`;
  const since = staleSince(h);
  return `${h.destination}: ${h.state}${h.reason ? ` (${h.reason})` : ''}${since === null ? '' : ` — ${staleText(since)}`}`;
}

function AddHostDialog(props: { onClose: () => void }) {
  const client = useClient();
  const add = useHosts((s) => s.add);
  const error = useHosts((s) => s.error);
  const [destination, setDestination] = useState('');
  const [busy, setBusy] = useState(false);
  const why = destination === '' ? null : checkDestination(destination);
  const submit = async () => {
    if (destination === '' || why || busy) return;
    setBusy(true);
    const added = await add(client, destination);
    setBusy(false);
    if (added) props.onClose();
  };
  return (
    <Dialog
      title="Add host"
      onClose={props.onClose}
      describedBy="add-host-help"
      actions={
        <>
          <button
            type="button"
            className="primary"
            disabled={destination === '' || why !== null || busy}
            onClick={submit}
          >
            Add
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </>
      }
    >
      <p id="add-host-help">
        A Linux machine to show beside this one, read through your own ssh (your keys, agent and known_hosts; nothing is
        installed there). Anything ssh accepts: user@host, or a Host of your ssh config.
      </p>
      <label className="field-block">
        <span>ssh destination</span>
        <input
          type="text"
          value={destination}
          placeholder="user@host"
          aria-invalid={why !== null}
          spellCheck={false}
          data-autofocus
          onChange={(e) => setDestination(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void submit();
          }}
        />
      </label>
      {why || error ? (
        <p role="alert" className="error-text">
          {why ?? error}
        </p>
      ) : null}
    </Dialog>
  );
}

export function HostSelector() {
  const client = useClient();
  const hosts = useHosts((s) => s.hosts);
  const selection = useHosts((s) => s.selection);
  const [adding, setAdding] = useState(false);
  useEffect(() => {
    const { refresh } = useHosts.getState();
    void refresh(client);
    const timer = setInterval(() => {
      if (useHosts.getState().hosts.length > 0) void refresh(client);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [client]);
  return (
    // biome-ignore lint/a11y/useSemanticElements: a selector and host chips grouped in the toolbar, not a section of a form (a fieldset brings a legend and form layout).
    <div className="host-selector" role="group" aria-label="Hosts">
      {hosts.length > 0 ? (
        <label className="field">
          <span>Host</span>
          <select
            aria-label="Host"
            value={selectionValue(selection)}
            onChange={(e) => useHosts.getState().select(selectionOf(e.target.value))}
          >
            <option value="all">All hosts</option>
            <option value="local">This machine</option>
            {hosts.map((h) => (
              <option key={h.destination} value={`remote:${h.destination}`}>
                {h.destination}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {hosts.map((h) => (
        <span
          key={h.destination}
          className={`host-chip ${h.state}`}
          role="status"
          aria-label={`Host ${h.destination}`}
          title={chipText(h)}
        >
          <bdi>{chipText(h)}</bdi>
        </span>
      ))}
      <button
        type="button"
        title="Show a remote Linux host beside this machine, over ssh"
        onClick={() => setAdding(true)}
      >
        Add host…
      </button>
      {selection.kind === 'remote' ? (
        <button
          type="button"
          title={`Stop showing ${selection.destination} (closes its ssh connection)`}
          onClick={() => void useHosts.getState().remove(client, selection.destination)}
        >
          Remove host
        </button>
      ) : null}
      {adding ? <AddHostDialog onClose={() => setAdding(false)} /> : null}
    </div>
  );
}
