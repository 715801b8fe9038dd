// "As it was": a moment or a range picked on the timeline or typed, and the connections and listeners open
// then, in the Connections grid with its filter language, and exportable.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { parseFilter, withTerm, type ConnectionMode } from '../../../shared/filter.js';
import { formatBytes, formatClock, formatDateTime, isoTime } from '../../../shared/format.js';
import {
  notRecordedText,
  unreadableText,
  type RecordGap,
  type RecordPause,
  type TimelinePoint,
} from '../../../shared/record.js';
import type { RecordedRows } from '../../../shared/protocol.js';
import { useClient } from '../../api/context.js';
import { OverflowBar } from '../../components/OverflowBar.js';
import { RadioButtons } from '../../components/RadioButtons.js';
import { DataGrid } from '../../components/DataGrid.js';
import type { GridColumn } from '../../store/grid-model.js';
import { usePanelReport } from '../../store/view.js';
import { filterLine, useViewDescription } from '../../store/exports.js';
import { useNames } from '../../store/names.js';
import { useServiceIndex } from '../../store/host-info.js';
import type { NameLookup } from '../../../shared/names.js';
import { ADDRESSES_ONLY, connectionColumns, TRAFFIC_COLUMNS } from '../Connections/columns.js';
import { FilterBox } from '../Connections/FilterBox.js';
import { connectionRowItems } from '../Connections/row-items.js';
import { Menu } from '../../components/Menu.js';
import { connectionModeItem } from '../Connections/Toolbar.js';
import {
  download,
  historyCsv,
  historyJson,
  NARROW_VIEW,
  PAUSES_SHOWN,
  toHistoryRow,
  toLocalInput,
  type HistoryRow,
} from './rows.js';
import { MomentField } from './MomentField.js';
import { TimelineStrip } from './Timeline.js';
import { useTabText } from '../../store/tab-state.js';
import { inertText } from '../../../shared/inert-text.js';
import { isolated } from '../../components/Inert.js';

const SPANS = [
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 hour', ms: 3_600_000 },
  { label: '6 hours', ms: 6 * 3_600_000 },
  { label: '24 hours', ms: 86_400_000 },
  { label: '7 days', ms: 7 * 86_400_000 },
];

/** Columns of the live grid the record has no value for. */
const NOT_RECORDED: ReadonlySet<string> = new Set([
  'recvQ',
  'sendQ',
  'inode',
  'cmdline',
  ...TRAFFIC_COLUMNS.map((c) => c.id),
]);

/** The Closed column's meaning (its header's tooltip). */
export const CLOSED_MEANING =
  'When it closed; "still open" where it is open now (recording runs), "still open at" the moment recording stopped while it was open (when it closed after is not known)';

