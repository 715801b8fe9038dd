// "What changed": now against a moment, or two moments. New things are marked as new rows are live (green),
// gone ones as closed rows are (red).
import { useEffect, useState, type ReactNode } from 'react';
import { formatCount, formatDateTime } from '../../../shared/format.js';
import {
  notRecordedText,
  placeText,
  unreadableText,
  briefOmittedText,
  type ChangesSummary,
  type RecordedConnection,
} from '../../../shared/record.js';
import { useClient } from '../../api/context.js';
import { Inert } from '../../components/Inert.js';
import { OverflowBar } from '../../components/OverflowBar.js';
import { RadioButtons } from '../../components/RadioButtons.js';
import { USER_MEANING } from '../Connections/columns.js';
import { usePanelReport } from '../../store/view.js';
import { changesStats } from './counts.js';
import { MomentField } from './MomentField.js';
import { NARROW_VIEW, PAUSES_SHOWN } from './rows.js';

/** Since when, in one press: a few minutes back as the CLI's `--since 10m`, up to a week. */
export const AGO = [
  { label: '5 min ago', ms: 5 * 60_000 },
  { label: '15 min ago', ms: 15 * 60_000 },
  { label: '1 hour ago', ms: 3_600_000 },
  { label: '24 hours ago', ms: 86_400_000 },
  { label: '7 days ago', ms: 7 * 86_400_000 },
];

/** How far back the view's first moment is when it opens: 1 hour ago. */
const OPENS_AGO = 3_600_000;

function endpoint(r: RecordedConnection): string {
  const proto = r.family === 'inet6' ? `${r.proto}6` : r.proto;
  if (r.proto === 'unix') return `${proto} ${r.path ?? ''}`;
  return `${proto} ${r.localAddress.includes(':') ? `[${r.localAddress}]` : r.localAddress}:${r.localPort}`;
}

/** The owning process, escaped and isolated (Inert), with its PID outside the name. */
const owner = (r: RecordedConnection): ReactNode =>
  r.process === null ? (
    '—'
  ) : (
    <>
      <Inert text={r.process} />
      {r.pid !== null ? ` (${r.pid})` : ''}
    </>
  );

/** Rows a section shows at first: a full answer (up to 20,000 rows a list, seven lists) would be a long render. */
export const SECTION_ROWS = 100;

/**
 * One list of what changed: its first SECTION_ROWS rows, then a button that shows as many more again (doubling,
 * so a few presses reach any length), with how many are not shown.
 */
/** New rows are highlighted as new rows are in the live tabs, gone ones as closed rows are. */
const ROW_CLASS = { new: 'hl-new', gone: 'closed' } as const;

/** A listener's row: where it listens, who listens, and when it began (new) or ended (gone); both for one that came
 *  and went within the range. */
function listenerRow(l: RecordedConnection, kind: 'new' | 'gone', at: number, until?: number): ReactNode {
  return (
    <tr key={l.id} className={ROW_CLASS[kind]}>
      <td>
        <Inert text={endpoint(l)} />
      </td>
      <td>{owner(l)}</td>
      <td>
        <Inert text={l.user ?? ''} />
      </td>
      <td>{formatDateTime(at)}</td>
      {until === undefined ? null : <td>{formatDateTime(until)}</td>}
    </tr>
  );
}

/** A process's row: its name, and when it was first (new) or last (gone) seen using the network. */
function processRow(process: string, kind: 'new' | 'gone', at: number): ReactNode {
  return (
    <tr key={process} className={ROW_CLASS[kind]}>
      <td>
        <Inert text={process} />
      </td>
      <td>{formatDateTime(at)}</td>
    </tr>
  );
}

