// A segmented control: one of a few choices, drawn as a row of toggle buttons (the ARIA radio group pattern). The
// group is one Tab stop, its checked button (the first while none is); the arrow keys, Home and End choose another
// and move the focus to it, as native radio buttons do (each button was a Tab stop of its own: a new user's review of
// 12-05).
import { type KeyboardEvent, type ReactNode, useRef } from 'react';

export interface RadioOption<T extends string> {
  value: T;
  label: ReactNode;
  /** An id for the button (a panel labelled by it). */
  id?: string;
  title?: string;
}

/** The option a key moves to from option `at` of `count`, or null for a key that moves nothing. */
export function radioStep(key: string, at: number, count: number): number | null {
  if (key === 'ArrowRight' || key === 'ArrowDown') return (at + 1) % count;
  if (key === 'ArrowLeft' || key === 'ArrowUp') return (at - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}

export function RadioButtons<T extends string>(props: {
  label: string;
  options: readonly RadioOption<T>[];
  value: T;
  onChange: (value: T) => void;
}) {
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const checked = props.options.findIndex((o) => o.value === props.value);
  const stop = Math.max(checked, 0);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const at = buttons.current.indexOf(e.target as HTMLButtonElement);
    if (at < 0) return;
    const next = radioStep(e.key, at, props.options.length);
    if (next === null) return;
    e.preventDefault();
    e.stopPropagation();
    buttons.current[next]?.focus();
    if (next !== checked) props.onChange(props.options[next]!.value);
  };
  return (
    <div className="segmented" role="radiogroup" aria-label={props.label} onKeyDown={onKeyDown}>
      {props.options.map((o, i) => (
        // biome-ignore lint/a11y/useSemanticElements: a segmented control of buttons (the toolbar's look and keyboard), which native radio inputs would have to be restyled into.
        <button
          key={o.value}
          ref={(el) => {
            buttons.current[i] = el;
          }}
          type="button"
          role="radio"
          id={o.id}
          title={o.title}
          aria-checked={props.value === o.value}
          tabIndex={i === stop ? 0 : -1}
          className="toggle"
          onClick={() => props.onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
