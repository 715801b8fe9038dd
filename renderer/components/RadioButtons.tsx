// A segmented control: one of a few choices, drawn as a row of toggle buttons (the ARIA radio group pattern).
import type { ReactNode } from 'react';

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
  return (
    <div className="segmented" role="radiogroup" aria-label={props.label}>
      {props.options.map((o) => (
        // biome-ignore lint/a11y/useSemanticElements: a segmented control of buttons (the toolbar's look and keyboard), which native radio inputs would have to be restyled into.
        <button
          key={o.value}
          type="button"
          role="radio"
          id={o.id}
          title={o.title}
          aria-checked={props.value === o.value}
          className="toggle"
          onClick={() => props.onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
