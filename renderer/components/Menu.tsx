// A popup menu with the ARIA menu pattern: focus moves into it, arrows move between items, Enter or Space
// activates, Escape or a click outside closes it and returns focus where it was.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface MenuItem {
  id: string;
  label: string;
  onSelect?: () => void;
  disabled?: boolean;
  /** Why the item is disabled: shown as its tooltip and read by screen readers. */
  reason?: string;
  checked?: boolean;
  separatorBefore?: boolean;
  danger?: boolean;
}

export function Menu(props: { label: string; items: MenuItem[]; at: { x: number; y: number }; onClose: () => void; footer?: ReactNode }) {
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

  useEffect(() => {
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) props.onClose();
    };
    const closeOnBlur = () => props.onClose();
    window.addEventListener('mousedown', close, true);
    window.addEventListener('blur', closeOnBlur);
    const previous = returnFocus.current;
    return () => {
      window.removeEventListener('mousedown', close, true);
      window.removeEventListener('blur', closeOnBlur);
      if (previous instanceof HTMLElement) previous.focus();
    };
  }, [props]);

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
    <div ref={ref} className="menu" role="menu" aria-label={props.label} style={{ left: pos.x, top: pos.y }} onKeyDown={onKeyDown}>
      {props.items.map((item) => (
        <div key={item.id}>
          {item.separatorBefore ? <div className="menu-separator" role="separator" /> : null}
          <div
            role={item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
            aria-checked={item.checked}
            aria-disabled={item.disabled || undefined}
            aria-description={item.disabled ? item.reason : undefined}
            title={item.disabled ? item.reason : undefined}
            tabIndex={-1}
            className={`menu-item ${item.danger ? 'danger' : ''}`}
            data-item={item.id}
            onClick={() => {
              if (item.disabled) return;
              props.onClose();
              item.onSelect?.();
            }}
            onKeyDown={(e) => {
              if ((e.key === 'Enter' || e.key === ' ') && !item.disabled) {
                e.preventDefault();
                props.onClose();
                item.onSelect?.();
              }
            }}
          >
            {item.checked !== undefined ? <span className="check" aria-hidden="true">{item.checked ? '✓' : ''}</span> : null}
            {item.label}
            {item.disabled && item.reason ? <span className="menu-reason">{item.reason}</span> : null}
          </div>
        </div>
      ))}
      {props.footer}
    </div>
  );
}
