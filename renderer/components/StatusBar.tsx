// The status bar: rows shown and total, the last tick's duration, what the collector skipped, limited
// process information, and which host, platform and version this is.
import type { HostInfo } from '../../shared/protocol.js';
import { formatClock, formatCount } from '../../shared/format.js';
import { inertText } from '../../shared/inert-text.js';
import { useData } from '../store/data.js';
import { isOffline } from '../api/client.js';
import type { PanelStats } from '../store/view.js';
import { useCapture } from '../store/capture.js';
import { showsCapture } from '../store/source.js';
import { tabById, type TabId } from '../../shared/tabs.js';
import type { Dataset, Diagnostics } from '../../shared/types.js';
import { memo, type ReactNode, useEffect, useRef, useState } from 'react';
import { isAgentNotice, useAgent } from '../store/agent.js';
import { useClient } from '../api/context.js';
import { useLastCopy } from './clipboard.js';
import { useSelectedHostState } from '../store/hosts.js';

/** What the denied-owners badge says first: "1 socket" or "N sockets" without an owner, "in this capture" for an
 *  opened capture (its owners are what the file held: running as administrator here would not add any). */
export function deniedOwnersLead(denied: number, capture: boolean): string {
  const lead = `${formatCount(denied)} socket${denied === 1 ? '' : 's'} without an owner`;
  return capture ? `${lead} in this capture` : lead;
}

/** What the bar says of the rows a tab shows: "3 of 40 routes" where a filter chose them from a total, "12 changes" (or
 *  "1 change") where the view lists all it has, then what the count leaves unsaid in brackets. */
export function rowsText(panel: PanelStats): string {
  const count =
    panel.total === undefined
      ? `${formatCount(panel.shown)} ${panel.shown === 1 ? (panel.one ?? panel.noun) : panel.noun}`
      : `${formatCount(panel.shown)} of ${formatCount(panel.total)} ${panel.noun}`;
  return panel.note ? `${count} (${panel.note})` : count;
}

/** "N sockets without an owner" and, where the host can start its administrator helper, the way to see them. */
function DeniedOwners({ denied }: { denied: number }) {
  const client = useClient();
  const agent = useAgent();
  const lastNotice = useData((s) => s.notices[s.notices.length - 1]);
  const agentNoticeId = lastNotice && isAgentNotice(lastNotice.code) ? lastNotice.id : 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: agentNoticeId is the trigger: ask again each time the host reports that the helper started, was refused or stopped.
  useEffect(() => {
    void useAgent.getState().refresh(client);
  }, [agentNoticeId, client]);
  const status = agent.status;
  const starting = agent.busy || status?.state === 'starting';
  const offer = status?.elevation.available && status.state !== 'running';
  const why = status && !status.elevation.available ? (status.elevation.reason ?? '') : (status?.message ?? '');
  return (
    <span className="badge warn" data-status="denied" title={why}>
      {deniedOwnersLead(denied, false)}
      {starting ? (
        ' · asking for administrator rights…'
      ) : offer ? (
        <>
          {' · '}
          <button
            type="button"
            className="link-button"
            data-action="show-all-processes"
            onClick={() => void agent.elevate(client)}
          >
            Show all processes…
          </button>
        </>
      ) : status?.state === 'running' ? null : (
        ': run as administrator to see them'
      )}
    </span>
  );
}

/** The tick duration the status bar shows: the one shown before (`shown`) while the new one (`ms`) stays
 *  within a factor of 1.5 of it, else the new one. A figure redrawn every second for a millisecond of jitter
 *  cost an idle page a frame a second (0.2-0.5 % of a core: docs/performance.md, "The renderer at rest"); the
 *  tooltip's collection time still changes every tick. */
export function steadyDuration(shown: number | null, ms: number): number {
  return shown !== null && ms <= shown * 1.5 && ms * 1.5 >= shown ? shown : ms;
}

/** How many of the last ticks' durations the figure follows (their median). */
export const DURATION_WINDOW = 9;

/** The durations of the last DURATION_WINDOW ticks, and the figure they make: their median, held still by
 *  steadyDuration. On a loaded machine single ticks take 3 to 15 times the usual (a neighbour's burst, a
 *  collection of garbage): followed one by one, the figure changed on most ticks even at rest. The median
 *  moves when most ticks do, within a few ticks of a real change. */
export class TickDurations {
  private readonly recent: number[] = [];
  private lastAt = Number.NaN;
  private shown: number | null = null;

  /** The figure to show after the tick that started at `at` took `ms` (a tick seen again is not counted). */
  add(at: number, ms: number): number {
    if (at !== this.lastAt) {
      this.lastAt = at;
      this.recent.push(ms);
      if (this.recent.length > DURATION_WINDOW) this.recent.shift();
      const sorted = [...this.recent].sort((a, b) => a - b);
      this.shown = steadyDuration(this.shown, sorted[(sorted.length - 1) >> 1]!);
    }
    return this.shown!;
  }
}

