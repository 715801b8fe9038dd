// The toolbar's hosts: which to show (all, this machine, one remote host), a chip per remote host with its
// state (a disconnected one says why and since when its rows are stale), and Add host… / Remove host. The
// Node side checks every destination again (shared/protocol.ts) and reads the hosts over the user's ssh.
import { useEffect, useState } from 'react';
import type { BarItem } from './OverflowBar.js';
import { checkDestination, type HostSelection, type RemoteHostInfo } from '../../shared/remote.js';
import { useClient } from '../api/context.js';
import { hostStateText, useHosts } from '../store/hosts.js';
import { Dialog } from './Dialog.js';
import { Menu } from './Menu.js';

/** How often the hosts' states are asked for while there are any. */
const POLL_MS = 2000;

function selectionValue(s: HostSelection): string {
  return s.kind === 'remote' ? `remote:${s.destination}` : s.kind;
}

function selectionOf(value: string): HostSelection {
  if (value === 'all' || value === 'local') return { kind: value };
  return { kind: 'remote', destination: value.slice('remote:'.length) };
}

/** A host's state in a word (chipText says why and since when). */
function chipState(h: RemoteHostInfo): string {
  return h.state === 'connecting' && h.lastFrameAt === null ? 'connecting…' : h.state;
}

/** How often the Add host dialog asks for the new host's state while it waits for its first connection. */
const CONNECTING_POLL_MS = 500;

/** Add host: the destination, then its first connection waited for here. Once connected the dialog closes and the
 *  tabs show that host; a host that cannot be reached says why in the dialog, which offers to remove it or keep it
 *  (NetLens goes on trying), the tabs still on what they showed (a new user's review of 12-06: an unreachable host
 *  replaced the whole view, and the way back was in the overflow menu). */
