// A segmented control: one of a few choices, drawn as a row of toggle buttons (the ARIA radio group pattern). The
// group is one Tab stop, its checked button (the first while none is); the arrow keys, Home and End choose another
// and move the focus to it, as native radio buttons do (each button was a Tab stop of its own: a new user's review of
// 12-05).
import type { KeyboardEvent, ReactNode } from 'react';
import { rovingStep } from './roving-keys.js';

export interface RadioOption<T extends string> {
  value: T;
  label: ReactNode;
  /** An id for the button (a panel labelled by it). */
  id?: string;
  title?: string;
}

export function RadioButtons<T extends string>(props: {
  label: string;
  options: readonly RadioOption<T>[];
  value: T;
  onChange: (value: T) => void;
}) {
  const checked = props.options.findIndex((o) => o.value === props.value);
  const stop = Math.max(checked, 0);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const radios = Array.from(e.currentTarget.querySelectorAll<HTMLElement>(':scope > [role="radio"]'));
    const at = radios.indexOf(e.target as HTMLElement);
    if (at < 0) return;
    const next = rovingStep(e.key, at, radios.length, true);
    if (next === null) return;
    e.preventDefault();
    e.stopPropagation();
    radios[next]!.focus();
    if (next !== checked) props.onChange(props.options[next]!.value);
  };
  return (
    <div className="segmented" role="radiogroup" aria-label={props.label} onKeyDown={onKeyDown}>
      {props.options.map((o, i) => (
        // biome-ignore lint/a11y/useSemanticElements: a segmented control of buttons (the toolbar's look and keyboard), which native radio inputs would have to be restyled into.
        <button
          key={o.value}
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
