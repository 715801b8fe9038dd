// A moment typed and shown in the one 24-hour form NetLens uses everywhere (`2026-12-03 14:07:32`), whatever the
// browser's locale: a datetime-local input shows the locale's form (12/03/2026, 02:07:32 AM in en-US) and no
// attribute changes that in Chromium. Enter or leaving the field asks for the moment; a moment that is not one
// says why below the field and asks nothing; Escape puts back the moment asked. ↑/↓ step the part under the caret
// (year, month, day, hour, minute or second) by one, as a date picker's arrows do.
import { useId, useState } from 'react';
import { formatDateTime } from '../../../shared/format.js';
import { isTimeOfDay, MOMENT_FORMAT, parseTypedMoment } from '../../../shared/record.js';

/** The part of `YYYY-MM-DD HH:MM:SS` a caret at `at` is in, as the Date setter that steps it. */
function partAt(at: number): (d: Date, by: number) => void {
  if (at <= 4) return (d, by) => d.setFullYear(d.getFullYear() + by);
  if (at <= 7) return (d, by) => d.setMonth(d.getMonth() + by);
  if (at <= 10) return (d, by) => d.setDate(d.getDate() + by);
  if (at <= 13) return (d, by) => d.setHours(d.getHours() + by);
  if (at <= 16) return (d, by) => d.setMinutes(d.getMinutes() + by);
  return (d, by) => d.setSeconds(d.getSeconds() + by);
}

export function MomentField(props: {
  label: string;
  caption: string;
  value: number;
  onChange: (ms: number) => void;
  /** The user typed in the field (before any moment is asked). */
  onEdit?: () => void;
  /** The caret went into the field (true) or left it (false): while it is there, what the field shows is the user's
   *  to type over, and a moment chosen for them elsewhere (the record's first one) must not replace it. */
  onFocusChange?: (focused: boolean) => void;
}) {
  const shown = formatDateTime(props.value);
  const [draft, setDraft] = useState(shown);
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  // A moment set elsewhere (a preset, the timeline, Now) replaces what was typed: in the render that shows it, not
  // in an effect after it, where a keystroke handled in between would be lost under it.
  const [was, setWas] = useState(shown);
  if (was !== shown) {
    setWas(shown);
    setDraft(shown);
    setError(null);
  }

  const commit = (text: string) => {
    const parsed = parseTypedMoment(text);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    setError(null);
    setDraft(formatDateTime(parsed.ms));
    if (parsed.ms !== props.value) props.onChange(parsed.ms);
  };

  return (
    <label className="field moment-field">
      <span>{props.caption}</span>
      <input
        type="text"
        className={`moment-input${error ? ' invalid' : ''}`}
        aria-label={props.label}
        aria-invalid={error !== null}
        aria-describedby={error ? errorId : undefined}
        placeholder={MOMENT_FORMAT}
        title={`${MOMENT_FORMAT}, 24-hour. Enter asks; ↑/↓ step the part under the caret; Escape undoes.`}
        inputMode="numeric"
        spellCheck={false}
        autoComplete="off"
        size={MOMENT_FORMAT.length}
        value={draft}
        onChange={(e) => {
          setDraft(e.target.value);
          props.onEdit?.();
        }}
        // A user (or a test's fill) selects the text, then types over it: the record's first moment drawn in between
        // put the caret at the end and the typing after it (the clean-clone CI of 3ed666b).
        onFocus={() => props.onFocusChange?.(true)}
        onBlur={() => {
          props.onFocusChange?.(false);
          if (draft !== shown || error) commit(draft);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit(draft);
          } else if (e.key === 'Escape' && (draft !== shown || error)) {
            e.stopPropagation();
            setDraft(shown);
            setError(null);
          } else if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && !e.altKey && !e.ctrlKey && !e.metaKey) {
            const parsed = parseTypedMoment(draft);
            // The caret names a part of the whole form (a time alone is made whole by Enter first).
            if (!parsed.ok || isTimeOfDay(draft)) return;
            e.preventDefault();
            const input = e.currentTarget;
            const caret = input.selectionStart ?? draft.length;
            const d = new Date(parsed.ms);
            partAt(caret)(d, e.key === 'ArrowUp' ? 1 : -1);
            commit(formatDateTime(d.getTime()));
            requestAnimationFrame(() => input.setSelectionRange(caret, caret));
          }
        }}
      />
      {error ? (
        <span id={errorId} className="moment-error" role="alert">
          {error}
        </span>
      ) : null}
    </label>
  );
}
