// A button that stays pressed or not (aria-pressed): Hide loopback, Highlights, Local table, Hide down, Hide zero
// counters. The toolbars' look for an option that is on or off.
import type { ReactNode } from 'react';

export function ToggleButton(props: {
  pressed: boolean;
  /** Called with the state the press asks for. */
  onToggle: (pressed: boolean) => void;
  title: string;
  /** The id of the element the button shows or hides. */
  controls?: string;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className="toggle"
      aria-pressed={props.pressed}
      aria-controls={props.controls}
      onClick={() => props.onToggle(!props.pressed)}
      title={props.title}
    >
      {props.children}
    </button>
  );
}
