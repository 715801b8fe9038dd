// A popup menu with the ARIA menu pattern: focus moves into it, arrows move between items, Enter or Space
// activates, Escape or a click outside closes it and returns focus where it was.
import {
  type KeyboardEvent,
  type MouseEvent as ReactMouseEvent,
  type ReactNode,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { InertMessage } from './Inert.js';

export interface MenuItem {
  id: string;
  label: string;
  /** OS strings inside the label (a process name): the label is escaped whole (Inert), these are isolated. */
  names?: readonly string[];
  onSelect?: () => void;
  disabled?: boolean;
  /** Why the item is disabled: shown as its tooltip and read by screen readers. */
  reason?: string;
  checked?: boolean;
  /** With `checked`: one of several choices, of which one is checked (a radio), not an independent checkbox. */
  radio?: boolean;
  separatorBefore?: boolean;
  danger?: boolean;
  /** Leave the menu open after choosing it (checkboxes in a list of several). */
  keepOpen?: boolean;
}

export function Menu(props: {
  label: string;
  items: MenuItem[];
  at: { x: number; y: number };
  onClose: () => void;
  footer?: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState(props.at);
  const returnFocus = useRef<Element | null>(document.activeElement);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    setPos({
      x: Math.max(4, Math.min(props.at.x, window.innerWidth - r.width - 4)),
      y: Math.max(4, Math.min(props.at.y, window.innerHeight - r.height - 4)),
    });
    el.querySelector<HTMLElement>('[role^="menuitem"]:not([aria-disabled="true"])')?.focus();
  }, [props.at]);

  // The parent re-renders on every live update: read onClose through a ref so this runs once, on open and
  // close, and focus goes back where it was only when the menu really closes.
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  useEffect(() => {
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose.current();
    };
    const closeOnBlur = () => onClose.current();
    window.addEventListener('mousedown', close, true);
    window.addEventListener('blur', closeOnBlur);
    const previous = returnFocus.current;
    return () => {
      window.removeEventListener('mousedown', close, true);
      window.removeEventListener('blur', closeOnBlur);
      if (previous instanceof HTMLElement) previous.focus();
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    const items = Array.from(ref.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? []);
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown') items[(i + 1) % items.length]?.focus();
    else if (e.key === 'ArrowUp') items[(i - 1 + items.length) % items.length]?.focus();
    else if (e.key === 'Home') items[0]?.focus();
    else if (e.key === 'End') items[items.length - 1]?.focus();
    else if (e.key === 'Escape' || e.key === 'Tab') props.onClose();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div
      ref={ref}
      className="menu"
      role="menu"
      aria-label={props.label}
      style={{ left: pos.x, top: pos.y }}
      onKeyDown={onKeyDown}
    >
      {props.items.map((item) => {
        const select = () => {
          if (item.disabled) return;
          if (!item.keepOpen) props.onClose();
          item.onSelect?.();
        };
        const common = {
          'aria-disabled': item.disabled || undefined,
          'aria-description': item.disabled ? item.reason : undefined,
          title: item.disabled ? item.reason : undefined,
          className: `menu-item ${item.danger ? 'danger' : ''}`,
          'data-item': item.id,
          onClick: select,
          // The pointer moves the focus, as in a native menu: one item is highlighted, the one Enter chooses (the
          // item under the pointer and the focused one looked alike: a new user's review of 12-07). A disabled item
          // takes neither.
          onMouseMove: item.disabled
            ? undefined
            : (e: ReactMouseEvent<HTMLElement>) => {
                if (document.activeElement !== e.currentTarget) e.currentTarget.focus({ preventScroll: true });
              },
          onKeyDown: (e: KeyboardEvent) => {
            if (e.key !== 'Enter' && e.key !== ' ') return;
            // The item's key alone: Space went on to the page's shortcuts once the menu had closed, and paused NetLens
            // as it chose the item (a new user's review of 12-07).
            e.preventDefault();
            e.stopPropagation();
            select();
          },
        };
        const text = (
          <span className="menu-text">
            {/* One flex item (the column stacks its children): the label's parts stay on one line. */}
            <span>
              <InertMessage text={item.label} names={item.names ?? []} />
            </span>
            {item.disabled && item.reason ? <span className="menu-reason">{item.reason}</span> : null}
          </span>
        );
        return (
          <div key={item.id}>
            {item.separatorBefore ? <hr className="menu-separator" /> : null}
            {item.checked === undefined ? (
              <div role="menuitem" tabIndex={-1} {...common}>
                {text}
              </div>
            ) : item.radio ? (
              <div role="menuitemradio" aria-checked={item.checked} tabIndex={-1} {...common}>
                {checkMark(item.checked, true)}
                {text}
              </div>
            ) : (
              <div role="menuitemcheckbox" aria-checked={item.checked} tabIndex={-1} {...common}>
                {checkMark(item.checked)}
                {text}
              </div>
            )}
          </div>
        );
      })}
      {props.footer}
    </div>
  );
}

/** A checked item's mark: a dot for the one chosen of a group (a radio), a tick for an option on, as desktop menus tell
 *  them apart (both showed a tick: a new user's review of 12-07). */
function checkMark(checked: boolean, radio = false): ReactNode {
  return (
    <span className="check" aria-hidden="true">
      {checked ? (radio ? '•' : '✓') : ''}
    </span>
  );
}
