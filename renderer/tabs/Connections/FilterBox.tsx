// The filter box with its query language, documented in a popover; an invalid query is marked as such and
// leaves the view as it was (shared/filter.ts parses it).
import { type ReactNode, type RefObject, useLayoutEffect, useRef, useState } from 'react';
import { FILTER_FIELDS, type ParsedFilter } from '../../../shared/filter.js';
import { inertText } from '../../../shared/inert-text.js';
import { useOverflows } from '../../components/overflows.js';

/** Space kept between the filter help (or error) and the window's edges. */
const HELP_MARGIN = 8;

/** Moves a popup under the box left as far as it runs past the window's right edge (never past its left one), and
 *  with `fitHeight` makes it no taller than the room below it (it scrolls within itself). */
function fitInWindow(el: HTMLElement, fitHeight: boolean): void {
  el.style.maxHeight = '';
  el.style.transform = '';
  const r = el.getBoundingClientRect();
  if (fitHeight) el.style.maxHeight = `${Math.max(120, window.innerHeight - r.top - HELP_MARGIN)}px`;
  const over = r.right - (document.documentElement.clientWidth - HELP_MARGIN);
  if (over > 0) el.style.transform = `translateX(${-Math.min(over, Math.max(0, r.left - HELP_MARGIN))}px)`;
}

/** Keeps `ref`'s popup inside the window while `shown` (and as the window is resized). */
function useFitInWindow(ref: RefObject<HTMLElement | null>, shown: unknown, fitHeight: boolean): void {
  useLayoutEffect(() => {
    const el = ref.current;
    if (!shown || !el) return;
    const place = () => fitInWindow(el, fitHeight);
    place();
    window.addEventListener('resize', place);
    return () => window.removeEventListener('resize', place);
  }, [ref, shown, fitHeight]);
}

/** `chip`: the process filter's chip, drawn in the box's place before its input (which narrows by as much), so that
 *  choosing a process moves nothing else in the toolbar (it pushed Highlights and Processes into ⋯, from under the
 *  pointer: a new user's review of 12-06). */
export function FilterBox(props: {
  query: string;
  onChange: (q: string) => void;
  parsed: ParsedFilter;
  chip?: ReactNode;
}) {
  const [help, setHelp] = useState(false);
  const helpRef = useRef<HTMLDivElement>(null);
  const helpButtonRef = useRef<HTMLButtonElement>(null);
  // The help's Close, or whatever in it has the focus, leaves with it: the focus goes back to the ? that opened it
  // (it fell to the page, and the next Tab started again from the window's top: a new user's review).
  const closeHelp = () => {
    if (helpRef.current?.contains(document.activeElement)) helpButtonRef.current?.focus();
    setHelp(false);
  };
  const errorRef = useRef<HTMLSpanElement>(null);
  const error = props.parsed.ok ? null : props.parsed.error;
  const invalid = error !== null;
  // The error shows below the box while the focus is in it (or its help): it lies over the grid's headers, so it steps
  // aside once the user goes elsewhere (a new user's review: it hid the sort marks for as long as the text stayed
  // wrong). It stays in the page for screen readers (the box's description) and as the box's tooltip; the box stays
  // marked invalid.
  const [within, setWithin] = useState(false);
  // The error quotes what was typed: its controls and bidi characters as escapes, as the grid draws them. A message
  // that ends in an ellipsis (a list cut short) takes no full stop after it.
  const said = error === null ? '' : inertText(error.replace(/\.$/, ''));
  const errorText = `${said}${said.endsWith('…') ? '' : '.'} The list keeps the last valid filter.`;
  // The help is taller than a small window below the toolbars (754 px at 800x600 ran 300 px past the bottom,
  // scrolling the whole page) and wider than the room right of the box: it is fitted inside the window and
  // scrolls within itself. The error, a line or two, wraps and moves left of the window's edge (the list of
  // known fields ran past it: a new user's review of 12-06).
  useFitInWindow(helpRef, help, true);
  // A help taller than its room scrolls within itself: then a Tab stop, so that the arrows and Page Down scroll it (the
  // Tab went from the ? to its Close, past fields a keyboard never saw, at 900 × 600: a new user's review of 12-07).
  // Measured after useFitInWindow has given it its height (layout effects run in order): before, it was found not to
  // overflow, and its Tab stop came a frame later, with the ResizeObserver's report.
  const helpScrolls = useOverflows(helpRef, help);
  useFitInWindow(errorRef, error, false);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: not a control: Escape bubbles here from the box, the help button and the help itself, and closes the help from any of them.
    <div
      className="filter"
      onFocus={() => setWithin(true)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setWithin(false);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && help) {
          closeHelp();
          e.stopPropagation();
        }
      }}
    >
      {props.chip}
      <input
        type="search"
        className={invalid ? 'invalid' : ''}
        // Beside the process chip the box is narrower: a short hint, not one cut mid-word ("Filter: text, prc").
        placeholder={props.chip ? 'More terms…' : 'Filter: text, proc:, port:, state:…'}
        aria-label="Filter connections"
        aria-invalid={invalid}
        aria-describedby={invalid ? 'filter-error' : undefined}
        title={invalid && !within ? errorText : undefined}
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
        ref={helpButtonRef}
        type="button"
        className="small"
        aria-expanded={help}
        aria-controls="filter-help"
        onClick={() => setHelp(!help)}
        title="Filter syntax"
      >
        ?
      </button>
      {error !== null ? (
        <span id="filter-error" ref={errorRef} className={within ? 'filter-error' : 'filter-error away'} role="alert">
          {errorText}
        </span>
      ) : null}
      {help ? (
        <div
          id="filter-help"
          ref={helpRef}
          className="popover"
          role="dialog"
          aria-label="Filter syntax"
          tabIndex={helpScrolls ? 0 : undefined}
        >
          <p>
            Words are matched anywhere (case-insensitive); all terms must match (there is no <code>OR</code>).{' '}
            <code>-term</code> negates a term; <code>"quoted values"</code> may hold spaces.
          </p>
          <p>
            A comma lists values, any of which matches: <code>state:listen,established</code>,{' '}
            <code>proc:sshd,nginx</code>; inside quotes a comma is part of a name. The traffic terms take one comparison
            each.
          </p>
          {/* Before the fields, which a short window shows only by scrolling (a new user's review of 12-05). */}
          <p>
            {/* Each example whole on its line: a wrap after `-` left the negation apart from its term. */}
            Examples: <code className="example">proc:firefox state:est</code> ·{' '}
            <code className="example">port:80,443 -addr:127.0.0.0/8</code> ·{' '}
            <code className="example">user:root lport:1-1023</code>
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
          <button type="button" className="small" onClick={closeHelp}>
            Close
          </button>
        </div>
      ) : null}
    </div>
  );
}