/** Each dataset's TickDurations: the bar shows the active tab's dataset, and a tab switched to shows its own
 *  ticks' figure at once, not the median of the tab left (Routes' 0.5 ms for 5 ticks after Connections' 15). */
export class TickFigures {
  private readonly byDataset = new Map<Dataset, TickDurations>();

  add(dataset: Dataset, at: number, ms: number): number {
    let durations = this.byDataset.get(dataset);
    if (durations === undefined) this.byDataset.set(dataset, (durations = new TickDurations()));
    return durations.add(at, ms);
  }
}

/** How long the bar says that ticks were skipped after the count last grew: news while it happens, then a fact in
 *  the tick figure's description (a new user read "1 late tick skipped", there for hours, as a fault going on). */
export const LATE_SHOWN_MS = 60_000;

/** The host's count of late ticks as this page sees it grow: the count a page first meets happened before it. */
export class LateTicks {
  private count = -1;
  private grewAt = Number.NEGATIVE_INFINITY;

  /** Whether the count grew within LATE_SHOWN_MS of `at` (a tick's time). */
  recent(count: number, at: number): boolean {
    if (this.count >= 0 && count > this.count) this.grewAt = at;
    this.count = count;
    return count > 0 && at - this.grewAt < LATE_SHOWN_MS;
  }
}

// In the words of what a user sees: a reading of the system, not the monitor's tick ("tick 8.0 ms · 2 late ticks
// skipped" meant little to a new user, review of 12-06).
const lateText = (n: number) => `${n} late reading${n === 1 ? '' : 's'} skipped`;
/** What a late reading is, and what to do about it ("N late readings skipped" said neither: a new user's review of
 *  12-07). */
export const LATE_MEANS =
  '. A reading still running when the next was due: that one was skipped, not queued. The machine was busy, or the refresh is short for this many sockets (Refresh sets it).';

/** What the tick's figure says under the pointer: the last collection's time, and the late readings, with what they
 *  mean. */
export function tickDescription(at: number, lagCount: number): string {
  const late = lagCount > 0 ? ` · ${lateText(lagCount)} since NetLens started${LATE_MEANS}` : '';
  return `Last collection at ${formatClock(at)}${late}`;
}

/** The tick's figure. The last collection's time changes every tick, and Blink recalculates style when an element's
 *  title changes (not its aria-description): as a title it cost every tab a style recalc, pre-paint and layerize a
 *  tick, the only ones on Routes and History at rest, for a tooltip read only under the pointer. So the time is the
 *  span's description (what a screen reader reads), and its title only while the pointer is on it. */
function TickFigure({ at, lagCount, children }: { at: number; lagCount: number; children: ReactNode }) {
  const [hovered, setHovered] = useState(false);
  const lastCollection = tickDescription(at, lagCount);
  return (
    <span
      data-status="tick"
      aria-description={lastCollection}
      title={hovered ? lastCollection : undefined}
      onPointerEnter={() => setHovered(true)}
      onPointerLeave={() => setHovered(false)}
    >
      {children}
    </span>
  );
}

/** The tooltips of the skipped-lines and sources-unavailable badges. Lines and reasons carry OS text (interface and
 *  process names, what ip printed): shown escaped (control and bidi characters), one a line. */
export function diagnosticsTitles(diag: Diagnostics | undefined | null): {
  skippedTitle: string;
  missingTitle: string;
} {
  return {
    skippedTitle: diag?.samples.map((x) => inertText(`${x.source}: ${x.reason}: ${x.line}`)).join('\n') ?? '',
    missingTitle: diag?.missing.map((m) => inertText(`${m.source}: ${m.reason}`)).join('\n') ?? '',
  };
}

/** What runs where: the host, its platform (a span of its own), version and rights; its whole text is its tooltip,
 *  the bar cutting it first in a narrow window. */
function HostFacts({ info }: { info: HostInfo }) {
  const kind = `${info.host === 'electron' ? 'Electron' : 'Browser'} host · `;
  const rest = ` ${info.arch} · ${info.appName} ${info.appVersion}${info.privileged ? ' · administrator' : ''}`;
  return (
    <span data-status="host" className="statusbar-host" title={kind + info.platform + rest}>
      {kind}
      <span data-status="platform">{info.platform}</span>
      {rest}
    </span>
  );
}

/** What the last copy put on the clipboard, for a few seconds; read out once (a polite live region, so always in the
 *  bar, empty between copies). Memoised: the bar renders at every tick, this only when a copy is made or ends. */
