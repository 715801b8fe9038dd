// The filter box with its query language, documented in a popover; an invalid query is marked as such and
// leaves the view as it was (shared/filter.ts parses it).
import { useState } from 'react';
import { FILTER_FIELDS, type ParsedFilter } from '../../../shared/filter.js';

export function FilterBox(props: { query: string; onChange: (q: string) => void; parsed: ParsedFilter }) {
  const [help, setHelp] = useState(false);
  const invalid = !props.parsed.ok;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: not a control: Escape bubbles here from the box, the help button and the help itself, and closes the help from any of them.
    <div
      className="filter"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && help) {
          setHelp(false);
          e.stopPropagation();
        }
      }}
    >
      <input
        type="search"
        className={invalid ? 'invalid' : ''}
        placeholder="Filter: text, proc:, pid:, port:, addr:, state:…"
        aria-label="Filter connections"
        aria-invalid={invalid}
        aria-describedby={invalid ? 'filter-error' : undefined}
        value={props.query}
        onChange={(e) => props.onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && props.query && !help) {
            props.onChange('');
            e.stopPropagation();
          }
        }}
        spellCheck={false}
      />
      <button
        type="button"
        className="small"
        aria-expanded={help}
        aria-controls="filter-help"
        onClick={() => setHelp(!help)}
        title="Filter syntax"
      >
        ?
      </button>
      {!props.parsed.ok ? (
        <span id="filter-error" className="filter-error" role="alert">
          {props.parsed.error}
        </span>
      ) : null}
      {help ? (
        <div id="filter-help" className="popover" role="dialog" aria-label="Filter syntax">
          <p>
            Words are matched anywhere (case-insensitive); all terms must match. <code>-term</code> negates a term;
            <code>"quoted values"</code> may hold spaces.
          </p>
          <table>
            <tbody>
              {Object.entries(FILTER_FIELDS).map(([k, v]) => (
                <tr key={k}>
                  <td>
                    <code>{k}:</code>
                  </td>
                  <td>{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            Examples: <code>proc:firefox state:est</code> · <code>port:80,443 -addr:127.0.0.0/8</code> ·{' '}
            <code>user:root lport:1-1023</code>
          </p>
          <button type="button" className="small" onClick={() => setHelp(false)}>
            Close
          </button>
        </div>
      ) : null}
    </div>
  );
}
