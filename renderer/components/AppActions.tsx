// The app's actions beside the tabs: refresh interval, pause, open a capture, export, theme, about. What does
// not fit moves into the ⋯ menu (OverflowBar).
import { INTERVALS_MS, type IntervalMs } from '../../shared/protocol.js';
import { updateSettings, useSettings, type ThemeChoice } from '../store/settings.js';
import { OverflowBar } from './OverflowBar.js';

const THEMES: [ThemeChoice, string][] = [
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
}) {
  const theme = useSettings((s) => s.theme);
  const { paused, capture, intervalMs } = props;
  return (
    <OverflowBar
      label="NetLens"
      className="app-actions"
      items={[
        null,
        {
          id: 'refresh',
          node: (
            <label className="field">
              <span>Refresh</span>
              <select
                aria-label="Refresh interval"
                disabled={capture}
                title={capture ? 'A capture is a single reading: go back to live data to refresh' : undefined}
                value={intervalMs}
                onChange={(e) => props.onInterval(Number(e.target.value) as IntervalMs)}
              >
                {INTERVALS_MS.map((ms) => (
                  <option key={ms} value={ms}>{`${ms / 1000} s`}</option>
                ))}
              </select>
            </label>
          ),
          menu: INTERVALS_MS.map((ms, i) => ({
            id: `refresh-${ms}`,
            label: `Refresh every ${ms / 1000} s`,
            checked: intervalMs === ms,
            separatorBefore: i === 0,
            disabled: capture,
            reason: capture ? 'a capture does not refresh' : undefined,
            onSelect: () => props.onInterval(ms),
          })),
        },
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
        {
          id: 'theme',
          node: (
            <label className="field">
              <span>Theme</span>
              <select
                aria-label="Theme"
                value={theme}
                onChange={(e) => updateSettings({ theme: e.target.value as ThemeChoice })}
              >
                {THEMES.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
          ),
          menu: THEMES.map(([value, label], i) => ({
            id: `theme-${value}`,
            label: `Theme: ${label}`,
            checked: theme === value,
            separatorBefore: i === 0,
            keepOpen: false,
            onSelect: () => updateSettings({ theme: value }),
          })),
        },
        {
          id: 'about',
          node: (
            <button
              type="button"
              aria-label="About NetLens"
              title="About NetLens: version and data credits"
              onClick={props.onAbout}
            >
              ?
            </button>
          ),
          menu: [{ id: 'about', label: 'About NetLens…', onSelect: props.onAbout }],
        },
      ]}
    />
  );
}
