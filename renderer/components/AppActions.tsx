// The app's actions beside the tabs: refresh interval, pause, open a capture, export, theme, about. What does
// not fit moves into the ⋯ menu (OverflowBar).
import { INTERVALS_MS, type IntervalMs } from '../../shared/protocol.js';
import { updateSettings, useSettings, type ThemeChoice } from '../store/settings.js';
import { OverflowBar, type BarItem } from './OverflowBar.js';

/** A choice of a few values: a labelled select on the bar, checkable items in the More menu. */
function selectItem<T extends string | number>(c: {
  id: string;
  label: string;
  ariaLabel: string;
  options: readonly (readonly [T, string])[];
  value: T;
  onChange: (value: T) => void;
  menuLabel: (label: string) => string;
  disabled?: boolean;
  title?: string;
  reason?: string;
}): BarItem {
  return {
    id: c.id,
    node: (
      <label className="field">
        <span>{c.label}</span>
        <select
          aria-label={c.ariaLabel}
          disabled={c.disabled}
          title={c.title}
          value={c.value}
          onChange={(e) => c.onChange(c.options[e.target.selectedIndex]![0])}
        >
          {c.options.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
    ),
    menu: c.options.map(([value, label], i) => ({
      id: `${c.id}-${value}`,
      label: c.menuLabel(label),
      checked: c.value === value,
      radio: true,
      separatorBefore: i === 0,
      disabled: c.disabled,
      reason: c.reason,
      onSelect: () => c.onChange(value),
    })),
  };
}

const THEMES: readonly (readonly [ThemeChoice, string])[] = [
  ['system', 'System'],
  ['light', 'Light'],
  ['dark', 'Dark'],
];

export function AppActions(props: {
  paused: boolean;
  /** A capture is shown: it neither refreshes nor pauses. */
  capture: boolean;
  intervalMs: IntervalMs;
  onInterval: (ms: IntervalMs) => void;
  onPause: () => void;
  onOpen: () => void;
  onExport: () => void;
  onAbout: () => void;
  onShortcuts: () => void;
  /** The remote hosts' controls (HostSelector.tsx): their state chips first (the last to move into ⋯: a host that
   *  stopped answering stays in sight), the selector after Export… (Refresh, Pause, Open capture… and Export…
   *  keep their place at 1100 px), Add host… last, so that without hosts it is the first to move into ⋯. */
  hosts: { chips: BarItem | null; selector: BarItem | null; add: BarItem };
}) {
  const theme = useSettings((s) => s.theme);
  const { paused, capture, intervalMs } = props;
  return (
    <OverflowBar
      label="NetLens"
      className="app-actions"
      items={[
        null,
        // (A null would be a second spacer.)
        ...(props.hosts.chips ? [props.hosts.chips] : []),
        selectItem({
          id: 'refresh',
          label: 'Refresh',
          ariaLabel: 'Refresh interval',
          options: INTERVALS_MS.map((ms) => [ms, `${ms / 1000} s`] as const),
          value: intervalMs,
          onChange: props.onInterval,
          menuLabel: (label) => `Refresh every ${label}`,
          disabled: capture,
          title: capture ? 'A capture is a single reading: go back to live data to refresh' : undefined,
          reason: capture ? 'a capture does not refresh' : undefined,
        }),
        {
          id: 'pause',
          node: (
            <button
              type="button"
              className={paused ? 'primary' : ''}
              aria-pressed={paused}
              disabled={capture}
              title={capture ? 'A capture does not update: nothing to pause' : 'Pause or resume live updates (Space)'}
              onClick={props.onPause}
            >
              {paused ? 'Resume' : 'Pause'}
            </button>
          ),
          menu: [
            {
              id: 'pause',
              label: paused ? 'Resume (Space)' : 'Pause (Space)',
              disabled: capture,
              reason: capture ? 'a capture does not update' : undefined,
              onSelect: props.onPause,
            },
          ],
        },
        {
          id: 'open',
          node: (
            <button type="button" title="Open a saved netstat, ss, ip or route output (Ctrl+O)" onClick={props.onOpen}>
              Open capture…
            </button>
          ),
          menu: [{ id: 'open', label: 'Open capture… (Ctrl+O)', onSelect: props.onOpen }],
        },
        {
          id: 'export',
          node: (
            <button
              type="button"
              title="Export this tab's view as CSV, JSON or an HTML report (Ctrl+E)"
              onClick={props.onExport}
            >
              Export…
            </button>
          ),
          menu: [{ id: 'export', label: 'Export… (Ctrl+E)', onSelect: props.onExport }],
        },
        ...(props.hosts.selector ? [props.hosts.selector] : []),
        selectItem({
          id: 'theme',
          label: 'Theme',
          ariaLabel: 'Theme',
          options: THEMES,
          value: theme,
          onChange: (theme) => updateSettings({ theme }),
          menuLabel: (label) => `Theme: ${label}`,
        }),
        {
          id: 'about',
          node: (
            <button
              type="button"
              aria-label="Help: keyboard shortcuts"
              title="Keyboard shortcuts (? or F1), and About NetLens"
              onClick={props.onShortcuts}
            >
              ?
            </button>
          ),
          menu: [
            { id: 'shortcuts', label: 'Keyboard shortcuts…', onSelect: props.onShortcuts },
            { id: 'about', label: 'About NetLens…', onSelect: props.onAbout },
          ],
        },
        props.hosts.add,
      ]}
    />
  );
}