const CopyNews = memo(function CopyNews() {
  const copy = useLastCopy();
  return (
    <span role="status" data-status="copied" className={copy && !copy.ok ? 'badge error' : undefined}>
      {copy ? (copy.ok ? `Copied ${copy.what}` : `Could not copy ${copy.what}: the clipboard refused it`) : ''}
    </span>
  );
});

export function StatusBar({
  info,
  activeTab,
  panel,
}: {
  info: HostInfo | null;
  activeTab: TabId;
  panel: PanelStats | null;
}) {
  const tab = tabById(activeTab);
  const [dataset, secondary] = tab.datasets as [Dataset, Dataset | undefined];
  const ds = useData((s) => s.datasets[dataset]);
  // A tab may show a second dataset (Interfaces shows multicast): its collector's errors count too.
  const secondaryError = useData((s) => (secondary ? s.datasets[secondary].error : null));
  const status = useData((s) => s.status);
  const offline = useData((s) => isOffline(s.connection));
  // The capture in the shown tab's place: a tab whose datasets are live shows its tick's figures beside an open one.
  const capture = useCapture();
  const captured = showsCapture(capture, activeTab);
  const agentRunning = useAgent((a) => a.status?.state === 'running');
  const durations = useRef<TickFigures | null>(null);
  durations.current ??= new TickFigures();
  const duration = ds.tick ? durations.current.add(dataset, ds.tick.at, ds.tick.durationMs) : 0;
  const late = useRef<LateTicks | null>(null);
  late.current ??= new LateTicks();
  const lateNow = ds.tick ? late.current.recent(ds.tick.lagCount, ds.tick.at) : false;
  const diag = ds.diagnostics;
  const { skippedTitle, missingTitle } = diagnosticsTitles(diag);
  // A remote host shown alone and not connected: its state where the tick's figure would be (the figure is this
  // machine's read, which said "read in 1.0 ms" beside a host that never answered).
  const unreachedState = useSelectedHostState();
  const unreached = unreachedState === null ? null : inertText(unreachedState);
  return (
    // Not a live region: it changes every tick, and announcing each would drown everything else out.
    <footer className="statusbar" role="contentinfo" aria-label="Status">
      {offline ? (
        // The rows and figures stay as they were; said here too, where the tick's figures would read as live (a new
        // user's review of 12-05).
        <span className="badge error" data-status="offline">
          Disconnected{ds.tick ? `: as at ${formatClock(ds.tick.at)}` : ''}
        </span>
      ) : null}
      {panel ? <span data-status="rows">{rowsText(panel)}</span> : null}
      {panel?.selected ? <span data-status="selected">{formatCount(panel.selected)} selected</span> : null}
      <CopyNews />
      {captured ? null : unreached !== null ? (
        <span className="badge warn" data-status="host-state" title={unreached}>
          {unreached}
        </span>
      ) : ds.tick ? (
        <TickFigure at={ds.tick.at} lagCount={ds.tick.lagCount}>
          read in {duration.toFixed(duration < 10 ? 1 : 0)} ms
          {lateNow ? ` · ${lateText(ds.tick.lagCount)}` : ''}
        </TickFigure>
      ) : null}
      {status?.paused ? (
        <span className="badge warn" data-status="paused">
          Paused
        </span>
      ) : null}
      {diag && diag.skipped > 0 ? (
        <span className="badge warn" title={skippedTitle} data-status="skipped">
          {formatCount(diag.skipped)} unreadable line{diag.skipped === 1 ? '' : 's'} skipped
        </span>
      ) : null}
      {diag && diag.missing.length > 0 ? (
        <span className="badge" title={missingTitle} data-status="missing">
          {diag.missing.length} source{diag.missing.length === 1 ? '' : 's'} unavailable
        </span>
      ) : null}
      {ds.error ? (
        <span className="badge error" title={ds.error.message} data-status="collector-error">
          Collector error: {ds.error.message}
        </span>
      ) : null}
      {secondaryError && secondary ? (
        <span className="badge error" title={secondaryError.message} data-status="collector-error">
          {secondary} collector error: {secondaryError.message}
        </span>
      ) : null}
      {panel?.denied ? (
        captured ? (
          <span className="badge warn" data-status="denied">
            {deniedOwnersLead(panel.denied, true)}
          </span>
        ) : (
          <DeniedOwners denied={panel.denied} />
        )
      ) : null}
      {agentRunning && !captured ? (
        <span
          className="badge"
          data-status="agent"
          title="The administrator helper attributes every process's sockets for this session"
        >
          all processes
        </span>
      ) : null}
      <span className="statusbar-spacer" />
      {info ? <HostFacts info={info} /> : <span>connecting…</span>}
    </footer>
  );
}
