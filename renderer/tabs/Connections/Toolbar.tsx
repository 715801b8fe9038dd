// The Connections tab's toolbar: protocol and family toggles, listening or connected, loopback, the filter
// and the process chip, then highlights, the process list, the action log and host names. What does not fit
// moves into its ⋯ menu (OverflowBar).
import {
  CONNECTION_MODES,
  SOCKET_TOGGLES,
  type ConnectionMode,
  type ConnectionToggles,
  type ParsedFilter,
} from '../../../shared/filter.js';
import { Inert, inertLabel, isolated } from '../../components/Inert.js';
import { type BarItem, OverflowBar } from '../../components/OverflowBar.js';
import { RadioButtons } from '../../components/RadioButtons.js';
import { updateSettings, useSettings } from '../../store/settings.js';
import { FilterBox } from './FilterBox.js';
import { memo } from 'react';
import { ToggleButton } from '../../components/ToggleButton.js';

function setToggle(change: Partial<ConnectionToggles>): void {
  updateSettings((s) => ({ toggles: { ...s.toggles, ...change } }));
}

/** Listening or connected, as a toolbar item: a radio group on the bar and radios in its ⋯ menu (they were
 *  checkboxes there, though one alone is ever on: a new user's review). History's "As it was" has the same. */
export function connectionModeItem(mode: ConnectionMode, onChange: (mode: ConnectionMode) => void): BarItem {
  return {
    id: 'mode',
    node: (
      <RadioButtons
        label="Listening or connected"
        options={CONNECTION_MODES.map((m) => ({ value: m.mode, label: m.label }))}
        value={mode}
        onChange={onChange}
      />
    ),
    menu: CONNECTION_MODES.map(({ mode: m, label }) => ({
      id: `mode-${m}`,
      label: `Show ${label.toLowerCase()}`,
      checked: mode === m,
      radio: true,
      onSelect: () => onChange(m),
    })),
  };
}

/** Memoised: its props change with the user's choices, not with the rows, so a tick does not re-render it
 *  (each render rewrote the filter box's attributes, a style recalculation a tick: issue 15). */
export const ConnectionsToolbar = memo(function ConnectionsToolbar(props: {
  query: string;
  onQuery: (query: string) => void;
  parsed: ParsedFilter;
  processFilter: string | null;
  onProcessFilter: (name: string | null) => void;
  showProcessList: boolean;
  onToggleProcessList: () => void;
  /** A capture is shown: its addresses are not resolved. */
  capture: boolean;
  onDialog: (kind: 'log' | 'names') => void;
}) {
  const toggles = useSettings((s) => s.toggles);
  const highlights = useSettings((s) => s.highlights);
  const resolveNames = useSettings((s) => s.resolveNames);
  const { query, parsed, processFilter, showProcessList, capture } = props;
  return (
    <OverflowBar
      label="Connection filters"
      className="tab-toolbar"
      items={[
        {
          id: 'protocols',
          node: (
            // biome-ignore lint/a11y/useSemanticElements: toggle buttons grouped in a toolbar, not a section of a form (a fieldset brings a legend and form layout).
            <div className="segmented" role="group" aria-label="Protocols and families">
              {SOCKET_TOGGLES.map((b) => (
                <button
                  key={b.key}
                  type="button"
                  className="toggle"
                  aria-pressed={toggles[b.key]}
                  title={b.title}
                  onClick={() => setToggle({ [b.key]: !toggles[b.key] })}
                >
                  {b.label}
                </button>
              ))}
            </div>
          ),
          menu: SOCKET_TOGGLES.map((b) => ({
            id: `toggle-${b.key}`,
            label: b.title,
            checked: toggles[b.key],
            keepOpen: true,
            onSelect: () => setToggle({ [b.key]: !toggles[b.key] }),
          })),
        },
        connectionModeItem(toggles.mode, (mode) => setToggle({ mode })),
        {
          id: 'loopback',
          node: (
            <ToggleButton
              pressed={toggles.hideLoopback}
              onToggle={(hideLoopback) => setToggle({ hideLoopback })}
              title="Hide sockets that only talk to this machine"
            >
              Hide loopback
            </ToggleButton>
          ),
          menu: [
            {
              id: 'loopback',
              label: 'Hide loopback',
              checked: toggles.hideLoopback,
              onSelect: () => setToggle({ hideLoopback: !toggles.hideLoopback }),
            },
          ],
        },
        {
          id: 'filter',
          pinned: true,
          node: (
            <FilterBox
              query={query}
              onChange={props.onQuery}
              parsed={parsed}
              chip={
                processFilter === null ? null : (
                  <span
                    className="chip"
                    data-testid="process-filter"
                    title={`Process: ${isolated(inertLabel(processFilter, 4000))}`}
                  >
                    <span className="chip-text">
                      Process: <Inert text={processFilter} max={40} />
                    </span>
                    <button
                      type="button"
                      className="chip-clear"
                      aria-label={`Clear the process filter ${isolated(inertLabel(processFilter))}`}
                      onClick={() => props.onProcessFilter(null)}
                    >
                      ×
                    </button>
                  </span>
                )
              }
            />
          ),
          menu: [],
        },
        null,
        {
          id: 'highlights',
          node: (
            <ToggleButton
              pressed={highlights}
              onToggle={(on) => updateSettings({ highlights: on })}
              title="Green: new; yellow: changed; red: closed"
            >
              Highlights
            </ToggleButton>
          ),
          menu: [
            {
              id: 'highlights',
              label: 'Highlights',
              checked: highlights,
              onSelect: () => updateSettings({ highlights: !highlights }),
            },
          ],
        },
        {
          id: 'processes',
          node: (
            <ToggleButton
              pressed={showProcessList}
              controls="process-list"
              onToggle={props.onToggleProcessList}
              title="Show or hide the list of processes"
            >
              Processes
            </ToggleButton>
          ),
          menu: [
            { id: 'processes', label: 'Processes', checked: showProcessList, onSelect: props.onToggleProcessList },
          ],
        },
        {
          id: 'log',
          node: (
            <button type="button" onClick={() => props.onDialog('log')} title="What NetLens killed or closed, and when">
              Action log
            </button>
          ),
          menu: [{ id: 'log', label: 'Action log…', onSelect: () => props.onDialog('log') }],
        },
        // Last: at narrow widths it is the first to move into the ⋯ menu (as Resolve names and Name settings…).
        {
          id: 'names',
          node: (
            // biome-ignore lint/a11y/useSemanticElements: toggle buttons grouped in a toolbar, not a section of a form (a fieldset brings a legend and form layout).
            <div className="segmented" role="group" aria-label="Host names">
              <button
                type="button"
                className="toggle"
                aria-pressed={resolveNames}
                onClick={() => updateSettings({ resolveNames: !resolveNames })}
                title={`Show host names (reverse DNS) instead of remote addresses (Ctrl+R)${capture ? '; a capture shows addresses' : ''}`}
              >
                Resolve names
              </button>
              <button
                type="button"
                className="toggle"
                aria-label="Name settings…"
                title="Name settings: fully qualified names, DNS server"
                onClick={() => props.onDialog('names')}
              >
                …
              </button>
            </div>
          ),
          menu: [
            {
              id: 'resolve',
              label: 'Resolve names',
              checked: resolveNames,
              onSelect: () => updateSettings({ resolveNames: !resolveNames }),
            },
            { id: 'names-settings', label: 'Name settings…', onSelect: () => props.onDialog('names') },
          ],
        },
      ]}
    />
  );
});