function AddHostDialog(props: { onClose: () => void }) {
  const client = useClient();
  const add = useHosts((s) => s.add);
  const error = useHosts((s) => s.error);
  const [destination, setDestination] = useState('');
  const [busy, setBusy] = useState(false);
  /** The host added, waited for. */
  const [added, setAdded] = useState<string | null>(null);
  const info = useHosts((s) => (added === null ? undefined : s.hosts.find((h) => h.destination === added)));
  /** Why its first connection failed (kept: the host goes back to connecting between its tries). */
  const [failure, setFailure] = useState<string | null>(null);
  if (failure === null && info?.state === 'disconnected') setFailure(hostStateText(info));
  const why = destination === '' ? null : checkDestination(destination);
  const submit = async () => {
    if (destination === '' || why || busy) return;
    setBusy(true);
    const ok = await add(client, destination);
    setBusy(false);
    if (ok) setAdded(destination);
  };
  useEffect(() => {
    if (added === null) return;
    const timer = setInterval(() => void useHosts.getState().refresh(client), CONNECTING_POLL_MS);
    return () => clearInterval(timer);
  }, [added, client]);
  const { onClose } = props;
  useEffect(() => {
    if (added === null || info?.state !== 'connected') return;
    useHosts.getState().select({ kind: 'remote', destination: added });
    onClose();
  }, [added, info?.state, onClose]);
  if (added !== null) {
    const failed = failure !== null;
    return (
      <Dialog
        title={failed ? `Cannot reach ${added}` : `Connecting to ${added}…`}
        onClose={onClose}
        describedBy="add-host-state"
        actions={
          failed ? (
            <>
              {/* Keyed apart from Don't wait: the focused button must not turn into Remove host under the keyboard. */}
              <button
                key="remove"
                type="button"
                onClick={async () => {
                  await useHosts.getState().remove(client, added);
                  onClose();
                }}
              >
                Remove host
              </button>
              <button key="keep" type="button" className="primary" onClick={onClose} data-autofocus>
                Keep it
              </button>
            </>
          ) : (
            <button key="wait" type="button" onClick={onClose} data-autofocus>
              Don’t wait
            </button>
          )
        }
      >
        <p id="add-host-state" role="status">
          {failed
            ? `${failure}. If you keep it, NetLens goes on trying; choose it under Host once it answers.`
            : `Waiting for ${added} to answer through ssh. The tabs show it once it has.`}
        </p>
      </Dialog>
    );
  }
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

/** A host's chip: its name and a mark of its state (the state in words for screen readers, why and since when in its
 *  tooltip). A button: a click (or Enter, the context menu, Shift+F10) opens what can be done with the host, Show it
 *  alone and Remove it, where Remove was only in the Host selector, shown once a host is chosen there. */
function HostChip({ host: h }: { host: RemoteHostInfo }) {
  const client = useClient();
  const [menuAt, setMenuAt] = useState<{ x: number; y: number } | null>(null);
  const below = (el: HTMLElement) => {
    const r = el.getBoundingClientRect();
    setMenuAt({ x: r.left, y: r.bottom + 2 });
  };
  const { select, remove } = useHosts.getState();
  return (
    <span
      className={`host-chip ${h.state}`}
      role="status"
      aria-label={`Host ${h.destination}`}
      title={hostStateText(h)}
    >
      <button
        type="button"
        className="host-chip-button"
        aria-haspopup="menu"
        aria-expanded={menuAt !== null}
        onClick={(e) => below(e.currentTarget)}
        onContextMenu={(e) => {
          e.preventDefault();
          setMenuAt({ x: e.clientX, y: e.clientY });
        }}
        onKeyDown={(e) => {
          if (e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10')) {
            e.preventDefault();
            below(e.currentTarget);
          }
        }}
      >
        <bdi className="host-chip-name">{h.destination}</bdi>
        <span className="visually-hidden">: {chipState(h)}</span>
      </button>
      {menuAt ? (
        <Menu
          label={`Host ${h.destination}`}
          at={menuAt}
          onClose={() => setMenuAt(null)}
          items={[
            {
              id: 'show',
              label: `Show ${h.destination} alone`,
              names: [h.destination],
              onSelect: () => select({ kind: 'remote', destination: h.destination }),
            },
            {
              id: 'remove',
              label: `Remove ${h.destination}`,
              names: [h.destination],
              separatorBefore: true,
              onSelect: () => void remove(client, h.destination),
            },
          ]}
        />
      ) : null}
    </span>
  );
}

/** The toolbar's host controls, as items of the app's OverflowBar (what does not fit goes into ⋯, with the
 *  hosts' states in the menu's labels): a compact chip per host (its name and a mark of its state; the state in
 *  words for screen readers, why and since when in its tooltip), then the selector. */
export function useHostBarItems(): { chips: BarItem | null; selector: BarItem | null; add: BarItem } {
  const client = useClient();
  const hosts = useHosts((s) => s.hosts);
  const selection = useHosts((s) => s.selection);
  const { select, openAdd, remove } = useHosts.getState();
  const current = selectionValue(selection);
  const choices: [string, string][] = [
    ['all', 'All hosts'],
    ['local', 'This machine'],
    ...hosts.map((h): [string, string] => [`remote:${h.destination}`, h.destination]),
  ];
  const chips: BarItem | null =
    hosts.length === 0
      ? null
      : {
          id: 'host-chips',
          node: (
            <span className="host-chips">
              {hosts.map((h) => (
                <HostChip key={h.destination} host={h} />
              ))}
            </span>
          ),
          menu: hosts.map((h) => ({ id: `chip-${h.destination}`, label: hostStateText(h), disabled: true })),
        };
  const selector: BarItem | null =
    hosts.length === 0
      ? null
      : {
          id: 'hosts',
          node: (
            <fieldset className="host-selector" aria-label="Hosts">
              <label className="field">
                <span>Host</span>
                <select aria-label="Host" value={current} onChange={(e) => select(selectionOf(e.target.value))}>
                  {choices.map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
              </label>
              {selection.kind === 'remote' ? (
                <button
                  type="button"
                  title={`Stop showing ${selection.destination} (closes its ssh connection)`}
                  onClick={() => void remove(client, selection.destination)}
                >
                  Remove host
                </button>
              ) : null}
            </fieldset>
          ),
          menu: [
            ...choices.map(([value, label], i) => {
              const h = hosts.find((x) => `remote:${x.destination}` === value);
              return {
                id: `host-${value}`,
                label: h ? `Show ${hostStateText(h)}` : `Show ${label.toLowerCase()}`,
                checked: value === current,
                radio: true,
                separatorBefore: i === 0,
                onSelect: () => select(selectionOf(value)),
              };
            }),
            ...(selection.kind === 'remote'
              ? [
                  {
                    id: 'host-remove',
                    label: `Remove ${selection.destination}`,
                    onSelect: () => void remove(client, selection.destination),
                  },
                ]
              : []),
          ],
        };
  const add: BarItem = {
    id: 'add-host',
    node: (
      <button type="button" title="Show a remote Linux host beside this machine, over ssh" onClick={openAdd}>
        Add host…
      </button>
    ),
    menu: [{ id: 'add-host', label: 'Add host…', separatorBefore: true, onSelect: openAdd }],
  };
  return { chips, selector, add };
}

/** Keeps the hosts' states fresh while there are any, and shows the Add host dialog when asked. */
export function HostDialogs() {
  const client = useClient();
  const adding = useHosts((s) => s.adding);
  useEffect(() => {
    const { refresh } = useHosts.getState();
    void refresh(client);
    const timer = setInterval(() => {
      if (useHosts.getState().hosts.length > 0) void refresh(client);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [client]);
  return adding ? <AddHostDialog onClose={useHosts.getState().closeAdd} /> : null;
}