export function Section<T>(props: {
  title: string;
  kind: 'new' | 'gone';
  items: readonly T[];
  row: (item: T) => ReactNode;
  headers: string[];
  /** What a header means, where it needs saying (its tooltip). */
  headerTitles?: Record<string, string>;
}) {
  const [shown, setShown] = useState(SECTION_ROWS);
  const count = props.items.length;
  const rest = count - shown;
  return (
    <section className="change-section" aria-label={props.title}>
      <h3>
        {props.title} <span className="muted">({formatCount(count)})</span>
      </h3>
      {count === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <>
          <table className={`change-table ${props.kind}`}>
            <thead>
              <tr>
                {props.headers.map((h) => (
                  <th key={h} scope="col" title={props.headerTitles?.[h]}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>{props.items.slice(0, shown).map(props.row)}</tbody>
          </table>
          {rest > 0 ? (
            <p className="change-more">
              <span className="muted">
                {formatCount(rest)} more not shown (the first {formatCount(shown)} of {formatCount(count)}).
              </span>{' '}
              <button type="button" onClick={() => setShown((n) => n * 2)}>
                Show {formatCount(Math.min(rest, shown))} more
              </button>
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

const COMPARE = [
  { value: 'now', label: 'Now vs a moment' },
  { value: 'two', label: 'Two moments' },
] as const;

/**
 * The moment pickers show whole seconds, so the moments asked are whole seconds too: what the picker shows is
 * what is compared, and picking the second it shows asks nothing new (a browser sends no change for it).
 */
const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

export function Changes() {
  const client = useClient();
  const [twoMoments, setTwoMoments] = useState(false);
  const [a, setA] = useState(() => wholeSecond(Date.now() - OPENS_AGO));
  // The "… ago" the first moment was set by, shown pressed (the view opened at 1 hour ago with none pressed: a new
  // user's review); a moment typed or picked otherwise presses none.
  const [ago, setAgo] = useState<number | null>(OPENS_AGO);
  const [b, setB] = useState(() => wholeSecond(Date.now()));
  const [summary, setSummary] = useState<ChangesSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [asked, setAsked] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: asked is the trigger: Refresh asks again for the same moments.
  useEffect(() => {
    let live = true;
    const to = twoMoments ? b : Date.now();
    const from = Math.min(a, to);
    client.request('recordChanges', { from, to }).then(
      (s) => {
        if (!live) return;
        setSummary(s);
        setError(null);
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [a, b, twoMoments, asked, client]);

  // The status bar counts what the lists hold (none before the first answer: not the count of the view left).
  usePanelReport(summary ? changesStats(summary) : null);

  // What the record does not cover of the range: its first moment, then the periods between recordings within it
  // (what opened and closed then is in no list).
  const notRecorded =
    summary === null ? [] : notRecordedText(summary, summary.asked, 'changes', NARROW_VIEW, PAUSES_SHOWN);

  const input = (label: string, value: number, set: (t: number) => void) => (
    <MomentField label={label} caption={label} value={value} onChange={set} />
  );

  const firstLabel = twoMoments ? 'First moment' : 'Since';
  /** The first moment, `ms` before now. */
  const back = (ms: number) => {
    setA(wholeSecond(Date.now() - ms));
    setAgo(ms);
  };
  const setFirst = (t: number) => {
    setA(t);
    setAgo(null);
  };

  return (
    <div className="history-view scroll">
      {/* Never wraps (at 900 px "7 days ago" and Refresh took a second row): the moments and Refresh stay, the
          rest goes into More (⋯) from the end. */}
      <OverflowBar
        label="What changed"
        className="tab-toolbar"
        items={[
          {
            id: 'compare',
            node: (
              <RadioButtons
                label="Compare"
                options={COMPARE}
                value={twoMoments ? 'two' : 'now'}
                onChange={(v) => setTwoMoments(v === 'two')}
              />
            ),
            menu: COMPARE.map((c) => ({
              id: `compare-${c.value}`,
              label: c.label,
              checked: twoMoments === (c.value === 'two'),
              radio: true,
              onSelect: () => setTwoMoments(c.value === 'two'),
            })),
          },
          { id: 'first', pinned: true, node: input(firstLabel, a, setFirst), menu: [] },
          ...AGO.map((x) => ({
            id: `ago-${x.ms}`,
            node: (
              <button type="button" className="toggle" aria-pressed={ago === x.ms} onClick={() => back(x.ms)}>
                {x.label}
              </button>
            ),
            menu: [
              {
                id: `ago-${x.ms}`,
                label: `${firstLabel}: ${x.label}`,
                checked: ago === x.ms,
                radio: true,
                onSelect: () => back(x.ms),
              },
            ],
          })),
          twoMoments
            ? { id: 'second', pinned: true, node: input('Second moment', b, setB), menu: [] }
            : {
                id: 'refresh',
                pinned: true,
                node: (
                  <button type="button" onClick={() => setAsked((n) => n + 1)} title="Compare with this very moment">
                    Refresh
                  </button>
                ),
                menu: [],
              },
        ]}
      />
      {error ? (
        <div className="notice error" role="alert">
          {error}
        </div>
      ) : null}
      {summary ? (
        // Other moments start each list at its first rows again; Refresh (now again) keeps what was shown.
        <div className="changes" data-testid="changes" key={`${summary.from} ${twoMoments ? summary.to : 'now'}`}>
          <p className="muted">
            From {formatDateTime(summary.from)} to {formatDateTime(summary.to)}
            {!twoMoments && Date.now() - summary.to > 60_000 ? ' (the last moment recorded)' : ''}
          </p>
          {notRecorded.length > 0 ? (
            <p className="notice" role="status" data-testid="changes-gap">
              {notRecorded.join(' ')}
            </p>
          ) : null}
          {summary.unreadable > 0 ? (
            <p className="notice warning" role="status">
              {unreadableText(summary.unreadable)}
            </p>
          ) : null}
          <Section
            title="New listeners"
            kind="new"
            items={summary.newListeners}
            headers={['Listening on', 'Process', 'User', 'Since']}
            headerTitles={{ User: USER_MEANING }}
            row={(l) => listenerRow(l, 'new', l.firstSeen)}
          />
          <Section
            title="Gone listeners"
            kind="gone"
            items={summary.goneListeners}
            headers={['Listened on', 'Process', 'User', 'Until']}
            headerTitles={{ User: USER_MEANING }}
            row={(l) => listenerRow(l, 'gone', l.closedAt ?? l.lastSeen)}
          />
          <Section
            title="Listeners that came and went"
            kind="gone"
            items={summary.briefListeners}
            headers={['Listened on', 'Process', 'User', 'From', 'Until']}
            headerTitles={{ User: USER_MEANING }}
            row={(l) => listenerRow(l, 'gone', l.firstSeen, l.closedAt ?? l.lastSeen)}
          />
          {summary.briefListenersOmitted > 0 ? (
            <p className="notice" role="status">
              {briefOmittedText(summary.briefListenersOmitted)}.
            </p>
          ) : null}
          <Section
            title="New remote hosts"
            kind="new"
            items={summary.newRemoteHosts}
            headers={['Address', 'Network', 'Process', 'First seen']}
            row={(h) => (
              <tr key={h.address} className="hl-new">
                <td>
                  <Inert text={h.address} />
                </td>
                <td>
                  <Inert text={h.network} />
                </td>
                <td>
                  <Inert text={h.process ?? '—'} />
                </td>
                <td>{formatDateTime(h.firstSeen)}</td>
              </tr>
            )}
          />
          <Section
            title="New networks"
            kind="new"
            items={summary.newNetworks}
            headers={['Network']}
            row={(n) => (
              <tr key={n} className="hl-new">
                <td>
                  <Inert text={n} />
                </td>
              </tr>
            )}
          />
          <Section
            title="Places processes reached for the first time"
            kind="new"
            items={summary.newPlaces}
            headers={['Process', 'Country, AS or network', 'First seen']}
            row={(p) => (
              <tr key={`${p.process}\n${p.place}`} className="hl-new">
                <td>
                  <Inert text={p.process} />
                </td>
                <td>
                  <Inert text={placeText(p.place)} />
                </td>
                <td>{formatDateTime(p.firstSeen)}</td>
              </tr>
            )}
          />
          <Section
            title="Processes that started using the network"
            kind="new"
            items={summary.startedProcesses}
            headers={['Process', 'First seen']}
            row={(p) => processRow(p.process, 'new', p.firstSeen)}
          />
          <Section
            title="Processes that stopped using the network"
            kind="gone"
            items={summary.stoppedProcesses}
            headers={['Process', 'Last seen']}
            row={(p) => processRow(p.process, 'gone', p.lastSeen)}
          />
        </div>
      ) : null}
    </div>
  );
}