export function historyColumns(onProcessClick: (name: string) => void, names: NameLookup): GridColumn<HistoryRow>[] {
  // What the record keeps of a connection: not its queues, inode or command line, nor the live traffic columns
  // (rates, tcp_info, socket memory: read each tick, never recorded); its byte totals are its own columns below.
  const base = (connectionColumns(onProcessClick, names, ADDRESSES_ONLY) as unknown as GridColumn<HistoryRow>[]).filter(
    (c) => !NOT_RECORDED.has(c.id),
  );
  const at = (t: number | null) => (t === null ? '' : formatDateTime(t));
  // Open now (its recording runs) or open when its recording stopped, then not seen again: "open at <the last write>"
  // read as when it opened, and said "when recording stopped" of a recording that had not (a new user's review of
  // 12-07).
  const closedText = (r: HistoryRow) =>
    r.recorded.closedAt !== null
      ? at(r.recorded.closedAt)
      : r.openNow
        ? 'still open'
        : `still open at ${at(r.recorded.lastSeen)}`;
  // The kernel's CLOSE, in the word the live tab uses for a connection gone (a new user's review of 12-06).
  const lastState = (r: HistoryRow) => (r.state === 'CLOSE' ? 'CLOSED' : r.state);
  // First seen first: the record is read in time, and its rows open sorted by it, newest first (at the far right,
  // the sort had no marker on screen: the same review).
  // With its day where it is not today's: the record spans a week, and the live grid's clock alone said nothing of
  // which day (a whole date and time on every row took the width Process needs at 1100 px).
  const firstSeenText = (r: HistoryRow) => {
    const t = r.firstSeen ?? null;
    if (t === null) return '';
    return new Date(t).toDateString() === new Date().toDateString() ? formatClock(t) : at(t);
  };
  const firstSeen = base
    .filter((c) => c.id === 'firstSeen')
    .map((c) => ({
      ...c,
      text: firstSeenText,
      render: (r: HistoryRow) => <span title={at(r.firstSeen ?? null)}>{firstSeenText(r)}</span>,
      description: 'When the record first saw it (its day too, where not today)',
    }));
  return [
    ...firstSeen,
    // The last state the record saw it in, open: a row of a moment when it was open read CLOSED (a new user's review
    // of 12-05) because it closed later. Whether and when it closed is the Closed column's.
    ...base
      .filter((c) => c.id !== 'firstSeen')
      .map((c) =>
        c.id === 'state'
          ? {
              ...c,
              header: 'Last state',
              description: 'The last state the record saw it in; the Closed column says whether and when it closed',
              sortValue: lastState,
              text: lastState,
            }
          : c,
      ),
    {
      id: 'states',
      header: 'States',
      width: 200,
      sortValue: (r) => r.recorded.states.join(' '),
      text: (r) => r.recorded.states.join(' → '),
      description: 'The states it went through',
    },
    {
      id: 'closed',
      header: 'Closed',
      width: 150,
      sortValue: (r) => r.recorded.closedAt ?? r.recorded.lastSeen,
      text: closedText,
      value: (r) => isoTime(r.recorded.closedAt),
      render: (r) =>
        r.recorded.closedAt === null && !r.openNow ? (
          <span
            title={`Recording stopped at ${at(r.recorded.lastSeen)} while it was open: when it closed is not known`}
          >
            {closedText(r)}
          </span>
        ) : (
          closedText(r)
        ),
      renderFitsText: true,
      description: CLOSED_MEANING,
    },
    {
      id: 'bytesSent',
      header: 'Sent',
      width: 80,
      align: 'right',
      sortValue: (r) => r.recorded.bytesSent,
      text: (r) => formatBytes(r.recorded.bytesSent),
      value: (r) => r.recorded.bytesSent,
      valueHeader: 'Sent (bytes)',
      description: bytesMeaning('sent'),
    },
    {
      id: 'bytesReceived',
      header: 'Received',
      width: 80,
      align: 'right',
      sortValue: (r) => r.recorded.bytesReceived,
      text: (r) => formatBytes(r.recorded.bytesReceived),
      value: (r) => r.recorded.bytesReceived,
      valueHeader: 'Received (bytes)',
      description: bytesMeaning('received'),
    },
  ];
}

/** What the record's byte columns hold: a connection's total, not its bytes up to the moment shown (a still-open row's
 *  read 2.08 MiB at a moment it had moved 0.9: a new user's review of 12-07). */
export const bytesMeaning = (way: 'sent' | 'received') =>
  `Bytes ${way} over the whole connection: its total at its close, or for one still open its total when the record last wrote it (every 5 minutes), whatever the moment shown`;

const DEFAULT_SORT = [{ id: 'firstSeen', desc: true }];

const MOMENT_OR_RANGE = [
  { value: 'moment', label: 'At a moment' },
  { value: 'range', label: 'Over a range' },
] as const;

const moment = (t: number) => ({ from: t, to: t });

/** A range's length when one is made from a moment. */
export const RANGE_MS = 15 * 60_000;

/** The range "Over a range" makes of a moment (`from` = `to`) or keeps: RANGE_MS from the moment on, ending now at
 *  the latest; a moment less than RANGE_MS ago gives the RANGE_MS up to now (from the moment alone, a moment just
 *  before now made a range of 2 s: a new user's review of 12-05). A range stays as it is. */
export function asRange(s: { from: number; to: number }, now: number): { from: number; to: number } {
  if (s.to !== s.from) return s;
  const to = Math.max(s.to, Math.min(now, s.from + RANGE_MS));
  return { from: Math.min(s.from, to - RANGE_MS), to };
}

/** How long a moment chosen waits before the record is asked for it (keys held on the timeline choose many). */
const ASK_AFTER_MS = 120;

