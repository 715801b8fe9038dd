// Ten minutes of receive/send rates of one thing (an interface, a process name) as a chart: the host's
// history first, then each live tick appended. Shared by the Interfaces tab and the process side list.
import { useEffect, useRef, useState } from 'react';
import type { HistoryPoint } from '../../shared/protocol.js';
import { appendSample, seriesFromHistory, type ChartSeries } from './chart-series.js';
import { Inert } from './Inert.js';
import { RateChart } from './RateChart.js';
import '../tabs/tabs-extra.css';

type HistoryState = { key: string; status: 'loading' | 'ready' | 'error'; error?: string };

export interface RateHistory {
  series: ChartSeries;
  revision: number;
  state: HistoryState | null;
}

/** `rates`: the key's rates at tick `tickAt` (bytes per second), appended as the live point. */
export function useRateHistory(
  key: string | null,
  load: (key: string) => Promise<HistoryPoint[]>,
  rates: { rx: number; tx: number } | null,
  tickAt: number | null,
  live: boolean,
): RateHistory {
  const seriesRef = useRef<ChartSeries>({ t: [], rx: [], tx: [] });
  const [state, setState] = useState<HistoryState | null>(null);
  const [revision, setRevision] = useState(0);

  useEffect(() => {
    if (!key || !live) {
      setState(null);
      return;
    }
    let cancelled = false;
    // Live ticks that arrive while the history loads are kept and merged after it.
    seriesRef.current = { t: [], rx: [], tx: [] };
    setState({ key, status: 'loading' });
    load(key).then(
      (points) => {
        if (cancelled) return;
        const pending = seriesRef.current;
        const next = seriesFromHistory(points);
        for (let i = 0; i < pending.t.length; i++) {
          const rx = pending.rx[i];
          const tx = pending.tx[i];
          if (rx != null && tx != null) appendSample(next, pending.t[i]! * 1000, rx, tx);
        }
        seriesRef.current = next;
        setState({ key, status: 'ready' });
        setRevision((r) => r + 1);
      },
      (err: unknown) => {
        if (!cancelled) setState({ key, status: 'error', error: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key, live, load]);

  // A new tick adds its point while the tick renders (appendSample takes a tick once): the chart draws it in
  // the commit that shows the tick's rows, one render and one frame per tick. (Added in a layout effect that
  // set state, every tick was a second render of the whole tab before the paint: issue 15.)
  const appended = useRef(0);
  if (live && tickAt !== null && rates && appendSample(seriesRef.current, tickAt, rates.rx, rates.tx))
    appended.current++;

  return { series: seriesRef.current, revision: revision + appended.current, state };
}

/** The chart, or what stands in its place (loading, an error, waiting for two samples). */
export function RateHistoryChart({
  selected,
  history,
  labels,
  gapNote,
}: {
  selected: string;
  history: RateHistory;
  labels?: { rx: string; tx: string };
  /** Said under the chart while its lines have a break: why samples are missing. */
  gapNote?: string;
}) {
  const st = history.state;
  if (!st || st.status === 'loading')
    return (
      <div className="chart-state" role="status">
        Loading the last 10 minutes of <Inert text={selected} max={40} />…
      </div>
    );
  if (st.status === 'error')
    return (
      <div className="chart-state error" role="alert">
        Could not load the history of <Inert text={selected} max={40} />: <Inert text={st.error ?? ''} />
      </div>
    );
  const waiting = history.series.t.length < 2;
  const chart = (
    <div className="chart-box">
      <RateChart
        data={history.series}
        revision={history.revision}
        labels={labels}
        label={`Receive and transmit rates of ${selected} over the last 10 minutes`}
      />
      {waiting ? (
        <div className="chart-overlay" role="status">
          Waiting for rate samples: a rate needs two readings a second apart…
        </div>
      ) : null}
    </div>
  );
  return gapNote && history.series.rx.includes(null) ? (
    <>
      {chart}
      <p className="chart-note">{gapNote}</p>
    </>
  ) : (
    chart
  );
}
