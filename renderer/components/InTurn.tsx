// Actions on several things done in turn (Kill N processes, Close N connections): one request each, its outcome
// shown as it comes, and the dialogs' Stop button and result cell. Stoppable: Stop, or the dialog closed (Cancel,
// Escape, a click outside), sends no more; nor does a connection to NetLens that is lost (the client's
// ConnectionLostError, at once while it is). What was not sent says why. The outcomes are drawn at most every
// 100 ms while they come (a thousand rows, a thousand answers).
import { useEffect, useRef, useState } from 'react';
import { formatCount } from '../../shared/format.js';
import { inertText } from '../../shared/inert-text.js';
import { ConnectionLostError } from '../api/client.js';
import { InertMessage } from './Inert.js';

/** What a row of such a dialog says: its result, or that it waits, or why it was not sent. */
export type InTurnOutcome<R> = R | { outcome: 'pending' | 'stopped'; message: string };

const REDRAW_MS = 100;

/** The outcomes by key (null before the first run), whether a run goes on, and how to run or stop one. */
export function useInTurn<K, R extends { outcome: string; message: string }>() {
  const [results, setResults] = useState<Map<K, InTurnOutcome<R>> | null>(null);
  const [busy, setBusy] = useState(false);
  const stopped = useRef(false);
  // Closed (unmounted) while a run goes on: it sends no more.
  useEffect(
    () => () => {
      stopped.current = true;
    },
    [],
  );

  /** Asks `act` for each key in turn, keeping the outcomes of keys not asked again. A request that fails for a
   *  lost connection stops the run there: the keys after it are not sent. */
  const run = async (keys: readonly K[], act: (key: K) => Promise<R>, failed: (message: string) => R) => {
    stopped.current = false;
    setBusy(true);
    const next = new Map<K, InTurnOutcome<R>>(results ?? []);
    for (const k of keys) next.set(k, { outcome: 'pending', message: 'waiting…' });
    setResults(new Map(next));
    let drawn = performance.now();
    let why: string | null = null;
    for (const k of keys) {
      if (why === null && stopped.current) why = 'not sent: stopped';
      if (why !== null) {
        next.set(k, { outcome: 'stopped', message: why });
        continue;
      }
      let r: R;
      try {
        r = await act(k);
      } catch (err) {
        r = failed(err instanceof Error ? err.message : String(err));
        // The client fails at once while the connection is lost: the rest would fail alike.
        if (err instanceof ConnectionLostError) why = 'not sent: the connection to NetLens was lost';
      }
      next.set(k, r);
      if (performance.now() - drawn >= REDRAW_MS) {
        setResults(new Map(next));
        drawn = performance.now();
      }
    }
    setResults(new Map(next));
    setBusy(false);
  };

  const stop = () => {
    stopped.current = true;
  };
  return { results, busy, run, stop };
}

/** A row's Result cell in the dialogs that act on several (Kill, Close): its outcome, and its message with the
 *  names it may hold shown inert. */
export function OutcomeCell(props: {
  result: { outcome: string; message: string } | undefined;
  names: string[];
  /** The whole message, where the cell says it short. */
  title?: string | undefined;
}) {
  return (
    <td data-outcome={props.result?.outcome} title={props.title === undefined ? undefined : inertText(props.title)}>
      <InertMessage text={props.result?.message ?? ''} names={props.names} />
    </td>
  );
}

/** Stop, while a run goes on: it takes the focus (the button that started the run is disabled, and the focus would
 *  fall out of the dialog, where Escape closes nothing), and once pressed says "Stopping…" while the request out
 *  is answered. */
export function StopButton(props: { onStop: () => void; title: string; left?: number }) {
  const ref = useRef<HTMLButtonElement>(null);
  const [stopping, setStopping] = useState(false);
  useEffect(() => ref.current?.focus(), []);
  return (
    <button
      ref={ref}
      type="button"
      aria-disabled={stopping}
      onClick={() => {
        if (stopping) return;
        setStopping(true);
        props.onStop();
      }}
      title={props.title}
    >
      {stopping ? 'Stopping…' : `Stop${props.left === undefined ? '' : ` (${formatCount(props.left)} left)`}`}
    </button>
  );
}