export function AsItWas() {
  const client = useClient();
  const [span, setSpan] = useState(SPANS[1]!.ms);
  const [now, setNow] = useState(() => Date.now());
  const [points, setPoints] = useState<TimelinePoint[]>([]);
  // One moment is from = to: each is read once (two clocks read a millisecond apart would make a range).
  const [selection, setChosen] = useState(() => moment(Date.now() - 5 * 60_000));
  // The moment first shown is 5 minutes back, unless the record begins later (NetLens started minutes ago): then
  // its first moment, where "Nothing recorded then." would be all it showed. Until a moment is chosen, or typing
  // in the field begins one: the record's first moment arriving then would replace what is being typed. Nor while
  // the caret is in the field (its text selected to be typed over, say): that answer is then shown for the moment
  // asked, and the field left as it is.
  const defaultMoment = useRef(true);
  const setSelection: typeof setChosen = useCallback((s) => {
    defaultMoment.current = false;
    setChosen(s);
  }, []);
  const keepMoment = useCallback(() => {
    defaultMoment.current = false;
  }, []);
  const inField = useRef(false);
  const fieldFocus = useCallback((focused: boolean) => {
    inField.current = focused;
  }, []);
  const [rows, setRows] = useState<HistoryRow[]>([]);
  const [omitted, setOmitted] = useState(0);
  const [unreadable, setUnreadable] = useState(0);
  // The range the rows shown were read for: the selection moves on before its answer comes (or when it fails).
  const [answered, setAnswered] = useState(selection);
  const [gap, setGap] = useState<RecordGap | null>(null);
  const [pauses, setPauses] = useState<{ gaps: RecordPause[]; gapsOmitted: number }>({ gaps: [], gapsOmitted: 0 });
  /** The record's first moment, once an answer said it (a moment asked before it). */
  const [begins, setBegins] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [query, setQuery] = useTabText('history.query');
  const [mode, setMode] = useState<ConnectionMode>('all');
  const [selectedId, setSelectedId] = useState<string | null>(null);

  // The strip follows the clock every 30 s.
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const from = now - span;
  useEffect(() => {
    let live = true;
    client.request('recordTimeline', { from, to: now }).then(
      (p) => live && setPoints(p),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [from, now, client]);
  // Whether an answer came: the status bar counts the rows from then (it said "0 of 0 recorded sockets" while the
  // first was on its way, each time the view was shown again: a new user's review of 12-07).
  const [received, setReceived] = useState(false);
  const apply = useCallback((r: RecordedRows, asked: typeof selection) => {
    setReceived(true);
    setRows(r.rows.map((row) => toHistoryRow(row, r.recordingAt ?? null)));
    setAnswered(asked);
    setOmitted(r.omitted);
    setUnreadable(r.unreadable);
    setGap(r.gap);
    setPauses({ gaps: r.gaps, gapsOmitted: r.gapsOmitted });
    setError(null);
  }, []);
  /** An answer saying the record begins after the default moment: whether it moves the moment there is decided
   *  once it is drawn (below), not when it arrives. Typing can begin in between: the answer's callback runs in one
   *  task and React draws it in a later one, and a keystroke drawn first must keep what it typed (the clean-clone
   *  CI of 0b7f88c lost that race: the field took the record's first moment under the typed one). */
  const [offer, setOffer] = useState<{ r: RecordedRows; asked: typeof selection; begins: number } | null>(null);
  useEffect(() => {
    let live = true;
    setLoading(true);
    // Asked once the moment holds still for a moment: an arrow key held on the timeline chooses a moment every
    // 30 ms, and each would be a query of the record (the host bounds them; the answers but the last are dropped).
    const ask = () =>
      client
        .request('recordConnections', { from: Math.round(selection.from), to: Math.round(selection.to) })
        .then(
          (r) => {
            if (!live) return;
            if (r.gap?.kind === 'before') {
              setBegins(r.gap.begins);
              if (defaultMoment.current) return setOffer({ r, asked: selection, begins: r.gap.begins });
            }
            apply(r, selection);
          },
          (e: Error) => live && setError(e.message),
        )
        .finally(() => live && setLoading(false));
    const timer = setTimeout(ask, ASK_AFTER_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [selection, client, apply]);
  // A layout effect: it runs before the browser handles another event, so the field cannot be typed in between.
  useLayoutEffect(() => {
    if (offer === null) return;
    setOffer(null);
    // An answer for a moment no longer asked is dropped, as one arriving late is.
    if (offer.asked !== selection) return;
    if (defaultMoment.current && !inField.current) {
      defaultMoment.current = false;
      setChosen(moment(offer.begins));
    } else apply(offer.r, offer.asked);
  }, [offer, selection, apply]);

  // Service names, host names and places as they are known now (the record keeps addresses and ports).
  const { names, epoch } = useNames(null);
  const services = useServiceIndex();
  // biome-ignore lint/correctness/useExhaustiveDependencies: epoch stands for the entries of the live names lookup (one object whose content changes), which the filter reads.
  const parsed = useMemo(() => parseFilter(query, names, services, 'recorded'), [query, names, services, epoch]);
  const onProcessClick = useCallback((name: string) => setQuery((q) => withTerm(q, 'proc', name)), [setQuery]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: epoch stands for the names' content, which the columns draw.
  const columns = useMemo(() => historyColumns(onProcessClick, names), [onProcessClick, names, epoch]);
  // A recorded connection's menu: the Connections tab's first items, its filters narrowing this view's query (the
  // grid's own menu had Copy row alone: a new user's review of 12-07). Nothing to close or kill in the past.
  const [menu, setMenu] = useState<{ row: HistoryRow; at: { x: number; y: number }; copy: () => void } | null>(null);
  const openMenu = useCallback(
    (row: HistoryRow, at: { x: number; y: number }, _selection: HistoryRow[], copy: () => void) =>
      setMenu({ row, at, copy }),
    [],
  );
  const shown = useMemo(() => {
    const q = parsed.ok && parsed.terms > 0 ? parsed.predicate : null;
    return rows.filter(
      (r) => (mode === 'all' || (mode === 'listening') === r.recorded.listener) && (q === null || q(r)),
    );
  }, [rows, parsed, mode]);
  usePanelReport(
    received ? { shown: shown.length, total: rows.length + omitted, noun: 'recorded sockets', denied: 0 } : null,
  );

  const pick = (t: number, extend: boolean) =>
    setSelection((s) => (extend ? { from: Math.min(s.from, t), to: Math.max(s.to, t) } : { from: t, to: t }));
  const isRange = selection.to !== selection.from;
  const stamp = toLocalInput(answered.from).replace(/[:T]/g, '-');

  // A moment typed past now is asked like any other, and said to be ahead of the record (a new user's review of
  // 12-06 read its "Nothing recorded then." as a fault).
  const future = selection.from > Date.now();
  const closedBy = (r: HistoryRow) => r.recorded.closedAt !== null && r.recorded.closedAt <= selection.to;
  // Rows drawn struck through say so (the same review found them unexplained).
  const struck = shown.some(closedBy);
  const caption = `${
    isRange
      ? `Open between ${formatDateTime(selection.from)} and ${formatDateTime(selection.to)}`
      : `Open at ${formatDateTime(selection.from)}${
          selection.from === begins ? ', when the record begins' : future ? ', in the future' : ''
        }`
  }${omitted > 0 ? ` (${omitted} more not shown: narrow the range)` : ''}${
    unreadable > 0 ? ` (${unreadableText(unreadable)})` : ''
  }`;
  // Said beside the rows, not in the caption: a longer caption pushed the toolbar's Export buttons into its ⋯ menu.
  const struckNote = struck ? `Rows struck through had closed by ${isRange ? 'the end of the range' : 'then'}.` : null;
  // What the record does not cover of the selection: its first moment, then the periods between recordings within it.
  const notRecorded = notRecordedText({ gap, ...pauses }, selection.from, 'rows', NARROW_VIEW, PAUSES_SHOWN);
  // The file is the rows alone, as `netlens history --format csv` writes them: what the view says of them besides
  // (the periods not recorded, rows past the cap or skipped) is in its notice (shared/record.ts historyCsv says why).
  const exportCsv = () => download(`netlens-history-${stamp}.csv`, 'text/csv', historyCsv(shown));
  // The JSON holds what the notice says besides the rows, as `netlens history --json` does; `filter`, what chose them.
  const filterText = [mode === 'all' ? '' : mode, parsed.ok && parsed.terms > 0 ? query.trim() : '']
    .filter(Boolean)
    .join(': ');
  const exportJson = () =>
    download(
      `netlens-history-${stamp}.json`,
      'application/json',
      historyJson(
        { from: answered.from, to: answered.to, omitted, unreadable, gap, ...pauses },
        shown,
        filterText === '' ? null : filterText,
      ),
    );
  // File → Export… (Ctrl+E) writes the grid as the other tabs' grids are written, with what chose its rows.
  useViewDescription('history', () => [caption, filterLine(filterText), ...notRecorded]);
  const exportItem = (id: string, label: string, run: () => void) => ({
    id,
    node: (
      <button type="button" onClick={run} disabled={shown.length === 0}>
        {label}
      </button>
    ),
    menu: [{ id, label, onSelect: run, disabled: shown.length === 0 }],
  });
  return (
    <div className="history-view">
      <div className="tab-toolbar" role="toolbar" aria-label="Timeline">
        <label className="field">
          <span>Span</span>
          <select aria-label="Timeline span" value={span} onChange={(e) => setSpan(Number(e.target.value))}>
            {SPANS.map((s) => (
              <option key={s.ms} value={s.ms}>{`last ${s.label}`}</option>
            ))}
          </select>
        </label>
        <RadioButtons
          label="Moment or range"
          options={MOMENT_OR_RANGE}
          value={isRange ? 'range' : 'moment'}
          onChange={(v) =>
            setSelection((s) => (v === 'moment' ? { from: s.from, to: s.from } : asRange(s, Date.now())))
          }
        />
        <MomentField
          caption={isRange ? 'From' : 'At'}
          label={isRange ? 'From' : 'Moment'}
          value={selection.from}
          onChange={(t) => setSelection((s) => (isRange ? { from: t, to: Math.max(t, s.to) } : { from: t, to: t }))}
          onEdit={keepMoment}
          onFocusChange={fieldFocus}
        />
        {isRange ? (
          <MomentField
            caption="To"
            label="To"
            value={selection.to}
            onChange={(t) => setSelection((s) => ({ from: Math.min(s.from, t), to: t }))}
          />
        ) : null}
        <button
          type="button"
          onClick={() => setSelection(moment(Date.now()))}
          title="Connections open now, as recorded"
        >
          Now
        </button>
      </div>
      <TimelineStrip points={points} from={from} to={now} selection={selection} onPick={pick} onChoose={setSelection} />
      <OverflowBar
        label="Recorded connection filters"
        className="tab-toolbar"
        items={[
          connectionModeItem(mode, setMode),
          {
            id: 'filter',
            pinned: true,
            node: <FilterBox query={query} onChange={setQuery} parsed={parsed} />,
            menu: [],
          },
          null,
          {
            id: 'caption',
            node: (
              <span className="muted" data-testid="history-caption">
                {caption}
              </span>
            ),
            menu: [{ id: 'caption', label: caption, disabled: true }],
          },
          exportItem('csv', 'Export CSV', exportCsv),
          exportItem('json', 'Export JSON', exportJson),
        ]}
      />
      {error ? (
        <div className="notice error" role="alert">
          {error}
        </div>
      ) : null}
      {notRecorded.length > 0 ? (
        <div className="notice history-gap" role="status" data-testid="history-gap">
          {notRecorded.join(' ')}
        </div>
      ) : null}
      {struckNote ? (
        <div className="history-legend muted" data-testid="history-legend">
          {struckNote}
        </div>
      ) : null}
      <DataGrid
        gridId="history"
        exportTab="history"
        label="Recorded connections"
        columns={columns}
        rows={shown}
        defaultSort={DEFAULT_SORT}
        rowClass={(r) => (closedBy(r) ? 'closed-quiet' : '')}
        selectedId={selectedId}
        onSelect={setSelectedId}
        onContextMenu={openMenu}
        empty={
          loading
            ? 'Reading the record…'
            : rows.length === 0
              ? future
                ? `That ${isRange ? 'range' : 'moment'} is in the future: nothing is recorded for it yet.`
                : 'Nothing recorded then.'
              : `Nothing recorded then matches${query ? ` “${isolated(inertText(query))}”` : ''}.`
        }
      />
      {menu ? (
        <Menu
          label="Recorded connection"
          items={connectionRowItems(menu.row, {
            filterProcess: onProcessClick,
            setQuery,
            copy: menu.copy,
            names,
            display: ADDRESSES_ONLY,
          })}
          at={menu.at}
          onClose={() => setMenu(null)}
        />
      ) : null}
    </div>
  );
}
