// A modal dialog: focus moves in and stays in, Escape closes, focus returns to where it was.
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useOverflows } from './overflows.js';

/** Whether `el` is a Tab stop as a radio button goes: any element but a radio; a radio that is its group's checked
 *  one, or its group's first where none is checked. */
function radioStop(el: HTMLElement, within: HTMLElement): boolean {
  if (!(el instanceof HTMLInputElement) || el.type !== 'radio' || !el.name) return true;
  const group = Array.from(within.querySelectorAll<HTMLInputElement>('input[type="radio"]')).filter(
    (r) => r.name === el.name && !r.disabled,
  );
  const checked = group.find((r) => r.checked);
  return checked ? checked === el : group[0] === el;
}

/** How far a key scrolls the dialog's body: a line, or a page less a line so that the reader keeps their place. */
const LINE_PX = 40;
const SCROLL_KEYS: Record<string, (body: HTMLElement) => number> = {
  ArrowDown: () => LINE_PX,
  ArrowUp: () => -LINE_PX,
  PageDown: (body) => Math.max(LINE_PX, body.clientHeight - LINE_PX),
  PageUp: (body) => -Math.max(LINE_PX, body.clientHeight - LINE_PX),
  Home: (body) => -body.scrollHeight,
  End: (body) => body.scrollHeight,
};

/** Whether a key pressed on `el` is free to scroll the body: a plain button does nothing with it (a field, a select,
 *  a radio or a menu's item has its own use for the arrows and Home/End; the focused body scrolls itself). */
function leavesScrollKeys(el: EventTarget): boolean {
  return el instanceof HTMLButtonElement && (el.getAttribute('role') ?? 'button') === 'button';
}

function focusInside(dialog: HTMLElement | null): void {
  const el = dialog?.querySelector<HTMLElement>('[data-autofocus]') ?? dialog?.querySelector<HTMLElement>('button');
  el?.focus();
}

/** `title` names the dialog for assistive technology; `heading`, when given, is what is shown (it may hold
 *  isolated, escaped names: see Inert.tsx). */
export function Dialog(props: {
  title: string;
  heading?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  actions: ReactNode;
  describedBy?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLElement>(null);
  // A body taller than the dialog's room scrolls: it is then a Tab stop (a named region) and the scrolling keys on a
  // button move it, or a keyboard never saw its end (the shortcuts' last eight rows at 900 × 600, Escape among them:
  // the focus went round the buttons alone, and no key scrolled: a new user's review). Read after each render (the
  // content changed) and as its box changes size (the window did).
  const overflows = useOverflows(bodyRef);
  useEffect(() => {
    const previous = document.activeElement;
    focusInside(ref.current);
    return () => {
      if (previous instanceof HTMLElement) previous.focus();
    };
  }, []);
  // When the dialog's buttons change (an action finished and its buttons went away), focus would fall to
  // the page: keep it in the dialog, so Escape and Tab go on working.
  useEffect(() => {
    if (!ref.current?.contains(document.activeElement)) focusInside(ref.current);
  });
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      props.onClose();
    } else if (e.key === 'Tab') {
      // A group of radio buttons is one stop, as the browser makes it: its checked one (the first where none is),
      // the arrows choosing within it (Export's three formats were three stops: a new user's review of 12-06).
      const focusable = Array.from(
        ref.current?.querySelectorAll<HTMLElement>('button, input, select, [tabindex="0"]') ?? [],
      ).filter((el) => !el.hasAttribute('disabled') && radioStop(el, ref.current!));
      if (focusable.length === 0) return;
      const i = focusable.indexOf(document.activeElement as HTMLElement);
      const next = e.shiftKey ? (i <= 0 ? focusable.length - 1 : i - 1) : (i + 1) % focusable.length;
      focusable[next]!.focus();
      e.preventDefault();
    } else if (
      overflows &&
      bodyRef.current &&
      SCROLL_KEYS[e.key] &&
      !(e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) &&
      !e.defaultPrevented &&
      leavesScrollKeys(e.target)
    ) {
      bodyRef.current.scrollTop += SCROLL_KEYS[e.key]!(bodyRef.current);
      e.preventDefault();
    }
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the backdrop is not a control: a press outside the dialog closes it, as Escape does from the keyboard (onKeyDown below).
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div
        ref={ref}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        aria-describedby={props.describedBy}
        onKeyDown={onKeyDown}
      >
        <h2 className="dialog-title">{props.heading ?? props.title}</h2>
        <section
          ref={bodyRef}
          className="dialog-body"
          tabIndex={overflows ? 0 : undefined}
          aria-label={overflows ? `${props.title} (scrolls)` : undefined}
        >
          {props.children}
        </section>
        <div className="dialog-actions">{props.actions}</div>
      </div>
    </div>
  );
}

/** A dialog's Cancel (Close once its action is done). It has the focus when the dialog opens: Enter on a
 *  freshly opened Kill or Close dialog must never kill or close anything. */
export function DismissButton(props: { done: boolean; onClose: () => void; doneLabel?: string }) {
  return (
    <button type="button" onClick={props.onClose} data-autofocus>
      {props.done ? (props.doneLabel ?? 'Close') : 'Cancel'}
    </button>
  );
}
