// A toolbar that never wraps or clips: controls that do not fit move, from the end, into a "More" menu
// (as desktop toolbars do), and come back when the window grows. Each control says what it becomes in the
// menu. Widths are measured, so it follows the real fonts and labels, not guessed breakpoints.
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { Menu, type MenuItem } from './Menu.js';

export interface BarItem {
  id: string;
  node: ReactNode;
  /** What the control becomes in the More menu. */
  menu: MenuItem[];
  /** Stays on the bar whatever the width (the filter box). */
  pinned?: boolean;
}

export function OverflowBar(props: {
  label: string;
  className?: string;
  /** Left to right; a null is a spacer that pushes what follows to the right. */
  items: (BarItem | null)[];
}) {
  const barRef = useRef<HTMLDivElement>(null);
  const moreRef = useRef<HTMLButtonElement>(null);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [menuAt, setMenuAt] = useState<{ x: number; y: number } | null>(null);
  const hiddenRef = useRef(hidden);
  hiddenRef.current = hidden;
  const ids = props.items.map((i) => (i ? `${i.id}${i.pinned ? '!' : ''}` : '|')).join(' ');

  // biome-ignore lint/correctness/useExhaustiveDependencies: ids is the trigger: the effect measures and observes the bar's item elements, which React renders from the items; measure again when they change.
  useLayoutEffect(() => {
    const bar = barRef.current;
    if (!bar) return;
    const measure = () => {
      const els = Array.from(bar.querySelectorAll<HTMLElement>(':scope > [data-bar-item]'));
      const more = moreRef.current;
      // Show everything (pinned controls at full width), then move items out from the end (pinned ones
      // stay) until the shown ones fit. Widths are summed rather than read from scrollWidth, so popovers of
      // the controls (the filter's help) do not count.
      for (const el of els) {
        el.style.display = '';
        if (el.dataset.pinned !== undefined) el.style.flexShrink = '0';
      }
      if (more) more.style.display = 'none';
      const next = new Set<string>();
      const style = getComputedStyle(bar);
      const gap = Number.parseFloat(style.columnGap) || 0;
      // The room inside the bar's padding, and a gap beside each spacer too: counted from the bar's whole width and
      // without those, items seemed to fit by up to 26 px and the pinned ones shrank for them (History's views wrapped
      // their labels at 1100 px, "What / changed": a new user's review of 12-07).
      const room =
        bar.clientWidth - (Number.parseFloat(style.paddingLeft) || 0) - (Number.parseFloat(style.paddingRight) || 0);
      const spacers = bar.querySelectorAll(':scope > .toolbar-spacer').length;
      const fits = () => {
        let width = 0;
        let count = spacers;
        for (const el of [...els, more]) {
          if (!el || el.style.display === 'none') continue;
          width += el.getBoundingClientRect().width;
          count++;
        }
        return width + gap * Math.max(0, count - 1) <= room + 0.5;
      };
      for (let i = els.length - 1; i >= 0 && !fits(); i--) {
        const el = els[i]!;
        if (el.dataset.pinned !== undefined) continue;
        if (more) more.style.display = '';
        el.style.display = 'none';
        next.add(el.dataset.barItem!);
      }
      // Hand the styles back to React, which renders the result.
      for (const el of els) {
        el.style.display = hiddenRef.current.has(el.dataset.barItem!) ? 'none' : '';
        el.style.flexShrink = '';
      }
      if (more) more.style.display = hiddenRef.current.size > 0 ? '' : 'none';
      const prev = hiddenRef.current;
      if (prev.size !== next.size || [...next].some((id) => !prev.has(id))) setHidden(next);
    };
    measure();
    // The bar's width and each control's (a label that changes, Pause to Resume).
    const observer = new ResizeObserver(measure);
    observer.observe(bar);
    for (const el of bar.querySelectorAll(':scope > [data-bar-item]')) observer.observe(el);
    return () => observer.disconnect();
  }, [ids]);

  const menuItems = props.items.flatMap((item) =>
    item && hidden.has(item.id) ? item.menu.map((m, i) => (i === 0 ? { ...m, separatorBefore: true } : m)) : [],
  );
  if (menuItems[0]) menuItems[0] = { ...menuItems[0], separatorBefore: false };

  return (
    <div ref={barRef} className={`overflow-bar ${props.className ?? ''}`} role="toolbar" aria-label={props.label}>
      {props.items.map((item, i) =>
        item === null ? (
          // A spacer is known by the item before it.
          <div key={`spacer-after-${props.items[i - 1]?.id ?? ''}`} className="toolbar-spacer" />
        ) : (
          <div
            key={item.id}
            className="bar-item"
            data-bar-item={item.id}
            data-pinned={item.pinned ? '' : undefined}
            style={hidden.has(item.id) ? { display: 'none' } : undefined}
          >
            {item.node}
          </div>
        ),
      )}
      <button
        ref={moreRef}
        type="button"
        className="bar-more"
        aria-label={`More in ${props.label}`}
        title="More"
        aria-haspopup="menu"
        aria-expanded={menuAt !== null}
        style={hidden.size > 0 ? undefined : { display: 'none' }}
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          setMenuAt({ x: r.right - 220, y: r.bottom + 4 });
        }}
      >
        ⋯
      </button>
      {menuAt ? (
        <Menu label={`More in ${props.label}`} items={menuItems} at={menuAt} onClose={() => setMenuAt(null)} />
      ) : null}
    </div>
  );
}
